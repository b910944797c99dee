-- Arrays: fixed, multi-dimensional, VLA, VLS, flexible members, bounds are not checked (we stay inside).
local ffi = require("ffi")
local a = ffi.new("int[5]", {1, 2, 3, 4, 5})
local sum = 0
for i = 0, 4 do sum = sum + a[i] end
print(sum, #tostring(ffi.typeof(a)), ffi.sizeof(a))
a[1.9] = 20  -- index truncated
print(a[1], a[1LL], a[ffi.new("char", 2)])
print(pcall(function() return a.x end))
print(pcall(function() return a["1"] end))
print(pcall(function() a[0] = "x" end))
print(pcall(function() return #a end))
-- element types
local u8 = ffi.new("uint8_t[3]", {-1, 256, 128})
print(u8[0], u8[1], u8[2])
local b = ffi.new("bool[3]", {true, false, 1})
print(b[0], b[1], b[2])
local f = ffi.new("float[2]", {0.1, 1e40})
print(f[0] == 0.1, f[1])
local i64 = ffi.new("int64_t[2]", {-1, 2^40})
print(i64[0], i64[1], type(i64[0]))
local c = ffi.new("char[4]", {65, 66, 67})
print(c[0], ffi.string(c))
-- nested arrays and structs
local m = ffi.new("double[2][2]", {{1, 2}, {3, 4}})
print(m[0][0] + m[1][1], m[1][0])
m[1][0] = 9
print(m[1][0])
local cube = ffi.new("int[2][2][2]")
cube[1][1][1] = 8
print(ffi.cast("int *", cube)[7], ffi.sizeof(cube))
-- VLAs
local n = 100
local v = ffi.new("double[?]", n)
for i = 0, n - 1 do v[i] = i / 2 end
print(v[99], ffi.sizeof(v), tostring(ffi.typeof(v)))
local vla2 = ffi.new("int[?][3]", 2)
print(ffi.sizeof(vla2))
vla2[1][2] = 6
print(vla2[1][2])
print(ffi.sizeof(ffi.new("char[?]", 0)))
-- VLS and flexible array members
ffi.cdef[[
struct arr_vls { int n; int items[?]; };
struct arr_flex { int n; double items[]; };
]]
local s = ffi.new("struct arr_vls", 3)
s.n = 3
for i = 0, 2 do s.items[i] = i + 100 end
print(s.n, s.items[0], s.items[2], ffi.sizeof(s))
-- a flexible array member ([]) is not variable-length: the 2 initializes n
local fl = ffi.new("struct arr_flex", 2)
print(ffi.sizeof(fl), fl.n, ffi.offsetof("struct arr_flex", "items"))
-- arrays inside structs: assignment copies
ffi.cdef"struct arr_holder { int v[3]; };"
local h = ffi.new("struct arr_holder")
h.v = ffi.new("int[3]", 4, 5, 6)
print(h.v[0], h.v[2])
h.v = {7, 8}
print(h.v[0], h.v[1], h.v[2])
print(pcall(function() h.v = 1 end))
-- copying arrays by struct assignment
local h2 = ffi.new("struct arr_holder", h)
h2.v[0] = 100
print(h.v[0], h2.v[0])
-- array of pointers
local strs = ffi.new("const char *[3]", {"one", "two", "three"})
print(ffi.string(strs[0]), ffi.string(strs[2]))
-- zero-length arrays
local z = ffi.new("int[0]")
print(ffi.sizeof(z))
-- array equality compares addresses
local e1, e2 = ffi.new("int[1]"), ffi.new("int[1]")
print(e1 == e2, e1 == e1)
