-- Pointer arithmetic, comparison, indexing, difference, NULL checks, pointers to pointers.
local ffi = require("ffi")
local arr = ffi.new("int[10]")
for i = 0, 9 do arr[i] = i * 10 end
local p = ffi.cast("int *", arr)
print(p[0], p[9], (p + 3)[0], (p + 3)[-1], (3 + p)[0])
local q = p + 7
print(q - p, p - q, type(q - p))
print(q > p, q < p, q >= p, p <= p, p == p + 0, p ~= q, p + 7 == q)
q = q - 2
print(q[0], q - p)
q = q + 1LL
print(q[0])
q = q - ffi.new("int", 2)
print(q[0])
local d = ffi.new("double[4]", 1, 2, 3, 4)
local dp = d + 1
print(dp[0], dp[2], dp - d)
local cp = ffi.cast("char *", d)
print(ffi.cast("char *", dp) - cp)
-- void * arithmetic is not allowed; char * is
print(pcall(function() return ffi.cast("void *", d) + 1 end))
print(pcall(function() return ffi.cast("void *", d) - ffi.cast("void *", d) end))
print(pcall(function() return p - d end))
print(pcall(function() return p + p end))
print(pcall(function() return p * 2 end))
-- NULL and comparisons with nil
local null = ffi.cast("int *", 0)
print(null == nil, p == nil, nil == null, null == ffi.cast("void *", 0))
print(pcall(function() return null < p end))
-- pointers to pointers
local pp = ffi.new("int *[2]", p, p + 5)
print(pp[0][1], pp[1][0], pp[1][-1])
local ppp = ffi.new("int **", pp)
print(ppp[1][2])
-- pointer to array and array of arrays
local m = ffi.new("int[3][4]")
for i = 0, 2 do for j = 0, 3 do m[i][j] = i * 4 + j end end
local row = m[1]
print(row[0], row[3], ffi.sizeof(row), tostring(ffi.typeof(row)))
local pa = ffi.cast("int (*)[4]", m)
print(pa[2][1], (pa + 1)[0][0])
-- writing through pointers
p[2] = 99
print(arr[2])
local fp = ffi.new("float[2]")
ffi.cast("float *", fp)[1] = 2.5
print(fp[1])
-- pointer to struct field
ffi.cdef"struct ptrs { int a; double b; int c[3]; };"
local s = ffi.new("struct ptrs", {1, 2.5, {7, 8, 9}})
local ps = ffi.new("struct ptrs *", s)
print(ps.a, ps.b, ps.c[2], ps[0].a)
local pc = ps.c
print(pc[1], tostring(ffi.typeof(pc)))
-- pointer to a member via cast + offsetof
local bp = ffi.cast("char *", ps) + ffi.offsetof("struct ptrs", "b")
print(ffi.cast("double *", bp)[0])
-- boolean context: all cdata pointers are true, even NULL
print(not not null, null and "t" or "f")
-- comparison of pointers of different types
print(pcall(function() return p == ffi.cast("char *", p) end))
print(pcall(function() return p < ffi.cast("char *", p) end))
print(p == ffi.cast("const int *", p))
-- pointers compared to numbers
print(pcall(function() return p == 0 end))
print(ffi.cast("void *", 0) == 0)
