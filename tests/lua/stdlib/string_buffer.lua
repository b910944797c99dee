-- string.buffer: put/get/skip/tostring/reset/encode/decode and friends.
local buffer = require("string.buffer")
local b = buffer.new()
print(type(b), #b, b:tostring() == "")
b:put("abc", 1, 2.5):putf("%d-%s", 7, "x")
print(#b, b:tostring())
print(b:get(2), b:get(), #b)
b:put("hello world")
print(b:skip(6):tostring(), #b)
b:reset()
print(#b, b:get())
b:set("preset")
print(b:tostring(), b:get(3), b:get(10), b:get(1))
local b2 = buffer.new(100)
for i = 1, 100 do b2:put(i, ",") end
print(#b2, b2:get(10))
print(tostring(b2):sub(1, 10), (b2 .. "!"):sub(-5))
local r = buffer.new():put("x"):put("y")
print(r:tostring(), #r)
-- encode/decode round trip
local data = {1, 2, "three", {nested = true, list = {1, 2, 3}}, x = -1.5, [10] = false}
local enc = buffer.encode(data)
print(type(enc))
local dec = buffer.decode(enc)
print(dec[1], dec[2], dec[3], dec[4].nested, #dec[4].list, dec.x, dec[10])
print(buffer.decode(buffer.encode("str")), buffer.decode(buffer.encode(42)), buffer.decode(buffer.encode(nil)))
print(pcall(buffer.encode, function() end))
print(pcall(buffer.decode, "\255garbage"))
-- putcf/ref/reserve/commit
local rb = buffer.new()
local ptr, len = rb:reserve(10)
print(type(ptr), len >= 10)
rb:commit(0)
print(#rb)
-- method chaining and free
local fb = buffer.new():put("temp")
fb:free()
print(#fb, fb:tostring())
-- buffers as put arguments
local src = buffer.new():put("from buffer")
print(buffer.new():put(src):tostring())
-- __tostring and __len and __concat
print(tostring(buffer.new():put(1, 2)), #buffer.new():put("abcd"), buffer.new():put("a") .. buffer.new():put("b"))
print(pcall(function() return buffer.new():put({}) end))
