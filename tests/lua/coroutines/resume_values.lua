-- Passing many and unusual values through resume/yield.
local co = coroutine.create(function(...)
  local n = select('#', ...)
  local function pack(...) return {n = select('#', ...), ...} end
  local got = pack(coroutine.yield(n, ...))
  return got.n, unpack(got, 1, got.n)
end)
local big = {}
for i = 1, 200 do big[i] = i end
local res = {coroutine.resume(co, unpack(big))}
print(res[1], res[2], res[3], res[202], #res)
local res2 = {coroutine.resume(co, "a", nil, "c")}
print(res2[1], res2[2], res2[3], res2[4], res2[5])
local co2 = coroutine.create(function(f, t, c) return type(f), type(t), type(c), f(), t.k, coroutine.status(c) end)
print(coroutine.resume(co2, function() return "fn" end, {k = "tv"}, co2))
-- yield from nested function calls several levels deep
local function l3() return coroutine.yield("from l3") end
local function l2() return "l2:" .. l3() end
local function l1() return "l1:" .. l2() end
local co3 = coroutine.create(l1)
print(coroutine.resume(co3))
print(coroutine.resume(co3, "resumed"))
-- wrap returning nothing
local w = coroutine.wrap(function() coroutine.yield() end)
print(select('#', w()), select('#', w()))
