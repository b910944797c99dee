-- Initializers: ffi.new with several values (nested anonymous members,
-- unions, complex, replication, too many), tables converted to arrays,
-- structs and unions (by position from [0] or [1], by name), copies.
local ffi = require("ffi")
ffi.cdef[[
typedef struct ti_nest { int a,b; struct { int c,d; }; struct { int e1,e2; } e; int f[2]; } ti_nest;
typedef union ti_uni { int8_t a; int16_t b; int32_t c; } ti_uni;
]]
local function show(...) local t = {} for i=1,select('#',...) do t[#t+1]=tostring((select(i,...))) end print(table.concat(t," ")) end
local function arr(a, n) local t = {} for i=0,n-1 do t[#t+1] = tostring(a[i]) end return table.concat(t, ",") end
local a = ffi.new("int[10]")
print(pcall(function() a = ffi.new("int[10]", {1,2,3,4,5,6,7,8,9,10}) end), arr(a, 10))
local b = ffi.new("int[10]")
print(pcall(function() b[0] = 0; local s = ffi.new("struct { int ai[10]; }"); s.ai = {1,2,3,4,5,6,7,8,9,10,11}; return arr(s.ai,10) end))
local s = ffi.new("struct { int ai[10]; int g; }")
s.g = 99
s.ai = {} print(arr(s.ai, 10), s.g)
s.ai = {42} print(arr(s.ai, 10), s.g)
s.ai = {[0] = -67} print(arr(s.ai, 10))
s.ai = {42, -27} print(arr(s.ai, 10), s.g)
print(pcall(function() s.ai = {1,2,3,4,5,6,7,8,9,10,11} end)) print(arr(s.ai, 10))
local n = ffi.new("ti_nest")
print(pcall(function() n = ffi.new("ti_nest", 1,2,3,4,{5,6},{7,8}) end), n.a, n.b, n.c, n.d, n.e.e1, n.e.e2, n.f[0], n.f[1])
print(pcall(function() n = ffi.new("ti_nest", {1,2,3,4,{5,6},{7,8}}) end), n.a, n.b, n.c, n.d, n.e.e1, n.e.e2, n.f[0], n.f[1])
print((pcall(ffi.new, "ti_nest", 1,2,3,4,5,6,7,8)))
print(pcall(ffi.new, "ti_nest", 1,2,3,4,{5,6},{7,8},9))
local w = ffi.new("struct { ti_nest sn; }")
w.sn = {c = 10, e = {11,12}, f = {13,14}} print(w.sn.a, w.sn.c, w.sn.e.e1, w.sn.e.e2, w.sn.f[0], w.sn.f[1])
w.sn = {1,2,3,4,{5,6},{7,8}} print(w.sn.a, w.sn.d, w.sn.e.e2, w.sn.f[1])
local si = ffi.new("struct { struct { int a,b,c; } si; int g; }")
si.g = 97
si.si = {} show(si.si.a, si.si.b, si.si.c)
si.si = {42, 18} show(si.si.a, si.si.b, si.si.c)
si.si = {[0] = -67, 12} show(si.si.a, si.si.b, si.si.c)
si.si = {42, -27, 19, 8} show(si.si.a, si.si.b, si.si.c)
si.si = {b = 12} show(si.si.a, si.si.b, si.si.c)
si.si = {b = 12, c = 85, a = 35} show(si.si.a, si.si.b, si.si.c)
si.si = {b = 19, foo = 1} show(si.si.a, si.si.b, si.si.c)
si.si = {b = 12, 5, 6, 7} show(si.si.a, si.si.b, si.si.c, si.g)
local u = ffi.new("struct { ti_uni ui; }")
u.ui = {} show(u.ui.a, u.ui.b, u.ui.c)
u.ui = {255, -1, -1} show(u.ui.a, u.ui.b, u.ui.c)
u.ui = {b = -1} show(u.ui.a, u.ui.b, u.ui.c)
u.ui = ffi.new("ti_uni", 255) show(u.ui.a, u.ui.b, u.ui.c)
print(pcall(ffi.new, "ti_uni", 1, 2))
print(pcall(ffi.new, "union ti_u2 { struct { int x; }; int y; }", 1, 2))
local v = ffi.new("struct { int x; int a[?]; }", 4, 9, {833})
show(v.x, v.a[0], v.a[1], v.a[3])
local c = ffi.new("complex", {9.125, -78.5}) show(c.re, c.im)
local cs = ffi.new("struct { complex cd; complex float cf; double d; }")
cs.cd = ffi.new("complex float", 9.125, -78.5) show(cs.cd.re, cs.cd.im)
cs.cf = ffi.new("complex double", 9.125, -78.5) show(cs.cf.re, cs.cf.im)
cs.cf = ffi.new("complex float", -57.5) show(cs.cf.re, cs.cf.im)
cs.d = ffi.new("complex float", 9.125, -78.5) show(cs.d)
print(pcall(ffi.new, "complex", 1, 2, 3))
local x = ffi.new("struct { int ai[10]; }")
for i=0,9 do x.ai[i] = i end
local a2 = ffi.new("int[10]", x.ai) print(arr(a2, 10))
local bs = ffi.new("struct { int v, w; }", 1, 2)
local bs2 = ffi.new(ffi.typeof(bs), bs) show(bs2.v, bs2.w)
