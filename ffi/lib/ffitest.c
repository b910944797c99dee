/* The C side of the FFI conformance corpus (the Lua scripts in ffi/).
 *
 * Built by ffi/run into build/ffi/libffitest.so (cc -shared -fPIC). Every
 * function is small and deterministic so that the Lua scripts can print its
 * results and compare them with the reference LuaJIT. The functions cover the
 * calling-convention space: integers of every width and signedness, float and
 * double mixes, enough arguments to spill onto the stack, varargs, structs
 * passed and returned by value (in registers and in memory), pointers in and
 * out, callbacks called from C, and exported variables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* ---- integers of every width ------------------------------------------ */

EXPORT int8_t ft_i8_add(int8_t a, int8_t b) { return (int8_t)(a + b); }
EXPORT uint8_t ft_u8_add(uint8_t a, uint8_t b) { return (uint8_t)(a + b); }
EXPORT int16_t ft_i16_add(int16_t a, int16_t b) { return (int16_t)(a + b); }
EXPORT uint16_t ft_u16_add(uint16_t a, uint16_t b) { return (uint16_t)(a + b); }
EXPORT int32_t ft_i32_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
EXPORT uint32_t ft_u32_add(uint32_t a, uint32_t b) { return a + b; }
EXPORT int64_t ft_i64_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
EXPORT uint64_t ft_u64_add(uint64_t a, uint64_t b) { return a + b; }
EXPORT int ft_bool_not(_Bool b) { return !b; }
EXPORT _Bool ft_is_positive(int x) { return x > 0; }
EXPORT char ft_char_upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }
EXPORT long ft_long_neg(long x) { return -x; }
EXPORT unsigned long ft_ulong_max(void) { return (unsigned long)-1; }
EXPORT size_t ft_size_double(size_t x) { return x * 2; }

/* Narrow arguments: the callee must see only the low bits, properly
 * extended, whatever the caller leaves in the upper bits of the register. */
EXPORT int ft_i8_widen(int8_t a) { return a; }
EXPORT unsigned ft_u8_widen(uint8_t a) { return a; }
EXPORT int ft_i16_widen(int16_t a) { return a; }
EXPORT unsigned ft_u16_widen(uint16_t a) { return a; }
/* Narrow returns with garbage-free extension checked on the Lua side. */
EXPORT int8_t ft_i8_ret(int x) { return (int8_t)x; }
EXPORT uint8_t ft_u8_ret(int x) { return (uint8_t)x; }
EXPORT int16_t ft_i16_ret(int x) { return (int16_t)x; }
EXPORT uint16_t ft_u16_ret(int x) { return (uint16_t)x; }
EXPORT int64_t ft_i64_min(void) { return INT64_MIN; }
EXPORT uint64_t ft_u64_max(void) { return UINT64_MAX; }

/* ---- floating point ---------------------------------------------------- */

EXPORT float ft_f_add(float a, float b) { return a + b; }
EXPORT double ft_d_add(double a, double b) { return a + b; }
EXPORT double ft_mix_fd(float a, double b, float c, double d) { return a + 2 * b + 3 * c + 4 * d; }
EXPORT double ft_mix_idif(int a, double b, int c, float d) { return a * 1000 + b * 100 + c * 10 + d; }
EXPORT float ft_f_of_d(double d) { return (float)d; }
EXPORT double ft_d_of_f(float f) { return f; }
EXPORT double ft_d_of_i64(int64_t x) { return (double)x; }
EXPORT int64_t ft_i64_of_d(double d) { return (int64_t)d; }

/* ---- many arguments: integer and float registers run out ---------------- */

EXPORT int64_t ft_many_int(int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                           int a9, int a10, int a11, int a12) {
  return a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8 + 9 * a9 +
         10 * a10 + 11 * a11 + 12 * (int64_t)a12;
}
EXPORT double ft_many_double(double a1, double a2, double a3, double a4, double a5, double a6,
                             double a7, double a8, double a9, double a10, double a11,
                             double a12) {
  return a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8 + 9 * a9 +
         10 * a10 + 11 * a11 + 12 * a12;
}
EXPORT double ft_many_mixed(int a1, double b1, int8_t a2, float b2, int16_t a3, double b3,
                            int64_t a4, float b4, uint8_t a5, double b5, uint16_t a6,
                            double b6, int a7, double b7, int a8, double b8, int a9,
                            double b9, int8_t a10, float b10) {
  return a1 + a2 * 2 + a3 * 3 + a4 * 4 + a5 * 5 + a6 * 6 + a7 * 7 + a8 * 8 + a9 * 9 +
         a10 * 10 + b1 * 0.5 + b2 * 0.25 + b3 + b4 * 2 + b5 * 3 + b6 * 4 + b7 * 5 + b8 * 6 +
         b9 * 7 + b10 * 8;
}
/* Stack arguments of narrow types: each occupies a full slot. */
EXPORT int ft_stack_narrow(int a1, int a2, int a3, int a4, int a5, int a6, int8_t s1,
                           uint8_t s2, int16_t s3, uint16_t s4, _Bool s5) {
  return a1 + a2 + a3 + a4 + a5 + a6 + s1 * 1000 + s2 * 100 + s3 * 10 + s4 + (s5 ? 7 : 0);
}
EXPORT float ft_stack_floats(float a1, float a2, float a3, float a4, float a5, float a6,
                             float a7, float a8, float a9, float a10) {
  return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 * 100 + a10 * 1000;
}

/* ---- varargs ----------------------------------------------------------- */

EXPORT int ft_sum_ints(int n, ...) {
  va_list ap;
  int total = 0;
  va_start(ap, n);
  for (int i = 0; i < n; i++) total += va_arg(ap, int);
  va_end(ap);
  return total;
}
EXPORT double ft_sum_doubles(int n, ...) {
  va_list ap;
  double total = 0;
  va_start(ap, n);
  for (int i = 0; i < n; i++) total += va_arg(ap, double);
  va_end(ap);
  return total;
}
/* fmt: 'i' int, 'l' int64, 'd' double, 's' string (adds its length), 'p' pointer (adds 1 if non-null) */
EXPORT double ft_sum_fmt(const char *fmt, ...) {
  va_list ap;
  double total = 0;
  va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    switch (*p) {
      case 'i': total += va_arg(ap, int); break;
      case 'l': total += (double)va_arg(ap, int64_t); break;
      case 'd': total += va_arg(ap, double); break;
      case 's': total += strlen(va_arg(ap, const char *)); break;
      case 'p': total += va_arg(ap, void *) != NULL; break;
    }
  }
  va_end(ap);
  return total;
}

/* ---- strings and pointers ---------------------------------------------- */

static char ft_buffer[256];

EXPORT size_t ft_strlen(const char *s) { return strlen(s); }
EXPORT const char *ft_greeting(void) { return "hello from C"; }
EXPORT const char *ft_null_string(void) { return NULL; }
EXPORT char *ft_concat(const char *a, const char *b) {
  size_t la = strlen(a);
  size_t lb = strlen(b);
  if (la + lb >= sizeof ft_buffer) return NULL;
  memcpy(ft_buffer, a, la);
  memcpy(ft_buffer + la, b, lb + 1);
  return ft_buffer;
}
EXPORT void ft_upper_inplace(char *s) {
  for (; *s; s++)
    if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 32);
}
EXPORT int ft_is_null(const void *p) { return p == NULL; }
EXPORT void ft_swap_ints(int *a, int *b) {
  int t = *a;
  *a = *b;
  *b = t;
}
EXPORT void ft_out_params(int *quotient, int *remainder, int a, int b) {
  *quotient = a / b;
  *remainder = a % b;
}
EXPORT int64_t ft_sum_array(const int *xs, int n) {
  int64_t total = 0;
  for (int i = 0; i < n; i++) total += xs[i];
  return total;
}
EXPORT double ft_sum_darray(const double *xs, size_t n) {
  double total = 0;
  for (size_t i = 0; i < n; i++) total += xs[i];
  return total;
}
EXPORT void ft_fill_squares(int *xs, int n) {
  for (int i = 0; i < n; i++) xs[i] = i * i;
}
EXPORT int *ft_static_ints(void) {
  static int values[4] = {10, 20, 30, 40};
  return values;
}
EXPORT void *ft_pointer_add(void *p, ptrdiff_t n) { return (char *)p + n; }
EXPORT ptrdiff_t ft_pointer_diff(const void *a, const void *b) {
  return (const char *)a - (const char *)b;
}
EXPORT int ft_deref_pp(int **pp) { return **pp; }
EXPORT int ft_set_errno(int value) {
  errno = value;
  return -1;
}
EXPORT int ft_get_errno(void) { return errno; }

/* ---- structs by value -------------------------------------------------- */

typedef struct { int x, y; } ft_point;                 /* 8 bytes, one INTEGER eightbyte */
typedef struct { int64_t a, b; } ft_pair64;           /* 16 bytes, two INTEGER eightbytes */
typedef struct { float x, y; } ft_float2;             /* one SSE eightbyte */
typedef struct { double x, y; } ft_double2;           /* two SSE eightbytes */
typedef struct { float x, y, z; } ft_float3;          /* SSE + SSE */
typedef struct { float x, y, z, w; } ft_float4;       /* HFA on ARM64, 2 SSE on x86-64 */
typedef struct { int i; float f; } ft_int_float;      /* one eightbyte, INTEGER */
typedef struct { double d; int64_t i; } ft_double_int; /* SSE + INTEGER */
typedef struct { int64_t i; double d; } ft_int_double; /* INTEGER + SSE */
typedef struct { int64_t a, b, c; } ft_big;            /* 24 bytes: memory */
typedef struct { char c; short s; int i; } ft_small_mixed;
typedef struct { uint8_t r, g, b; } ft_rgb;            /* 3 bytes */
typedef struct { double a, b, c, d; } ft_double4;      /* 32 bytes: memory (HFA on ARM64) */
typedef struct { char name[20]; int id; } ft_named;    /* 24 bytes with an array */

EXPORT ft_point ft_point_make(int x, int y) { ft_point p = {x, y}; return p; }
EXPORT ft_point ft_point_add(ft_point a, ft_point b) { ft_point p = {a.x + b.x, a.y + b.y}; return p; }
EXPORT int ft_point_dot(ft_point a, ft_point b) { return a.x * b.x + a.y * b.y; }
EXPORT ft_pair64 ft_pair64_swap(ft_pair64 p) { ft_pair64 r = {p.b, p.a}; return r; }
EXPORT ft_float2 ft_float2_scale(ft_float2 v, float k) { ft_float2 r = {v.x * k, v.y * k}; return r; }
EXPORT ft_double2 ft_double2_add(ft_double2 a, ft_double2 b) { ft_double2 r = {a.x + b.x, a.y + b.y}; return r; }
EXPORT ft_float3 ft_float3_cross(ft_float3 a, ft_float3 b) {
  ft_float3 r = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
  return r;
}
EXPORT float ft_float4_sum(ft_float4 v) { return v.x + v.y * 10 + v.z * 100 + v.w * 1000; }
EXPORT ft_float4 ft_float4_rev(ft_float4 v) { ft_float4 r = {v.w, v.z, v.y, v.x}; return r; }
EXPORT ft_int_float ft_int_float_make(int i, float f) { ft_int_float r = {i, f}; return r; }
EXPORT double ft_int_float_sum(ft_int_float v) { return v.i + v.f; }
EXPORT ft_double_int ft_double_int_make(double d, int64_t i) { ft_double_int r = {d, i}; return r; }
EXPORT ft_int_double ft_int_double_make(int64_t i, double d) { ft_int_double r = {i, d}; return r; }
EXPORT double ft_mixed_sum(ft_double_int a, ft_int_double b) { return a.d + (double)a.i * 10 + (double)b.i * 100 + b.d * 1000; }
EXPORT ft_big ft_big_make(int64_t a, int64_t b, int64_t c) { ft_big r = {a, b, c}; return r; }
EXPORT int64_t ft_big_sum(ft_big v) { return v.a + v.b * 10 + v.c * 100; }
EXPORT ft_big ft_big_rotate(ft_big v) { ft_big r = {v.b, v.c, v.a}; return r; }
EXPORT ft_small_mixed ft_small_mixed_make(char c, short s, int i) { ft_small_mixed r = {c, s, i}; return r; }
EXPORT int ft_small_mixed_sum(ft_small_mixed v) { return v.c + v.s * 100 + v.i * 10000; }
EXPORT ft_rgb ft_rgb_make(int r, int g, int b) { ft_rgb c = {(uint8_t)r, (uint8_t)g, (uint8_t)b}; return c; }
EXPORT int ft_rgb_pack(ft_rgb c) { return c.r << 16 | c.g << 8 | c.b; }
EXPORT ft_double4 ft_double4_scale(ft_double4 v, double k) { ft_double4 r = {v.a * k, v.b * k, v.c * k, v.d * k}; return r; }
EXPORT ft_named ft_named_make(const char *name, int id) {
  ft_named r;
  memset(&r, 0, sizeof r);
  strncpy(r.name, name, sizeof r.name - 1);
  r.id = id;
  return r;
}
/* Structs after the registers are used up go to the stack. */
EXPORT int64_t ft_struct_after_regs(int a, int b, int c, int d, int e, ft_point p, ft_point q) {
  return a + b + c + d + e + p.x * 100 + p.y * 1000 + q.x * 10000 + q.y * 100000;
}
EXPORT double ft_struct_after_fregs(double a, double b, double c, double d, double e, double f,
                                    double g, ft_double2 v, double h) {
  return a + b + c + d + e + f + g + v.x * 100 + v.y * 1000 + h * 10000;
}
/* Pointers to structs. */
EXPORT void ft_point_scale_inplace(ft_point *p, int k) { p->x *= k; p->y *= k; }
EXPORT int ft_points_sum(const ft_point *ps, int n) {
  int total = 0;
  for (int i = 0; i < n; i++) total += ps[i].x * 10 + ps[i].y;
  return total;
}

/* ---- unions, bitfields, enums ------------------------------------------ */

typedef union { int32_t i; float f; uint8_t bytes[4]; } ft_word;
EXPORT uint32_t ft_float_bits(float f) { ft_word w; w.f = f; return (uint32_t)w.i; }
EXPORT ft_word ft_word_of_int(int32_t i) { ft_word w; w.i = i; return w; }

typedef struct { unsigned a : 3; unsigned b : 5; signed c : 4; unsigned d : 20; } ft_bits;
EXPORT ft_bits ft_bits_make(unsigned a, unsigned b, int c, unsigned d) {
  ft_bits r;
  memset(&r, 0, sizeof r);
  r.a = a; r.b = b; r.c = c; r.d = d;
  return r;
}
EXPORT int ft_bits_sum(ft_bits v) { return v.a + v.b * 10 + v.c * 100 + (int)v.d * 1000; }

enum ft_color { FT_RED, FT_GREEN = 5, FT_BLUE };
EXPORT enum ft_color ft_next_color(enum ft_color c) {
  switch (c) {
    case FT_RED: return FT_GREEN;
    case FT_GREEN: return FT_BLUE;
    default: return FT_RED;
  }
}
EXPORT const char *ft_color_name(enum ft_color c) {
  switch (c) {
    case FT_RED: return "red";
    case FT_GREEN: return "green";
    case FT_BLUE: return "blue";
    default: return "?";
  }
}

/* ---- callbacks: C calls a function pointer it was given ----------------- */

EXPORT int ft_call_int(int (*f)(int), int x) { return f(x); }
EXPORT int ft_call_int2(int (*f)(int, int), int a, int b) { return f(a, b); }
EXPORT double ft_call_double(double (*f)(double, double), double a, double b) { return f(a, b); }
EXPORT float ft_call_float(float (*f)(float), float x) { return f(x); }
EXPORT int64_t ft_call_i64(int64_t (*f)(int64_t, uint64_t), int64_t a, uint64_t b) { return f(a, b); }
EXPORT int ft_call_narrow(int (*f)(int8_t, uint8_t, int16_t, uint16_t, _Bool)) {
  return f(-5, 250, -3000, 60000, 1);
}
EXPORT int8_t ft_call_ret_i8(int8_t (*f)(void)) { return f(); }
EXPORT uint8_t ft_call_ret_u8(uint8_t (*f)(void)) { return f(); }
EXPORT int ft_call_ret_bool(_Bool (*f)(int), int x) { return f(x) ? 1 : 0; }
EXPORT void ft_call_void(void (*f)(int), int n) {
  for (int i = 0; i < n; i++) f(i);
}
/* LuaJIT callbacks take at most 16 arguments: 7 ints and 9 doubles put one of
 * each kind on the stack on x86-64. */
EXPORT double ft_call_many(double (*f)(int, int, int, int, int, int, int, double, double,
                                       double, double, double, double, double, double,
                                       double)) {
  return f(1, 2, 3, 4, 5, 6, 7, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5);
}
EXPORT size_t ft_call_string(size_t (*f)(const char *), const char *s) { return f(s); }
EXPORT const char *ft_call_ret_string(const char *(*f)(int), int n) { return f(n); }
EXPORT int ft_call_ptr(int (*f)(int *, int), int n) {
  int values[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  if (n > 8) n = 8;
  return f(values, n);
}
EXPORT int ft_call_point(int (*f)(ft_point *), int x, int y) {
  ft_point p = {x, y};
  int r = f(&p);
  return r + p.x * 1000 + p.y;
}
EXPORT int64_t ft_call_twice(int64_t (*f)(int64_t), int64_t x) { return f(f(x)); }
EXPORT int ft_apply_n(int (*f)(int, int), int n) {
  int acc = 0;
  for (int i = 1; i <= n; i++) acc = f(acc, i);
  return acc;
}
/* Callbacks that receive or return structs by value are not supported by
 * LuaJIT; the corpus only passes struct pointers to callbacks. */

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
EXPORT void ft_sort_ints(int *xs, size_t n) { qsort(xs, n, sizeof *xs, compare_ints); }

/* A callback stored for later, the way event libraries keep them. */
static int (*ft_stored_callback)(int);
EXPORT void ft_store_callback(int (*f)(int)) { ft_stored_callback = f; }
EXPORT int ft_fire_callback(int x) { return ft_stored_callback ? ft_stored_callback(x) : -1; }

/* ---- exported variables ------------------------------------------------ */

EXPORT int ft_counter = 42;
EXPORT const int ft_const_value = 7;
EXPORT double ft_ratio = 0.25;
EXPORT int64_t ft_big_value = 0x123456789abcdefLL;
EXPORT int ft_table[5] = {1, 1, 2, 3, 5};
EXPORT ft_point ft_origin = {3, 4};
EXPORT const char *ft_version_string = "ffitest 1.0";
EXPORT char ft_name_buffer[16] = "ffitest";
EXPORT int ft_bump_counter(void) { return ++ft_counter; }
EXPORT int ft_read_table(int i) { return ft_table[i]; }
EXPORT int ft_origin_sum(void) { return ft_origin.x + ft_origin.y; }

/* ---- allocation, for ffi.gc tests -------------------------------------- */

static int ft_live_objects;
EXPORT void *ft_alloc(size_t n) {
  ft_live_objects++;
  return calloc(1, n ? n : 1);
}
EXPORT void ft_free(void *p) {
  if (p) {
    ft_live_objects--;
    free(p);
  }
}
EXPORT int ft_live(void) { return ft_live_objects; }
