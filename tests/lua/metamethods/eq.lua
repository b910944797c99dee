-- __eq: only for same-type operands (tables with tables, userdata with userdata), result coerced to boolean.
local calls = 0
local E = {__eq = function(a, b) calls = calls + 1; return a.id == b.id end}
local a = setmetatable({id = 1}, E)
local b = setmetatable({id = 1}, E)
local c = setmetatable({id = 2}, E)
print(a == b, a ~= b, a == c, a ~= c, calls)
print(a == a, calls)
print(a == 1, a == "x", a == nil, calls)
-- different metamethods: LuaJIT only needs the left operand's? test both directions
local other = setmetatable({id = 1}, {__eq = function() return true end})
print(a == other, other == a)
local plain = {id = 1}
print(a == plain, plain == a)
-- result is converted to a boolean
local N = {__eq = function() return "yes" end}
local x, y = setmetatable({}, N), setmetatable({}, N)
print(x == y, type(x == y))
local F = {__eq = function() return nil end}
print(setmetatable({}, F) == setmetatable({}, F))
-- rawequal ignores __eq
print(rawequal(a, b))
-- __eq on userdata
local mt = {__eq = function() return true end}
local u1, u2 = newproxy(true), newproxy(true)
getmetatable(u1).__eq = mt.__eq
getmetatable(u2).__eq = mt.__eq
print(u1 == u2, u1 ~= u2)
-- table keys use raw equality
local t = {}
t[a] = "a"
print(t[b], t[a])
