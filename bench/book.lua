-- wrk script: POST one booking per request from a prepared file of JSON bodies (one per
-- line), each for a distinct, non-overlapping slot. Threads take every n-th line, so no two
-- requests ask for the same slot. Usage: wrk -s bench/book.lua ... (BODIES=path).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BODIES")
  local n = #threads > 0 and #threads or tonumber(os.getenv("THREADS") or "2")
  bodies = {}
  local i = 0
  for line in io.lines(path) do
    if i % n == tid then table.insert(bodies, line) end
    i = i + 1
  end
  idx = 0
  created = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  idx = idx + 1
  local body = bodies[idx]
  if body == nil then
    -- Out of prepared slots: ask for a harmless read instead of repeating a slot.
    return wrk.format("GET", "/healthz", {}, nil)
  end
  return wrk.format("POST", "/api/v1/bookings", nil, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  -- Per-thread counters are not visible here; the shell script counts rows in the database.
end
