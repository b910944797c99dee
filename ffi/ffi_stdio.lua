-- C stdio and Lua output share the C stdout buffer: the order is kept.
local ffi = require("ffi")
ffi.cdef"int printf(const char *fmt, ...); int puts(const char *s); int fflush(void *f);"
print("one")
ffi.C.printf("two %d\n", ffi.new("int", 2))
io.write("three\n")
ffi.C.puts("four")
io.stdout:write("five\n")
print("six")
