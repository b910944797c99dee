-- __index as table and as function, chains, rawget bypass, non-table receivers.
local base = {greet = "hi", shared = "base"}
local mid = setmetatable({shared = "mid"}, {__index = base})
local obj = setmetatable({}, {__index = mid})
print(obj.greet, obj.shared, obj.missing, rawget(obj, "greet"))
local calls = {}
local fobj = setmetatable({present = 1}, {__index = function(t, k) calls[#calls+1] = tostring(k); return k == "x" and 42 or nil end})
print(fobj.present, fobj.x, fobj.y, fobj[1], table.concat(calls, ","))
-- __index function receives the original table
local self_check = setmetatable({}, {__index = function(t, k) return t end})
print(self_check.anything == self_check)
-- deep chain
local top = {deep = "found"}
local cur = top
for i = 1, 50 do cur = setmetatable({}, {__index = cur}) end
print(cur.deep)
-- __index on a metatable that itself has __index does not chain through the metatable
local mt = setmetatable({}, {__index = {viaMeta = true}})
mt.__index = {direct = true}
local o = setmetatable({}, mt)
print(o.direct, o.viaMeta)
-- changing __index after setmetatable takes effect
local mt2 = {}
local o2 = setmetatable({}, mt2)
print(o2.k)
mt2.__index = {k = "late"}
print(o2.k)
mt2.__index = nil
print(o2.k)
-- __index with numeric keys and array-like behaviour
local defaults = setmetatable({}, {__index = function(_, i) return i * i end})
print(defaults[3], defaults[10], #defaults)
-- __index loop detection
local loop = {}
setmetatable(loop, {__index = loop})
print(pcall(function() return loop.x end))
-- __index on userdata via newproxy
local ud = newproxy(true)
getmetatable(ud).__index = function(u, k) return "ud:" .. k end
print(ud.foo, ud.bar)
-- __index errors propagate
local bad = setmetatable({}, {__index = function() error("idx fail") end})
print(pcall(function() return bad.x end))
-- __index = non-table non-function value
local weird = setmetatable({}, {__index = 5})
print(pcall(function() return weird.x end))
