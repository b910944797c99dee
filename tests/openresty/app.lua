-- The handlers of tests/openresty/run, loaded by init_by_lua_file in the
-- nginx master (before the workers fork) and reached with require("app").
-- Each handler answers with text that tests/openresty/client.py can predict
-- from the request alone, so every response is checked for its content.
local cjson = require "cjson"
local buffer = require "string.buffer"
local new_tab = require "table.new"
local clear_tab = require "table.clear"

local app = {}
local counters = ngx.shared.counters

-- How long a handler waits for its own timer before giving up.
local TIMER_WAIT_STEPS = 400
local TIMER_WAIT_STEP_SECONDS = 0.005
-- The tick timer started in every worker (proves ngx.timer.every runs).
local TICK_SECONDS = 0.05
local UPSTREAM_TIMEOUT_MS = 2000
local KEEPALIVE_IDLE_MS = 10000
local KEEPALIVE_POOL_SIZE = 16

function app.init_worker()
  local ok, err = ngx.timer.every(TICK_SECONDS, function(premature)
    if not premature then counters:incr("ticks", 1, 0) end
  end)
  if not ok then ngx.log(ngx.ERR, "cannot start the tick timer: ", err) end
end

function app.hello()
  ngx.say("hello")
end

-- ngx.var reads and writes go through resty.core.var's FFI calls.
function app.var()
  local var = ngx.var
  var.myvar = "set-" .. (var.arg_a or "")
  local headers = ngx.req.get_headers()
  ngx.header["X-Var"] = "yes"
  ngx.say("uri=", var.uri, " a=", var.arg_a, " b=", var.arg_b,
          " method=", var.request_method, " myvar=", var.myvar,
          " remote=", var.remote_addr, " ua=", headers["user-agent"])
end

-- ngx.req.get_uri_args: repeated keys become lists, bare keys become true.
function app.args()
  local args = ngx.req.get_uri_args()
  ngx.say(cjson.encode(args))
end

-- Decodes the JSON in ?d=, computes from it, answers in JSON.
function app.json()
  local doc = cjson.decode(ngx.req.get_uri_args().d)
  local sum = 0
  for _, n in ipairs(doc.nums) do sum = sum + n end
  ngx.say(cjson.encode({
    sum = sum, count = #doc.nums, name = doc.name:upper(),
    empty = cjson.decode("{}"), null_kept = doc.maybe == cjson.null,
    echo = doc,
  }))
end

-- ngx.re.* go through resty.core.regex's FFI calls into PCRE.
function app.re()
  local s = ngx.req.get_uri_args().s
  local out = {}
  local m = ngx.re.match(s, [[(\d+)-(\d+)]], "jo")
  out[#out + 1] = m and (m[0] .. "|" .. m[1] .. "|" .. m[2]) or "nomatch"
  local replaced, n = ngx.re.gsub(s, "[aeiou]", "<$0>", "jo")
  out[#out + 1] = replaced .. "|" .. n
  local from, to = ngx.re.find(s, "b+", "jo")
  out[#out + 1] = from and (from .. "-" .. to) or "nofind"
  local words = 0
  for w in ngx.re.gmatch(s, [[\w+]], "jo") do words = words + #w[0] end
  out[#out + 1] = tostring(words)
  local first = ngx.re.sub(s, [[^(\w)]], "[$1]", "jo")
  out[#out + 1] = first
  ngx.say(table.concat(out, "\n"))
end

-- Concurrent increments from both workers: each must return a distinct value.
function app.incr()
  local n, err = counters:incr("hits", 1, 0)
  if not n then error("incr failed: " .. tostring(err)) end
  ngx.say("hits=", n)
end

-- set/get/add/delete on the shared dict, with a number and a string value.
function app.dict()
  local args = ngx.req.get_uri_args()
  local key, value = "k:" .. args.k, args.v
  assert(counters:set(key, value, 5))
  local back = counters:get(key)
  local added = counters:add(key, "other")  -- fails: the key exists
  assert(counters:set(key .. ":n", tonumber(args.n)))
  local num = counters:incr(key .. ":n", 0.5)
  counters:delete(key)
  counters:delete(key .. ":n")
  ngx.say(back, " ", tostring(added), " ", num, " ", tostring(counters:get(key)))
end

-- ngx.timer.at runs a callback outside the request; the handler polls for
-- its result with ngx.sleep.
function app.timer()
  local id = tonumber(ngx.req.get_uri_args().id)
  local key = "timer:" .. id
  local ok, err = ngx.timer.at(0, function(premature, tid)
    counters:incr("timers", 1, 0)
    counters:set("timer:" .. tid, tid * 2, 10)
  end, id)
  if not ok then error("timer.at failed: " .. tostring(err)) end
  for _ = 1, TIMER_WAIT_STEPS do
    local v = counters:get(key)
    if v then
      counters:delete(key)
      ngx.say("timer ", id, " ", v)
      return
    end
    ngx.sleep(TIMER_WAIT_STEP_SECONDS)
  end
  ngx.say("timer ", id, " timeout")
end

-- ngx.thread.spawn/wait, and coroutines (OpenResty's own coroutine API)
-- that yield both to their resumer and, through ngx.sleep, to nginx, also
-- from inside a pcall.
function app.threads()
  local n = tonumber(ngx.req.get_uri_args().n)
  local function sum_to(limit)
    ngx.sleep(0.001)
    local s = 0
    for i = 1, limit do s = s + i end
    return s
  end
  local t1 = ngx.thread.spawn(sum_to, n)
  local t2 = ngx.thread.spawn(sum_to, n * 2)
  local ok1, r1 = ngx.thread.wait(t1)
  local ok2, r2 = ngx.thread.wait(t2)
  local gen = coroutine.wrap(function(a)
    local b = coroutine.yield(a + 1)
    local ok, c = pcall(function()
      ngx.sleep(0.001)
      return coroutine.yield(b * 2)
    end)
    return tostring(ok) .. ":" .. c .. "!"
  end)
  local y1 = gen(n)
  local y2 = gen(5)
  local y3 = gen("end")
  local co = coroutine.create(function() coroutine.yield(1) error("inside") end)
  local _, first = coroutine.resume(co)
  local ok3, err3 = coroutine.resume(co)
  ngx.say(tostring(ok1 and ok2), " ", r1, " ", r2, " ", y1, " ", y2, " ", y3,
          " ", first, " ", tostring(ok3), " ", tostring(err3):match("inside") or err3,
          " ", coroutine.status(co))
end

-- A cosocket to the upstream line server on loopback, kept alive in the pool.
function app.cosocket(port)
  local msg = ngx.req.get_uri_args().msg
  local sock = ngx.socket.tcp()
  sock:settimeout(UPSTREAM_TIMEOUT_MS)
  assert(sock:connect("127.0.0.1", port))
  assert(sock:send("REV " .. msg .. "\n"))
  local reversed = assert(sock:receive("*l"))
  assert(sock:send({"ADD ", #msg, " ", 1000, "\n"}))
  local sum = assert(sock:receive("*l"))
  assert(sock:setkeepalive(KEEPALIVE_IDLE_MS, KEEPALIVE_POOL_SIZE))
  ngx.say("upstream ", reversed, " ", sum)
end

-- ngx.location.capture and capture_multi to an internal Lua location.
function app.capture()
  local a = tonumber(ngx.req.get_uri_args().a)
  local r1, r2 = ngx.location.capture_multi({
    {"/internal/add", {args = {a = a, b = 2}}},
    {"/internal/add", {args = "a=10&b=" .. a}},
  })
  local r3 = ngx.location.capture("/hello")
  ngx.say("capture ", r1.status, " ", (r1.body:gsub("\n", "")), " ",
          (r2.body:gsub("\n", "")), " ", (r3.body:gsub("\n", "")))
end

function app.add()
  ngx.say(tonumber(ngx.var.arg_a) + tonumber(ngx.var.arg_b))
end

-- A Lua error in a handler becomes HTTP 500.
function app.fail()
  local t = nil
  if ngx.req.get_uri_args().kind == "index" then return t.field end
  error("deliberate failure")
end

-- string.buffer and table.new/table.clear, with a buffer reused across
-- requests (as applications keep them in module upvalues).
local shared_buf = buffer.new()
function app.buffer()
  local n = tonumber(ngx.req.get_uri_args().n)
  local t = new_tab(n, 1)
  for i = 1, n do t[i] = i * i end
  t.name = "sq"
  shared_buf:reset()
  shared_buf:put("n=", #t, ";"):putf("%s:%d", t.name, t[n])
  local text = shared_buf:tostring()
  local decoded = buffer.decode(buffer.encode({t, s = "x", f = 1.5, nested = {true, false}}))
  clear_tab(t)
  ngx.say(text, " ", decoded[1][n], " ", decoded.s, " ", decoded.f, " ",
          tostring(decoded.nested[2]), " ", next(t) == nil and "cleared" or "kept")
end

-- More of resty.core's FFI-based API: ngx.ctx, hashes and encodings,
-- ngx.re.split, a semaphore between two light threads, the clock.
local ngx_re = require "ngx.re"
local semaphore = require "ngx.semaphore"
function app.misc()
  local s = ngx.req.get_uri_args().s
  ngx.ctx.seen = s
  local sema = semaphore.new()
  local waiter = ngx.thread.spawn(function()
    local ok, err = sema:wait(1)
    return ok and ("woken " .. ngx.ctx.seen) or ("wait failed: " .. tostring(err))
  end)
  sema:post(1)
  local _, woken = ngx.thread.wait(waiter)
  local parts = ngx_re.split(s, "[-,]", "jo")
  local now = ngx.now()
  ngx.say(table.concat({
    ngx.md5(s), ngx.encode_base64(s), ngx.decode_base64(ngx.encode_base64(s)),
    ngx.escape_uri(s), ngx.unescape_uri(ngx.escape_uri(s)), ngx.crc32_short(s),
    #ngx.sha1_bin(s), table.concat(parts, "|"), woken,
    ngx.encode_args({k = s}), tostring(math.abs(now - ngx.time()) < 2),
    ngx.ctx.seen,
  }, "\n"))
end

-- Counters and this worker's Lua heap, for the runner's final checks.
function app.stats()
  ngx.say(cjson.encode({
    hits = counters:get("hits") or 0, timers = counters:get("timers") or 0,
    ticks = counters:get("ticks") or 0, pid = ngx.worker.pid(),
    lua_kb = collectgarbage("count"),
  }))
end

-- Which libluajit this worker has mapped (the runner checks it is ours).
function app.maps()
  local seen, paths = {}, {}
  for line in io.lines("/proc/self/maps") do
    local path = line:match("%s(/%S*libluajit%S*)$")
    if path and not seen[path] then
      seen[path] = true
      paths[#paths + 1] = path
    end
  end
  ngx.say(ngx.worker.pid(), " ", jit.version, "\n", table.concat(paths, "\n"))
end

package.loaded.app = app
return app
