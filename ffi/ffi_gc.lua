-- ffi.gc: finalizers on cdata, replacing and removing them, order, resurrection.
local ffi = require("ffi")
ffi.cdef[[
void *ft_alloc(size_t n);
void ft_free(void *p);
int ft_live(void);
void *malloc(size_t n);
void free(void *p);
]]
local lib = ffi.load(os.getenv("FFITEST_LIB") or "build/ffi/libffitest.so")

local p = ffi.gc(lib.ft_alloc(8), lib.ft_free)
print(lib.ft_live())
p = nil
collectgarbage()
collectgarbage()
print(lib.ft_live())

-- many objects
local objs = {}
for i = 1, 50 do objs[i] = ffi.gc(lib.ft_alloc(i), lib.ft_free) end
print(lib.ft_live())
for i = 1, 50, 2 do objs[i] = nil end
collectgarbage()
print(lib.ft_live())
objs = nil
collectgarbage()
print(lib.ft_live())

-- Lua function finalizers receive the cdata
local log = {}
local x = ffi.gc(ffi.new("int[1]", 7), function(c) log[#log + 1] = "fin " .. c[0] end)
x = nil
collectgarbage()
print(table.concat(log, ","))

-- ffi.gc returns the same cdata; removing the finalizer with nil
local q = lib.ft_alloc(4)
local same = ffi.gc(q, lib.ft_free)
print(rawequal(q, same), lib.ft_live())
ffi.gc(q, nil)
q, same = nil, nil
collectgarbage()
print(lib.ft_live())

-- replacing a finalizer
log = {}
local r = ffi.new("int[1]", 1)
ffi.gc(r, function() log[#log + 1] = "first" end)
ffi.gc(r, function() log[#log + 1] = "second" end)
r = nil
collectgarbage()
print(table.concat(log, ","))

-- finalizers run at state close
local keep = ffi.gc(ffi.new("int[1]"), function() io.write("finalizer at exit\n") end)

-- finalizer errors: reported like __gc errors? (keep quiet ones only)
log = {}
for i = 1, 5 do
  ffi.gc(ffi.new("int[1]", i), function(c) log[#log + 1] = c[0] end)
end
collectgarbage()
table.sort(log)
print(table.concat(log, ","))

-- resurrection: the finalizer stores the cdata; it stays valid
local saved
ffi.gc(ffi.new("int[2]", 5, 6), function(c) saved = c end)
collectgarbage()
print(saved[0], saved[1])
saved = nil
collectgarbage()

-- malloc/free from ffi.C
local m = ffi.gc(ffi.C.malloc(100), ffi.C.free)
m = nil
collectgarbage()
print("done")
print(pcall(ffi.gc, 1, print))
print(pcall(ffi.gc, ffi.new("int"), 1))
