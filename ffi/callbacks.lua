-- Lua functions called from C through function pointers (callbacks).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { int x, y; } cb_point;
int ft_call_int(int (*f)(int), int x);
int ft_call_int2(int (*f)(int, int), int a, int b);
double ft_call_double(double (*f)(double, double), double a, double b);
float ft_call_float(float (*f)(float), float x);
int64_t ft_call_i64(int64_t (*f)(int64_t, uint64_t), int64_t a, uint64_t b);
int ft_call_narrow(int (*f)(int8_t, uint8_t, int16_t, uint16_t, bool));
int8_t ft_call_ret_i8(int8_t (*f)(void));
uint8_t ft_call_ret_u8(uint8_t (*f)(void));
int ft_call_ret_bool(bool (*f)(int), int x);
void ft_call_void(void (*f)(int), int n);
double ft_call_many(double (*f)(int, int, int, int, int, int, int, double, double,
                                double, double, double, double, double, double, double));
size_t ft_call_string(size_t (*f)(const char *), const char *s);
const char *ft_call_ret_string(const char *(*f)(int), int n);
int ft_call_ptr(int (*f)(int *, int), int n);
int ft_call_point(int (*f)(cb_point *), int x, int y);
int64_t ft_call_twice(int64_t (*f)(int64_t), int64_t x);
int ft_apply_n(int (*f)(int, int), int n);
void ft_sort_ints(int *xs, size_t n);
void ft_store_callback(int (*f)(int));
int ft_fire_callback(int x);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

-- implicit conversion of a Lua function to a callback (temporary: freed by GC)
print(lib.ft_call_int(function(x) return x * 2 end, 21))
print(lib.ft_call_int2(function(a, b) return a - b end, 10, 3))
print(lib.ft_call_double(function(a, b) return a / b end, 1, 4))
print(lib.ft_call_float(function(x) return x + 0.5 end, 1.25))
print(lib.ft_call_i64(function(a, b)
  print("  args", type(a), tostring(a), tostring(b))
  return a * 2
end, -5LL, 2^63))
print(lib.ft_call_narrow(function(a, b, c, d, e)
  print("  narrow", a, b, c, d, e, type(e))
  return 1
end))
print(lib.ft_call_ret_i8(function() return 255 end), lib.ft_call_ret_u8(function() return -1 end))
print(lib.ft_call_ret_bool(function(x) return x > 0 end, 3), lib.ft_call_ret_bool(function(x) return x > 0 end, -3))
local seen = {}
lib.ft_call_void(function(i) seen[#seen + 1] = i end, 5)
print(table.concat(seen, ","))
print(lib.ft_call_many(function(a, b, c, d, e, f, g, x1, x2, x3, x4, x5, x6, x7, x8, x9)
  return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 +
         x1 + x2 * 2 + x3 * 3 + x4 * 4 + x5 * 5 + x6 * 6 + x7 * 7 + x8 * 8 + x9 * 9
end))
-- callbacks take at most 16 arguments
print(pcall(ffi.cast, "void (*)(int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int)", function() end))
print(lib.ft_call_string(function(s) return #ffi.string(s) end, "twelve chars"))
local keep = "kept string"
print(ffi.string(lib.ft_call_ret_string(function(n) return keep end, 1)))
print(lib.ft_call_ptr(function(p, n)
  local t = 0
  for i = 0, n - 1 do t = t + p[i] end
  p[0] = 100
  return t
end, 5))
print(lib.ft_call_point(function(p) p.x = p.x + 1; p.y = -p.y; return 7 end, 4, 5))
print(lib.ft_call_twice(function(x) return x * x end, 3))
print(lib.ft_apply_n(function(acc, i) return acc + i * i end, 10))

-- explicit callbacks: ffi.cast to a function pointer type; free / set
local cb = ffi.cast("int (*)(int)", function(x) return x + 1 end)
print(lib.ft_call_int(cb, 1), cb(41))
cb:set(function(x) return x * 100 end)
print(lib.ft_call_int(cb, 2))
lib.ft_store_callback(cb)
print(lib.ft_fire_callback(3))
cb:free()
print(pcall(cb.free, cb))
print(pcall(cb.set, cb, function() end))
print(pcall(cb, 1))
lib.ft_store_callback(nil)
print(lib.ft_fire_callback(3))

-- qsort with a Lua comparator
local xs = ffi.new("int[8]", {5, 3, 8, 1, 9, 2, 7, 4})
local cmp = ffi.cast("int (*)(const void *, const void *)", function(a, b)
  local x, y = ffi.cast("const int *", a)[0], ffi.cast("const int *", b)[0]
  return x < y and 1 or (x > y and -1 or 0)
end)
ffi.C.qsort(xs, 8, ffi.sizeof("int"), cmp)
cmp:free()
local out = {}
for i = 0, 7 do out[#out + 1] = xs[i] end
print(table.concat(out, " "))
lib.ft_sort_ints(xs, 8)
out = {}
for i = 0, 7 do out[#out + 1] = xs[i] end
print(table.concat(out, " "))

-- return value conversions from Lua
print(lib.ft_call_int(function() return 2.9 end, 0), lib.ft_call_int(function() return true end, 0))
print(lib.ft_call_int(function() return 5LL end, 0), lib.ft_call_int(function() return ffi.new("int8_t", -2) end, 0))
print(lib.ft_call_double(function() return 7 end, 0, 0), lib.ft_call_i64(function() return 2^40 end, 0, 0))
-- error inside a callback propagates
print(pcall(lib.ft_call_int, function(x) error("boom in callback") end, 1))
print(pcall(lib.ft_call_int, function(x) return "not a number" end, 1))
print(pcall(lib.ft_call_int, function(x) return {} end, 1))
-- nested callbacks
print(lib.ft_call_int(function(x)
  return lib.ft_call_int(function(y) return y * 3 end, x) + 1
end, 5))
-- callbacks with upvalues and recursion through C
local function fact(n)
  if n <= 1 then return 1 end
  return n * lib.ft_call_int(fact, n - 1)
end
print(lib.ft_call_int(fact, 10))
-- coroutines may call C that calls back
local co = coroutine.wrap(function(a)
  local r = lib.ft_call_int(function(x) return x + a end, 10)
  coroutine.yield(r)
  return lib.ft_call_int(function(x) return x * a end, 10)
end)
print(co(4), co())
print(pcall(lib.ft_call_int, function(x) coroutine.yield(x) end, 1))
