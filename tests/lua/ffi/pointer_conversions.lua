-- Pointer conversions as LuaJIT allows them: the signedness of the
-- integers pointed to does not matter, also below the first level
-- (OpenResty's resty.core passes an `unsigned char *[1]` where C takes a
-- `char **`), qualifiers may be added but not dropped, and below the first
-- level they must be the same.
local ffi = require("ffi")
ffi.cdef [[
long strtol(const char *nptr, char **endptr, int base);
unsigned long strtoul(const char *nptr, char **endptr, int base);
struct S { int a; }; struct S2 { int a; }; enum E { EA };
typedef int fn_t(int);
int getpid(void);
int takes_charpp(char **p) __asm__("getpid");
int takes_constcharpp(const char **p) __asm__("getpid");
int takes_intref(int &r) __asm__("getpid");
int takes_fnp(fn_t *f) __asm__("getpid");
]]

local function try(what, f, ...)
  local ok, err = pcall(f, ...)
  print(string.format("%-52s %s", what, ok and "ok" or tostring(err):gsub("^.-:%d+: ", "")))
end

print("-- resty.core's pattern: unsigned char *[1] for char **")
local value = ffi.new("unsigned char *[1]")
local s = "123abc"
print(tonumber(ffi.C.strtol(s, value, 10)), ffi.string(value[0]))
local endp = ffi.new("unsigned char *[1]")
print(tonumber(ffi.C.strtoul("0x1fz", endp, 16)), ffi.string(endp[0]))
local signed = ffi.new("signed char *[1]")
print(tonumber(ffi.C.strtol("77 rest", signed, 8)), ffi.string(signed[0]))
local uint8 = ffi.new("uint8_t *[1]")
print(tonumber(ffi.C.strtol("-5;", uint8, 10)), ffi.string(uint8[0]))
try("strtol(s, const char *[1])", ffi.C.strtol, "1", ffi.new("const char *[1]"), 10)
try("strtol(s, char *const [1])", ffi.C.strtol, "1", ffi.new("char *const [1]"), 10)
try("strtol(s, unsigned short *[1])", ffi.C.strtol, "1", ffi.new("unsigned short *[1]"), 10)
try("strtol(s, int *[1])", ffi.C.strtol, "1", ffi.new("int *[1]"), 10)
try("strtol(s, bool *[1])", ffi.C.strtol, "1", ffi.new("bool *[1]"), 10)
try("strtol(s, void *[1])", ffi.C.strtol, "1", ffi.new("void *[1]"), 10)
try("strtol(s, void **)", ffi.C.strtol, "1", ffi.cast("void **", value), 10)
try("strtol(s, unsigned char **)", ffi.C.strtol, "1", ffi.cast("unsigned char **", value), 10)
try("strtol(s, nil)", ffi.C.strtol, "1", nil, 10)
try("strtol(s, unsigned char *[1][1])", ffi.C.strtol, "1", ffi.new("unsigned char *[1][1]"), 10)

print("-- initializers, fields, casts")
local up = ffi.new("unsigned int *[1]")
try("new int ** from unsigned int *[1]", ffi.new, "int **", up)
try("new const int ** from unsigned int *[1]", ffi.new, "const int **", up)
try("new const int *const * from unsigned int *[1]", ffi.new, "const int *const *", up)
try("new int *const * from unsigned int *[1]", ffi.new, "int *const *", up)
try("new int ** from const unsigned int *[1]", ffi.new, "int **", ffi.new("const unsigned int *[1]"))
try("new char ** from const char **", ffi.new, "char **", ffi.cast("const char **", up))
try("new const char ** from char **", ffi.new, "const char **", ffi.cast("char **", up))
try("new int * from unsigned int *", ffi.new, "int *", ffi.cast("unsigned int *", up))
try("new int * from const int *", ffi.new, "int *", ffi.cast("const int *", up))
try("new const volatile int * from int *", ffi.new, "const volatile int *", ffi.cast("int *", up))
try("new int * from enum E *", ffi.new, "int *", ffi.cast("enum E *", up))
try("new unsigned int * from enum E *", ffi.new, "unsigned int *", ffi.cast("enum E *", up))
try("new char * from bool *", ffi.new, "char *", ffi.cast("bool *", up))
try("new int * from float *", ffi.new, "int *", ffi.cast("float *", up))
try("new long * from int64_t *", ffi.new, "long *", ffi.cast("int64_t *", up))
try("new long * from int *", ffi.new, "long *", ffi.cast("int *", up))
try("new void * from int **", ffi.new, "void *", ffi.cast("int **", up))
try("new void ** from int **", ffi.new, "void **", ffi.cast("int **", up))
try("new int ** from void **", ffi.new, "int **", ffi.cast("void **", up))
try("new struct S * from struct S2 *", ffi.new, "struct S *", ffi.cast("struct S2 *", up))
try("new const struct S * from struct S *", ffi.new, "const struct S *", ffi.cast("struct S *", up))
try("new struct S * from struct S value", ffi.new, "struct S *", ffi.new("struct S"))
try("new struct S * from const struct S value", ffi.new, "struct S *", ffi.new("const struct S"))
try("new int (*)[2] from int (*)[3]", ffi.new, "int (*)[2]", ffi.cast("int (*)[3]", up))
try("new int (*)[2] from unsigned (*)[2]", ffi.new, "int (*)[2]", ffi.cast("unsigned (*)[2]", up))
try("new int ** from int (*)[2]", ffi.new, "int **", ffi.cast("int (*)[2]", up))
try("new fn_t * from void (*)(void)", ffi.new, "fn_t *", ffi.cast("void (*)(void)", up))
try("new fn_t * from double (*)(char *)", ffi.new, "fn_t *", ffi.cast("double (*)(char *)", up))
try("new const fn_t * (a const pointer)", function() return tostring(ffi.typeof("const fn_t *")) end)
try("new char[4] from unsigned char[4]", ffi.new, "char[4]", ffi.new("unsigned char[4]", 65))
try("new char[4] from unsigned char[5]", ffi.new, "char[4]", ffi.new("unsigned char[5]"))
try("new int[?] from int[?]", ffi.new, "int[?]", 2, ffi.new("int[?]", 2))
try("cast char ** from double", ffi.cast, "char **", 1.5)
try("cast char ** from double cdata", ffi.cast, "char **", ffi.new("double", 1))
try("cast char ** from bool cdata", ffi.cast, "char **", ffi.new("bool", true))
try("cast complex", ffi.cast, "complex", 1)
try("cast struct S", ffi.cast, "struct S", ffi.new("struct S"))
local st = ffi.new("struct { char **p; const char *c; }")
try("field char ** = unsigned char *[1]", function() st.p = value end)
try("field char ** = const char *[1]", function() st.p = ffi.new("const char *[1]") end)
try("field const char * = unsigned char *", function() st.c = value[0] end)
try("field const char * = string", function() st.c = "abc" end)
try("field char ** = string", function() st.p = "abc" end)
local arrs = ffi.new("struct { char a[4]; int b[2]; }")
try("field char[4] = unsigned char[4]", function() arrs.a = ffi.new("unsigned char[4]", 66) end)
try("field char[4] = char[5]", function() arrs.a = ffi.new("char[5]") end)
try("field int[2] = const unsigned int[2]", function() arrs.b = ffi.new("const unsigned int[2]", 7) end)
try("field int[2] = float[2]", function() arrs.b = ffi.new("float[2]") end)
print(ffi.string(arrs.a, 4), arrs.b[0], arrs.b[1])
try("arg char ** = unsigned char *[1]", ffi.C.takes_charpp, value)
try("arg const char ** = unsigned char *[1]", ffi.C.takes_constcharpp, value)
try("arg const char ** = char *[1]", ffi.C.takes_constcharpp, ffi.new("char *[1]"))
try("arg int & = unsigned int [1]", ffi.C.takes_intref, ffi.new("unsigned int [1]"))
try("arg int & = nil", ffi.C.takes_intref, nil)
try("arg int & = 1", ffi.C.takes_intref, 1)
try("arg fn_t * = ffi.C.getpid", ffi.C.takes_fnp, ffi.C.getpid)
try("arg fn_t * = Lua function", ffi.C.takes_fnp, function() return 0 end)

print("-- pointer arithmetic and comparison ignore qualifiers, not types")
local a = ffi.cast("int *", up)
local b = ffi.cast("const unsigned int *", up) + 2
try("int * - const unsigned int *", function() return a - b end)
try("int * < const unsigned int *", function() return a < b end)
try("int * - void *", function() return a - ffi.cast("void *", up) end)
try("void * < void *", function() return ffi.cast("void *", up) < ffi.cast("void *", up) end)
try("void * - void *", function() return ffi.cast("void *", up) - ffi.cast("void *", up) end)
try("int * == double *", function() return a == ffi.cast("double *", up) end)
try("int * < double *", function() return a < ffi.cast("double *", up) end)
try("int * - int [2]", function() return type(a - ffi.new("int [2]")) end)
print(b - a, a < b, b <= a, a == ffi.cast("unsigned *", up))
