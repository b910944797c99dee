-- ffi.typeinfo (undocumented in 2.1): present, returns nil past the last type id.
local ffi = require("ffi")
print(type(ffi.typeinfo))
print(ffi.typeinfo(1e6))
local t = ffi.typeinfo(tonumber(ffi.typeof("int")))
print(type(t), t and t.size)
