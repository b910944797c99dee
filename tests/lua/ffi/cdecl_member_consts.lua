-- Constants declared inside struct bodies (C++-style static const members
-- and member-less enums) read through instances, and are read-only.
local ffi = require("ffi")
ffi.cdef[[
struct withconst { static const int SC = 5; int a; enum { INNER = 7 }; };
]]
local w = ffi.new("struct withconst")
print(ffi.sizeof(w), ffi.offsetof("struct withconst", "SC"), ffi.C.INNER)
print(w.SC, w.INNER)
print(pcall(function() w.SC = 1 end))
local p = ffi.new("struct withconst *", w)
print(p.SC, p.INNER)
