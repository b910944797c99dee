-- __lt and __le, including LuaJIT's fallback of a <= b to not (b < a).
local L = {}
L.__lt = function(a, b) return a.v < b.v end
local function o(v) return setmetatable({v = v}, L) end
print(o(1) < o(2), o(2) < o(1), o(1) > o(2), o(2) > o(1))
print(pcall(function() return o(1) <= o(2) end))
print(pcall(function() return o(2) >= o(3) end))
local B = {}
B.__lt = function(a, b) return a.v < b.v end
B.__le = function(a, b) return a.v <= b.v end
local function p(v) return setmetatable({v = v}, B) end
print(p(1) <= p(1), p(2) <= p(1), p(1) >= p(1), p(1) >= p(2))
-- mixed types: metamethod called for table vs number?
print(pcall(function() return o(1) < 5 end))
print(pcall(function() return 5 < o(1) end))
print(pcall(function() return "a" < o(1) end))
-- results coerced to boolean
local S = {__lt = function() return "truthy" end, __le = function() return nil end}
local s1, s2 = setmetatable({}, S), setmetatable({}, S)
print(s1 < s2, s1 <= s2, s1 > s2, s1 >= s2)
-- operands are swapped for > and >=
local order = {}
local W = {__lt = function(a, b) order[#order+1] = a.n .. "<" .. b.n; return true end,
           __le = function(a, b) order[#order+1] = a.n .. "<=" .. b.n; return true end}
local x, y = setmetatable({n = "x"}, W), setmetatable({n = "y"}, W)
local _ = x < y, x > y, x <= y, x >= y
print(table.concat(order, " "))
-- different metatables with the same function
local shared = function(a, b) return true end
local m1, m2 = {__lt = shared}, {__lt = shared}
print(pcall(function() return setmetatable({}, m1) < setmetatable({}, m2) end))
local m3 = {__lt = function() return true end}
print(pcall(function() return setmetatable({}, m1) < setmetatable({}, m3) end))
-- sorting with __lt
local list = {o(5), o(2), o(9), o(1)}
table.sort(list)
for _, e in ipairs(list) do io.write(e.v, " ") end print()
