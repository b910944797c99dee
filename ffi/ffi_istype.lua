-- ffi.istype for scalars, pointers, arrays, structs, qualifiers, references.
local ffi = require("ffi")
ffi.cdef[[
struct ist_a { int x; };
struct ist_b { int x; };
typedef struct ist_a ist_a_t;
]]
local a = ffi.new("struct ist_a")
print(ffi.istype("struct ist_a", a), ffi.istype("ist_a_t", a), ffi.istype("struct ist_b", a))
print(ffi.istype("struct ist_a *", a), ffi.istype("const struct ist_a", a))
local pa = ffi.new("struct ist_a *", a)
print(ffi.istype("struct ist_a *", pa), ffi.istype("struct ist_a", pa))
print(ffi.istype("const struct ist_a *", pa), ffi.istype("void *", pa))
print(ffi.istype("int", ffi.new("int")), ffi.istype("int", 1), ffi.istype("double", 1))
print(ffi.istype("int", ffi.new("const int")), ffi.istype("const int", ffi.new("int")))
print(ffi.istype("unsigned int", ffi.new("int")), ffi.istype("int32_t", ffi.new("int")))
print(ffi.istype("long", 1LL), ffi.istype("int64_t", 1LL), ffi.istype("uint64_t", 1LL))
print(ffi.istype("int[3]", ffi.new("int[3]")), ffi.istype("int[4]", ffi.new("int[3]")))
print(ffi.istype("int *", ffi.new("int[3]")), ffi.istype("int[?]", ffi.new("int[?]", 3)))
print(ffi.istype("int *", ffi.new("const int *")), ffi.istype("const int *", ffi.new("int *")))
print(ffi.istype("char *", "str"), ffi.istype("struct ist_a", nil), ffi.istype("struct ist_a", {}))
print(ffi.istype("complex", 1i), ffi.istype("double", 1i))
local t = ffi.typeof("struct ist_b")
print(ffi.istype(t, t()), ffi.istype(t, a), ffi.istype(t, t))
print(pcall(ffi.istype, "int"))
print(pcall(ffi.istype, 1, 2))
