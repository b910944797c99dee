-- C calls with float/double arguments and returns, mixes with ints, many arguments.
local ffi = require("ffi")
ffi.cdef[[
float ft_f_add(float a, float b);
double ft_d_add(double a, double b);
double ft_mix_fd(float a, double b, float c, double d);
double ft_mix_idif(int a, double b, int c, float d);
float ft_f_of_d(double d);
double ft_d_of_f(float f);
double ft_d_of_i64(int64_t x);
int64_t ft_i64_of_d(double d);
int64_t ft_many_int(int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                    int a9, int a10, int a11, int a12);
double ft_many_double(double a1, double a2, double a3, double a4, double a5, double a6,
                      double a7, double a8, double a9, double a10, double a11, double a12);
double ft_many_mixed(int a1, double b1, int8_t a2, float b2, int16_t a3, double b3,
                     int64_t a4, float b4, uint8_t a5, double b5, uint16_t a6,
                     double b6, int a7, double b7, int a8, double b8, int a9,
                     double b9, int8_t a10, float b10);
int ft_stack_narrow(int a1, int a2, int a3, int a4, int a5, int a6, int8_t s1,
                    uint8_t s2, int16_t s3, uint16_t s4, bool s5);
float ft_stack_floats(float a1, float a2, float a3, float a4, float a5, float a6,
                      float a7, float a8, float a9, float a10);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

print(lib.ft_f_add(1.5, 2.25), lib.ft_f_add(0.1, 0.2), lib.ft_d_add(0.1, 0.2))
print(lib.ft_mix_fd(1, 2, 3, 4), lib.ft_mix_fd(0.5, 0.25, 0.125, 1e10))
print(lib.ft_mix_idif(1, 2.5, 3, 4.5), lib.ft_mix_idif(-1, -2, -3, -4))
print(lib.ft_f_of_d(1/3), lib.ft_d_of_f(1/3), lib.ft_f_of_d(1e300), lib.ft_f_of_d(-1e300))
print(lib.ft_d_of_i64(2^53 + 1), lib.ft_d_of_i64(-1LL), lib.ft_d_of_i64(0x7fffffffffffffffLL))
print(lib.ft_i64_of_d(-2.5), lib.ft_i64_of_d(1e15), lib.ft_i64_of_d(2^62))
print(lib.ft_d_add(1/0, 1), lib.ft_d_add(-1/0, 0), tostring(lib.ft_d_add(0/0, 0)) :match("nan") ~= nil)
print(lib.ft_d_add(ffi.new("float", 0.5), 10LL), lib.ft_f_add(ffi.new("int", 3), 1ULL))
print(lib.ft_many_int(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
print(lib.ft_many_int(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2147483647))
print(lib.ft_many_double(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
print(lib.ft_many_double(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5))
print(lib.ft_many_mixed(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20))
print(lib.ft_many_mixed(-1, -2, -3, -4, -5, -6, -7, -8, 255, -10, 65535, -12, -13, -14, -15,
                        -16, -17, -18, -128, -20))
print(lib.ft_stack_narrow(1, 2, 3, 4, 5, 6, -1, 255, -1, 65535, true))
print(lib.ft_stack_narrow(0, 0, 0, 0, 0, 0, 300, 300, 70000, 70000, false))
print(lib.ft_stack_floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
print(lib.ft_stack_floats(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.125))
print(type(lib.ft_f_add(1, 2)), type(lib.ft_d_add(1, 2)))
print(pcall(lib.ft_d_add, "x", 1))
print(pcall(lib.ft_d_add, nil, 1))
