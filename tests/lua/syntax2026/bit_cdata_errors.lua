-- Bit operators on cdata that do not convert to a 64-bit integer. Today's
-- LuaJIT 2.1 crashes (segmentation fault) on each of these; we raise the
-- conversion error instead (the message the bit library's argument error
-- carries). This expected output is ours, not recorded from the reference.
local ffi = require("ffi")
ffi.cdef("struct bitop_S { int x; };")
local p = ffi.new("int[2]")
local s = ffi.new("struct bitop_S")
print(pcall(function() return p & 1 end))
print(pcall(function() return 1 | s end))
print(pcall(function() return ~p end))
print(pcall(function() return 1LL << s end))
print(pcall(function() return p >> 1LL end))
