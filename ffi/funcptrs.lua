-- Function pointers: taken from symbols, cast between types, stored in structs and arrays,
-- called from Lua, compared, and called through C.
local ffi = require("ffi")
ffi.cdef[[
int ft_i32_add(int a, int b);
double ft_d_add(double a, double b);
int ft_call_int2(int (*f)(int, int), int a, int b);
int ft_sum_ints(int n, ...);
typedef int (*binop)(int, int);
typedef struct { binop op; const char *name; } fp_entry;
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")
local add = lib.ft_i32_add
print(tostring(ffi.typeof(add)), add(2, 3))
local fp = ffi.cast("binop", add)
print(tostring(ffi.typeof(fp)), fp(4, 5), lib.ft_call_int2(fp, 6, 7))
-- a C function as a callback argument is passed as a plain pointer
print(lib.ft_call_int2(lib.ft_i32_add, 100, 1))
-- function pointers in structs and arrays
local e = ffi.new("fp_entry", {add, "add"})
print(e.op(8, 9), ffi.string(e.name))
local tbl = ffi.new("binop[2]", {add, ffi.cast("binop", function(a, b) return a * b end)})
print(tbl[0](3, 4), tbl[1](3, 4), lib.ft_call_int2(tbl[1], 5, 6))
-- a Lua callback stored in a struct, called back from Lua
local cbe = ffi.new("fp_entry")
cbe.op = function(a, b) return a - b end
print(cbe.op(10, 4), lib.ft_call_int2(cbe.op, 20, 5))
-- comparing function pointers
print(ffi.cast("binop", add) == fp, fp == nil, ffi.cast("binop", 0) == nil)
-- variadic function through a pointer type
local vp = ffi.cast("int (*)(int, ...)", lib.ft_sum_ints)
print(vp(2, ffi.new("int", 5), ffi.new("int", 6)))
-- casting a function pointer to another signature (same ABI)
local dadd = ffi.cast("double (*)(double, double)", lib.ft_d_add)
print(dadd(0.5, 0.25))
-- calling a NULL function pointer is refused? (not tried: it crashes the reference)
-- a function pointer converts to an integer address only by cast
print(pcall(function() return fp + 1 end))
print(ffi.cast("uintptr_t", fp) ~= 0)
-- errors calling with the wrong arguments
print(pcall(fp, 1))
print(pcall(fp, "a", 1))
print(pcall(e.op, {}, 1))
-- a C function converts as a pointer to it
print(pcall(ffi.cast, "double", add))
print(pcall(lib.ft_i32_add, add, 1))
print(ffi.cast("intptr_t", add) == ffi.cast("intptr_t", fp))
