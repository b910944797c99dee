-- tostring and tonumber of cdata of every kind (no addresses are printed).
local ffi = require("ffi")
local function strip(s) return (s:gsub("0x%x+", "ADDR")) end
local vals = {
  ffi.new("int", -5), ffi.new("unsigned int", 5), ffi.new("int8_t", -1), ffi.new("uint8_t", 200),
  ffi.new("int16_t", -300), ffi.new("uint16_t", 60000), ffi.new("int64_t", -7), ffi.new("uint64_t", 7),
  ffi.new("float", 1.5), ffi.new("double", -0.25), ffi.new("bool", true), ffi.new("char", 65),
  ffi.new("int[2]"), ffi.new("int *"), ffi.new("struct { int a; }"), ffi.new("complex", 1, -1),
  ffi.cast("void *", 0), ffi.new("long", 3), ffi.new("size_t", 4),
}
for i, v in ipairs(vals) do
  local s = strip(tostring(v)):gsub("struct %d+", "struct N")
  print(i, s, tonumber(v))
end
print(tostring(ffi.typeof("int")), tostring(ffi.typeof("struct { int a; }")):gsub("%d+", "N"))
print(strip(tostring(ffi.C)))
print(tonumber("10", 16), pcall(tonumber, ffi.new("int", 10), 16))
print(tonumber(ffi.new("double", 0/0)) ~= tonumber(ffi.new("double", 0/0)))
print(tonumber(ffi.cast("int *", 16)), tonumber(ffi.new("int[3]")) == nil)
print(tonumber(ffi.new("uint64_t", 2^64 - 1)) == 2^64)
print(tonumber(ffi.new("int64_t", 2^53 + 1)) == 2^53)
-- string.format with cdata
print(string.format("%s %s %s", 1LL, 2ULL, ffi.new("int", 3)):gsub("0x%x+", "ADDR"))
print(pcall(string.format, "%d", ffi.new("int", 3)))
print(pcall(string.format, "%f", 1LL))
print(pcall(string.format, "%x", 255ULL))
-- print goes through tostring
print(1LL, 2ULL, 3i)
-- concatenation of 64-bit integers is not allowed
print(pcall(function() return "a" .. 1LL end))
