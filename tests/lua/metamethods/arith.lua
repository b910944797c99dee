-- Arithmetic metamethods: __add __sub __mul __div __mod __pow __unm, operand order and lookup.
local V = {}
V.__index = V
local function vec(x) return setmetatable({x = x}, V) end
local function val(o) return type(o) == "table" and "v" .. o.x or tostring(o) end
for _, op in ipairs({"add", "sub", "mul", "div", "mod", "pow"}) do
  V["__" .. op] = function(a, b) return op .. "(" .. val(a) .. "," .. val(b) .. ")" end
end
V.__unm = function(a, b) return "unm(" .. val(a) .. "," .. val(b) .. ")" end
local a, b = vec(1), vec(2)
print(a + b, a - 1, 2 * a, a / "s", a % b, 3 ^ b, -a)
-- the right operand's metamethod is used if the left has none
local plain = setmetatable({}, {})
local R = setmetatable({}, {__add = function(x, y) return "R" end})
print(plain + R, R + plain, 1 + R, R + 1, "s" + R)
-- strings that look like numbers skip metamethods
print("10" + 1, pcall(function() return "x" + 1 end))
-- metamethod on number-coercible string operand with table
print(pcall(function() return {} + {} end))
-- __unm receives the operand twice in LuaJIT
local U = setmetatable({}, {__unm = function(x, y) return rawequal(x, y) end})
print(-U)
-- result can be any value, including multiple (truncated)
local M = setmetatable({}, {__add = function() return 1, 2, 3 end})
print(M + M)
-- metamethod lookup uses rawget on the metatable
local meta = setmetatable({}, {__index = {__add = function() return "inherited" end}})
print(pcall(function() return setmetatable({}, meta) + 1 end))
-- userdata arithmetic
local ud = newproxy(true)
getmetatable(ud).__add = function(x, y) return "ud+" end
getmetatable(ud).__mul = function(x, y) return "ud*" end
print(ud + 1, 2 * ud)
