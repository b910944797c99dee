-- Struct and union layout: sizes, alignments and offsets (bit fields
-- included), packing and alignment attributes, VLS sizes.
local ffi = require("ffi")

ffi.cdef[[
struct plain { char c; short s; int i; long l; float f; double d; long double ld; void *p; bool b; };
union both { char a[5]; int i; double d; };
struct bits { int a:3; int b:5; char c; int d:20; int e:20; };
struct zero { char a; int :0; char b; };
struct flags { unsigned is_a:1, is_b:1, kind:4, :2, count:24; };
struct cross { char a; short b:9; short c:9; };
struct full { int x:32; unsigned y:32; };
struct __attribute__((packed)) pbits { char a; int b:20; int c:20; };
struct anon { int n; struct { int x; char c; }; union { int u; float f; }; };
struct vls { int n; double d[?]; };
struct flex { int n; char d[]; };
struct over { char a; int b __attribute__((aligned(16))); };
struct big { char a; int b; } __attribute__((aligned(32)));
struct tight { char a; int b; } __attribute__((packed));
#pragma pack(push, 2)
struct p2 { char a; double b; int c:20; int d:20; };
#pragma pack(pop)
struct after { char a; double b; };
typedef int aint __attribute__((aligned(8)));
struct usesaint { char a; aint b; };
struct fwd;
typedef const struct fwd cfwd;
struct fwd { int a; double b; };
]]

local function layout(t, ...)
  local parts = {}
  for _, f in ipairs{...} do
    local o, bpos, bsize = ffi.offsetof(t, f)
    parts[#parts + 1] = bpos and string.format("%s@%d:%d+%d", f, o, bpos, bsize) or string.format("%s@%s", f, tostring(o))
  end
  local ok, size = pcall(ffi.sizeof, t)
  print(string.format("%-14s size=%s align=%d %s", t, ok and tostring(size) or "error", ffi.alignof(t), table.concat(parts, " ")))
end

layout("struct plain", "c", "s", "i", "l", "f", "d", "ld", "p", "b")
layout("union both", "a", "i", "d")
layout("struct bits", "a", "b", "c", "d", "e")
layout("struct zero", "a", "b")
layout("struct flags", "is_a", "is_b", "kind", "count")
layout("struct cross", "a", "b", "c")
layout("struct full", "x", "y")
layout("struct pbits", "a", "b", "c")
layout("struct anon", "n", "x", "c", "u", "f", "nosuch")
layout("struct vls", "n", "d")
layout("struct flex", "n", "d")
layout("struct over", "a", "b")
layout("struct big", "a", "b")
layout("struct tight", "a", "b")
layout("struct p2", "a", "b", "c", "d")
layout("struct after", "a", "b")
layout("struct usesaint", "a", "b")
layout("cfwd", "a", "b")
print(ffi.sizeof("struct vls", 3), ffi.sizeof("struct vls", 0), ffi.sizeof("int[?]", 5), ffi.sizeof("struct flex"))
print(tostring(ffi.typeof("cfwd")), tostring(ffi.typeof("struct fwd *")))
