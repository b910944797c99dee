-- FFI inside coroutines, and errors raised by conversions and C calls caught at every level.
local ffi = require("ffi")
ffi.cdef[[
int ft_i32_add(int a, int b);
int ft_call_int(int (*f)(int), int x);
typedef struct { int x, y; } ce_point;
ce_point ft_point_make(int x, int y);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")
-- C calls and cdata in coroutines
local co = coroutine.create(function(a)
  local p = lib.ft_point_make(a, a * 2)
  local b = coroutine.yield(p.x + p.y)
  local q = ffi.new("ce_point", b, b)
  coroutine.yield(lib.ft_i32_add(q.x, q.y))
  return lib.ft_call_int(function(x) return x * 10 end, b)
end)
print(coroutine.resume(co, 3))
print(coroutine.resume(co, 7))
print(coroutine.resume(co))
print(coroutine.status(co))
-- errors from conversions inside coroutines
local co2 = coroutine.wrap(function()
  return pcall(lib.ft_i32_add, "x", 1)
end)
print(co2())
local co3 = coroutine.create(function() return lib.ft_i32_add({}, 1) end)
print(coroutine.resume(co3))
-- error objects from callbacks are the original values
local ok, e = pcall(lib.ft_call_int, function() error({code = 42}) end, 1)
print(ok, type(e), e.code)
ok, e = pcall(lib.ft_call_int, function() error("msg", 0) end, 1)
print(ok, e)
ok, e = pcall(lib.ft_call_int, function() error() end, 1)
print(ok, e)
-- xpcall with a traceback handler sees the callback's error
ok, e = xpcall(function() return lib.ft_call_int(function() error("deep") end, 1) end,
  function(m) return "handled: " .. tostring(m) end)
print(ok, e)
-- the state is usable after errors in callbacks
print(lib.ft_call_int(function(x) return x + 1 end, 1))
-- errors inside a metamethod of a metatype called from C? (metamethods run in Lua)
ffi.cdef"struct ce_mt { int v; };"
local mt_t = ffi.metatype("struct ce_mt", {__add = function(a, b) error("no add") end})
print(pcall(function() return mt_t(1) + 1 end))
-- a pcall inside a callback catches errors there
print(lib.ft_call_int(function(x)
  local ok2, err2 = pcall(error, "inner")
  return ok2 and 1 or #err2
end, 0))
