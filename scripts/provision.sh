#!/usr/bin/env bash
# Builds or fetches the real infrastructure qualityloop runs on, from package
# registries only (no prebuilt-binary downloads), into a per-machine cache keyed
# by tool version. Idempotent: a warm cache makes this a few file checks.
#
#   temporal  - Temporal CLI (dev server: Temporal + SQLite + Web UI), Go module
#   ferretdb  - MongoDB wire-protocol server on SQLite, our Go launcher in infra/ferretdb
#   testsrv   - Temporal's time-skipping test server (Java, Maven Central)
#
# Prints KEY=path lines for the tools it provisioned (used by scripts/*.mjs).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${QUALITYLOOP_CACHE:-$HOME/.cache/qualityloop}"
TEMPORAL_CLI_VERSION="v1.5.1"   # newest release without a go.mod replace directive
FERRETDB_VERSION="$(grep -oE 'github.com/FerretDB/FerretDB v[0-9.]+' "$ROOT/infra/ferretdb/go.mod" | head -1 | cut -d" " -f2)"
TEST_SERVER_VERSION="$(sed -n 's:.*<temporal.test.server.version>\(.*\)</temporal.test.server.version>.*:\1:p' "$ROOT/infra/temporal-test-server/pom.xml")"

mkdir -p "$CACHE"
log() { printf '[provision] %s\n' "$*" >&2; }

# Only one provisioner at a time per machine (parallel test workers, two shells).
exec 9>"$CACHE/.lock"
flock 9

provision_temporal() {
  local dir="$CACHE/temporal-cli-$TEMPORAL_CLI_VERSION"
  if [ ! -x "$dir/temporal" ]; then
    log "building Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (first run only, takes minutes)"
    local t0=$SECONDS
    mkdir -p "$dir.tmp"
    GOBIN="$dir.tmp" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "Temporal CLI built in $((SECONDS - t0))s"
  fi
  echo "TEMPORAL_CLI=$dir/temporal"
}

provision_ferretdb() {
  # Key includes a hash of the launcher source so an edit rebuilds it.
  local key
  key="$(cat "$ROOT/infra/ferretdb/main.go" "$ROOT/infra/ferretdb/go.mod" | sha256sum | cut -c1-12)"
  local dir="$CACHE/ferretdb-$FERRETDB_VERSION-$key"
  if [ ! -x "$dir/qualityloop-ferretdb" ]; then
    log "building FerretDB $FERRETDB_VERSION launcher (first run only)"
    local t0=$SECONDS
    mkdir -p "$dir.tmp"
    (cd "$ROOT/infra/ferretdb" && go build -trimpath -o "$dir.tmp/qualityloop-ferretdb" .)
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "FerretDB launcher built in $((SECONDS - t0))s"
  fi
  echo "FERRETDB_BIN=$dir/qualityloop-ferretdb"
}

provision_testsrv() {
  local dir="$CACHE/temporal-test-server-$TEST_SERVER_VERSION"
  if [ ! -x "$dir/temporal-test-server" ]; then
    log "fetching Temporal test server $TEST_SERVER_VERSION from Maven Central (first run only)"
    local t0=$SECONDS
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/lib"
    mvn -q -B -f "$ROOT/infra/temporal-test-server/pom.xml" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir.tmp/lib"
    # The SDK execs this path as `<path> <port> --enable-time-skipping`.
    cat > "$dir.tmp/temporal-test-server" <<'SH'
#!/usr/bin/env bash
exec java ${QUALITYLOOP_TEST_SERVER_JAVA_OPTS:--Xmx512m} -cp "$(dirname "$0")/lib/*" io.temporal.testserver.TestServer "$@"
SH
    chmod +x "$dir.tmp/temporal-test-server"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "test server fetched in $((SECONDS - t0))s"
  fi
  echo "TEMPORAL_TEST_SERVER=$dir/temporal-test-server"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(temporal ferretdb testsrv)
for t in "${targets[@]}"; do
  case "$t" in
    temporal) provision_temporal ;;
    ferretdb) provision_ferretdb ;;
    testsrv) provision_testsrv ;;
    *) log "unknown target $t"; exit 2 ;;
  esac
done
