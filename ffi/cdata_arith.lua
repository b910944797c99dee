-- Arithmetic and comparisons on non-64-bit scalar cdata, bool and float cdata, mixed operands.
local ffi = require("ffi")
local function show(...) 
  local t = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    t[i] = type(v) == "cdata" and (tostring(v) .. ":" .. tostring(ffi.typeof(v))) or tostring(v)
  end
  print(table.concat(t, "  "))
end
local i, u, c, s = ffi.new("int", 7), ffi.new("unsigned int", 7), ffi.new("int8_t", -3), ffi.new("uint16_t", 9)
show(i + 1, i - 10, i * 2, i / 2, i % 4, i ^ 2, -i)
show(u + 1, u - 10, -u, u * u)
show(c + 0, c * c, s + c, i + u, i + c)
local f, d = ffi.new("float", 1.5), ffi.new("double", 2.5)
show(pcall(function() return f + 1 end))
show(pcall(function() return d * 2 end))
show(pcall(function() return -d end))
local b = ffi.new("bool", true)
show(pcall(function() return b + 1 end))
show(i == 7, i == 7.0, 7 == i, i < 8, i > 6.5, u == i, c < 0, c == -3)
show(i == ffi.new("int", 7), i ~= 8)
show(pcall(function() return f == 1.5 end))
show(pcall(function() return f < 2 end))
show(pcall(function() return d == 2.5 end))
show(pcall(function() return b == true end))
local e = ffi.new("enum { EA_X = 1 }", 1)
show(pcall(function() return e + 1 end))
-- uint32 arithmetic goes 64-bit
show(ffi.new("uint32_t", 0xffffffff) + 1, ffi.new("int32_t", -1) * ffi.new("uint32_t", 2))
-- char arithmetic
show(ffi.new("char", 65) + 1, ffi.new("unsigned char", 255) + 1)
-- references to scalars via struct fields read as numbers
local st = ffi.new("struct { int a; float b; int64_t c; }", 1, 2.5, 3)
show(st.a + 1, st.b * 2, st.c + 1, type(st.a), type(st.b), type(st.c))
-- division and modulo by zero on 32-bit cdata (promoted to 64-bit)
show(pcall(function() return i / 0 end))
show(pcall(function() return i % 0 end))
show(pcall(function() return u / ffi.new("int", 0) end))
