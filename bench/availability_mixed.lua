-- wrk script: 30-day Halo availability for varied windows and "presentable on" dates, so
-- whole answers miss the server's cache; per-date answers are reused within a minute.
-- START (YYYY-MM-DD) is the first date; windows start 0..59 days later.
local y, m, d = string.match(os.getenv("START") or "2026-11-26", "(%d+)-(%d+)-(%d+)")
local base = os.time({year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12})
local function day(offset) return os.date("%Y-%m-%d", base + offset * 86400) end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  local from = math.random(0, 59)
  local path = "/api/v1/availability?service=halo&from=" .. day(from) .. "&to=" .. day(from + 29)
    .. "&presentable_on=" .. day(math.random(0, 89))
  return wrk.format("GET", path)
end
