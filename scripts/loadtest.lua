-- wrk script: every connection cycles through the public pages (or through WRK_PATHS, a
-- comma-separated list, when set); non-2xx answers are counted.
local paths = {
  "/", "/?round=2019", "/forces/", "/forces/?concern=yes", "/forces/?nation=wales&status=responded",
  "/forces/metropolitan-police/", "/forces/kent/", "/systems/", "/systems/body-worn-video/",
  "/systems/facial-recognition/", "/vendors/", "/vendors/hikvision/", "/findings/",
  "/findings/?round=2022&system_type=drones", "/corrections/", "/about/",
  "/charts/concern-by-system-type.csv?round=2022", "/forces/?export=csv",
}
if os.getenv("WRK_PATHS") then
  paths = {}
  for path in string.gmatch(os.getenv("WRK_PATHS"), "[^,]+") do
    paths[#paths + 1] = path
  end
end
local counter = 0
local bad = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  i = id
  non2xx = 0
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000 end
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f "
      .. "socket_errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    p(50), p(95), p(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
