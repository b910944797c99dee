-- The conditional operator c ? a : b: right associative, lowest priority,
-- only one branch evaluated, false and nil are the false conditions.
local function show(...) print(...) end
local t, f, n = true, false, nil
show(t ? 1 : 2, f ? 1 : 2, n ? 1 : 2, 0 ? "zero" : "no", "" ? 1 : 2)
show(t ? f : 3, t ? n : 3, f ? 1 : f, f ? 1 : n)
-- Right associative: a ? b : c ? d : e is a ? b : (c ? d : e).
local function sign(x) return x < 0 ? -1 : x > 0 ? 1 : 0 end
show(sign(-5), sign(0), sign(7))
show(t ? f ? 1 : 2 : 3, f ? 1 : t ? 2 : 3, t ? (f ? 1 : 2) : 3)
-- Below every binary operator: the condition is the whole expression.
show(1 + 1 == 2 ? "two" : "not", 1 < 2 and 3 ? 4 : 5, f or n ? 1 : 2)
show("a" .. "b" ? 1 : 2, 2 > 1 ? 10 + 1 : 20 + 2, 5 & 1 ? "odd" : "even")
-- Only one branch runs.
local log = {}
local function say(s) log[#log + 1] = s return s end
local r = t ? say("yes") : say("no")
r = f ? say("yes2") : say("no2")
print(r, table.concat(log, ","))
-- In argument lists, table constructors, returns, loops.
local tt = { t ? "x" : "y", k = f ? 1 : 2, [t ? "a" : "b"] = 3 }
print(tt[1], tt.k, tt.a, tt.b)
local function pick(c, ...) return c ? select("#", ...) : ... end
print(pick(true, 1, 2, 3), pick(false, 4, 5))
for i = 1, 3 do io.write(i % 2 == 0 ? "even " : "odd ") end
print()
-- Multiple values are truncated to one in both branches.
local function two() return 1, 2 end
print(t ? two() : 0, f ? 0 : two())
-- A method call in the true branch needs parentheses; in the false branch
-- it is fine.
local obj = { v = 7, get = function(self) return self.v end }
print(t ? (obj:get()) : 0, f ? 0 : obj:get(), f ? 0 : obj.get(obj))
-- Nested in parentheses and with other new operators.
print((t ? 1 : 2) + (f ? 10 : 20), t ? 1 | 2 : 0, n ?? f ? "x" : "y")
-- Values that are expressions with jumps.
local x = 5
print(x > 3 ? x > 4 : x > 1, x > 6 ? 1 : x > 4 and "big" or "small")
-- Registers: many values around a conditional.
local a1, a2, a3 = 1, 2, 3
print(a1, a2 == 2 ? a3 : a1, a3, f ? a1 : a2, (a1 > 0 ? a2 : a3) * 10)
