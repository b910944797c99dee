-- Writes through const: const structs (also via typedef and pointers), const
-- anonymous members, arrays of const, structs with a const member, copying
-- a const array into a non-const one; __index tables and __newindex on
-- const structs.
local ffi = require("ffi")
ffi.cdef[[
typedef struct cs_s { int v, w; } cs_s;
typedef const cs_s ccs_t;
typedef struct cs_p { int v; const int w; } cs_p;
typedef struct { int a[2]; const int ca[2]; cs_p p1, p2; const struct { int ni; }; } cs_x;
]]
local x = ffi.new("cs_x")
print(pcall(function() x.a = x.ca end))
print(pcall(function() x.ca = x.a end))
local cs = ffi.new("ccs_t")
print(pcall(function() cs.v = 1 end))
print(pcall(function() x.p1 = x.p2 end))
print(pcall(function() x.p1 = {} end))
print(pcall(function() x.p1.w = 1 end))
print(pcall(function() x.ni = 1 end))
print(pcall(function() local s = ffi.new("cs_s"); s.v = 1; return s.v end))
print(pcall(function() local p = ffi.new("const int[1]"); p[0] = 1 end))
print(pcall(function() local p = ffi.new("const cs_s *", ffi.new("cs_s")); p.v = 1 end))
ffi.cdef[[typedef struct mt1_t { int x; } mt1_t; typedef struct mt2_t { int x; } mt2_t;]]
local nidx = {}
local tp = ffi.metatype("mt1_t", { __index = { foo = 99 }, __newindex = nidx })
local s = tp(1)
print(pcall(function() return s.bar end))
s.bar = 42; print(nidx.bar)
local cs = ffi.new("const mt1_t", 5)
print(cs.foo, cs.x, pcall(function() cs.bar = 43 end))
print(nidx.bar)
local cp = ffi.new("const mt1_t *", cs)
print(cp.foo, pcall(function() cp.bar = 44 end))
local seen
local tp2 = ffi.metatype("mt2_t", { __newindex = function(c, k, v) seen = k end })
local cs2 = ffi.new("const mt2_t", 5)
print(pcall(function() cs2.bar = 43 end), seen)
print(pcall(function() cs2.x = 43 end), seen)
