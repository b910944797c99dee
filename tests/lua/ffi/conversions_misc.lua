-- Conversions: Lua booleans are named 'bool', only Lua numbers cast to
-- pointers, userdata convert as void * (and cast to integers), references
-- bind to arrays, offsetof follows references, strings fill arrays of size
-- 0, pointers print with at least 8 hex digits, as does tostring of a
-- light userdata, and a full userdata shows its payload's address.
local ffi = require("ffi")
ffi.cdef"struct cm_s { complex cd; int ai[10]; struct cm_in { int v; } s; int *pi; double d; bool b; };"
local x = ffi.new("struct cm_s")
print(pcall(function() x.cd = true end))
print(pcall(function() x.ai = true end))
print(pcall(function() x.s = true end))
print(pcall(function() local s = ffi.new("struct { int *x; }"); s.x = true end))
x.d = true print(x.d)
x.b = 10 print(x.b)
print(pcall(ffi.cast, "int *", ffi.new("double", 1.5)))
print(pcall(ffi.cast, "int *", ffi.new("float", 1.5)))
print(pcall(ffi.cast, "int *", 1.5))
print(pcall(ffi.cast, "int *", ffi.new("int64_t", 15)))
print(ffi.cast("int *", 1234560.3), ffi.cast("int*", -1), ffi.cast("void*", 0))
print(ffi.cast("int*", 0x12345678abc), ffi.cast("char*", 0xffffffff), ffi.cast("char*", 0x100000000))
print(ffi.sizeof(x.ai), ffi.offsetof(x.s, "v"), ffi.offsetof(x, "s"), ffi.alignof(x.ai))
local u = newproxy()
x.pi = u
print(string.format("%p", u) == tostring(u):match("0x%x+"), tostring(u):match("0x%x+") == tostring(x.pi):match("0x%x+"))
print(ffi.cast("uintptr_t", u) == ffi.cast("uintptr_t", x.pi), ffi.cast("uintptr_t", io.stdout) ~= 0)
print(pcall(function() local s = ffi.new("struct { uintptr_t i; }"); s.i = u end))
x.ai[0] = 712
local ri = ffi.new("int &", x.ai)
print(tonumber(ri), ri == 712)
local ra = ffi.new("int (&)[10]", ffi.cast("int (*)[10]", x.ai))
print(ra[0])
local vx = ffi.new("union { char ac[0]; char c[20]; }")
ffi.fill(vx.ac, 20, 0x37)
vx.ac = "ABCDEFGHI"
print(vx.ac[8], vx.ac[9], vx.c[10])
print(pcall(function() return 1LL + true end))
print(pcall(function() return ffi.new("int", 1) < true end))
