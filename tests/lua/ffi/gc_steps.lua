-- Allocations made by cdata operations (64-bit arithmetic, pointer
-- arithmetic, reading 64-bit elements, ffi.new, ctype calls, ffi.cast)
-- step the collector: memory stays bounded in long loops.
local ffi = require "ffi"
local ct = ffi.typeof("struct { int64_t v; }")
local a = ffi.new("int64_t[4]")
local function grows(f)
  collectgarbage()
  local base = collectgarbage("count")
  for i = 1, 200000 do f(i) end
  return collectgarbage("count") - base > 4096
end
local x = 0LL
print("int64 add", grows(function(i) x = x + 1 end), x)
print("pointer add", grows(function(i) local p = a + 1 end))
print("int64 element", grows(function(i) local e = a[1] end))
print("ffi.new", grows(function(i) local n = ffi.new("int[2]") end))
print("ctype call", grows(function(i) local s = ct(i) end))
print("ffi.cast", grows(function(i) local c = ffi.cast("int64_t", i) end))
