-- Memory errors while compiling a chunk and in string.buffer, under
-- ulimit -v 300000 (see scripts/test-oom).
local body = ("q"):rep(2^26)
print("loadstring", loadstring("return '" .. body .. "'"))
body = nil
collectgarbage()
local buffer = require("string.buffer")
local piece = ("b"):rep(2^25)
local b = buffer.new()
print("buffer put", pcall(function() for i = 1, 20 do b:put(piece) end end))
print("buffer length", #b > 0)
b:reset()
print("buffer usable", b:put("ok"):tostring())
print("encode", pcall(buffer.encode, {piece, piece, piece, piece, piece, piece, piece, piece, piece, piece}))
piece = nil
collectgarbage()
print("still works", loadstring("return 1 + 2")())
