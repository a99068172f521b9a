-- The load of `npm run bench`, for wrk with one connection per thread (wrk -t N -c N): each thread sends whole calls,
-- one request at a time, each call with fresh ids, and checks every response against the status and body the server
-- gave for the call checked before the load. The requests come from the data file bench/run.ts writes (its
-- requests with the id ID_ID_ID, replaced here); arguments after `--`: that file and an id prefix fresh for each run.
local data, run

function init(args)
  data = dofile(args[1])
  run = args[2]
end

-- In the main Lua state: number the threads and keep them, so that done() can read their counts.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- The step about to be sent and its call. Only a response moves them on: wrk calls request() once more than it sends
-- (to check the script), and after a timeout or a lost connection the same request is sent again, as Vonage retries.
local step = 1
local call = 1
wrong = 0
calls = 0

function request()
  -- The shape of callIds() in bench/call.ts.
  local id = string.format("%s-0000-4000-8000-%04x%08x", run, thread_number, call)
  local s = data[step]
  local body = s.body and (s.body:gsub("ID_ID_ID", id))
  return wrk.format(s.method, (s.path:gsub("ID_ID_ID", id)), s.headers, body)
end

function response(status, headers, body)
  local s = data[step]
  if status ~= s.status or (body or "") ~= s.expected then
    wrong = wrong + 1
  elseif step == #data then
    calls = calls + 1
  end
  step = step + 1
  if step > #data then
    step = 1
    call = call + 1
  end
end

function done(summary, latency, requests)
  local bad, whole = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("wrong")
    whole = whole + thread:get("calls")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"us":%d,"calls":%d,"wrong":%d,"errors":%d,"non2xx":%d,"p50":%d,"p99":%d}\n',
    summary.requests, summary.duration, whole, bad, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
