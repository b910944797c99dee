-- A string copied into a C array of unknown or zero size (a VLA instance,
-- the variable part of a VLS, a zero-length member) fills at most the
-- object's room. LuaJIT copies the whole string, past the end of the
-- object, which corrupts the heap or crashes, so this expected file is not
-- recorded from the reference: a string that fits gives LuaJIT's result
-- (checked against `luajit -joff`), a longer one is cut at the object's
-- end, as a fixed-size array cuts it at its size.
local ffi = require("ffi")
ffi.cdef [[
struct oas_vs { int n; char s[?]; };
struct oas_zs { int n; char s[0]; };
]]
local long = string.rep("x", 5000)
local function bytes(p, n)
  local t = {}
  for i = 0, n - 1 do t[#t + 1] = p[i] end
  return table.concat(t, " ")
end

-- VLA instances.
local a = ffi.new("char[?]", 2, long)
print("char[?] 2, long", ffi.sizeof(a), bytes(a, 2))
local b = ffi.new("char[?]", 10, "hi")
print("char[?] 10, 'hi'", ffi.sizeof(b), ffi.string(b))
local c = ffi.new("uint8_t[?]", 3, "abc")
print("uint8_t[?] 3, 'abc'", bytes(c, 3))

-- The variable part of a VLS, by table and by position.
local v = ffi.new("struct oas_vs", 3, { 1, long })
print("vs {1, long}", ffi.sizeof(v), v.n, ffi.string(v.s, 3))
local w = ffi.new("struct oas_vs", 5, 7, "ab")
print("vs 7, 'ab'", w.n, ffi.string(w.s))
w.s = long
print("vs .s = long", w.n, ffi.string(w.s, 5))
w.s = "z"
print("vs .s = 'z'", ffi.string(w.s))

-- A zero-length member has no room of its own.
local z = ffi.new("struct oas_zs", { 2, long })
print("zs {2, long}", ffi.sizeof(z), z.n)
z.s = long
print("zs .s = long", z.n)

-- Many of them, then a collection: the heap is intact.
local keep = {}
for i = 1, 300 do
  keep[i] = ffi.new("char[?]", 1 + i % 7, long)
  local s = ffi.new("struct oas_vs", i % 5, { i, long })
  s.s = long
end
collectgarbage()
collectgarbage()
local sum = 0
for i = 1, 300 do sum = sum + ffi.sizeof(keep[i]) end
print("after collection", sum)
