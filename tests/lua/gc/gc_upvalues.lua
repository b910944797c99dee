-- Closures keep their upvalues alive; closed upvalues survive collection; dropping closures frees them.
local weak = setmetatable({}, {__mode = "v"})
local function make()
  local obj = {"captured"}
  weak.obj = obj
  return function() return obj[1] end
end
local f = make()
collectgarbage(); collectgarbage()
print(f(), weak.obj ~= nil)
f = nil
collectgarbage(); collectgarbage()
print(weak.obj)
-- shared upvalue between two closures; dropping one keeps it alive
local function pair()
  local shared = {n = 0}
  weak.shared = shared
  return function() shared.n = shared.n + 1 return shared.n end, function() return shared.n end
end
local inc, get = pair()
inc(); inc()
inc = nil
collectgarbage()
print(get(), weak.shared ~= nil)
get = nil
collectgarbage()
print(weak.shared)
