-- Callbacks and finalizers together (also run under GC stress): temporary callbacks
-- created per call, callbacks that allocate, finalizers that call C.
local ffi = require("ffi")
ffi.cdef[[
int ft_call_int(int (*f)(int), int x);
int ft_apply_n(int (*f)(int, int), int n);
void *ft_alloc(size_t n);
void ft_free(void *p);
int ft_live(void);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")
local total = 0
for i = 1, 20 do
  total = total + lib.ft_call_int(function(x) return x + i end, i)
end
print(total)
-- a callback that allocates tables, strings and cdata during the call
print(lib.ft_apply_n(function(acc, i)
  local t = {}
  for j = 1, 10 do t[j] = tostring(j) .. "x" end
  local c = ffi.new("int[4]", i)
  return acc + #table.concat(t) + c[3]
end, 30))
-- finalizers calling C while callbacks run
for i = 1, 10 do
  ffi.gc(lib.ft_alloc(16), lib.ft_free)
  lib.ft_call_int(function(x) collectgarbage("step") return x end, i)
end
collectgarbage()
collectgarbage()
print(lib.ft_live())
-- a long-lived callback survives collections
local cb = ffi.cast("int (*)(int)", function(x) return x * 3 end)
for i = 1, 3 do collectgarbage() end
print(lib.ft_call_int(cb, 14))
cb:free()
-- cdata kept alive only by upvalues of a callback
local function make()
  local box = ffi.new("int[1]", 41)
  return function(x) box[0] = box[0] + x; return box[0] end
end
local f = make()
collectgarbage()
print(lib.ft_call_int(f, 1), lib.ft_call_int(f, 1))
