-- A library handle (ffi.load) and a cdata whose finalizer is a function of
-- that library, both unreachable in the same collection: the cdata
-- finalizer runs first, while the library is still loaded. (LuaJIT runs
-- the handle's finalizer first and then calls into the unloaded library:
-- SIGSEGV. The expected output is ours.)
local ffi = require("ffi")
ffi.cdef[[
void *ft_alloc(size_t n);
void ft_free(void *p);
int ft_live(void);
]]
local path = os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so"
local live
do
  local lib = ffi.load(path)
  live = lib.ft_live()
  P = ffi.gc(lib.ft_alloc(8), lib.ft_free)
end
P = nil
collectgarbage()
collectgarbage()
print("collected", live, ffi.load(path).ft_live())
