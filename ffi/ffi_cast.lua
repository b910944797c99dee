-- ffi.cast: numbers, pointers, integers of every width, truncation and sign extension.
local ffi = require("ffi")
local function try(f, ...)
  local ok, a = pcall(f, ...)
  print(ok, ok and type(a) or a)
end

print(tonumber(ffi.cast("int8_t", 255)), tonumber(ffi.cast("uint8_t", -1)))
print(tonumber(ffi.cast("int16_t", 65535)), tonumber(ffi.cast("uint16_t", -2)))
print(tonumber(ffi.cast("int32_t", 2147483647)), tonumber(ffi.cast("uint32_t", -1)))
print(tostring(ffi.cast("int64_t", -1)), tostring(ffi.cast("uint64_t", -1)))
print(tostring(ffi.cast("int64_t", 2^53)), tostring(ffi.cast("uint64_t", 2^63)))
print(tonumber(ffi.cast("int", 3.99)), tonumber(ffi.cast("int", -3.99)))
print(tonumber(ffi.cast("double", 7)), tonumber(ffi.cast("float", 1/3)) == 1/3)
print(tonumber(ffi.cast("int", ffi.cast("int64_t", 0x1234567890))))
print(tostring(ffi.cast("uint64_t", ffi.cast("int8_t", -1))))
print(tostring(ffi.cast("int64_t", ffi.cast("uint32_t", 0xffffffff))))
print(tonumber(ffi.cast("bool", 5)), tonumber(ffi.cast("bool", 0)))
print(tonumber(ffi.cast("char", 65)), tonumber(ffi.cast("unsigned char", 65 + 256)))
print(tonumber(ffi.cast("int", true)), tonumber(ffi.cast("int", false)))

-- pointers <-> integers
local p = ffi.cast("void *", 0x1000)
print(tonumber(ffi.cast("uintptr_t", p)))
try(function() return p + 16 end)
local ip = ffi.cast("int *", 0x1000)
print(tonumber(ffi.cast("uintptr_t", ip + 1)), tonumber(ffi.cast("uintptr_t", ip - 1)))
print(ffi.cast("void *", 0) == nil, ffi.cast("int *", nil) == nil)
print(tonumber(ffi.cast("uintptr_t", ffi.cast("double *", 64) + 2)))
local np = ffi.cast("char *", -1)
print(tostring(ffi.cast("uint64_t", np)))
print(tostring(ffi.cast("int64_t", ffi.cast("int32_t *", 0x1234) + 1)))

-- reinterpreting memory through pointer casts
local buf = ffi.new("uint8_t[8]", {1, 2, 3, 4, 5, 6, 7, 8})
local u32 = ffi.cast("uint32_t *", buf)
print(string.format("%08x %08x", u32[0], u32[1]))
local u16 = ffi.cast("uint16_t *", buf)
print(string.format("%04x %04x %04x %04x", u16[0], u16[1], u16[2], u16[3]))
print(tostring(ffi.cast("uint64_t *", buf)[0]))
local d = ffi.new("double[1]", 1.0)
print(tostring(ffi.cast("uint64_t *", d)[0]))
local f = ffi.new("float[1]", -2.5)
print(string.format("%08x", ffi.cast("uint32_t *", f)[0]))

-- arrays decay to pointers; strings cast to const char *
local arr = ffi.new("int[3]", 10, 20, 30)
local ap = ffi.cast("int *", arr)
print(ap[0], ap[1], ap[2])
local s = "abc"
local sp = ffi.cast("const char *", s)
print(sp[0], sp[1], sp[2], sp[3], ffi.string(sp))

-- structs via pointer casts
ffi.cdef[[ struct castpt { int x, y; }; ]]
local raw = ffi.new("int[2]", 11, 22)
local pt = ffi.cast("struct castpt *", raw)
print(pt.x, pt.y)
pt.x = 99
print(raw[0])

-- enum casts
ffi.cdef[[ enum castcolor { CR, CG = 10, CB }; ]]
print(tonumber(ffi.cast("enum castcolor", 11)), tonumber(ffi.cast("enum castcolor", "CG")))

-- ctype object as first argument
local int_t = ffi.typeof("int")
print(tonumber(ffi.cast(int_t, -2^31)))

-- errors
try(ffi.cast, "int", "abc")
try(ffi.cast, "int", {})
try(ffi.cast, "struct castpt", 1)
try(ffi.cast, "int[2]", 1)
try(ffi.cast, "double", ffi.new("int[2]"))
try(ffi.cast, "int *", 1.5)
try(ffi.cast, "enum castcolor", "CZ")
try(ffi.cast, "int")
try(ffi.cast)
