-- Errors in finalizers: raised in the code that triggers the collection, ignored at
-- state close (the script still exits with status 0).
local ffi = require("ffi")
local x = ffi.gc(ffi.new("int[1]"), function() error("cdata finalizer error") end)
x = nil
print(pcall(collectgarbage))
print(pcall(collectgarbage))
print("after")
-- left for the state close: their errors are ignored
local keep1 = ffi.gc(ffi.new("int[1]"), function() error({}) end)
local keep2 = ffi.gc(ffi.new("int[1]"), function() error("at close") end)
local u = newproxy(true)
getmetatable(u).__gc = function() error("userdata finalizer at close") end
local ok_at_close = ffi.gc(ffi.new("int[1]"), function() io.write("finalizer at close ran\n") end)
print("end")
