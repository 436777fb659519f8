-- wrk's script for benchmarks/bench_web.py: each request the next path of the file PATHS (one a line), from
-- line START + 1 on, round again at its end; done() prints one line the benchmark reads.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local turn = tonumber(os.getenv("START") or "0")

request = function()
  local path = paths[turn % #paths + 1]
  turn = turn + 1
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("letters-load %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
