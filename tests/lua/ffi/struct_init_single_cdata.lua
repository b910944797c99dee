-- A single cdata initializer of a struct is its first member unless it is
-- a struct of the same type (then it is copied).
local ffi = require("ffi")
local x = ffi.new("struct { int & x; }", ffi.new("int[1]", 42))
print(x.x)
ffi.cdef"struct rf_s { int a, b; };"
local s = ffi.new("struct rf_s", 1, 2)
local c = ffi.new("struct rf_s", s) print(c.a, c.b)
local d = ffi.new("struct { int64_t v; }", 5LL) print(d.v)
print(pcall(ffi.new, "struct rf_s", ffi.new("int[2]")))
