-- ffi.errno, ffi.abi, ffi.os, ffi.arch, ffi.NULL, the module table.
local ffi = require("ffi")
ffi.cdef[[
int ft_set_errno(int value);
int ft_get_errno(void);
int close(int fd);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

lib.ft_set_errno(33)
print(ffi.errno())
print(ffi.errno(7), ffi.errno())
print(lib.ft_get_errno())
print(ffi.C.close(-1), ffi.errno())
print(ffi.errno(0), lib.ft_get_errno())

for _, k in ipairs{"32bit", "64bit", "le", "be", "fpu", "softfp", "hardfp", "eabi", "win", "uwp", "gc64", "pauth", "nonsense"} do
  io.write(k, "=", tostring(ffi.abi(k)), " ")
end
print()
print(ffi.os, ffi.arch)
print(ffi.NULL == nil, type(ffi.NULL), tostring(ffi.NULL))
print(ffi.NULL == ffi.cast("void *", 0), ffi.NULL ~= nil)
print(pcall(ffi.abi))
print(pcall(ffi.abi, 1) )
print(package.loaded.ffi == ffi, require("ffi") == ffi)
local names = {}
-- (ffi.typeinfo, undocumented, is checked by ffi_typeinfo.lua)
for k in pairs(ffi) do if k ~= "typeinfo" then names[#names + 1] = k end end
table.sort(names)
print(table.concat(names, " "))
print(type(ffi.C), type(ffi.cdef), ffi.cdef(""), ffi.cdef(" /* nothing */ "))
