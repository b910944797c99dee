-- Table indexing with every key type, rawget/rawset/rawequal, array/hash transitions.
local f, co, ud = function() end, coroutine.create(function() end), newproxy()
local t = {}
local keys = {1, 2.5, -1, 0, "s", "", true, false, f, co, ud, t, 2^40}
for i, k in ipairs(keys) do t[k] = i end
for i, k in ipairs(keys) do io.write(t[k] == i and "y" or "n") end print()
print(t[nil], rawget(t, nil), t[0/0])
print(pcall(function() t[nil] = 1 end))
print(pcall(function() t[0/0] = 1 end))
print(pcall(rawset, t, nil, 1))
print(rawget(t, 1), rawequal(t, t), rawequal(t, {}), rawequal("a", "a"), rawequal(1, 1.0))
print(rawset(t, "new", 5) == t, t.new)
-- growing the array part from the hash side and back
local g = {}
for i = 10, 1, -1 do g[i] = i end
print(#g, g[1], g[10])
for i = 1, 10 do g[i] = nil end
print(next(g))
local sparse = {}
sparse[1000000] = 1
sparse[1] = 2
print(sparse[1000000], sparse[1], #sparse)
-- negative and fractional keys are hash keys
local h = {}
h[-1] = "neg"; h[0] = "zero"; h[0.5] = "half"
print(h[-1], h[0], h[0.5], #h)
-- indexing non-tables
print(pcall(function() local x = nil; return x.y end))
print(pcall(function() local x = 1; return x.y end))
print(pcall(function() local x = true; x.y = 1 end))
print(type(("abc").len), ("abc").nothing)
-- string keys vs numeric-string keys are distinct
local m = {}
m["1"] = "str"; m[1] = "num"
print(m["1"], m[1])
-- nested table assignment chain
local n = {a = {b = {}}}
n.a.b.c = 42
print(n.a.b.c, n["a"]["b"]["c"])
