-- ffi.C: the default namespace (libc and the process's symbols).
local ffi = require("ffi")
ffi.cdef[[
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strchr(const char *s, int c);
void *memset(void *p, int c, size_t n);
int abs(int x);
long labs(long x);
double floor(double x);
double pow(double x, double y);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
double strtod(const char *s, char **end);
void *malloc(size_t n);
void free(void *p);
char *getenv(const char *name);
int toupper(int c);
int sprintf(char *buf, const char *fmt, ...);
unsigned int sleep(unsigned int seconds);
]]
local C = ffi.C
print(C.strlen("hello"), C.strcmp("a", "b") < 0, C.strcmp("b", "b"))
local s = "find the x here"
local p = C.strchr(s, string.byte("x"))
print(ffi.string(p), p - ffi.cast("const char *", s))
print(C.strchr(s, 90) == nil)
print(C.abs(-5), C.labs(-5), C.floor(2.7), C.pow(2, 10))
print(C.atoi("  123abc"), C.strtol("ff", nil, 16), C.strtod("2.5e3", nil))
local endp = ffi.new("char *[1]")
print(C.strtol("42rest", endp, 10), ffi.string(endp[0]))
local m = ffi.cast("unsigned char *", C.malloc(16))
C.memset(m, 0xab, 16)
print(m[0], m[15])
C.free(m)
print(C.getenv("THIS_VARIABLE_IS_NOT_SET_FFI") == nil)
print(C.toupper(97))
local buf = ffi.new("char[32]")
print(C.sprintf(buf, "%s=%d", "k", ffi.new("int", 7)), ffi.string(buf))
print(C.sleep(0))
-- the namespace caches and is a userdata
print(type(C), C.strlen == C.strlen)
print(pcall(function() return C.this_function_does_not_exist_xyz end))
ffi.cdef"int this_function_is_declared_but_missing_xyz(void);"
local ok, err = pcall(function() return C.this_function_is_declared_but_missing_xyz end)
print(ok, (tostring(err):gsub(":.*: ", ": ")))
print(pcall(function() C.strlen = nil end))
print(tostring(ffi.typeof(C.strlen)))
