-- Enums: constants, conversions from strings, arithmetic, C calls, sizes, errors.
local ffi = require("ffi")
ffi.cdef[[
enum ft_color { FT_RED, FT_GREEN = 5, FT_BLUE };
enum ft_color ft_next_color(enum ft_color c);
const char *ft_color_name(enum ft_color c);
enum en_flags { EF_A = 1, EF_B = 2, EF_C = 4, EF_AB = EF_A | EF_B, EF_SHIFT = 1 << 10 };
enum en_neg { EN_M = -5, EN_Z, EN_BIG = 0x7fffffff };
enum en_big { EB_U = 0x80000000 };
typedef enum en_typedef_e { TE_X = 3, TE_Y } en_typedef;
static const int EN_STATIC = 42;
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

print(ffi.C.FT_RED, ffi.C.FT_GREEN, ffi.C.FT_BLUE, type(ffi.C.FT_BLUE))
print(ffi.C.EF_AB, ffi.C.EF_SHIFT, ffi.C.EN_M, ffi.C.EN_Z, ffi.C.EN_BIG, ffi.C.EB_U)
print(ffi.C.TE_Y, ffi.C.EN_STATIC, lib.FT_BLUE, lib.EN_STATIC)
print(lib.ft_next_color(ffi.C.FT_RED), lib.ft_next_color("FT_GREEN"), lib.ft_next_color(6))
print(ffi.string(lib.ft_color_name("FT_BLUE")), ffi.string(lib.ft_color_name(0)))
print(type(lib.ft_next_color(0)))
print(pcall(lib.ft_next_color, "FT_PURPLE"))
local e = ffi.new("enum ft_color", "FT_BLUE")
print(tonumber(e), e == 6, e == ffi.C.FT_BLUE)
e = ffi.new("enum ft_color", 2)
print(tonumber(e))
local arr = ffi.new("enum ft_color[3]", {"FT_RED", "FT_BLUE", 5})
print(arr[0], arr[1], arr[2])
arr[0] = "FT_GREEN"
print(arr[0], pcall(function() arr[0] = "nope" end))
ffi.cdef"struct en_holder { enum ft_color c; en_typedef t; };"
local h = ffi.new("struct en_holder", {"FT_BLUE", "TE_Y"})
print(h.c, h.t)
h.c = "FT_RED"
print(h.c)
print(ffi.sizeof("enum ft_color"), ffi.sizeof("enum en_big"), ffi.sizeof("en_typedef"))
print(tostring(ffi.typeof("enum ft_color")), tostring(ffi.typeof("enum en_big")))
print(pcall(function() return ffi.C.NOT_AN_ENUM_CONSTANT end))
-- arithmetic on enum cdata converts to numbers
print(e + 1, ffi.new("enum en_neg", -5) * 2)
print(pcall(function() ffi.C.FT_RED = 1 end))
