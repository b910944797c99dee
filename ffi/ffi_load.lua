-- ffi.load: paths, global loading, errors, namespaces, library handles.
local ffi = require("ffi")
ffi.cdef[[
int ft_i32_add(int a, int b);
double sqrt(double x);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")
print(type(lib), lib.ft_i32_add(2, 3))
local lib2 = ffi.load("./" .. (os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so"))
print(lib2.ft_i32_add(4, 5), lib ~= lib2)
-- system libraries by short name
local m = ffi.load("m")
print(m.sqrt(16))
-- errors
local ok, err = pcall(ffi.load, "this_library_does_not_exist_ffi")
print(ok, (err:gsub("^.-: ", "")))
ok, err = pcall(ffi.load, "build/ffi/nonexistent.so")
print(ok, err)
print(pcall(ffi.load))
print(pcall(ffi.load, {}))
-- global loading: symbols become visible through ffi.C
print(pcall(function() return ffi.C.ft_i32_add end) == false)
ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so", true)
print(ffi.C.ft_i32_add(10, 20))
-- tostring of a namespace is userdata-like
print((tostring(lib):gsub("0x%x+", "ADDR")))
