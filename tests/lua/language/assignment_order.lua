-- Multiple assignment: right-hand side fully evaluated before any store; adjustment.
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local t = {}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local x, y, z = (function() return 1, 2, 3 end)()
print(x, y, z)
x, y, z = (function() return 1, 2, 3 end)(), 10
print(x, y, z)
x, y = 5
print(x, y)
local function three() return 1, 2, 3 end
local p, q = three(), three()
print(p, q)
-- evaluation order of operands is left to right for calls
local log = {}
local function v(n) log[#log+1] = n; return n end
local r = {v(1), v(2), v(3)}
local s = v(4) + v(5) * v(6)
print(table.concat(log, " "), s)
-- swapping table fields
local u = {1, 2, 3}
u[1], u[3] = u[3], u[1]
print(u[1], u[2], u[3])
-- same variable assigned twice
local w
w, w = 1, 2
print(w == 1 or w == 2)
-- globals
g1, g2 = "a", "b"
print(g1, g2)
g1, g2 = g2, g1
print(g1, g2)
