-- wrk script of scripts/bench-pages: every connection is a signed-in person who waits
-- BENCH_DELAY_MS (default 500; 0 = saturated) between a page and their next request, and a
-- machine-readable summary line is printed at the end (times as the client saw them).
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "500")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("not_ok") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f not_200=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, e.connect + e.read + e.write, e.timeout))
end
