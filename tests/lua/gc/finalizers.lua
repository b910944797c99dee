-- Finalizers via newproxy: order, access to upvalues, resurrection.
local log = {}
local function mk(name)
  local u = newproxy(true)
  getmetatable(u).__gc = function(self) log[#log+1] = name end
  return u
end
do local a, b, c = mk("a"), mk("b"), mk("c") end
collectgarbage()
print(table.concat(log, " "))
-- finalizer runs only once even if the object is resurrected
log = {}
local resurrected
do
  local u = newproxy(true)
  getmetatable(u).__gc = function(self) log[#log+1] = "gc"; resurrected = self end
end
collectgarbage()
print(table.concat(log, " "), type(resurrected))
resurrected = nil
collectgarbage(); collectgarbage()
print(table.concat(log, " "))
-- finalizer creating new objects and new finalizable objects
log = {}
do
  local u = newproxy(true)
  getmetatable(u).__gc = function() log[#log+1] = "outer"; local v = mk("inner") end
end
collectgarbage(); collectgarbage(); collectgarbage()
print(table.concat(log, " "))
-- objects referenced from a weak table are removed before/after finalisation
local weak = setmetatable({}, {__mode = "k"})
do
  local u = newproxy(true)
  getmetatable(u).__gc = function() end
  weak[u] = true
end
collectgarbage(); collectgarbage()
print(next(weak))
-- objects kept alive are not finalised
log = {}
local kept = mk("kept")
collectgarbage()
print(#log)
kept = nil
collectgarbage()
print(table.concat(log, " "))
