// Command qualityloop-ferretdb runs the project's embedded development
// database: FerretDB v1 (a MongoDB wire-protocol server) on a PostgreSQL
// cluster that this launcher owns, both under one data folder.
//
// Why this shape (docs/decisions.md, "Embedded store"):
//   - No MongoDB server ships in Debian or npm; FerretDB does, as a Go module.
//     Its own cmd needs generated build files, so we embed its library here.
//   - Its SQLite backend pushes down no filter (every query decodes the whole
//     collection in Go), so it cannot hold years of history. Its PostgreSQL
//     backend pushes down top-level equality as `_jsonb->'f' @> v`, but the
//     btree indexes FerretDB creates for declared indexes cannot serve `@>`.
//     The launcher therefore installs an event trigger that gives every index
//     FerretDB creates a GIN (jsonb_path_ops) companion on its leading field:
//     the expression FerretDB's queries actually use. Production (MongoDB)
//     needs none of this.
//
// PostgreSQL runs as a child (as the `postgres` OS user when we are root,
// since the server refuses root), listening only on a Unix socket inside its
// data folder, and dies with the launcher (parent-death signal), so a killed
// launcher never leaves a server holding the data folder.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
)

// ginCompanions installs the trigger that gives each btree index FerretDB
// creates a GIN index on the same leading expression, in the form FerretDB's
// pushed-down filters use: `_jsonb -> 'f'` for a top-level field (dotted
// fields are not pushed down by the embeddable package). Also backfills
// existing indexes.
const ginCompanions = `
CREATE OR REPLACE FUNCTION qualityloop_gin_for(idx oid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  tbl regclass;
  lead text;
  keys text[];
  expr text;
BEGIN
  SELECT i.indrelid::regclass INTO tbl FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am a ON a.oid = c.relam WHERE i.indexrelid = idx AND a.amname = 'btree';
  IF tbl IS NULL THEN RETURN; END IF;
  lead := pg_get_indexdef(idx, 1, false);
  IF lead NOT LIKE '%_jsonb%' THEN RETURN; END IF;
  SELECT array_agg(m[1] ORDER BY n) INTO keys FROM regexp_matches(lead, '''((?:[^'']|'''')*)''::text', 'g') WITH ORDINALITY AS t(m, n);
  IF keys IS NULL THEN RETURN; END IF;
  keys := array(SELECT replace(k, '''''', '''') FROM unnest(keys) AS k);
  -- A dotted field would be queried as _jsonb #> '{a,b}', but the embeddable FerretDB
  -- package keeps nested pushdown off: such an index would serve nothing.
  IF array_length(keys, 1) <> 1 THEN RETURN; END IF;
  expr := format('(_jsonb -> %L)', keys[1]);
  -- fastupdate off: no pending list that every query would scan until a vacuum merges it
  -- (after a bulk load, queue pages slowed down twofold until then).
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s jsonb_path_ops) WITH (fastupdate = off)',
    'ql_gin_' || md5(tbl::text || expr), tbl, expr);
END
$fn$;

CREATE OR REPLACE FUNCTION qualityloop_gin_on_create() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
    PERFORM qualityloop_gin_for(cmd.objid);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS qualityloop_gin;
CREATE EVENT TRIGGER qualityloop_gin ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION qualityloop_gin_on_create();

SELECT qualityloop_gin_for(i.indexrelid) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%';
`

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "./data/ferretdb", "data folder (the PostgreSQL cluster lives in <data>/pg)")
	pgBin := flag.String("pg-bin", "", "folder with PostgreSQL's initdb and postgres (default: newest /usr/lib/postgresql/*/bin)")
	durable := flag.Bool("fsync", true, "fsync PostgreSQL writes (off only for throwaway test data: a process crash loses nothing either way, an OS crash would)")
	flag.Parse()

	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		log.Fatal(err)
	}
	if old, _ := filepath.Glob(filepath.Join(abs, "*.sqlite")); len(old) > 0 {
		log.Fatalf("%s holds data of an older qualityloop (FerretDB on SQLite), which this version does not read.\n"+
			"Move the whole data folder away (e.g. `mv data data.sqlite-backup`) and start again: npm run dev seeds fresh demo data.", abs)
	}

	bin, err := postgresBin(*pgBin)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	pg, err := startPostgres(ctx, bin, filepath.Join(abs, "pg"), *durable)
	if err != nil {
		log.Fatal(err)
	}
	defer pg.stop()

	db, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Handler:       "postgresql",
		PostgreSQLURL: pg.url,
	})
	if err != nil {
		pg.stop()
		log.Fatal(err)
	}

	// Readiness line (infra/launch.ts waits for the port).
	fmt.Printf("ferretdb listening on %s data=%s backend=postgresql\n", *listen, abs)
	if err := db.Run(ctx); err != nil && ctx.Err() == nil {
		pg.stop()
		log.Fatal(err)
	}
}

func postgresBin(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL server not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package (scripts/provision.sh does it when run as root) or pass -pg-bin")
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

type postgres struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed when the server has exited
}

// startPostgres initialises the cluster on first use, starts the server and
// installs the GIN companion trigger. The server listens on a Unix socket in
// its own folder only (no TCP port, no password: the folder's permissions
// are the access control).
func startPostgres(ctx context.Context, bin, dir string, durable bool) (*postgres, error) {
	cred, err := serverCredential(dir)
	if err != nil {
		return nil, err
	}
	if len(filepath.Join(dir, ".s.PGSQL.5432")) > 100 {
		return nil, fmt.Errorf("data folder path too long for a Unix socket (%s): use a shorter -data path", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		if err := initdb(bin, dir, cred); err != nil {
			return nil, err
		}
	}
	fsync := "off"
	if durable {
		fsync = "on"
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", dir,
		"-c", "listen_addresses=",
		"-c", "unix_socket_directories="+dir,
		"-c", "fsync="+fsync,
		// FerretDB sends `_jsonb -> $1 @> $2`; only a custom plan (parameters
		// substituted) matches the GIN index expressions.
		"-c", "plan_cache_mode=force_custom_plan",
		// Documents above ~2 kB live compressed out of line (TOAST), so a table
		// looks small to the planner while every row a scan filters must be
		// decompressed: it picks a sequential scan over the GIN index (11 ms
		// instead of 0.2 ms for one _id among 1,000 complaints). Every filter
		// FerretDB pushes down has a GIN companion, so scans are only the
		// fallback for what no index serves.
		"-c", "enable_seqscan=off",
		// With scans priced out, plans look expensive enough to trigger JIT compilation, which costs more than it saves here.
		"-c", "jit=off",
		"-c", "max_connections=100",
		"-c", "shared_buffers=128MB",
		"-c", "log_min_messages=warning",
	)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	if err := waitForPreviousServer(dir); err != nil {
		return nil, err
	}
	pg := &postgres{cmd: cmd, url: "postgres://ferretdb@/ferretdb?host=" + dir, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal fires when the OS thread that started the child ends, not the
		// process: this goroutine keeps its thread for as long as the server runs.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(pg.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting postgres: %w", err)
	}

	admin := "postgres://ferretdb@/postgres?host=" + dir
	deadline := time.Now().Add(60 * time.Second)
	var conn *pgx.Conn
	for {
		select {
		case <-pg.done:
			return nil, fmt.Errorf("postgres exited during start-up (see its log above)")
		default:
		}
		c, err := pgx.Connect(ctx, admin)
		if err == nil {
			if _, err = c.Exec(ctx, "SELECT 1"); err == nil {
				conn = c
				break
			}
			c.Close(ctx)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			pg.stop()
			return nil, fmt.Errorf("postgres not ready within 60 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ferretdb')").Scan(&exists); err != nil {
		pg.stop()
		return nil, err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE ferretdb"); err != nil {
			pg.stop()
			return nil, err
		}
	}
	fdb, err := pgx.Connect(ctx, pg.url)
	if err != nil {
		pg.stop()
		return nil, err
	}
	defer fdb.Close(ctx)
	if _, err := fdb.Exec(ctx, ginCompanions); err != nil {
		pg.stop()
		return nil, fmt.Errorf("installing GIN companion trigger: %w", err)
	}
	return pg, nil
}

// waitForPreviousServer waits (up to 15 s) for the server of a previous launcher to exit: a
// launcher killed with SIGKILL takes its server down through the parent-death signal, but the
// server needs a moment to stop, and meanwhile its lock file refuses a new one.
func waitForPreviousServer(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return nil
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return nil
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return nil
		}
	}
	return fmt.Errorf("PostgreSQL (pid %d) still runs on %s: is another qualityloop using this data folder?", pid, dir)
}

// stop asks for a fast shutdown (clients disconnected, data checkpointed) and waits.
func (p *postgres) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Signal(syscall.SIGQUIT)
		<-p.done
	}
}

func initdb(bin, dir string, cred *syscall.Credential) error {
	tmp := dir + ".init"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	if cred != nil {
		if err := os.Chown(tmp, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	cmd := exec.Command(filepath.Join(bin, "initdb"), "-D", tmp, "-U", "ferretdb", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// Renamed into place only once complete, so an interrupted first start is redone, not half-used.
	return os.Rename(tmp, dir)
}

// serverCredential returns whom postgres runs as: ourselves, or the
// `postgres` OS user when we are root (the server refuses to run as root).
// As root it also makes sure that user can reach the data folder.
func serverCredential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, PostgreSQL must run as another user and there is no `postgres` user: install Debian's postgresql package")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// Each folder above the cluster must be searchable by that user (temp dirs are 0700).
	for d := filepath.Dir(dir); d != "/"; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return nil, err
		}
		if st.Mode().Perm()&0o001 == 0 {
			log.Printf("granting search permission (o+x) on %s so the postgres user can reach its data", d)
			if err := os.Chmod(d, st.Mode().Perm()|0o001); err != nil {
				return nil, err
			}
		}
	}
	// A cluster created by another user (copied data) is handed over once; the usual start finds it owned already.
	if st, err := os.Stat(dir); err == nil {
		if sys, ok := st.Sys().(*syscall.Stat_t); !ok || int(sys.Uid) != uid {
			_ = filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, uid, gid) })
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
