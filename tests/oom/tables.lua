-- Memory errors while growing tables and in coroutines, under
-- ulimit -v 300000 (see scripts/test-oom).
local t = {}
print("array", pcall(function() for i = 1, 1e9 do t[i] = i end end))
print("array usable", #t > 1000, t[1], t[1000])
t = nil
collectgarbage()
local tnew = require("table.new")
print("table.new array", pcall(tnew, 2^27, 0))
print("table.new hash", pcall(tnew, 0, 2^25))
local big = ("z"):rep(2^25)
local co = coroutine.create(function(x) coroutine.yield(1) return x:rep(20) end)
print("resume 1", coroutine.resume(co, big))
print("resume 2", coroutine.resume(co))
print("status", coroutine.status(co))
local wrapped = coroutine.wrap(function() return big:rep(20) end)
print("wrap", pcall(wrapped))
print("xpcall", xpcall(function() return big:rep(20) end,
  function(m) return "handler saw " .. tostring(m) end))
local nested = coroutine.wrap(function()
  return pcall(function() return big .. big .. big .. big .. big .. big .. big .. big .. big .. big end)
end)
print("pcall in coroutine", nested())
big = nil
collectgarbage()
print("still works", #{1, 2, 3}, select("#", unpack({1, 2, 3, 4})))
