----------------------------------------------------------------------------
-- jit.zone: a stack of named zones for the profiler (jit.p, option z).
--
--   local zone = require("jit.zone")
--   zone("name")   -- enter a zone
--   zone()         -- leave the innermost zone (returns its name)
--   zone:get()     -- the innermost zone, or nil
--   zone:flush()   -- leave all zones
----------------------------------------------------------------------------

local zones = {}

function zones.get(stack)
  return stack[#stack]
end

function zones.flush(stack)
  for i = #stack, 1, -1 do stack[i] = nil end
end

return setmetatable(zones, {
  __call = function(stack, name)
    if name then
      stack[#stack + 1] = name
      return
    end
    local n = #stack
    if n == 0 then error("empty zone stack") end
    local top = stack[n]
    stack[n] = nil
    return top
  end,
})
