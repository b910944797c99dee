-- Enum constants, static constants, constants inside structs, constant
-- expressions and $ parameters.
local ffi = require("ffi")
local C = ffi.C

ffi.cdef[[
enum color { RED, GREEN = 10, BLUE, NEG = -5, NEXT };
enum big { HUGE = 0xffffffff, WRAP };
enum { E1 = 1 << 4, E2 = E1 | 3, E3 = sizeof(int) * 2, E4 = 10 / 3, E5 = -7 % 3,
       E6 = 1 ? 5 : 6, E7 = !0 + ~0, E8 = 'a', E9 = __alignof__(double),
       E10 = 3u - 4 > 0, E11 = -1 >> 1, E12 = -1u >> 1, E13 = 1 << 31, E14 = 017,
       E15 = '\n', E16 = '\x41', E17 = 3000000000, E18 = (char)300 };
static const int K1 = 10, K2 = K1 * 2;
static const char K3 = 300;
static const unsigned char K4 = -1;
static const uint32_t K5 = 0xffffffff;
]]
print(C.RED, C.GREEN, C.BLUE, C.NEG, C.NEXT, C.HUGE, C.WRAP)
print(C.E1, C.E2, C.E3, C.E4, C.E5, C.E6, C.E7, C.E8, C.E9)
print(C.E10, C.E11, C.E12, C.E13, C.E14, C.E15, C.E16, C.E17, C.E18)
print(C.K1, C.K2, C.K3, C.K4, C.K5)
print(ffi.sizeof("enum color"), ffi.sizeof("enum big"), tostring(ffi.typeof("enum color")))

-- $ parameters: types, numbers and names.
local int = ffi.typeof("int")
print(tostring(ffi.typeof("$ *", int)), tostring(ffi.typeof("$[$]", int, 4)))
print(tostring(ffi.typeof("$ *", ffi.typeof("int[3]"))))
print(tostring(ffi.typeof("int[$]", 2.5)))
ffi.cdef("struct $ { $ $; };", "named", int, "field")
print(ffi.offsetof("struct named", "field"), tostring(ffi.typeof("struct named")))
ffi.cdef("typedef $ $;", ffi.typeof("double"), "dbl_t")
print(tostring(ffi.typeof("dbl_t")))
ffi.cdef("enum { PE = $ };", 42)
print(C.PE)
print(pcall(ffi.typeof, "$"))
print(pcall(ffi.typeof, "int", 1))
print(pcall(ffi.typeof, "int[$]", "x"))
print(pcall(ffi.typeof, "int[$]", -1))
print(pcall(ffi.typeof, "$", 5))
print(pcall(ffi.typeof, "struct $", "nosuchtag"))
