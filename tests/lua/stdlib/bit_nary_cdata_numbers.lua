-- bit.band/bor/bxor with an integer cdata argument work on 64 bits, and
-- their number arguments convert to 64 bits by truncation (2^32 keeps its
-- bit), not as bit.tobit does; numeric strings count as numbers.
print(bit.bor(10ULL, 2^32), bit.band(-1LL, 2^40 + 5, "255"), bit.bxor(2^63, 1ULL))
print(bit.bor(1LL, -1.5), bit.band(2^64, -1LL), bit.bor(1, 2^32, 3LL))
print(bit.band(1e300, -1LL), bit.bxor(0/0, 0LL), bit.bor(2^53 + 1, 0LL))
-- Without a cdata argument they stay 32-bit.
print(bit.bor(10, 2^32), bit.band(-1, 2^40 + 5))
-- Shifts and unary operations convert a number as bit.tobit does.
print(bit.lshift(2^32 + 1, 1LL), bit.bnot(2^32), bit.lshift(1LL, 2^32 + 3))
