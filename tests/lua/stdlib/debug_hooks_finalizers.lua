-- Hooks do not run inside __gc finalizers (LuaJIT turns them off there):
-- neither line, count nor call/return hooks see the finalizer's code, and
-- an erroring hook cannot fire from wherever the collector happens to run.
local lines = {}
debug.sethook(function(e, l) lines[#lines + 1] = l end, "l")
local u = newproxy(true)
getmetatable(u).__gc = function()
  local a = 1
  local b = 2
end
u = nil
collectgarbage()
debug.sethook()
print("line events", table.concat(lines, " "))

local calls = 0
debug.sethook(function() calls = calls + 1 end, "", 1)
local v = newproxy(true)
getmetatable(v).__gc = function() for i = 1, 100 do end end
v = nil
collectgarbage()
debug.sethook()
print("count events below 50", calls < 50)

local seen = {}
debug.sethook(function(e)
  local info = debug.getinfo(2, "S")
  seen[#seen + 1] = e .. ":" .. info.what
end, "cr")
local w = newproxy(true)
getmetatable(w).__gc = function() local x = {} end
w = nil
collectgarbage()
debug.sethook()
print("call/return events", table.concat(seen, " "))

-- A hook that fails on any line outside the expected ones: the
-- finalizer's lines never reach it.
local finalized = 0
local p = newproxy(true)
getmetatable(p).__gc = function()
  finalized = finalized + 1
end
p = nil
local expected = {[49] = true, [50] = true}
debug.sethook(function(e, l)
  assert(expected[l], "unexpected line " .. l)
end, "l")
collectgarbage()
debug.sethook()
print("finalized", finalized)

-- The hook is still in place after the finalizer ran.
local after = 0
debug.sethook(function() after = after + 1 end, "l")
local q = newproxy(true)
getmetatable(q).__gc = function() end
q = nil
collectgarbage()
local y = 1
debug.sethook()
print("hook fires after a finalizer", after >= 2)

-- Finalizers that run while a hook runs (the hook allocates).
local inner = 0
local r = newproxy(true)
getmetatable(r).__gc = function() inner = inner + 1 end
r = nil
debug.sethook(function()
  debug.sethook()
  collectgarbage()
end, "l")
local z = 2
print("finalizer ran from a hook", inner)
