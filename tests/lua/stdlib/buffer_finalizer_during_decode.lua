-- A finalizer that runs while buf:decode() makes values (each string and
-- table it makes may step the collector) frees and refills the buffer
-- being decoded. The decoded result then depends on when the finalizer
-- ran, so only completion is printed: decoding must end in a value or a
-- clean error, never read the freed area (under --gc-stress the
-- finalizer runs during the first allocations).
local buffer = require("string.buffer")
local t = {}
for i = 1, 2000 do t[i] = "string number " .. i .. string.rep("x", 50) end
local b = buffer.new()
local function arm()
  local p = newproxy(true)
  getmetatable(p).__gc = function()
    b:free()
    b:put(string.rep("garbage", 1000))
  end
end
for round = 1, 4 do
  b:reset()
  b:encode(t)
  arm()
  if round > 1 then collectgarbage("step", 0) end
  local ok, r = pcall(b.decode, b)
  print(round, type(ok), ok and type(r) == "table" or type(r) == "string")
end
-- The same with a string source (strings never change).
local s = buffer.encode(t)
arm()
local r = buffer.decode(s)
print(#r, r[2000] == t[2000])
