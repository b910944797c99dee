-- __call on tables and userdata, with arguments and multiple results.
local callable = setmetatable({name = "obj"}, {__call = function(self, a, b) return self.name, a, b end})
print(callable(1, 2))
print(callable())
print(pcall(callable, "p"))
local function va(...) return select('#', ...), ... end
local c2 = setmetatable({}, {__call = function(self, ...) return va(...) end})
print(c2(nil, nil))
-- __call chain: a callable whose __call is itself a callable table (LuaJIT does not chain)
local inner = setmetatable({}, {__call = function() return "inner" end})
local outer = setmetatable({}, {__call = inner})
print(pcall(outer))
-- method-style call on a callable field
local obj = {f = callable}
local r1, r2, r3 = obj:f("x")
print(r1, r2 == obj, r3)
-- userdata __call
local ud = newproxy(true)
getmetatable(ud).__call = function(u, x) return "ud called", x end
print(ud(9))
-- callable used as a sort comparator and in gsub
local cmp = setmetatable({}, {__call = function(_, a, b) return a > b end})
local t = {3, 1, 2}
print(pcall(table.sort, t, cmp))
print(t[1], t[2], t[3])
local rep = setmetatable({}, {__call = function(_, s) return s:upper() end})
print(pcall(string.gsub, "abc", "%w", rep))
-- calling non-callables
print(pcall(function() local x = {}; x() end))
print(pcall(function() local x = setmetatable({}, {}); x() end))
