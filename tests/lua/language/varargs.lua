-- Varargs, select('#') and nil-padding.
local function count(...) return select('#', ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass(1, 2, 3), "x")
print(select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(-3, "a", "b", "c"))
print(pcall(select, -4, "a", "b", "c"))
print(pcall(select, 0, "a"))
print(select(5, 1, 2))
print(select('#', select(2, 1, 2, 3)))
local function tbl(...) return {...}, select('#', ...) end
local t, n = tbl(1, nil, 3, nil)
print(n, t[1], t[2], t[3], t[4])
local function f(a, b, ...)
  local x, y = ...
  return a, b, x, y, select('#', ...)
end
print(f(1)); print(f(1, 2, 3)); print(f(1, 2, 3, 4, 5))
-- varargs in table constructors and as middle arguments
local function g(...) return {..., "end"}, {"start", ...} end
local a, b = g(1, 2, 3)
print(#a, a[1], a[2], #b, b[4])
print(math.max(pass(3, 9, 2)), math.max(pass(3, 9, 2), 1))
-- unpack with explicit ranges
print(unpack({1, 2, 3}, 2), unpack({1, 2, 3}, 2, 5))
print(select('#', unpack({}, 1, 3)), unpack({1, 2}, 3))
-- many values
local big = {}
for i = 1, 250 do big[i] = i end
print(select('#', unpack(big)), select(250, unpack(big)))
local function sum(...) local s = 0 for i = 1, select('#', ...) do s = s + (select(i, ...)) end return s end
print(sum(unpack(big)))
-- the implicit 'arg' table does not exist in LuaJIT vararg functions
local function h(...) return arg end
print(type(h(1, 2)) == type(arg))
