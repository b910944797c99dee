-- math.random with a fixed seed: LuaJIT's generator is deterministic across runs and platforms.
math.randomseed(42)
local a = {}
for i = 1, 5 do a[i] = string.format("%.12f", math.random()) end
print(table.concat(a, " "))
local b = {}
for i = 1, 10 do b[i] = math.random(100) end
print(table.concat(b, " "))
local c = {}
for i = 1, 10 do c[i] = math.random(-5, 5) end
print(table.concat(c, " "))
math.randomseed(42)
print(string.format("%.12f", math.random()) == a[1])
math.randomseed(123)
local ok = true
for i = 1, 1000 do local v = math.random(3, 7); if v < 3 or v > 7 or v ~= math.floor(v) then ok = false end end
for i = 1, 1000 do local v = math.random(); if v < 0 or v >= 1 then ok = false end end
print(ok)
print(pcall(math.random, 0))
print(pcall(math.random, 1, 2, 3))
print(math.random(1, 1), math.random(1))
math.randomseed(0)
print(string.format("%.12f", math.random()))
math.randomseed(1.5)
print(string.format("%.12f", math.random()))
