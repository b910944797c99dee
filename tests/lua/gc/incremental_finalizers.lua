-- Finalizers with incremental stepping: the order in which the objects
-- found unreachable in one cycle are finalized (newest first), resurrection,
-- a finalizer running once only, and finalizers creating new garbage.
local log = {}
local resurrected = {}
local function proxy(name, resurrect)
  local u = newproxy(true)
  local mt = getmetatable(u)
  mt.name = name
  mt.__gc = function(self)
    log[#log + 1] = getmetatable(self).name
    if resurrect then resurrected[#resurrected + 1] = self end
  end
  return u
end
local function step_cycles(n)
  local done = 0
  while done < n do
    if collectgarbage("step", 0) then done = done + 1 end
  end
end

collectgarbage()
collectgarbage("stop")
collectgarbage("setstepmul", 1)
do
  local keep = {}
  for i = 1, 6 do keep[i] = proxy("p" .. i, i == 3) end
end
step_cycles(2)
print(table.concat(log, " "))
print("resurrected", #resurrected, getmetatable(resurrected[1]).name)

-- the resurrected object is an ordinary object now; its finalizer has run
log = {}
resurrected = {}
collectgarbage(); collectgarbage()
print("after dropping it again:", #log)

-- a finalizer that creates more finalizable objects and garbage
log = {}
collectgarbage("stop")
do
  local u = newproxy(true)
  getmetatable(u).__gc = function()
    log[#log + 1] = "outer"
    local t = {}
    for i = 1, 20 do t[i] = { i } end
    proxy("inner")
  end
end
step_cycles(3)
print(table.concat(log, " "))

-- objects alive through a table traversed early in the cycle are not finalized
log = {}
local holder = {}
collectgarbage("stop")
for i = 1, 5 do holder[i] = proxy("held" .. i) end
local n = 0
while not collectgarbage("step", 0) do
  n = n + 1
  if n == 3 then holder[6] = proxy("late") end
end
step_cycles(1)
print("while held:", #log)
holder = nil
collectgarbage()
table.sort(log)
print(table.concat(log, " "))
collectgarbage("setstepmul", 200)
