-- LuaJIT extensions: table.move, table.new, table.clear.
local function show(t, n) local o = {} for i = 1, n or #t do o[i] = tostring(t[i]) end return table.concat(o, ",") end
local a = {1, 2, 3, 4, 5}
print(show(table.move(a, 2, 4, 1)))
a = {1, 2, 3, 4, 5}
print(show(table.move(a, 1, 3, 3)))
local b = {}
print(table.move({1, 2, 3}, 1, 3, 2, b) == b, show(b, 4))
print(show(table.move({1, 2}, 1, 0, 1)))
local new = require("table.new")
local t = new(10, 5)
print(type(t), #t, next(t))
t[1] = 1; t.x = 2
print(#t, t.x)
print(type(table.new), pcall(new, -1, -1))
local clear = require("table.clear")
local c = {1, 2, 3, x = 1, y = 2}
local same = c
clear(c)
print(c == same, #c, next(c))
c[1] = "reuse"
print(c[1])
print(pcall(clear, nil))
