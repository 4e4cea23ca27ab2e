-- wrk script of scripts/bench-pages: every connection is a signed-in person who waits
-- BENCH_DELAY_MS (default 500; 0 = saturated) between a page and their next request, and a
-- machine-readable summary line is printed at the end (times as the client saw them).
--
-- People do not all click at the same instant. wrk opens every connection at once and calls
-- delay() before each one's first request too, so with a fixed pause all 50 would ask together,
-- then again together 0.5 s later, for the whole run: one burst of 50 every half second, and
-- the last request of each burst waits for the 49 before it. So each connection's first pause
-- is drawn at random between 0 and BENCH_DELAY_MS (the people arrive spread over one pause),
-- then every pause is BENCH_DELAY_MS exactly. BENCH_STAGGER=0 keeps the synchronised bursts.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "500")
local stagger = (os.getenv("BENCH_STAGGER") or "1") ~= "0"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  -- This thread's connections: the first this many calls of delay() are their first pauses.
  first_pauses = tonumber(os.getenv("BENCH_CONNS_PER_THREAD") or "0")
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

if delay_ms > 0 then
  function delay()
    if stagger and first_pauses > 0 then
      first_pauses = first_pauses - 1
      return math.random(0, delay_ms)
    end
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
