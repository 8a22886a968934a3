#!/usr/bin/env bash
# Public site throughput and weight: builds the release binary, starts `medspa demo` on a free
# port with a fresh data dir, runs wrk (2 threads, 64 connections, 10 s, latency histogram)
# against a treatment page and the home page, and prints the figures next to the budget:
#   treatment page >= 10,000 requests/s with p99 < 10 ms at 64 connections;
#   home page HTML < 30 KB; first load (HTML + CSS + JS) < 100 KB.
# Options (environment): DURATION (10s), CONNECTIONS (64), THREADS (2), MEDSPA_LOG (warn).
# Traffic goes to 127.0.0.1 only; the server is stopped by its PID. On a machine shared with
# builds, run it as `nice -n -15 bench/site.sh` (root) so the server and wrk get the CPU first.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update && apt-get install -y wrk
fi

cargo build --locked --release -p medspa >&2
bin="${CARGO_TARGET_DIR:-target}/release/medspa"

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null \
  || python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
data="$(mktemp -d)"
base="http://127.0.0.1:${port}"
MEDSPA_LOG="${MEDSPA_LOG:-warn}" "$bin" demo --bind "127.0.0.1:${port}" --data-dir "$data" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do
  curl -fsS "${base}/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 0.5
done

size() { curl -fsS -o /dev/null -w '%{size_download}' "$1"; }
home_html="$(size "${base}/")"
css_path="$(curl -fsS "${base}/" | grep -o '/static/site\.[0-9a-f]*\.css' | head -1)"
js_path="$(curl -fsS "${base}/" | grep -o '/static/site\.[0-9a-f]*\.js' | head -1)"
css="$(size "${base}${css_path}")"
js="$(size "${base}${js_path}")"
total=$((home_html + css + js))

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== weight (uncompressed bytes)"
printf 'home HTML   %7d  (budget < 30720)\n' "$home_html"
printf 'CSS         %7d\n' "$css"
printf 'JS          %7d\n' "$js"
printf 'first load  %7d  (budget < 102400)\n' "$total"
printf 'halo page   %7d\n' "$(size "${base}/treatments/halo")"

# CPU time the server process has used, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/${pid}/stat"; }
run() {
  local label="$1" path="$2" before after out requests
  # Warm up (renders once into the page cache), then measure.
  curl -fsS -o /dev/null "${base}${path}"
  echo
  echo "== wrk -t${threads} -c${connections} -d${duration} --latency ${path}  (${label})"
  before="$(cpu_ticks)"
  out="$(wrk -t"${threads}" -c"${connections}" -d"${duration}" --latency "${base}${path}")"
  after="$(cpu_ticks)"
  echo "$out"
  # Server CPU per request does not depend on what else the machine is doing, unlike
  # requests/s and the latency tail on a shared 2-core box.
  requests="$(echo "$out" | awk '/requests in/ {print $1}')"
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN { if (n > 0) printf "server CPU: %.1f us per request (%.2f CPU-seconds for %d requests)\n", t / hz / n * 1e6, t / hz, n }'
}
run "treatment page" "/treatments/halo"
run "home page" "/"
echo
echo "cpu: $(nproc) cores; $(uname -srm); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
