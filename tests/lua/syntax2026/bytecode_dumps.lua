-- Dumps of code with bit operators carry the flag BCDUMP_F_BITOP (0x10) in
-- their header (older LuaJITs refuse them); load modes W and X select the
-- 32-bit or 64-bit bytecode format; string.dump takes a mode string
-- ("s" strip, "d" deterministic) and the prototypes mode W gives.
local util = require("jit.util")
local function hdr(s) return s:byte(5) end

local plain = loadstring("local a = ... return a + 1")
local bitop = loadstring("local a = ... return a & 1")
local folded = loadstring("return 5 & 3 | ~0")
local nested = loadstring("return function(x) return function(y) return x ~ y end end")
local ffi_bit = loadstring("local a = ... return a << 1LL")
print(hdr(string.dump(plain)), hdr(string.dump(bitop)), hdr(string.dump(folded)))
print(hdr(string.dump(nested)), hdr(string.dump(nested, true)), hdr(string.dump(ffi_bit, "s")))
-- The per-function flags: only where the bytecode is.
local inner = nested()
print(hdr(string.dump(inner)), hdr(string.dump(inner(1))))
-- Round trip.
local back = loadstring(string.dump(bitop))
print(back(3), back(2), loadstring(string.dump(nested))()(6)(3), loadstring(string.dump(ffi_bit))(3))
-- Mode strings: s strips, d is deterministic; other characters are ignored.
local tbl = loadstring("return { alpha = 1, beta = 2, gamma = 3, delta = 4, [1.5] = 5, [true] = 6, [false] = 7 }")
local d1, d2 = string.dump(tbl, "d"), string.dump(tbl, "dxyz")
print(d1 == d2, #string.dump(tbl, "sd") < #d1, string.dump(tbl, "s") == string.dump(tbl, true))
local r = loadstring(d1)()
print(r.alpha, r.beta, r.gamma, r.delta, r[1.5], r[true], r[false])
-- The order of the deterministic hash part: numbers, strings, true, false.
local hex = {}
for i = 1, #string.dump(tbl, "sd") do hex[#hex + 1] = string.format("%02x", string.dump(tbl, "sd"):byte(i)) end
print(table.concat(hex))
-- Load mode W: 32-bit bytecode, a prototype that cannot run.
local proto = loadstring("local t = {} for i = 1, 3 do t[i] = i << 1 end return t[3]", "=w", "tW")
print(type(proto), pcall(proto))
local w = string.dump(proto, "s")
print(hdr(w), hdr(string.dump(proto)))
print(loadstring(w))
print(type(loadstring(w, "=w", "bW")), string.dump(loadstring(w, "=w", "bW"), "s") == w)
print(loadstring(string.dump(plain), "=x", "bW"))
-- X asks for the native (64-bit, GC64) format: an ordinary function.
print(type(loadstring("return 1", "=x", "tX")), loadstring("return 1", "=x", "tX")())
print(type(loadstring("return 1", "=x", "tXW")), type(loadstring("return 1", "=x", "tWX")))
print(loadstring("return 1", "=x", "W"))
-- jit.util looks at prototypes too.
local info = util.funcinfo(proto)
print(info.bytecodes, info.params, info.stackslots, info.children, info.source, info.linedefined)
local ins, m = util.funcbc(proto, 1)
print(ins, m, util.funck(proto, -1))
-- The 32-bit format calls with one slot less: the listing shows it.
local call64 = util.funcbc(loadstring("f(1, 2)"), 3)
local call32 = util.funcbc(loadstring("f(1, 2)", "=c", "tW"), 3)
print(call64, call32, bit.rshift(call64, 16), bit.rshift(call32, 16))
-- string.dump's argument errors.
print(pcall(string.dump, print))
print(pcall(string.dump, {}))
print(pcall(string.dump))
