-- C calls with strings and pointers: in, out, arrays, NULL, pointer arithmetic across the call.
local ffi = require("ffi")
ffi.cdef[[
size_t ft_strlen(const char *s);
const char *ft_greeting(void);
const char *ft_null_string(void);
char *ft_concat(const char *a, const char *b);
void ft_upper_inplace(char *s);
int ft_is_null(const void *p);
void ft_swap_ints(int *a, int *b);
void ft_out_params(int *quotient, int *remainder, int a, int b);
int64_t ft_sum_array(const int *xs, int n);
double ft_sum_darray(const double *xs, size_t n);
void ft_fill_squares(int *xs, int n);
int *ft_static_ints(void);
void *ft_pointer_add(void *p, ptrdiff_t n);
ptrdiff_t ft_pointer_diff(const void *a, const void *b);
int ft_deref_pp(int **pp);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

print(lib.ft_strlen("hello"), lib.ft_strlen(""), lib.ft_strlen("a\0b"))
local g = lib.ft_greeting()
print(type(g), ffi.string(g), ffi.string(g, 5), g[0], g[12])
print(lib.ft_null_string() == nil, ffi.string(lib.ft_greeting()) == "hello from C")
print(ffi.string(lib.ft_concat("foo", "bar")))
print(lib.ft_concat(string.rep("x", 200), string.rep("y", 100)) == nil)
local buf = ffi.new("char[16]", "mixed Case")
lib.ft_upper_inplace(buf)
print(ffi.string(buf))
print(lib.ft_is_null(nil), lib.ft_is_null(buf), lib.ft_is_null("s"))
print(lib.ft_is_null(ffi.cast("void *", 0)), lib.ft_is_null(ffi.new("int[1]")))
local a, b = ffi.new("int[1]", 1), ffi.new("int[1]", 2)
lib.ft_swap_ints(a, b)
print(a[0], b[0])
local pa, pb = ffi.new("int", 7), ffi.new("int", 9)  -- scalar cdata pass by reference? (error)
print(pcall(lib.ft_swap_ints, pa, pb))
local q, r = ffi.new("int[1]"), ffi.new("int[1]")
lib.ft_out_params(q, r, 17, 5)
print(q[0], r[0])
local xs = ffi.new("int[5]", {1, 2, 3, 4, 5})
print(lib.ft_sum_array(xs, 5), lib.ft_sum_array(xs + 2, 3))
print(pcall(lib.ft_sum_array, {10, 20, 30}, 3))
print(lib.ft_sum_darray(ffi.new("double[2]", 1, 2), 2))
local sq = ffi.new("int[6]")
lib.ft_fill_squares(sq, 6)
print(sq[0], sq[1], sq[2], sq[5])
local st = lib.ft_static_ints()
print(st[0], st[3], (st + 1)[0], st[1] + st[2])
st[0] = 11
print(lib.ft_static_ints()[0])
local p = lib.ft_pointer_add(xs, 8)
print(ffi.cast("int *", p)[0], lib.ft_pointer_diff(p, xs), lib.ft_pointer_diff(xs, p))
local pp = ffi.new("int *[1]", xs + 3)
print(lib.ft_deref_pp(pp))
local pbox = ffi.new("int *[1]")
pbox[0] = xs + 4
print(lib.ft_deref_pp(pbox))
-- wrong pointer types
print(pcall(lib.ft_sum_array, ffi.new("double[2]"), 2))
print(pcall(lib.ft_sum_array, "string", 1))
print(pcall(lib.ft_upper_inplace, "literal"))
print(pcall(lib.ft_sum_array, 1, 1))
print(pcall(lib.ft_deref_pp, xs))
-- void * accepts any pointer, and strings to const void *
print(lib.ft_pointer_diff(ffi.cast("char *", xs) + 3, xs), lib.ft_is_null("x"))
