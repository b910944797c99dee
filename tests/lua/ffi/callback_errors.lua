-- Errors in callbacks: raised when the C call returns; a bad result names
-- the last line of the Lua function; a freed callback is a "bad callback".
local ffi = require("ffi")
local function f()
  return
end
print(pcall(ffi.cast("int (*)(void)", f)))
local function g(a)
  if a then return {} end
  return "x"
end
print(pcall(ffi.cast("int (*)(int)", g), 1))
print(pcall(ffi.cast("int (*)(int)", g), 0))
print(pcall(ffi.cast("int (*)(int)", print), 0))
print(pcall(ffi.cast("int (*)(void)", function() error("test") end)))
print(type(select(2, pcall(ffi.cast("int (*)(void)", function() error({}) end)))))
print(pcall(ffi.cast("int (*)(void)", function(a) return a+1 end)))
local cb = ffi.cast("int(*)(void)", function() return 1 end)
cb:free()
print(pcall(cb))
print(pcall(cb.free, cb))
print(pcall(cb.set, cb, function() end))
cb = ffi.cast("int(*)(void)", function() return 2 end)
print(cb())
cb:set(function() return 3 end)
print(cb())
local ft = ffi.typeof("void(*)(void)")
local t = {}
for i = 1, 4 do
  for j = 1, 400 do t[j] = ft(print) end
  for j = 1, 400 do t[j]:free() end
end
print("many callbacks made and freed")
