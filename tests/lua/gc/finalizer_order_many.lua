-- Finalizers of many objects collected in one cycle run in reverse order of creation (LuaJIT) and see their upvalues.
local log = {}
local function make(i)
  local u = newproxy(true)
  getmetatable(u).__gc = function() log[#log+1] = i end
  return u
end
do
  local objs = {}
  for i = 1, 50 do objs[i] = make(i) end
end
collectgarbage()
collectgarbage()
print(#log, table.concat(log, " "))
log = {}
local shared = newproxy(true)
local smt = getmetatable(shared)
smt.__gc = function() log[#log+1] = "shared" end
local sharing = {}
for i = 1, 3 do sharing[i] = newproxy(shared) end
shared = nil
sharing = nil
collectgarbage(); collectgarbage()
print(#log, log[1])
