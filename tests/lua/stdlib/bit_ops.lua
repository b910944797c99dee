-- The bit library: all operations, normalisation to signed 32 bits, hex formatting.
print(bit.tobit(0xffffffff), bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(1.5), bit.tobit(2^31))
print(bit.tohex(255), bit.tohex(-1), bit.tohex(255, 4), bit.tohex(255, -4), bit.tohex(0x12345678, 2), bit.tohex(1, 8))
print(bit.bnot(0), bit.bnot(-1), bit.bnot(0x0f0f0f0f))
print(bit.band(0xff, 0x0f), bit.band(-1, 0xff), bit.band(1, 3, 7), pcall(bit.band))
print(bit.bor(1, 2), bit.bor(1, 2, 4, 8), bit.bor(-1, 0), pcall(bit.bor))
print(bit.bxor(5, 3), bit.bxor(5, 3, 1), bit.bxor(-1, 1))
print(bit.lshift(1, 0), bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(0xff, 28))
print(bit.rshift(-1, 0), bit.rshift(-1, 1), bit.rshift(-1, 31), bit.rshift(1, 32), bit.rshift(0x80000000, 4))
print(bit.arshift(-1, 4), bit.arshift(-256, 4), bit.arshift(0x7fffffff, 30), bit.arshift(-1, 32))
print(bit.rol(0x12345678, 4), bit.rol(1, 31), bit.rol(1, 32), bit.ror(0x12345678, 4), bit.ror(1, 1))
print(bit.bswap(0x12345678), bit.bswap(-1), bit.bswap(0xff))
print(bit.band("0xff", "15"), pcall(bit.band, "x"), pcall(bit.band, {}))
print(bit.tobit(2^52 + 3), bit.tobit(-2^52 - 3), bit.tobit(1e100) ~= nil)
print(bit.tohex(0), bit.tohex(-1, 16) , bit.tohex(0xabc, -3))
local x = 0
for i = 0, 31 do x = bit.bor(x, bit.lshift(i % 2, i)) end
print(x, bit.tohex(x))
