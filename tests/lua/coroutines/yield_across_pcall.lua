-- LuaJIT can yield across pcall, xpcall, metamethods and iterators.
local co = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("in pcall")
    return x * 2
  end)
  coroutine.yield(ok, v)
  local ok2, e = pcall(function() coroutine.yield("before error"); error("after yield") end)
  coroutine.yield(ok2, e)
  local ok3, r = xpcall(function() return coroutine.yield("in xpcall") end, function(m) return "handled: " .. m end)
  return ok3, r
end)
print(coroutine.resume(co))
print(coroutine.resume(co, 21))
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.resume(co, "xres"))
-- yield inside __index, __add, __call, __eq, __lt, __concat metamethods
local mt = {
  __index = function(t, k) return coroutine.yield("index " .. k) end,
  __add = function(a, b) return coroutine.yield("add") end,
  __call = function(self, x) return coroutine.yield("call " .. x) end,
  __lt = function(a, b) return coroutine.yield("lt") end,
  __concat = function(a, b) return coroutine.yield("concat") end,
  __newindex = function(t, k, v) coroutine.yield("newindex " .. k) end,
}
local obj = setmetatable({}, mt)
local co2 = coroutine.wrap(function()
  local r = {}
  r[#r+1] = obj.foo
  r[#r+1] = obj + 1
  r[#r+1] = obj("x")
  r[#r+1] = tostring(obj < obj)
  r[#r+1] = obj .. "s"
  obj.k = 1
  return table.concat(r, ",")
end)
print(co2())
print(co2("v1"))
print(co2("v2"))
print(co2("v3"))
print(co2(true))
print(co2("v5"))
print(co2())
-- yield inside a for-in iterator function
local co3 = coroutine.wrap(function()
  local function iter(_, i) if i < 3 then coroutine.yield("iter " .. i) return i + 1 end end
  local seen = {}
  for i in iter, nil, 0 do seen[#seen+1] = i end
  return table.concat(seen, ",")
end)
print(co3(), co3(), co3(), co3())
-- yield across table.sort comparator is not allowed (C function boundary)
local co4 = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(co4))
-- yield across string.gsub callback is not allowed either
local co5 = coroutine.create(function() return (("abc"):gsub(".", function(c) coroutine.yield(c) end)) end)
print(coroutine.resume(co5))
