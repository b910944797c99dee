-- Bit operators on 64-bit integer cdata, as the bit library takes them: an
-- int64_t or uint64_t operand makes the operation 64-bit, with an int64_t
-- result (uint64_t if an operand is one; for shifts only the left operand
-- decides). Numbers join by truncation to 64 bits (not bit.tobit).
local ffi = require("ffi")
local function show(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
  print(table.concat(t, "  "))
end

show(1LL << 40, 1LL << 63, 1LL << 64, 1LL << 65, -1LL >> 60, -1LL ~>> 60)
show(1ULL << 63, -1ULL >> 1, 0x8000000000000000ULL ~>> 63, 1 << 40LL)
show(5LL & 3, 5 & 3LL, 5LL | 3ULL, 5LL ~ 3, ~0LL, ~0ULL, ~5LL)
show(5.5 & 7LL, 5.5 & 7, -5.5 | 0LL, 2^40 | 1LL, 2^40 | 1, 2^63 | 0ULL)
show(type(1LL & 1), ffi.typeof(1LL & 1), ffi.typeof(1ULL & 1), type(1 << 2ULL))
show(ffi.typeof(1LL << 2ULL), ffi.typeof(1ULL << 2LL), ffi.typeof(~1ULL))

-- At run time, from variables.
local a, b, n = 0x123456789LL, 0xffULL, 4
show(a & b, a >> n, a << n, a ~>> 32, ~a, a | n, n & a, a ~ a)
show(ffi.typeof(a & b), ffi.typeof(a & n), ffi.typeof(n ~ b))

-- Other integer cdata convert to 64 bits too.
local i32 = ffi.new("int32_t", -8)
local u8 = ffi.new("uint8_t", 200)
local u32 = ffi.new("uint32_t", 0xfffffff0)
show(i32 & 0xff, u8 | 1, u32 >> 4, ffi.typeof(u8 | 1), ffi.typeof(u32 >> 4))
local e = ffi.new("enum { ONE = 1, TWO = 2 }", "TWO")
show(e << 3, ffi.typeof(e << 3))
local d = ffi.new("double", 6.75)
show(d & 3, ffi.typeof(d & 3))
local r = ffi.new("int64_t[1]", 40)
show(r[0] >> 2)
