#!/usr/bin/env bash
# Booking API under load (release build, SQLite, this machine). Starts `medspa demo` on a free
# port with a fresh data dir and rate limiting off, then:
#   1. wrk GET /api/v1/availability for 30 days of Halo at 32 connections (budget: median < 5 ms);
#   2. wrk POST /api/v1/bookings with distinct, non-overlapping consultation slots prepared
#      from the availability API (budget: >= 500 successful bookings/s), then verifies in the
#      database that no two active holds of one resource overlap.
# Options (environment): DURATION (10s), BOOK_DURATION (2s), CONNECTIONS (32), THREADS (2).
# The demo calendar leaves ~1,900 non-overlapping consultation slots in the horizon, so the
# booking run is short; if it uses them all up, the figure printed is a lower bound.
# Traffic goes to 127.0.0.1 only; the server is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10s}"
book_duration="${BOOK_DURATION:-2s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
command -v wrk >/dev/null 2>&1 || { apt-get update && apt-get install -y wrk; }
command -v sqlite3 >/dev/null 2>&1 || { apt-get update && apt-get install -y sqlite3; }

cargo build --locked --release -p medspa >&2
bin="${CARGO_TARGET_DIR:-target}/release/medspa"
port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
data="$(mktemp -d)"
base="http://127.0.0.1:${port}"
MEDSPA_RATE_LIMIT_PER_MINUTE=0 MEDSPA_LOG="${MEDSPA_LOG:-warn}" \
  "$bin" demo --bind "127.0.0.1:${port}" --data-dir "$data" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do
  curl -fsS "${base}/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 0.25
done

today="$(TZ=America/Chicago date +%F)"
from="$(TZ=America/Chicago date -d "$today + 1 day" +%F)"
to="$(TZ=America/Chicago date -d "$today + 30 days" +%F)"
url="${base}/api/v1/availability?service=halo&from=${from}&to=${to}"
echo "== availability: 30 days of Halo (${from}..${to}), $(curl -fsS "$url" | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["slots"]))') slots per response"
echo "-- the same query repeatedly (answered from the server's per-minute answer cache)"
wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url"
echo "-- varied windows and presentable_on dates (whole answers miss; each date is computed once per minute and snapshot generation)"
START="$from" wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/availability_mixed.lua "$base"

echo "== preparing distinct, non-overlapping consultation slots"
python3 - "$base" "$today" >"$data/bodies.jsonl" <<'PY'
import datetime as dt, json, sys, urllib.request
base, today = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
taken = {}  # staff id -> list of (start, end)
out = 0
for offset in (1, 45):
    a, b = today + dt.timedelta(days=offset), today + dt.timedelta(days=offset + 43)
    url = f"{base}/api/v1/availability?service=consultation&from={a}&to={b}"
    for s in json.load(urllib.request.urlopen(url))["slots"]:
        st, en = dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"])
        mine = taken.setdefault(s["staff"]["id"], [])
        if any(st < e and x < en for x, e in mine):
            continue
        mine.append((st, en))
        out += 1
        print(json.dumps({"service": "consultation", "start": s["start"], "staff_id": s["staff"]["id"],
                          "consent": True, "client": {"name": "Load Test", "email": f"load{out}@example.com",
                                                      "phone": "+1 312 555 0100"}}))
print(f"{out} bodies", file=sys.stderr)
PY
before="$(sqlite3 "$data/medspa.db" 'SELECT COUNT(*) FROM appointments')"
echo "== bookings: ${book_duration}, ${connections} connections"
BODIES="$data/bodies.jsonl" THREADS="$threads" wrk -t"$threads" -c"$connections" -d"$book_duration" --latency -s bench/book.lua "${base}/api/v1/bookings"
after="$(sqlite3 "$data/medspa.db" 'SELECT COUNT(*) FROM appointments')"
secs="${book_duration%s}"
bodies="$(wc -l < "$data/bodies.jsonl")"
made=$((after - before))
note=""
[ "$made" -ge "$bodies" ] && note=" (ran out of prepared slots: a lower bound)"
echo "== created ${made} bookings in ${secs} s: $(( made / secs )) bookings/s${note}"
overlaps="$(sqlite3 "$data/medspa.db" 'SELECT COUNT(*) FROM holds a JOIN holds b ON a.resource_id = b.resource_id AND a.id < b.id AND a.active = 1 AND b.active = 1 AND a.starts_at_ms < b.ends_at_ms AND b.starts_at_ms < a.ends_at_ms')"
echo "== overlapping active holds after the run: ${overlaps}"
[ "$overlaps" = 0 ]
