-- table.new / table.clear via require, registered in package.preload;
-- loading one also adds it to the table library.
-- Unknown table.* modules are not preloaded.
print(package.preload["table.foo"], (pcall(require, "table.foo")))
print(type(package.preload["table.new"]), type(package.preload["table.clear"]))
print(table.new, table.clear)
local new = require("table.new")
print(tostring(new), table.new == new, package.loaded["table.new"] == new, require("table.new") == new)
local clear = require("table.clear")
print(tostring(clear), table.clear == clear)
local function pt(ok, v) return ok, type(v) == "table" and "table" or v end
local t = new(100, 0)
print(type(t), #t, next(t))
for i = 1, 100 do t[i] = i end
print(#t, t[100])
t = new(0, 16)
for i = 1, 16 do t["k" .. i] = i end
local n = 0 for _ in pairs(t) do n = n + 1 end print(n)
print(pcall(new), pcall(new, 1))
print(pcall(new, "4", "5"), pcall(new, "x", 1))
print(pt(pcall(new, -1, -1)))
print(pt(pcall(new, -5, 0)))
print(pt(pcall(new, 0, -5)))
print(pt(pcall(new, 2 ^ 27 + 1, 0)))
print(pt(pcall(new, 0, 2 ^ 26 + 1)))
print(pt(pcall(new, 3.7, 2.2)))
local c = { 1, 2, 3, x = 1, y = 2, [0] = 0, [-1] = -1 }
local same = c
print(clear(c))
print(c == same, #c, next(c))
c[1] = "reuse"; c.x = "again"
print(c[1], c.x, #c)
local withmt = setmetatable({ 1, 2 }, { __index = function() return "mt" end })
clear(withmt)
print(rawget(withmt, 1), withmt[1], getmetatable(withmt) ~= nil)
print(pcall(clear), pcall(clear, nil), pcall(clear, "x"))
print(pcall(function() clear() end))
