-- wrk script of `make bench` (tests/load.py runs it). After `--`: "pages" and the paths to cycle over (the
-- session cookie comes in wrk's -H), or "create", a career cluster's code and pairs of session cookie and
-- CSRF token, one pair per writing student. Every response that is not 2xx counts as an error, so a page
-- that answers with a redirect to sign-in is not mistaken for a fast page.

local mode, cluster, requests, writers, turn = nil, nil, {}, {}, 0
non2xx, created = 0, 0

local threads, count = {}, 0
function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  if mode == "create" then
    cluster = args[2]
    for i = 3, #args - 1, 2 do
      table.insert(writers, {cookie = args[i], token = args[i + 1]})
    end
    -- Each thread its own random sequence: every entry a new client UUID, never a retried send.
    math.randomseed(os.time() * 1000 + id * 7919 + math.floor(os.clock() * 1e6))
  else
    for i = 2, #args do
      table.insert(requests, wrk.format("GET", args[i]))
    end
  end
end

local function hex(digits)
  local out = {}
  for i = 1, digits do out[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(out)
end

local function entry()
  -- Quarter hours on a day up to eight years back: a student's day stays far below its 24 hours.
  local day = os.date("!%Y-%m-%d", os.time() - math.random(2, 2900) * 86400)
  return string.format(
    '{"client_uuid":"%s-%s-4%s-a%s-%s","kind":"job_shadow","title":"Bench entry","organization":"Bench Co",'
    .. '"date":"%s","hours":"0.25","cluster":"%s","reflection":"Measured."}',
    hex(8), hex(4), hex(3), hex(3), hex(12), day, cluster)
end

function request()
  turn = turn + 1
  if mode ~= "create" then
    return requests[(turn - 1) % #requests + 1]
  end
  local writer = writers[(turn - 1) % #writers + 1]
  return wrk.format("POST", "/api/v1/experiences", {
    ["Cookie"] = writer.cookie, ["x-csrftoken"] = writer.token, ["Content-Type"] = "application/json",
  }, entry())
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local bad, made = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    made = made + thread:get("created")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d non2xx=%d socket_errors=%d created=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    bad, e.connect + e.read + e.write + e.timeout, made))
end
