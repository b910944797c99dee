-- Cyclic structures are collected; finalisers on cycle members run.
local log = {}
local function cycle()
  local a, b = {}, {}
  a.other, b.other = b, a
  local u = newproxy(true)
  getmetatable(u).__gc = function() log[#log+1] = "cycle member finalised" end
  a.proxy = u
  u = nil
  return setmetatable({}, {__mode = "v"}), a
end
local weak, a = cycle()
weak[1] = a
a = nil
collectgarbage(); collectgarbage()
print(weak[1], table.concat(log, ","))
-- self-referencing closures
local wref = setmetatable({}, {__mode = "v"})
do
  local f
  f = function() return f end
  wref[1] = f
end
collectgarbage()
print(wref[1])
-- coroutine referencing itself via upvalue
do
  local co
  co = coroutine.create(function() return co end)
  wref[2] = co
end
collectgarbage()
print(wref[2])
-- table that is its own metatable
do
  local t = {}
  setmetatable(t, t)
  t.__index = t
  wref[3] = t
end
collectgarbage()
print(wref[3])
