# Sourced by scripts/test: make sure TEST_POSTGRES_URL points at a PostgreSQL server whose user
# may create databases. Order: an explicit TEST_POSTGRES_URL; a server answering on
# 127.0.0.1:5432 as `postgres`; else a throwaway cluster in a temp dir (installed from Debian's
# packages when initdb is missing), stopped when the script exits. Under CI=true a missing
# PostgreSQL is a failure, never a skip.

pg_fail() {
  echo "scripts/test: $*" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "scripts/test: CI=true and no PostgreSQL: failing instead of skipping the PostgreSQL tests" >&2
    exit 1
  fi
  echo "scripts/test: continuing without PostgreSQL (its tests will skip)" >&2
}

pg_answers() {
  # $1: URL. psql when present, else a bare TCP check.
  if command -v psql >/dev/null 2>&1; then
    psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) >/dev/null 2>&1
  fi
}

pg_find_bin() {
  local b
  for b in "$(command -v initdb 2>/dev/null)" /usr/lib/postgresql/*/bin/initdb; do
    if [ -n "$b" ] && [ -x "$b" ]; then dirname "$b"; return 0; fi
  done
  return 1
}

pg_start_throwaway() {
  local bin dir port owner
  bin=$(pg_find_bin) || {
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      echo "scripts/test: installing PostgreSQL from Debian's packages" >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || true
    fi
    bin=$(pg_find_bin) || return 1
  }
  dir=$(mktemp -d /tmp/medspa-pg.XXXXXX)
  port=$(( 20000 + RANDOM % 20000 ))
  owner=""
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: run the cluster as the postgres user (or nobody).
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    chown "$owner" "$dir"
  fi
  run_as() { if [ -n "$owner" ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }
  run_as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null || return 1
  run_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null || return 1
  # The stop command names its user itself: `owner` is gone by the time the EXIT trap runs.
  if [ -n "$owner" ]; then
    PG_THROWAWAY_STOP="runuser -u $owner -- $bin/pg_ctl -D $dir/data -m fast stop"
  else
    PG_THROWAWAY_STOP="$bin/pg_ctl -D $dir/data -m fast stop"
  fi
  PG_THROWAWAY_DIR="$dir"
  trap '$PG_THROWAWAY_STOP >/dev/null 2>&1; rm -rf "$PG_THROWAWAY_DIR"' EXIT
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "scripts/test: started a throwaway PostgreSQL cluster on port $port" >&2
}

if [ -n "${TEST_POSTGRES_URL:-${TEST_DATABASE_URL:-}}" ]; then
  export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-$TEST_DATABASE_URL}"
  pg_answers "$TEST_POSTGRES_URL" || pg_fail "TEST_POSTGRES_URL does not answer"
elif pg_answers "${PG_PROBE_URL:=postgres://postgres@127.0.0.1:5432/postgres}"; then
  # PG_PROBE_URL only exists so the throwaway path can be exercised on a machine that has a
  # server on 5432 (point it at a closed port).
  export TEST_POSTGRES_URL="$PG_PROBE_URL"
else
  pg_start_throwaway || pg_fail "could not find, install or start PostgreSQL"
fi
