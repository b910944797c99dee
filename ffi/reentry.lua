-- The ffi library re-entered from Lua code it runs: metatype metamethods,
-- __new, finalizers, callbacks during C calls and error handlers that use
-- the ffi library themselves, while the outer operation is under way. (The
-- type table must be released before each of them runs.)
local ffi = require("ffi")
ffi.cdef[[
typedef struct { int x, y; } re_point;
typedef struct re_box { double v; } re_box;
typedef struct { int n; } re_counted;
int ft_apply_n(int (*f)(int, int), int n);
int ft_call_int(int (*f)(int), int x);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

local function show(label, ok, ...)
  if ok then
    print(label, ...)
  else
    print(label, "error", (tostring((...)):gsub("^[^:]*:%d+: ", "")))
  end
end

-- __index, __newindex and the arithmetic, comparison, length, concat,
-- call and tostring metamethods, each using ffi.new/cast/sizeof/istype.
local point
point = ffi.metatype("re_point", {
  __index = function(p, k)
    if k == "len2" then return p.x * p.x + p.y * p.y end
    if k == "copy" then return ffi.new("re_point", p.x, p.y) end
    return ffi.sizeof("re_point") + #k
  end,
  __newindex = function(p, k, v)
    local q = ffi.new("re_point", v, v)
    rawset(_G, "last_store", k .. "=" .. tonumber(q.x + ffi.cast("int", q.y)))
  end,
  __add = function(a, b) return point(a.x + b.x, a.y + b.y) end,
  __eq = function(a, b) return ffi.istype("re_point", b) and a.x == b.x end,
  __lt = function(a, b) return ffi.new("int64_t", a.x) < ffi.new("int64_t", b.x) end,
  __le = function(a, b) return a.x <= b.x end,
  __len = function(p) return tonumber(ffi.new("int64_t", p.x + p.y)) end,
  __concat = function(a, b) return tostring(ffi.new("int64_t", a.x)) .. "|" .. tostring(b) end,
  __call = function(p, n) return ffi.new("int[?]", n)[0] + p.x end,
  __tostring = function(p) return "re_point(" .. tostring(ffi.new("int64_t", p.x)) .. ")" end,
  __new = function(ct, x, y) return ffi.new(ct, x * 10, y * 10) end,
})
local p = point(1, 2)
show("__new", true, p.x, p.y)
show("__index len2", pcall(function() return p.len2 end))
show("__index copy", pcall(function() local c = p.copy return c.x, c.y end))
show("__index other", pcall(function() return p.abc end))
show("__newindex", pcall(function() p.z = 7 return last_store end))
show("__add", pcall(function() local r = p + p return r.x, r.y end))
show("__eq", pcall(function() return p == point(1, 5), p == point(2, 2) end))
show("__lt __le", pcall(function() return p < point(2, 0), p <= point(0, 0) end))
show("__len", pcall(function() return #p end))
show("__concat", pcall(function() return p .. "s" end))
show("__call", pcall(function() return p(3) end))
show("__tostring", pcall(function() return tostring(p) end))

-- A metatype __index table and a missing member.
local box = ffi.metatype("re_box", { __index = { twice = function(b) return ffi.new("re_box", b.v * 2).v end } })
local b = box(1.5)
show("__index table", pcall(function() return b:twice() end))
show("missing member", pcall(function() return b.nope end))

-- Finalizers that use the ffi library, run while ffi.new allocates.
local finalized = 0
local counted = ffi.metatype("re_counted", {
  __gc = function(c)
    local t = ffi.new("re_point", c.n, c.n)
    finalized = finalized + (t.x - t.x) + 1
  end,
})
for i = 1, 2000 do
  local c = counted(i)
  local g = ffi.gc(ffi.new("int[4]"), function(a) local s = ffi.new("char[8]") a[0] = ffi.sizeof(s) end)
end
collectgarbage()
collectgarbage()
show("finalizers ran", true, finalized == 2000)

-- Callbacks that use the ffi library during the C call that runs them.
local acc = {}
local n = lib.ft_apply_n(function(a, i)
  local q = ffi.new("re_point", a, i)
  acc[#acc + 1] = tostring(ffi.cast("int64_t", q.y))
  return q.x + q.y
end, 5)
show("callback", true, n, table.concat(acc, ","))
local inner = ffi.cast("int (*)(int)", function(x) return x * 3 end)
show("nested C calls", true, lib.ft_call_int(function(x) return lib.ft_call_int(inner, x) + 1 end, 4))
inner:free()

-- Error handlers that use the ffi library, for errors the ffi raises.
local function handler(e)
  local t = ffi.new("re_point", 4, 5)
  return "handled(" .. ffi.sizeof("re_point") .. "," .. t.y .. "): " .. tostring(e):gsub("^[^:]*:%d+: ", "")
end
show("handler new", xpcall(function() return ffi.new("int[2]", 1, 2, 3) end, handler))
show("handler cast", xpcall(function() return ffi.cast("re_point", 1) end, handler))
show("handler index", xpcall(function() return ffi.new("int[2]")[{}] end, handler))
show("handler arith", xpcall(function() return ffi.new("int64_t", 1) + {} end, handler))
show("handler call", xpcall(function() return lib.ft_call_int(nil, 1, 2) end, handler))
show("handler cdef", xpcall(function() ffi.cdef("int x y;") end, handler))
show("handler metatype", xpcall(function() ffi.metatype("re_point", {}) end, handler))

-- A callback that frees itself while it runs: the remaining calls from C
-- find it gone, and the call from Lua reports that.
local cb
cb = ffi.cast("int (*)(int, int)", function(a, i)
  cb:free()
  return a + i
end)
show("free inside", pcall(lib.ft_apply_n, cb, 3))
