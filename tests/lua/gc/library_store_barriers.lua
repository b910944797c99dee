-- Stores that library functions make into long-lived tables, functions,
-- userdata and upvalues, each of a newly made object, many times over: under
-- LUAJIT_RS_GC_STRESS=step the long-lived object is often black when the store
-- happens, so a store that skips its write barrier leaves it pointing to an
-- object the collector then frees (a debug build reports it when marking ends).
local old = {}
for i = 1, 50 do old[i] = {} end
local sum = 0
local function check(t, n) -- read every stored table back
  for i = 1, n do sum = sum + (t[i] and t[i][1] or 0) end
end

for round = 1, 30 do
  local t = old[round % 50 + 1]
  -- table.insert at the end and in the middle, table.remove's moves.
  for i = 1, 20 do table.insert(t, {i}) end
  table.insert(t, 1, {100})
  table.remove(t, 2)
  check(t, #t)
  for i = #t, 1, -1 do t[i] = nil end
  -- rawset, table.sort's writes.
  for i = 1, 20 do rawset(t, i, {21 - i}) end
  table.sort(t, function(a, b) return a[1] < b[1] end)
  check(t, 20)
  for i = 20, 1, -1 do t[i] = nil end
  -- setmetatable and debug.setmetatable on a long-lived table.
  setmetatable(t, {__index = {round}})
  sum = sum + getmetatable(t).__index[1]
  setmetatable(t, nil)
end

-- setfenv on a long-lived function, debug.setupvalue and a Lua upvalue store.
local up = {0}
local function f() return up[1] end
for round = 1, 30 do
  setfenv(f, setmetatable({round = {round}}, {__index = _G}))
  debug.setupvalue(f, 1, {round})
  sum = sum + f() + getfenv(f).round[1]
  up = {round * 2}
  sum = sum + f()
end

-- Userdata environments and metatables (newproxy), coroutine stacks.
local u = newproxy(true)
for round = 1, 30 do
  debug.setfenv(u, {round})
  getmetatable(u).__index = {round}
  sum = sum + debug.getfenv(u)[1] + getmetatable(u).__index[1]
end
local co = coroutine.wrap(function(x)
  while true do x = coroutine.yield({x[1] + 1}) end
end)
local v = {0}
for round = 1, 30 do v = co(v) end
sum = sum + v[1]

-- string.gsub with a table of replacements stored into a long-lived table.
local repl = old[1]
for round = 1, 30 do
  repl.a = "x" .. round
  sum = sum + #(("aaa"):gsub("a", repl))
end
print(sum)
