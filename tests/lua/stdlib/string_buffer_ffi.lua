-- string.buffer methods that work with FFI pointers: reserve/commit, ref,
-- putcdata, and serialization of boxed 64-bit integers and complex numbers.
local ffi = require "ffi"
local buffer = require "string.buffer"
local function p(f, ...)
  local r = {pcall(f, ...)}
  for i = 1, select("#", unpack(r)) do r[i] = tostring(r[i]) end
  print((table.concat(r, "  "):gsub("0x%x+", "ADDR")))
end
-- reserve hands out at least the requested space, commit appends it.
p(function()
  local b = buffer.new()
  local ptr, len = b:reserve(10)
  ffi.copy(ptr, "hello", 5)
  b:commit(5)
  local q, n = b:ref()
  return ptr ~= nil, len >= 10, tostring(b), n, ffi.string(q, n), tostring(ffi.typeof(ptr)), tostring(ffi.typeof(q))
end)
p(function()
  local b = buffer.new()
  local ptr = b:reserve(4)
  ptr[0], ptr[1] = 65, 66
  b:commit(2)
  local ptr2 = b:reserve(100)
  ffi.copy(ptr2, "CDE", 3)
  b:commit(3)
  return b:tostring(), #b
end)
p(function() local b = buffer.new() local a, n = b:reserve(0) return a ~= nil, n end)
-- ref sees the unread part only, and follows skip/get.
p(function()
  local b = buffer.new():put("abcdef")
  b:skip(2)
  local q, n = b:ref()
  local s1 = ffi.string(q, n)
  b:get(1)
  local q2, n2 = b:ref()
  return s1, n, ffi.string(q2, n2), n2, q2 - q
end)
p(function() local b = buffer.new() local q, n = b:ref() return n end)
-- putcdata copies bytes from any cdata with an address.
p(function() local b = buffer.new() b:putcdata(ffi.new("char[3]", "xyz"), 3) return b:tostring() end)
p(function() local b = buffer.new() b:putcdata(ffi.new("int[1]", 0x41424344), 4) return b:tostring() end)
p(function() local b = buffer.new():put("ab") b:putcdata(ffi.cast("const char *", "cdef"), 2):put("!") return b:tostring() end)
p(function() local b = buffer.new() b:putcdata(ffi.new("char[3]"), 0) return #b end)
p(function() local b = buffer.new() b:putcdata("ab", 1) end)
p(function() local b = buffer.new() b:putcdata(1, 1) end)
p(function() local b = buffer.new() b:putcdata(ffi.new("char[3]"), -1) end)
p(function() local b = buffer.new() b:commit(100) end)
-- Boxed numbers serialize with their own tags.
p(function()
  local s = buffer.encode({1LL, 2ULL, 3i, -5LL})
  local t = buffer.decode(s)
  return #s, t[1], t[2], t[3], t[4], s:byte(1, -1)
end)
p(function() return buffer.encode(ffi.new("int64_t", -1)):byte(1, -1) end)
p(function() return buffer.decode(buffer.encode(0xffffffffffffffffULL)) end)
p(function() return buffer.encode(ffi.new("int", 1)) end)
p(function() return buffer.encode(ffi.new("uint8_t", 1)) end)
