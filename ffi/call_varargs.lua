-- Vararg C functions: default argument promotions, ints, doubles, strings, pointers, int64.
local ffi = require("ffi")
ffi.cdef[[
int ft_sum_ints(int n, ...);
double ft_sum_doubles(int n, ...);
double ft_sum_fmt(const char *fmt, ...);
int snprintf(char *buf, size_t size, const char *fmt, ...);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

-- Lua numbers are passed as double to the variable part, so ints go as int cdata.
local function I(x) return ffi.new("int", x) end
print(lib.ft_sum_ints(0), lib.ft_sum_ints(3, I(1), I(2), I(3)))
print(lib.ft_sum_ints(10, I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10)))
print(lib.ft_sum_doubles(3, 1, 2, 3))
print(lib.ft_sum_ints(3, ffi.new("int", 5), ffi.new("int8_t", -1), ffi.new("uint16_t", 7)))
print(lib.ft_sum_doubles(2, 0.5, 0.25), lib.ft_sum_doubles(9, 1, 2, 3, 4, 5, 6, 7, 8, 9.5))
print(lib.ft_sum_doubles(2, ffi.new("float", 1.5), ffi.new("double", 2)))
print(lib.ft_sum_fmt("idi", ffi.new("int", 1), 2.5, ffi.new("int", 3)))
print(lib.ft_sum_fmt("lsl", 10LL, "four", -2LL))
print(lib.ft_sum_fmt("pp", nil, ffi.new("int[1]")))
print(lib.ft_sum_fmt("iiiiiiiidddddddddd", ffi.new("int", 1), ffi.new("int", 2), ffi.new("int", 3),
  ffi.new("int", 4), ffi.new("int", 5), ffi.new("int", 6), ffi.new("int", 7), ffi.new("int", 8),
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
print(lib.ft_sum_fmt("s", "hello"), lib.ft_sum_fmt("ds", true and 1.25, "xy"))

local buf = ffi.new("char[64]")
local n = ffi.C.snprintf(buf, 64, "%d|%s|%.2f|%lld|%c", ffi.new("int", 42), "str", 3.14159, 123LL, ffi.new("char", 65))
print(n, ffi.string(buf))
n = ffi.C.snprintf(buf, 64, "%g %g", 1, 2.5)
print(n, ffi.string(buf))
n = ffi.C.snprintf(buf, 64, "%u %x", ffi.new("unsigned", 4000000000), ffi.new("int", 255))
print(n, ffi.string(buf))
n = ffi.C.snprintf(buf, 4, "%s", "truncated")
print(n, ffi.string(buf))
n = ffi.C.snprintf(buf, 64, "%d %d", ffi.new("bool", true), ffi.new("short", -3))
print(n, ffi.string(buf))
print(pcall(ffi.C.snprintf, buf, 64, "%d", {}))
