-- ffi.new: scalars, arrays, VLAs, structs, initializers, errors.
local ffi = require("ffi")

local function show(...) print(...) end
local function try(f, ...)
  local ok, err = pcall(f, ...)
  print(ok, ok and "" or err)
end

-- scalars default to zero
show(tonumber(ffi.new("int")), tonumber(ffi.new("double")), tonumber(ffi.new("char")))
show(tonumber(ffi.new("int", 42)), tonumber(ffi.new("double", 1.5)))
show(ffi.new("bool", true) == true, tonumber(ffi.new("bool")), tonumber(ffi.new("bool", 1)))
show(tonumber(ffi.new("uint8_t", 300)), tonumber(ffi.new("int8_t", 200)))
show(tonumber(ffi.new("uint16_t", -1)), tonumber(ffi.new("int16_t", 40000)))
show(tostring(ffi.new("int64_t", -5)), tostring(ffi.new("uint64_t", 5)))
show(tonumber(ffi.new("float", 0.1)) == 0.1, tonumber(ffi.new("float", 0.5)))

-- arrays
local a = ffi.new("int[4]")
show(ffi.sizeof(a), a[0], a[3])
local b = ffi.new("int[4]", 1, 2)
show(b[0], b[1], b[2], b[3])
local c = ffi.new("int[4]", {5, 6, 7, 8})
show(c[0], c[1], c[2], c[3])
local d = ffi.new("int[4]", 9)           -- one initializer fills all
show(d[0], d[1], d[2], d[3])
local e = ffi.new("int[?]", 3)           -- VLA
show(ffi.sizeof(e), e[0], e[2])
local f = ffi.new("int[?]", 3, 7)
show(f[0], f[1], f[2])
local g = ffi.new("double[?]", 4, {1.5, 2.5})
show(g[0], g[1], g[2], g[3])
local h = ffi.new("char[?]", 6, "hello")
show(ffi.string(h), ffi.sizeof(h))
local i = ffi.new("char[8]", "abc")
show(ffi.string(i), i[3], i[7])
local j = ffi.new("int[2][3]", {{1, 2, 3}, {4, 5, 6}})
show(j[0][0], j[0][2], j[1][0], j[1][2], ffi.sizeof(j))
try(ffi.new, "int[]", 3)

-- structs
ffi.cdef[[
typedef struct { int x, y; } newpt;
typedef struct { double a; int b[3]; newpt p; } newcomplex;
struct newvls { int n; double data[?]; };
]]
local p = ffi.new("newpt")
show(p.x, p.y)
p = ffi.new("newpt", 1, 2)
show(p.x, p.y)
p = ffi.new("newpt", {3, 4})
show(p.x, p.y)
p = ffi.new("newpt", {y = 9})
show(p.x, p.y)
local q = ffi.new("newcomplex", {1.5, {1, 2, 3}, {7, 8}})
show(q.a, q.b[0], q.b[1], q.b[2], q.p.x, q.p.y)
q = ffi.new("newcomplex", {a = 2, p = {y = 5}})
show(q.a, q.b[0], q.p.x, q.p.y)
local v = ffi.new("struct newvls", 4)
show(ffi.sizeof(v), v.n)
v = ffi.new("struct newvls", 2, {2, {1.25, 2.25}})
show(v.n, v.data[0], v.data[1])

-- ctype objects as constructors
local pt_t = ffi.typeof("newpt")
local r = pt_t(5, 6)
show(r.x, r.y, ffi.istype(pt_t, r))
local arr_t = ffi.typeof("int[?]")
show(ffi.sizeof(arr_t(10)))

-- errors
try(ffi.new, "int[?]")
try(ffi.new, "int[2]", 1, 2, 3)
try(ffi.new, "struct newvls", 1, 2, 3, 4)
ffi.cdef"struct newtagged { int a; }"
try(ffi.new, "struct newtagged", 1, 2)
try(ffi.new, "struct nonexistent_t")
try(ffi.new, "void")
try(ffi.new, "int", "x")
try(ffi.new, "int[?]", -1)
try(ffi.new, "int", {})
try(ffi.new, "newpt", {z = 1})
try(ffi.new, "char[2]", "abc")
try(ffi.new, "int(*)(int)", 1)
try(ffi.new, 42)
try(ffi.new)
