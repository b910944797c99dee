-- Run-time errors of the bit operators: no coercion of strings, no
-- metamethods (not backported), the blamed operand named as for arithmetic.
local function try(f, ...) print(pcall(f, ...)) end
local s, t, n, b = "12", {}, nil, true
try(function() return s & 1 end)
try(function() return 1 | s end)
try(function() return ~s end)
try(function() return t ~ 1 end)
try(function() return 1 << n end)
try(function() return b >> 1 end)
try(function() return 1 ~>> print end)
try(function() return ~t end)
try(function() local x = "3" return x << 1 end)
try(function() return t.missing & 1 end)
try(function() return 1 & undefined_global end)
try(function() return s & t end)
try(function() return 1 & s .. "" end)
try(function(a, c) return a | c end, 1, coroutine.create(print))
-- Upvalues and table fields.
local up = "x"
try(function() return up ~ 0 end)
try(function() return t.x ~>> 1, 0 end)
-- Metamethods of the arithmetic operators are not called.
local mt = { __add = function() return 1 end, __band = function() return 2 end,
             __bnot = function() return 3 end, __shl = function() return 4 end }
local obj = setmetatable({}, mt)
try(function() return obj & 1 end)
try(function() return ~obj end)
try(function() return obj << 1 end)
print(obj + 1)
-- Numeric strings work with the bit library but not with the operators.
print(bit.band("12", 10))
try(function() return "12" & 10 end)
-- The result of a bit operator in a temporary slot is not named after
-- what the slot held before.
local N = 6
try(function() return (N & 1)() end)
try(function() return (~N).x end)
try(function() return (N << 1LL)() end)
