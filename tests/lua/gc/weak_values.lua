-- Weak-valued tables and weak-both tables; caches/memoisation idiom.
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local cache = setmetatable({}, {__mode = "v"})
local strong = {}
local function fill()
  for i = 1, 50 do
    local obj = {i}
    cache[i] = obj
    if i % 5 == 0 then strong[#strong+1] = obj end
  end
  cache.s = "string value"
  cache.n = 123
  cache.b = true
end
fill()
collectgarbage(); collectgarbage()
print(count(cache), cache[5] ~= nil, cache[6] == nil, cache.s, cache.n, cache.b)
local both = setmetatable({}, {__mode = "kv"})
local k1, v1 = {}, {}
local function fillboth()
  both[k1] = {}
  both[{}] = v1
  both[{}] = {}
  both[k1 and "str"] = v1
end
fillboth()
collectgarbage(); collectgarbage()
print(count(both), both.str == v1)
-- memoize with weak values: recomputes after collection
local calls = 0
local memo = setmetatable({}, {__mode = "v"})
local function make(n)
  local r = memo[n]
  if not r then calls = calls + 1; r = {n * 2}; memo[n] = r end
  return r
end
local keep = make(1)
make(2)
collectgarbage(); collectgarbage()
make(1); make(2)
print(calls)
-- weak values with closures and coroutines
local wf = setmetatable({}, {__mode = "v"})
local function addf() wf.f = function() end; wf.co = coroutine.create(print) end
addf()
collectgarbage(); collectgarbage()
print(wf.f, wf.co)
