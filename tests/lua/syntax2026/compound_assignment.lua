-- Compound assignment: += -= *= /= %= &= |= ~= <<= >>= ~>>= ..=
-- (`~=` as a statement is xor assignment; there is no ^=).
local x = 10
x += 5; print(x)
x -= 3; print(x)
x *= 2; print(x)
x /= 8; print(x)
x %= 2; print(x)
x = 0xf0
x &= 0x3c; print(x)
x |= 1; print(x)
x ~= 0xff; print(x)
x <<= 4; print(x)
x >>= 2; print(x)
x = -64
x ~>>= 3; print(x)
local s = "a"
s ..= "b"; s ..= 1; s ..= s; print(s)
-- The right side is a whole expression.
local y = 2
y += 3 * 4 - 1; print(y)
y *= y > 10 and 2 or 3; print(y)
y ..= "!" .. "?"; print(y)
-- Upvalues and globals.
local up = 1
local function bump(n) up += n return up end
print(bump(2), bump(3), up)
G_count = 5
G_count -= 1; G_count *= 10; print(G_count)
-- Table fields: table and key evaluated once.
local t = { n = 1, [2] = 10, list = { 1, 2, 3 } }
t.n += 1; t[2] *= 3; t["n"] ..= "x"; print(t.n, t[2])
local evals = 0
local function key(k) evals += 1 return k end
local function tab() evals += 1 return t end
tab()[key("m")] = 0
tab()[key("m")] += 5
tab().list[key(1)] -= 1
print(t.m, t.list[1], evals)
-- Keys that are locals, constants, numbers and strings beyond the short
-- constant range.
local k = "n"
t[k] ..= "y"; t[1 + 1] += 1; print(t.n, t[2])
-- Metamethods run as for the expanded form.
local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) log[#log + 1] = "get " .. k return 1 end,
  __newindex = function(_, k, v) log[#log + 1] = "set " .. k .. "=" .. tostring(v) end,
})
proxy.a += 1
proxy.b ..= "z"
print(table.concat(log, ", "))
local vec = setmetatable({ 1 }, { __add = function(a, b) return "added" end })
local v2 = vec
v2 += 1
print(v2)
-- Errors at run time are those of the operator.
print(pcall(function() local z = {} z += 1 end))
print(pcall(function() local z = "s" z &= 1 end))
print(pcall(function() local z z ..= "x" end))
-- Safe navigation target: nothing happens on nil.
local maybe = nil
maybe?.count += 1
local present = { count = 1 }
present?.count += 1
print(present.count)
-- In loops.
local sum = 0
for i = 1, 10 do sum += i end
local bits = 0
for i = 0, 7, 2 do bits |= 1 << i end
print(sum, bits)
