-- Shared by the load scripts: the sessions file written by setup.py, and one RESULT line.
local M = {}

-- Each line: cookie|csrf|household ids (comma)|surnames in the team's area (comma)
function M.sessions()
  local out = {}
  for line in io.lines(os.getenv("EROPAF_SESSIONS")) do
    local cookie, csrf, ids, names = line:match("^(.-)|(.-)|(.-)|(.*)$")
    local s = { cookie = cookie, csrf = csrf, ids = {}, names = {} }
    for id in ids:gmatch("[^,]+") do s.ids[#s.ids + 1] = id end
    for name in names:gmatch("[^,]+") do s.names[#s.names + 1] = name end
    out[#out + 1] = s
  end
  math.randomseed(os.time())
  return out
end

-- Think time: a person reads a page before the next click. THINK_MS (default 500) is the mean
-- pause of each simulated worker, drawn between half and one and a half times it; 0 drives the
-- server flat out (the saturation run).
local think = tonumber(os.getenv("THINK_MS") or "500")
function M.think()
  if think <= 0 then return 0 end
  return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
end

function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.2f errors=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end

return M
