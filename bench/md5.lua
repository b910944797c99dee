-- MD5 message digest in pure Lua on 32-bit integers from the `bit` library.
-- Hashes a generated message of SIZE bytes, then chains 64 short digests.
-- Usage: md5.lua SIZE [ITERATIONS]      (requires the bit library)
local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local rol, tobit, tohex, bswap = bit.rol, bit.tobit, bit.tohex, bit.bswap
local byte, char, rep, sub, concat = string.byte, string.char, string.rep, string.sub, table.concat
local floor, abs, sin = math.floor, math.abs, math.sin

-- Per-round additive constants: the integer part of |sin(i)| * 2^32.
local K = {}
for i = 1, 64 do K[i] = tobit(floor(abs(sin(i)) * 4294967296)) end

local SHIFTS = {
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
}

-- Which message word each step reads (0-based).
local WORD = {}
for i = 0, 63 do
  local g
  if i < 16 then g = i
  elseif i < 32 then g = (5 * i + 1) % 16
  elseif i < 48 then g = (3 * i + 5) % 16
  else g = (7 * i) % 16 end
  WORD[i + 1] = g
end

local function little_endian_u32(n)
  return char(n % 256, floor(n / 256) % 256, floor(n / 65536) % 256, floor(n / 16777216) % 256)
end

local function md5(message)
  local len = #message
  -- Pad: 0x80, zeros up to 56 mod 64, then the bit length as a 64-bit LE integer.
  local zeros = (55 - len) % 64
  local bits = len * 8
  local padded = message .. "\128" .. rep("\0", zeros) ..
    little_endian_u32(bits % 4294967296) .. little_endian_u32(floor(bits / 4294967296))
  local a0, b0, c0, d0 = tobit(0x67452301), tobit(0xefcdab89), tobit(0x98badcfe), tobit(0x10325476)
  local x = {}
  for chunk = 1, #padded, 64 do
    for w = 0, 15 do
      local p = chunk + 4 * w
      local b1, b2, b3, b4 = byte(padded, p, p + 3)
      x[w] = bor(b1, bit.lshift(b2, 8), bit.lshift(b3, 16), bit.lshift(b4, 24))
    end
    local a, b, c, d = a0, b0, c0, d0
    for i = 1, 64 do
      local f
      if i <= 16 then f = bor(band(b, c), band(bnot(b), d))
      elseif i <= 32 then f = bor(band(d, b), band(bnot(d), c))
      elseif i <= 48 then f = bxor(b, c, d)
      else f = bxor(c, bor(b, bnot(d))) end
      local t = d
      d = c
      c = b
      b = tobit(b + rol(tobit(a + f + K[i] + x[WORD[i]]), SHIFTS[i]))
      a = t
    end
    a0, b0, c0, d0 = tobit(a0 + a), tobit(b0 + b), tobit(c0 + c), tobit(d0 + d)
  end
  return tohex(bswap(a0)) .. tohex(bswap(b0)) .. tohex(bswap(c0)) .. tohex(bswap(d0))
end

-- Known answers guard against a broken bit library.
assert(md5("") == "d41d8cd98f00b204e9800998ecf8427e", "md5 self-check failed")
assert(md5("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6",
       "md5 self-check failed")

-- The message is a 64 KiB pseudo-random block repeated up to SIZE bytes.
local function run(size)
  local parts, seed = {}, 1
  for i = 1, 65536 do
    seed = (seed * 16807) % 2147483647
    parts[i] = char(floor(seed / 65536) % 256)
  end
  local block = concat(parts)
  local message = sub(rep(block, floor(size / 65536) + 1), 1, size)
  local digest = md5(message)
  for _ = 1, 64 do digest = md5(digest) end
  return digest
end

local size = tonumber(arg and arg[1]) or 6000000

local iterations = tonumber(arg and arg[2])
if iterations then
  for i = 1, iterations do
    local t0 = os.clock()
    local sum = run(size)
    print(string.format("iteration %d %.6f checksum %s", i, os.clock() - t0, sum))
  end
else
  print("checksum " .. run(size))
end
