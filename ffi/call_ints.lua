-- C calls with integers of every width and signedness, bool, char, long, size_t.
local ffi = require("ffi")
ffi.cdef[[
int8_t ft_i8_add(int8_t a, int8_t b);
uint8_t ft_u8_add(uint8_t a, uint8_t b);
int16_t ft_i16_add(int16_t a, int16_t b);
uint16_t ft_u16_add(uint16_t a, uint16_t b);
int32_t ft_i32_add(int32_t a, int32_t b);
uint32_t ft_u32_add(uint32_t a, uint32_t b);
int64_t ft_i64_add(int64_t a, int64_t b);
uint64_t ft_u64_add(uint64_t a, uint64_t b);
int ft_bool_not(bool b);
bool ft_is_positive(int x);
char ft_char_upper(char c);
long ft_long_neg(long x);
unsigned long ft_ulong_max(void);
size_t ft_size_double(size_t x);
int ft_i8_widen(int8_t a);
unsigned ft_u8_widen(uint8_t a);
int ft_i16_widen(int16_t a);
unsigned ft_u16_widen(uint16_t a);
int8_t ft_i8_ret(int x);
uint8_t ft_u8_ret(int x);
int16_t ft_i16_ret(int x);
uint16_t ft_u16_ret(int x);
int64_t ft_i64_min(void);
uint64_t ft_u64_max(void);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

print(lib.ft_i8_add(100, 27), lib.ft_i8_add(100, 28), lib.ft_i8_add(-100, -29))
print(lib.ft_u8_add(200, 55), lib.ft_u8_add(200, 56), lib.ft_u8_add(-1, 0))
print(lib.ft_i16_add(32767, 0), lib.ft_i16_add(32767, 1), lib.ft_i16_add(-32768, -1))
print(lib.ft_u16_add(65535, 1), lib.ft_u16_add(1000, 2000))
print(lib.ft_i32_add(2147483647, 1), lib.ft_i32_add(-5, 3), lib.ft_i32_add(-2^31, 0))
print(lib.ft_u32_add(4294967295, 1), lib.ft_u32_add(-1, 0), lib.ft_u32_add(3000000000, 0))
print(lib.ft_i64_add(1, 2), lib.ft_i64_add(9007199254740993LL, 0), lib.ft_i64_add(-1, -1))
print(lib.ft_i64_add(0x7fffffffffffffffLL, 1))
print(lib.ft_u64_add(-1LL, 0), lib.ft_u64_add(1ULL, 2LL), lib.ft_u64_add(2^63, 2^63))
print(type(lib.ft_i32_add(1, 2)), type(lib.ft_i64_add(1, 2)), type(lib.ft_u32_add(1, 2)))
print(lib.ft_bool_not(true), lib.ft_bool_not(false), lib.ft_bool_not(0), lib.ft_bool_not(2))
print(pcall(lib.ft_bool_not, nil))
print(lib.ft_is_positive(5), lib.ft_is_positive(-5), type(lib.ft_is_positive(1)))
print(lib.ft_char_upper(97), lib.ft_char_upper(65), type(lib.ft_char_upper(97)))
print(lib.ft_long_neg(5), lib.ft_ulong_max(), lib.ft_size_double(21))
print(lib.ft_i8_widen(-1), lib.ft_i8_widen(255), lib.ft_i8_widen(128))
print(lib.ft_u8_widen(-1), lib.ft_u8_widen(511), lib.ft_u8_widen(0x1234))
print(lib.ft_i16_widen(-1), lib.ft_i16_widen(65535), lib.ft_i16_widen(0x18000))
print(lib.ft_u16_widen(-1), lib.ft_u16_widen(0x12345))
print(lib.ft_i8_ret(200), lib.ft_u8_ret(-56), lib.ft_i16_ret(40000), lib.ft_u16_ret(-1))
print(lib.ft_i64_min(), lib.ft_u64_max())
-- numbers with fractions truncate, cdata ints convert
print(lib.ft_i32_add(1.9, -1.9), lib.ft_i32_add(ffi.new("int8_t", -3), ffi.new("uint16_t", 7)))
print(lib.ft_i64_add(ffi.new("int32_t", -3), 10ULL))
-- booleans convert to ints? (error)
print(pcall(lib.ft_i32_add, true, 1))
print(pcall(lib.ft_i32_add, "1", 1))
print(pcall(lib.ft_i32_add, 1))
print(pcall(lib.ft_i32_add, 1, 2, 3))
print(pcall(lib.ft_i32_add, {}, 1))
