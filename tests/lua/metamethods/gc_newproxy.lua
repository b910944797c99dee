-- __gc on userdata created with newproxy: runs on collection, at close, and in reverse order.
local log = {}
do
  for i = 1, 3 do
    local u = newproxy(true)
    getmetatable(u).__gc = function() log[#log+1] = i end
  end
end
collectgarbage()
collectgarbage()
print(table.concat(log, " "))
-- newproxy sharing metatables
local a = newproxy(true)
local b = newproxy(a)
print(getmetatable(a) == getmetatable(b), type(getmetatable(a)))
print(getmetatable(newproxy()), getmetatable(newproxy(false)))
print(pcall(newproxy, {}))
print(type(newproxy()))
-- __gc set after creation on the proxy metatable still runs
local ran = false
do
  local u = newproxy(true)
  getmetatable(u).__gc = function() ran = true end
end
collectgarbage()
print(ran)
-- errors in __gc are reported as warnings? LuaJIT: they propagate from collectgarbage
do
  local u = newproxy(true)
  getmetatable(u).__gc = function() error("gc err") end
end
print(pcall(collectgarbage))
-- finalizers still pending at exit run on lua_close
local u = newproxy(true)
getmetatable(u).__gc = function() print("finalized at exit") end
print("end of script")
