-- Exported C variables through a library namespace: scalars, const, arrays, structs, strings.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { int x, y; } gl_point;
extern int ft_counter;
extern const int ft_const_value;
extern double ft_ratio;
extern int64_t ft_big_value;
extern int ft_table[5];
extern gl_point ft_origin;
extern const char *ft_version_string;
extern char ft_name_buffer[16];
int ft_bump_counter(void);
int ft_read_table(int i);
int ft_origin_sum(void);
int ft_no_such_symbol;
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

print(lib.ft_counter, type(lib.ft_counter))
lib.ft_counter = 100
print(lib.ft_bump_counter(), lib.ft_counter)
lib.ft_counter = lib.ft_counter + 0.9
print(lib.ft_counter)
print(lib.ft_const_value, pcall(function() lib.ft_const_value = 1 end))
print(lib.ft_ratio)
lib.ft_ratio = 1 / 8
print(lib.ft_ratio)
print(lib.ft_big_value, type(lib.ft_big_value))
lib.ft_big_value = -1
print(lib.ft_big_value)
local t = lib.ft_table
print(type(t), ffi.sizeof(t), t[0], t[4])
t[2] = 20
print(lib.ft_read_table(2), lib.ft_table[2])
print(pcall(function() lib.ft_table = 1 end))
local o = lib.ft_origin
print(o.x, o.y, lib.ft_origin_sum())
o.x = 30
print(lib.ft_origin_sum())
lib.ft_origin = {1, 2}
print(lib.ft_origin_sum(), o.x)
print(ffi.string(lib.ft_version_string))
print(ffi.string(lib.ft_name_buffer), ffi.sizeof(lib.ft_name_buffer))
ffi.copy(lib.ft_name_buffer, "renamed")
print(ffi.string(lib.ft_name_buffer))
local ok, err = pcall(function() return lib.ft_no_such_symbol end)
print(ok, (err:gsub("[^ ]*libffitest%.so", "LIB")))
print(pcall(function() return lib.undeclared_thing end))
print(pcall(function() lib.undeclared_thing = 1 end))
print(pcall(function() lib.ft_bump_counter = 1 end))
-- functions are cdata too
print(type(lib.ft_bump_counter), tostring(ffi.typeof(lib.ft_bump_counter)))
