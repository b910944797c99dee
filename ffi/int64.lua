-- 64-bit integer cdata: arithmetic, comparisons, conversions, literals, tostring.
local ffi = require("ffi")
local function try(f, ...)
  local ok, a = pcall(f, ...)
  print(ok, ok and tostring(a) or a)
end

local a, b = 10LL, 3ULL
print(a, b, type(a), tostring(ffi.typeof(a)), tostring(ffi.typeof(b)))
print(a + 1, a - 20, a * a, a / 3, a % 3, a ^ 2, -a)
print(b + 1, b - 4, b * b, b / 2, b % 2, b ^ 3, -b)
print(a + b, a - b, tostring(ffi.typeof(a + b)))
print(-7LL / 2, -7LL % 2, 7LL % -2, -7LL % -2, 7LL / -2)
print(0x7fffffffffffffffLL + 1, -0x8000000000000000LL - 1)
print(0xffffffffffffffffULL + 1, 0ULL - 1)
print(2LL ^ 62, 2LL ^ 63, 2LL ^ 64, 3LL ^ -1, 0LL ^ 0, (-2LL) ^ 3)
print(2ULL ^ 63, 2ULL ^ 64)
print(a + 0.5, 0.5 + a, a * 1.9)
print(1LL / 0LL == nil, pcall(function() return 1LL % 0LL end))
print(pcall(function() return 1ULL / 0ULL end))
print(-9223372036854775807LL - 1, (-9223372036854775807LL - 1) / -1)
print((-9223372036854775807LL - 1) % -1)
-- comparisons
print(a == 10, a == 10LL, a == 10ULL, 10 == a, a < 11, a <= 10, a > 9.5, 9.5 < a)
print(-1LL < 0ULL, 0ULL > -1LL, -1LL == 0xffffffffffffffffULL)
print(1LL < 2LL, 2LL < 1LL, 1ULL <= 1ULL)
print(a ~= 10LL, a ~= 11LL)
print(0x8000000000000000ULL > 0x7fffffffffffffffULL)
-- literals
print(0x10LL, 0x10ull, 077LL, 1e2 == 100LL, 123456789012345678LL)
print(tostring(0x8000000000000000LL), tostring(18446744073709551615ULL))
print(12i, 1.5i, 0x10i, tostring(ffi.typeof(1i)))
-- tostring / tonumber
print(tostring(-1LL), tostring(0ULL), tostring(12345678901234567890ULL))
print(tonumber(2LL^53 + 1), tonumber(-5LL), tonumber(0xffffffffffffffffULL))
print(tonumber(ffi.new("int64_t", 7)), tonumber(ffi.new("uint32_t", 7)))
print(string.format("%d %s", 5LL, 5LL), pcall(string.rep, "x", 3LL))
print(#tostring(123LL))
-- bit library accepts 64-bit cdata
print(bit.band(0xff00LL, 0x0ff0), bit.bor(1LL, 2), bit.bxor(-1LL, 1), bit.bnot(0ULL))
print(bit.lshift(1LL, 40), bit.rshift(-1LL, 60), bit.arshift(-256LL, 4), bit.rol(1ULL, 63))
print(bit.tohex(255LL), bit.tohex(-1LL), bit.tohex(0x123456789abcdefULL, 4), bit.tohex(1LL, -16))
print(bit.tobit(0x123456789LL), bit.bswap(0x0102030405060708LL))
-- conversions of other types in arithmetic
print(pcall(function() return 1LL + true end))
print(pcall(function() return 1LL + "2" end))
print(pcall(function() return 1LL < "2" end))
print(pcall(function() return 1LL .. "" end))
