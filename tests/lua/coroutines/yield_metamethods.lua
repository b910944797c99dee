-- Yield from inside every kind of metamethod called by an instruction
-- (continuation frames), including C functions used directly as metamethods.
local Y = coroutine.yield
local mt = {}
mt.__index = function(t, k) return Y("index " .. tostring(k)) end
mt.__newindex = function(t, k, v) rawset(t, k, Y("newindex " .. k)) end
mt.__add = function(a, b) return Y("add") end
mt.__sub = function(a, b) return Y("sub") end
mt.__mul = function(a, b) return Y("mul") end
mt.__div = function(a, b) return Y("div") end
mt.__mod = function(a, b) return Y("mod") end
mt.__pow = function(a, b) return Y("pow") end
mt.__unm = function(a) return Y("unm") end
mt.__len = function(a) return Y("len") end
mt.__eq = function(a, b) return Y("eq") end
mt.__lt = function(a, b) return Y("lt") end
mt.__concat = function(a, b) return Y("concat " .. type(a) .. " " .. type(b)) end
mt.__call = function(self, x) return Y("call " .. x) end

local function show(v)
  return type(v) == "table" and "table" or tostring(v)
end

local function driver(f, answers)
  local co = coroutine.create(f)
  local log = {}
  local res = {coroutine.resume(co)}
  local i = 1
  while coroutine.status(co) == "suspended" do
    log[#log + 1] = show(res[2])
    res = {coroutine.resume(co, answers[i])}
    i = i + 1
  end
  local out = {}
  for j = 1, table.maxn(res) do out[j] = show(res[j]) end
  log[#log + 1] = "done " .. table.concat(out, " ")
  print(table.concat(log, " | "))
end

local a = setmetatable({}, mt)
local b = setmetatable({}, mt)
driver(function() return a.x end, {"X"})
driver(function() local k = "dyn"; return a[k] end, {"D"})
driver(function() return a[1] end, {"one"})
driver(function() a.field = 1; return rawget(a, "field") end, {"stored"})
driver(function() return a + 1, 2 - a, a * a, a / 3, a % 4, a ^ 2 end, {1, 2, 3, 4, 5, 6})
driver(function() return -a, #a end, {"neg", "len"})
driver(function() return a == b, a ~= b end, {true, false})
driver(function() return a == b, a ~= b end, {false, nil})
driver(function() if a < b then return "lt yes" else return "lt no" end end, {1})
driver(function() if a < b then return "lt yes" else return "lt no" end end, {false})
-- __le missing: a <= b is not (b < a)
driver(function() return a <= b, a > b, a >= b end, {true, true, nil})
driver(function() return "x" .. a .. "y" .. "z" end, {"R1", "R2"})
driver(function() return a .. b .. a end, {"c1", "c2"})
driver(function() return 1 .. 2 .. a end, {"n"})
driver(function() return a("arg") end, {"called"})
-- globals through an environment with metamethods
driver(function()
  local env = setmetatable({}, {__index = function(_, k) return Y("global " .. k) end,
                                __newindex = function(t, k, v) rawset(t, k, Y("setglobal " .. k)) end})
  local f = setfenv(function() newglobal = 1; return undefinedglobal, newglobal end, env)
  return f()
end, {"G", "S"})
-- C functions as metamethods: coroutine.yield itself
local cy = setmetatable({}, {__index = coroutine.yield, __add = coroutine.yield,
                             __lt = coroutine.yield, __concat = coroutine.yield})
driver(function() return cy.key end, {"via C"})
driver(function() return cy + 5 end, {"sum"})
driver(function() return cy < cy end, {"truthy"})
driver(function() return "p" .. cy end, {"cat"})
-- errors after resuming inside a metamethod
local e = setmetatable({}, {__index = function(t, k) Y("before") error("boom " .. k, 0) end})
driver(function() return pcall(function() return e.q end) end, {})
-- deep: metamethod calling a metamethod that yields
local inner = setmetatable({}, {__index = function(t, k) return Y("inner " .. k) end})
local outer = setmetatable({}, {__index = function(t, k) return inner[k] .. "!" end})
driver(function() return outer.z end, {"zz"})
-- isyieldable inside metamethods
local iy = setmetatable({}, {__index = function() return coroutine.isyieldable() end})
print(iy.x, coroutine.wrap(function() return iy.x end)())
-- the same metamethods outside coroutines still work
local plain = setmetatable({}, {__index = function(t, k) return k .. "!" end,
  __add = function() return 42 end, __lt = function() return true end,
  __concat = function(x, y) return "C" end, __len = function() return 7 end})
print(plain.x, plain + 1, plain < plain, plain <= plain, plain .. "s", "s" .. plain .. "t", #plain)
-- yield across metamethods in the main thread is an error
print(pcall(function() return a.x end))
