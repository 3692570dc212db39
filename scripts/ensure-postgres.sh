#!/usr/bin/env bash
# Makes sure a throw-away PostgreSQL server runs on loopback and prints its URL on stdout, e.g.
#   postgres://postgres@127.0.0.1:54329/postgres
# The registry's test suite runs against it (see docs/registry.md).
#
# - Installs Debian's `postgresql` package with apt-get when no initdb is found (needs root).
# - Creates a cluster under $POLICYLENS_PG_DIR (default /tmp/policylens-pg-<uid>), owned by an
#   unprivileged user (PostgreSQL refuses to run as root): `postgres` when it exists.
# - Idempotent and quick: a second call finds the running server and prints the same URL.
# Progress goes to stderr; only the URL goes to stdout. Exit status is non-zero when it cannot.
set -euo pipefail

dir=${POLICYLENS_PG_DIR:-/tmp/policylens-pg-$(id -u)}
log() { echo "ensure-postgres: $*" >&2; }

find_bin() {
  local name=$1 found
  found=$(command -v "$name" 2>/dev/null || true)
  if [ -z "$found" ]; then
    # Debian keeps the server binaries out of PATH, one folder per major version; take the newest.
    found=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  echo "$found"
}

initdb=$(find_bin initdb)
if [ -z "$initdb" ]; then
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
    exit 1
  fi
  log "installing Debian's postgresql package (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  initdb=$(find_bin initdb)
  [ -n "$initdb" ] || { log "initdb still not found after installing postgresql"; exit 1; }
fi
bindir=$(dirname "$(readlink -f "$initdb")")
pg_ctl=$bindir/pg_ctl

# The server must not run as root: use the package's `postgres` user, or create one.
run_as=()
owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  if ! id "$owner" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  fi
  run_as=(runuser -u "$owner" --)
fi

mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown "$owner" "$dir"
exec 9>"$dir.lock"
# Several test processes may ask at once; one of them sets the cluster up, the others wait.
flock 9

data=$dir/data
if [ ! -s "$data/PG_VERSION" ]; then
  log "creating a cluster in $data"
  rm -rf "$data"
  "${run_as[@]}" "$initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
fi

port_file=$dir/port
if "${run_as[@]}" "$pg_ctl" -D "$data" status >/dev/null 2>&1 && [ -s "$port_file" ]; then
  port=$(cat "$port_file")
else
  # Pick a free loopback port; node is always there in this project.
  port=${POLICYLENS_PG_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
  echo "$port" >"$port_file"
  log "starting PostgreSQL on 127.0.0.1:$port"
  # fsync off: a throw-away test cluster trades durability for speed.
  "${run_as[@]}" "$pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2 9>&- || {
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
  }
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
