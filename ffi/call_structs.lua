-- Structs passed and returned by value (registers, mixed classes, memory) and by pointer.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { int x, y; } ft_point;
typedef struct { int64_t a, b; } ft_pair64;
typedef struct { float x, y; } ft_float2;
typedef struct { double x, y; } ft_double2;
typedef struct { float x, y, z; } ft_float3;
typedef struct { float x, y, z, w; } ft_float4;
typedef struct { int i; float f; } ft_int_float;
typedef struct { double d; int64_t i; } ft_double_int;
typedef struct { int64_t i; double d; } ft_int_double;
typedef struct { int64_t a, b, c; } ft_big;
typedef struct { char c; short s; int i; } ft_small_mixed;
typedef struct { uint8_t r, g, b; } ft_rgb;
typedef struct { double a, b, c, d; } ft_double4;
typedef struct { char name[20]; int id; } ft_named;

ft_point ft_point_make(int x, int y);
ft_point ft_point_add(ft_point a, ft_point b);
int ft_point_dot(ft_point a, ft_point b);
ft_pair64 ft_pair64_swap(ft_pair64 p);
ft_float2 ft_float2_scale(ft_float2 v, float k);
ft_double2 ft_double2_add(ft_double2 a, ft_double2 b);
ft_float3 ft_float3_cross(ft_float3 a, ft_float3 b);
float ft_float4_sum(ft_float4 v);
ft_float4 ft_float4_rev(ft_float4 v);
ft_int_float ft_int_float_make(int i, float f);
double ft_int_float_sum(ft_int_float v);
ft_double_int ft_double_int_make(double d, int64_t i);
ft_int_double ft_int_double_make(int64_t i, double d);
double ft_mixed_sum(ft_double_int a, ft_int_double b);
ft_big ft_big_make(int64_t a, int64_t b, int64_t c);
int64_t ft_big_sum(ft_big v);
ft_big ft_big_rotate(ft_big v);
ft_small_mixed ft_small_mixed_make(char c, short s, int i);
int ft_small_mixed_sum(ft_small_mixed v);
ft_rgb ft_rgb_make(int r, int g, int b);
int ft_rgb_pack(ft_rgb c);
ft_double4 ft_double4_scale(ft_double4 v, double k);
ft_named ft_named_make(const char *name, int id);
int64_t ft_struct_after_regs(int a, int b, int c, int d, int e, ft_point p, ft_point q);
double ft_struct_after_fregs(double a, double b, double c, double d, double e, double f,
                             double g, ft_double2 v, double h);
void ft_point_scale_inplace(ft_point *p, int k);
int ft_points_sum(const ft_point *ps, int n);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

local p = lib.ft_point_make(3, -4)
print(p.x, p.y, tostring(ffi.typeof(p)) == tostring(ffi.typeof("ft_point")))
local q = lib.ft_point_add(p, {10, 20})
print(q.x, q.y, lib.ft_point_dot(p, q), lib.ft_point_dot({1, 2}, {3, 4}))
local pr = lib.ft_pair64_swap({1, -2})
print(pr.a, pr.b)
pr = lib.ft_pair64_swap(ffi.new("ft_pair64", 0x7fffffffffffffffLL, 5))
print(pr.a, pr.b)
local f2 = lib.ft_float2_scale({1.5, -2}, 2)
print(f2.x, f2.y)
local d2 = lib.ft_double2_add({0.25, 1e100}, {0.5, 1e100})
print(d2.x, d2.y)
local c = lib.ft_float3_cross({1, 0, 0}, {0, 1, 0})
print(c.x, c.y, c.z)
c = lib.ft_float3_cross({1, 2, 3}, {4, 5, 6})
print(c.x, c.y, c.z)
print(lib.ft_float4_sum({1, 2, 3, 4}))
local r4 = lib.ft_float4_rev({1, 2, 3, 4})
print(r4.x, r4.y, r4.z, r4.w)
local iff = lib.ft_int_float_make(7, 0.5)
print(iff.i, iff.f, lib.ft_int_float_sum(iff), lib.ft_int_float_sum({-3, 0.25}))
local di = lib.ft_double_int_make(1.5, -9)
print(di.d, di.i)
local id = lib.ft_int_double_make(42, -0.125)
print(id.i, id.d, lib.ft_mixed_sum(di, id))
local big = lib.ft_big_make(1, 2, 3)
print(big.a, big.b, big.c, lib.ft_big_sum(big))
local rot = lib.ft_big_rotate(big)
print(rot.a, rot.b, rot.c, lib.ft_big_sum({5, 6, 7}))
local sm = lib.ft_small_mixed_make(65, -2, 100000)
print(sm.c, sm.s, sm.i, lib.ft_small_mixed_sum(sm), ffi.sizeof(sm))
local rgb = lib.ft_rgb_make(1, 2, 255)
print(rgb.r, rgb.g, rgb.b, ffi.sizeof(rgb), string.format("%06x", lib.ft_rgb_pack(rgb)))
print(string.format("%06x", lib.ft_rgb_pack({0x12, 0x34, 0x56})))
local d4 = lib.ft_double4_scale({1, 2, 3, 4}, 0.5)
print(d4.a, d4.b, d4.c, d4.d)
local named = lib.ft_named_make("widget", 77)
print(ffi.string(named.name), named.id, ffi.sizeof(named))
named = lib.ft_named_make("a name longer than twenty chars", 1)
print(ffi.string(named.name), named.id)
print(lib.ft_struct_after_regs(1, 2, 3, 4, 5, {6, 7}, {8, 9}))
print(lib.ft_struct_after_fregs(1, 2, 3, 4, 5, 6, 7, {8, 9}, 10))

-- returned structs are fresh copies
local a = lib.ft_point_make(1, 1)
local b = a
b.x = 5
print(a.x, lib.ft_point_dot(a, a))
-- by pointer
local pt = ffi.new("ft_point", 3, 4)
lib.ft_point_scale_inplace(pt, 10)
print(pt.x, pt.y)
local pts = ffi.new("ft_point[3]", {{1, 2}, {3, 4}, {5, 6}})
print(lib.ft_points_sum(pts, 3), lib.ft_points_sum(pts + 1, 2))
lib.ft_point_scale_inplace(pts[2], 2)
print(pts[2].x, pts[2].y)
-- errors (anonymous struct ids differ between implementations)
local function try(f, ...)
  local ok, err = pcall(f, ...)
  print(ok, (tostring(err):gsub("struct %d+", "struct N")))
end
try(lib.ft_point_add, 1, 2)
try(lib.ft_point_dot, {1, 2, 3}, {1, 2})
try(lib.ft_point_scale_inplace, {1, 2}, 2)
