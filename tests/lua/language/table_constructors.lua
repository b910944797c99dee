-- Table constructors: positional, keyed, mixed, trailing calls/varargs, separators.
local function three() return 1, 2, 3 end
local t = {three(), three()}
print(#t, t[1], t[2], t[4])
t = {three(), (three())}
print(#t)
t = {three(), x = 1}
print(#t, t.x)
t = {[1] = "a", "b"}
print(t[1])
t = {"b", [1] = "a"}
print(t[1])
t = {1, 2, 3; 4; n = 5,}
print(#t, t.n)
local function va(...) return {...}, {n = select('#', ...), ...}, {..., 0} end
local a, b, c = va("x", "y")
print(#a, b.n, b[1], b[2], #c, c[1], c[2])
t = {[1+1] = "two", ["k" .. "ey"] = "key", [true] = "t", [1.5] = "f"}
print(t[2], t.key, t[true], t[1.5])
t = {[2^53] = "big", [-0] = "zero"}
print(t[2^53], t[0])
print(pcall(function() return {[nil] = 1} end))
print(pcall(function() return {[0/0] = 1} end))
local nested = {a = {b = {c = {"deep"}}}}
print(nested.a.b.c[1])
t = {f = function(x) return x * 2 end, ["g"] = 5}
print(t.f(t.g))
-- float keys with integer values normalise to integers
t = {}
t[1.0] = "one"; t[2] = "two"
print(t[1], #t, t[2.0])
-- empty and nil-containing constructors
print(#{}, #{nil}, select('#', unpack({nil, nil}, 1, 2)))
