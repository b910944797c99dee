-- bit: argument conversion, defaults and errors.
print(pcall(bit.tohex, 1, nil))
print(pcall(bit.tohex))
print(pcall(bit.lshift, 1))
print(pcall(bit.lshift))
print(pcall(bit.bnot))
print(bit.band(1), bit.bor(5), bit.bxor(7), bit.tobit("0x10"), bit.tobit(" 12 "), pcall(bit.tobit, "1x"))
print(bit.band(1, 3, "7", 15.2), pcall(bit.bor, 1, 2, nil))
print(bit.lshift("1", "4"), bit.tohex("255"), bit.tohex(255, "2"), bit.bswap("1"))
print(pcall(bit.tobit, nil), pcall(bit.tobit, true))
print(bit.tobit(1, 2), select('#', bit.tobit(1, 2)))
for _, x in ipairs({ 0, 1, -1, 2 ^ 31, 2 ^ 32, 2 ^ 32 + 1, -2 ^ 31, -2 ^ 31 - 1, 0.5, 1.5, 2.5, -0.5, -1.5, 1e15, -1e15, 2 ^ 52, 2 ^ 53 + 2, 1 / 0, 0 / 0 }) do
  print(x, bit.tobit(x), bit.tohex(x), bit.bnot(x), bit.bswap(x))
end
for _, n in ipairs({ 0, 1, 4, 8, 9, 15, 16, 17, -1, -8, -16, 31.5, 2 ^ 32 + 3 }) do print(n, bit.tohex(0x1234abcd, n)) end
for _, s in ipairs({ -33, -32, -1, 0, 1, 7, 31, 32, 33, 63, 64, 2.5, 2 ^ 32 + 1 }) do
  print(s, bit.lshift(0x81, s), bit.rshift(-0x81, s), bit.arshift(-0x81, s), bit.rol(0x12345678, s), bit.ror(0x12345678, s))
end
print(bit.band(0xffffffff, 2 ^ 32 + 7), bit.bor(2 ^ 31, 1), bit.bxor(-1, 2 ^ 31))
print(pcall(function() return bit.band(1, {}) end))
print(pcall(function() return bit.tohex() end))
print(pcall(function() local b = bit; return b.rol(1) end))
local names = {}
for k, v in pairs(bit) do names[#names + 1] = k .. "=" .. tostring(v) end
table.sort(names)
print(table.concat(names, " "))
print(package.loaded.bit == bit)
