-- __eq is not used for table keys or for comparisons with different types; metatable changes are seen immediately.
local mt = {__eq = function() return true end}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
local t = {[a] = "a"}
print(t[b], a == b)
mt.__eq = nil
print(a == b)
mt.__eq = function() return false end
print(a == b, a == a)
-- __lt added after first comparison
local lmt = {}
local x, y = setmetatable({}, lmt), setmetatable({}, lmt)
print(pcall(function() return x < y end))
lmt.__lt = function() return true end
print(pcall(function() return x < y end))
-- table.sort/find style searches use raw equality for keys
local list = {a, b}
local found
for i, v in ipairs(list) do if rawequal(v, b) then found = i end end
print(found)
