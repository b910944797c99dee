-- Concatenations whose result would reach LuaJIT's string length limit
-- (0x7fffff00 bytes) raise "string length overflow" at the concatenation,
-- before building anything, also inside coroutines (the Lua 5.1 suite's
-- big.lua runs this way), and the error reaches the coroutine's pcall.
local longs = string.rep("\0", 2^25)
local function catter(n)
  return assert(loadstring(
    string.format("return function(a) return a%s end", string.rep("..a", n - 1))))()
end
local rep129 = catter(129)

print(pcall(rep129, longs))

local co = coroutine.wrap(function()
  local ok, err = pcall(rep129, longs)
  coroutine.yield(ok, err)
  return "after"
end)
print(co())
print(co())

-- Uncaught inside the coroutine: resume reports it.
local co2 = coroutine.create(function() return rep129(longs) end)
print(coroutine.resume(co2))
print(coroutine.status(co2))

-- Numbers among the operands count with their printed length: 8 digits
-- bring this one to exactly the limit, which is already too long.
local f = loadstring("return function(a, n) return a..a..a..a..n end")()
local quarter = string.rep("x", 2^29 - 66)
print(pcall(f, quarter, 12345678))

-- The same error from a chunk that is not itself in a pcall: xpcall with
-- a traceback sees the concatenation's position.
print((select(2, xpcall(function() return rep129(longs) end, debug.traceback))
  :match("^[^\n]*")))
