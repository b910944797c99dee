-- Bit operators of today's LuaJIT 2.1: unary ~ and binary & | ~ << >> ~>>.
-- On numbers they are bit.band & co: operands converted as bit.tobit does,
-- shift counts modulo 32, the result a (signed 32-bit) number.
local function show(...) print(...) end

-- Constants are folded at compile time.
show(5 & 3, 5 | 3, 5 ~ 3, ~5, ~0, ~-1)
show(1 << 4, 256 >> 4, -256 >> 4, -256 ~>> 4, 1 << 31, 1 << 32, 1 << 33)
show(0xffffffff & 1, 0x100000000 | 1, 2^31 | 0, 2^32 + 5 & 7)
show(5 & 3.5, 5.5 | 0, 4.5 | 0, -0.5 | 0, 1e10 & -1, 2^53 | 0)

-- The same at run time (operands in variables).
local a, b, c, d = 5, 3, 3.5, -256
show(a & b, a | b, a ~ b, ~a, ~b, ~d)
show(a & c, c | 0, d >> 4, d ~>> 4, 1 << a, a << 32, a << 33, a << -1, a >> -31)
local big, nan, inf = 2^52 + 7, 0/0, 1/0
show(big & 0xff, big | 0, nan | 0, inf & 1, -inf | 0, ~nan, ~inf)
show(0x7fffffff + 1 | 0, -2^31 & -1, (2^32 - 1) ~ 0, 2^40 >> 1)

-- Precedence: shifts bind tighter than &, & than ~, ~ than |; all below
-- arithmetic and concatenation, above comparisons.
show(1 | 2 ~ 3 & 4, (1 | 2) ~ 3, 1 | 2 & 3, 6 & 3 << 1, 1 << 2 + 1)
show(2 + 3 & 6, 2 * 3 | 1, 5 & 3 == 1, 1 < 2 | 0, 3 ~ 1 ~ 1)
-- Concatenation binds tighter, and strings are not converted.
show(pcall(function() return 1 .. 2 & 15 end))
show(-1 >> 28, -(1 >> 0), ~1 + 1, ~(1 + 1), - ~5, ~ - 5, ~~7, #"abc" << 1)
show(2^3 << 1, 2 ^ 1 << 2, 1 << 2 ^ 2, not (1 & 0))
-- `not` is a unary operator too: it binds tighter.
show(pcall(function() return not 1 & 2 end))
local x = 12
show(x & 4 ~= 0, x & 4 == 4, x ~ 4, x ~= 4, x~4, x ~=4)

-- Compound forms of the same expressions.
local t = { n = 0xf0 }
show(t.n & 0x3c, t.n >> 4 & 3, (t.n | 1) << 1, t["n"] ~ -1)

-- Associativity: left to right.
show(1 << 2 << 3, 256 >> 2 >> 1, 7 & 6 & 4, 1 ~ 3 ~ 7, 100 - 1 & 15)

-- Results are numbers, never -0.
show(math.type and "" or "", 1/(0 & 1), 1/(-0 | 0), type(1 & 1), 3 & 1 == 1)

-- The bit library and the operators agree.
for _, v in ipairs({0, 1, -1, 7.5, 2^31, -2^31, 2^33 + 3, 123456789, -0.0}) do
  assert((v & 0xffff) == bit.band(v, 0xffff), v)
  assert((v | 1) == bit.bor(v, 1), v)
  assert((v ~ 0x5555) == bit.bxor(v, 0x5555), v)
  assert(~v == bit.bnot(v), v)
  for _, s in ipairs({0, 1, 5, 31, 32, 33, -1}) do
    assert((v << s) == bit.lshift(v, s))
    assert((v >> s) == bit.rshift(v, s))
    assert((v ~>> s) == bit.arshift(v, s))
  end
end
print("bit library agrees")

-- In loops, closures and with upvalues.
local acc = 0
for i = 1, 100 do acc = acc ~ (i << (i & 7)) end
show(acc)
local function mask(n) return function(v) return v & ((1 << n) - 1) end end
show(mask(4)(0xff), mask(8)(0x1234), mask(32)(-1))
