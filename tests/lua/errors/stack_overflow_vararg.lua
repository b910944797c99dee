-- Runaway recursion of vararg functions: the tail call that grows its
-- arguments once crashed the VM while its handler walked the frames. The
-- error names the line of the `...` that could not be copied, or the first
-- line of a vararg function that could not be entered.
local function strip(tb)
  -- Long tracebacks: keep the first lines (the rest depends on depth only).
  return (tb:gsub("\n\t%.%.%.\n.*", "\n\t..."))
end

-- Tail call, growing the arguments (the crash).
local function f(...) return f(1, ...) end
local ok, e = xpcall(f, debug.traceback, 1)
print(ok, strip(e))

-- Non-tail forms.
local function g(...) g(1, ...) end
print(pcall(g, 1))
local function g2(...)
  local a = 1
  return 1 +
    g2(1, ...)
end
print(pcall(g2))

-- Two vararg functions calling each other with growing arguments.
local b
local function a(...)
  local x = 1
  return 1 +
    b(1, ...)
end
function b(p, ...)
  local y = 2
  local z = 3
  return 1 +
        a(2, ...)
end
print(pcall(a, 1))
print(pcall(b, 1))

-- The same without growing arguments: the overflow comes entering a
-- vararg function, and names its first line.
local d
local function c(...)
  local y = 1
  return 1 +
    d(...)
end
function d(...)
  local y = 2
  local z = 3
  return 1 +
        c(...)
end
print(pcall(c, 1))

-- How deep it got, and the handler's view of the frames.
local depth = 0
local function counted(...)
  depth = depth + 1
  return 1 + counted(1, ...)
end
print(pcall(counted))
print(depth)
local function where(m)
  local t = {}
  for lv = 2, 4 do
    local i = debug.getinfo(lv, "Sln")
    if not i then break end
    t[#t + 1] = tostring(i.name) .. ":" .. i.currentline
  end
  return table.concat(t, " ") .. " | " .. m
end
print(xpcall(g2, where))
print(xpcall(f, where))

-- Inside coroutines, and the dead coroutine's traceback.
local co = coroutine.create(f)
print(coroutine.resume(co, 1))
print(strip(debug.traceback(co)))
print(pcall(coroutine.wrap(g2)))

-- The state works normally afterwards.
local function sum(n, ...) if n == 0 then return select("#", ...) end return sum(n - 1, n, ...) end
print(sum(100))
