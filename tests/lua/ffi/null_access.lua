-- Reading or writing through a NULL pointer (or NULL plus a small offset)
-- raises an error. LuaJIT crashes (SIGSEGV) on every case here, so this
-- expected file is not recorded from the reference: we promise never to
-- crash, and each case must end in the same clean error. Struct and array
-- places are not accessed by indexing (LuaJIT makes a reference to them
-- too), so those cases succeed until a member is read.
local ffi = require("ffi")
ffi.cdef [[
struct NS { int a; double d; };
struct NR { struct NS &s; };
struct NI { int &i; };
struct NP { struct NS *p; };
]]
local function try(what, f)
  local ok, err = pcall(f)
  print(string.format("%-28s %s", what, ok and ("ok " .. tostring(err)) or err:gsub("^.-:%d+: ", "")))
end
try("int *[0]", function() return ffi.cast("int *", 0)[0] end)
try("int *[0] = 1", function() ffi.cast("int *", nil)[0] = 1 end)
try("int *[100]", function() return ffi.cast("int *", 0)[100] end)
try("char **[0][0]", function() return ffi.new("char *[1]")[0][0] end)
try("complex *[0]", function() return ffi.cast("complex *", 0)[0] end)
try("struct NS *.a", function() return ffi.cast("struct NS *", 0).a end)
try("struct NS *.d = 1", function() ffi.cast("struct NS *", 0).d = 1 end)
try("struct NS *[0]", function() return type(ffi.cast("struct NS *", 0)[0]) end)
try("struct NS *[0].d", function() return ffi.cast("struct NS *", 0)[0].d end)
try("struct NP .p.a", function() return ffi.new("struct NP").p.a end)
local r = ffi.new("struct NR")
try("struct NS & member", function() return type(r.s) end)
try("struct NS & member .a", function() return r.s.a end)
try("struct NS & member = s", function() r.s = ffi.new("struct NS") end)
try("new struct NS from it", function() return ffi.new("struct NS", r.s) end)
local i = ffi.new("struct NI")
try("int & member", function() return i.i end)
try("int & member = 1", function() i.i = 1 end)
try("ffi.string(NULL + 8)", function() return ffi.string(ffi.cast("char *", 8)) end)
try("ffi.copy(NULL + 8, s)", function() ffi.copy(ffi.cast("char *", 8), "ab") end)
try("ffi.fill(NULL + 8, 4)", function() ffi.fill(ffi.cast("char *", 8), 4) end)
local a = ffi.new("int[2]", 7)
try("a valid pointer", function() return ffi.cast("int *", a)[1] end)
