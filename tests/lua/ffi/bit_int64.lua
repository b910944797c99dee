-- The bit library on 64-bit integer cdata (LuaJIT 2.1): an integer cdata
-- argument makes the operation 64-bit with an int64_t/uint64_t result.
local ffi = require("ffi")
ffi.cdef[[
typedef enum { BI_NEG = -1 } bi_ienum;
typedef enum { BI_ZERO } bi_uenum;
]]

print(bit.tobit(0xfedcba9876543210ll), bit.tobit(0xfedcba9876543210ull))
print(bit.band(1ll, 1, 1ll, -1), bit.band(1ull, 1ll), bit.band(1, 1ull), bit.bor(1, 2, 3ll))
print(bit.bor(-1, 0ll), bit.bxor(0x123456789abcdef0LL, 0xffffffff00000000LL))
print(bit.tohex(0x123456789abcdef0LL), bit.tohex(255ll, 4), bit.tohex(255ll, -20), bit.tohex(1ll, 0))
print(bit.lshift(1, 40ll), bit.lshift(1ll, 40), bit.rshift(-1ll, 60), bit.arshift(-16ll, 2))
print(bit.rol(1ull, 65), bit.ror(1ll, 1), bit.lshift(10ll, 2ll))
print(bit.bnot(0ll), bit.bswap(0x0102030405060708ll), bit.bnot(5), bit.bswap(1))
for _, tp in ipairs{"int", "bi_ienum", "bi_uenum", "int64_t", "uint64_t", "uint32_t", "int8_t", "bool", "double"} do
  local x = ffi.new(tp, 10)
  print(tp, type(bit.tobit(x)), bit.tobit(x), bit.band(x), bit.bnot(x))
end
local u = ffi.new("bi_uenum", -10)
print(bit.tobit(u), bit.band(u), bit.band(ffi.new("uint32_t", 0xffffffff)))
print(bit.tobit(ffi.new("double", 2^32 + 5)), bit.band(ffi.new("double", 2^32 + 5)))
print(bit.tobit(ffi.new("complex", 7, 2)), bit.band("0x10", 1ll))
print(pcall(bit.band, ffi.new("int[2]")))
print(pcall(bit.band, 1, ffi.new("void *")))
print(pcall(bit.band, 1ll, "x"))
print(pcall(bit.lshift, 1ll, nil))
-- A loop, as the LuaJIT tests do.
local a, b = 0x123456789abcdef0LL, 0x31415926535898LL
for i = 1, 200 do
  a = bit.bxor(a, b); b = bit.rol(b, 14)
  a = a - b; b = bit.rol(b, 5)
  b = bit.bxor(a, b); b = b - bit.rol(b, 13)
end
print(a, b)
