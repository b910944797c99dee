-- Nested resumes, deep recursion inside coroutines, coroutine-local stacks.
local function nest(n)
  if n == 0 then return coroutine.yield("bottom") end
  local co = coroutine.create(nest)
  local ok, v = coroutine.resume(co, n - 1)
  return v .. "<" .. n
end
local top = coroutine.create(nest)
print(coroutine.resume(top, 50))
local function rec(n) if n == 0 then coroutine.yield("deep") return 0 end return 1 + rec(n - 1) end
local co = coroutine.create(rec)
print(coroutine.resume(co, 5000))
print(coroutine.resume(co))
-- a coroutine that yields in a loop many times
local counter = coroutine.wrap(function() local i = 0 while true do i = i + 1 coroutine.yield(i) end end)
local last
for _ = 1, 100000 do last = counter() end
print(last)
-- resuming a coroutine from inside another coroutine that is later resumed
local a, b
a = coroutine.create(function() coroutine.yield("a1"); local _, v = coroutine.resume(b); coroutine.yield("a2 " .. v) end)
b = coroutine.create(function() coroutine.yield("b1") end)
print(coroutine.resume(a)); print(coroutine.resume(a)); print(coroutine.resume(a)); print(coroutine.status(b))
