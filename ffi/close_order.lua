-- At lua_close, cdata finalizers run before userdata finalizers (as in
-- LuaJIT): a finalizer may still call into a library loaded with ffi.load,
-- whose handle (a userdata) unloads the library when it is finalized.
local ffi = require("ffi")
ffi.cdef[[
void *ft_alloc(size_t n);
void ft_free(void *p);
int ft_live(void);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")
KEEP = ffi.gc(lib.ft_alloc(8), function(p)
  print("finalizer at close", lib.ft_live())
  lib.ft_free(p)
end)
print("end of script", lib.ft_live())
