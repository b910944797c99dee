-- Out-of-range doubles converted to 32-bit signed integers: C leaves this undefined;
-- LuaJIT on x86-64 gives the CPU's 0x80000000 (cvttsd2si), on ARM64 a saturated value.
-- Recorded on x86-64 and skipped on ARM64 (arm64-skip.list).
local ffi = require("ffi")
ffi.cdef"int ft_i32_add(int a, int b);"
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")
print(tonumber(ffi.cast("int32_t", 4294967295)), tonumber(ffi.cast("int", 2^31)), tonumber(ffi.cast("int", -2^31 - 1)))
print(tonumber(ffi.cast(ffi.typeof("int"), 1e10)), tonumber(ffi.cast("int", 0/0)))
print(lib.ft_i32_add(2^31, 0), lib.ft_i32_add(1e12, 0))
local s = ffi.new("struct { int i; }")
s.i = 2^32 + 5
print(s.i)
print(tonumber(ffi.new("int", 2^40)))
