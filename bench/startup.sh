#!/usr/bin/env bash
# Demo start-up time (release build): from launching `medspa demo` to the first successful
# GET /healthz, on a fresh data dir (creates the clinic and its ~2,000 appointments) and again
# on the same, existing data dir. Budgets: fresh < 5 s, existing < 1 s. RUNS (5) each.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
cargo build --locked --release -p medspa >&2
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/medspa"

measure() { # data dir -> milliseconds to healthy
  local data="$1" port start pid ms
  port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  start=$(date +%s%N)
  MEDSPA_LOG=warn "$bin" demo --bind "127.0.0.1:$port" --data-dir "$data" >/dev/null 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "medspa exited" >&2; exit 1; }
    sleep 0.005
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ms"
}

fresh=(); again=()
for _ in $(seq 1 "$runs"); do
  d="$(mktemp -d)"
  fresh+=("$(measure "$d")")
  again+=("$(measure "$d")")
  rm -rf "$d"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "fresh data dir:    $(median "${fresh[@]}") ms median (runs: ${fresh[*]})  budget < 5000 ms"
echo "existing data dir: $(median "${again[@]}") ms median (runs: ${again[*]})  budget < 1000 ms"
