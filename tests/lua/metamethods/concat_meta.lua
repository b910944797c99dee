-- __concat: operand order, mixed with strings and numbers, chained concatenation.
local C = {}
C.__concat = function(a, b)
  local function s(x) return type(x) == "table" and "[" .. x.n .. "]" or tostring(x) end
  return s(a) .. s(b)
end
local function c(n) return setmetatable({n = n}, C) end
print(c(1) .. "x", "x" .. c(2), 3 .. c(4), c(5) .. c(6))
print("a" .. "b" .. c(7) .. "d" .. "e")
print(c(1) .. c(2) .. c(3))
local r = setmetatable({}, {__concat = function(a, b) return 99 end})
print("s" .. r, type("s" .. r))
print(pcall(function() return {} .. "x" end))
print(pcall(function() return "x" .. {} .. "y" end))
print(pcall(function() return 1 .. true end))
-- __concat returning a table lets chains continue
local T = {}
T.__concat = function(a, b)
  local av = type(a) == "table" and a.v or a
  local bv = type(b) == "table" and b.v or b
  return setmetatable({v = av .. "+" .. bv}, T)
end
local x = setmetatable({v = "x"}, T)
print((x .. "a" .. "b").v, ("p" .. "q" .. x).v)
