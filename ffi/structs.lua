-- Structs and unions: fields, nesting, anonymous members, bitfields, packing, copies, assignment.
local ffi = require("ffi")
local function try(f, ...) print(pcall(f, ...)) end
ffi.cdef[[
struct st_inner { short a; char b; };
struct st_outer { int id; struct st_inner in; struct st_inner arr[2]; double d; };
union st_u { uint32_t i; float f; uint8_t b[4]; struct { uint16_t lo, hi; }; };
struct st_anon { int tag; union { int ival; double dval; }; struct { int px, py; }; };
struct st_bits {
  unsigned int a : 1;
  unsigned int b : 3;
  signed int c : 4;
  unsigned int d : 24;
  unsigned int e : 16;
  bool flag : 1;
};
struct st_bits2 { int8_t x : 3; int8_t y : 5; };
struct st_self { int value; struct st_self *next; };
struct st_const { const int k; int m; };
struct st_empty { };
struct __attribute__((packed)) st_packed { char c; int i; short s; };
#pragma pack(push, 1)
struct st_pragma { char c; double d; };
#pragma pack(pop)
struct st_aligned { char c; int i __attribute__((aligned(8))); };
]]
local o = ffi.new("struct st_outer", {7, {1, 2}, {{3, 4}, {5, 6}}, 2.5})
print(o.id, o["in"].a, o["in"].b, o.arr[0].a, o.arr[1].b, o.d)
o["in"].a = -1
o.arr[1] = {9, 10}
print(o["in"].a, o.arr[1].a, o.arr[1].b)
o["in"] = o.arr[0]
print(o["in"].a, o["in"].b)
print(ffi.sizeof("struct st_outer"), ffi.offsetof("struct st_outer", "d"))
local inner = o["in"]  -- a reference into o
inner.b = 77
print(o["in"].b, tostring(ffi.typeof(inner)))

local u = ffi.new("union st_u")
u.f = 1.0
print(string.format("%08x", u.i), u.b[3], u.hi, u.lo)
u.i = 0x40490fdb
print(string.format("%.5f", u.f))
u.lo = 0xffff
print(string.format("%08x", u.i), ffi.sizeof(u))
print((pcall(ffi.new, "union st_u", 5)))
local u2 = ffi.new("union st_u", {0x3f800000})
print(u2.f)

local an = ffi.new("struct st_anon")
an.ival = 5
an.px, an.py = 10, 20
print(an.tag, an.ival, an.px, an.py, ffi.offsetof("struct st_anon", "dval"), ffi.offsetof("struct st_anon", "py"))
an.dval = 0.5
print(an.dval, ffi.sizeof(an))
local an2 = ffi.new("struct st_anon", {1, 2, 3, 4})
print(an2.tag, an2.ival, an2.px, an2.py)

local bits = ffi.new("struct st_bits")
bits.a = 1; bits.b = 7; bits.c = -3; bits.d = 0xabcdef; bits.e = 0x12345; bits.flag = true
bits.e = bits.e
print(bits.a, bits.b, bits.c, bits.d, bits.e, bits.flag, type(bits.d))
bits.a = 2; bits.b = 9; bits.c = 8
print(bits.a, bits.b, bits.c, ffi.sizeof(bits))
bits.c = 7
print(bits.c, bits.b)
local b2 = ffi.new("struct st_bits2", {-1, 15})
print(b2.x, b2.y, ffi.sizeof(b2))
print(pcall(function() return ffi.offsetof("struct st_bits", "c") end))
local bitsfrom = ffi.new("struct st_bits", {1, 2, 3, 4, 5, true})
print(bitsfrom.a, bitsfrom.b, bitsfrom.c, bitsfrom.d, bitsfrom.e, bitsfrom.flag)

local n1 = ffi.new("struct st_self", {1})
local n2 = ffi.new("struct st_self", {2, n1})
print(n2.next.value, n2.next.next == nil)
n1.next = n2
print(n2.next.next.value)

local k = ffi.new("struct st_const", {1, 2})
print(k.k, k.m)
try(function() k.k = 5 end)
k.m = 6
print(k.m)
print(ffi.sizeof("struct st_empty"))
print(ffi.sizeof("struct st_packed"), ffi.offsetof("struct st_packed", "s"), ffi.alignof("struct st_packed"))
print(ffi.sizeof("struct st_pragma"), ffi.offsetof("struct st_pragma", "d"))
print(ffi.sizeof("struct st_aligned"), ffi.offsetof("struct st_aligned", "i"))
local pk = ffi.new("struct st_packed", {1, 0x12345678, -2})
print(pk.c, string.format("%x", pk.i), pk.s)

-- struct copy semantics: ffi.new from another struct copies
local c1 = ffi.new("struct st_inner", {1, 2})
local c2 = ffi.new("struct st_inner", c1)
c2.a = 50
print(c1.a, c2.a)
-- struct equality is address equality
print(c1 == c1, c1 == c2)
-- errors
try(function() return c1.nope end)
try(function() c1.nope = 1 end)
try(function() c1.a = "str" end)
try(function() c1.a = {} end)
print((pcall(ffi.new, "struct st_inner", {1, 2, 3})))
try(function() o["in"] = 5 end)
