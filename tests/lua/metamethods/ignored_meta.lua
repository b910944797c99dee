-- Metamethods from later Lua versions that LuaJIT 2.1 does not honour without 5.2 compat.
local t = setmetatable({1, 2, 3}, {
  __pairs = function() return function() return nil end, nil, nil end,
  __ipairs = function() return function() return nil end, nil, 0 end,
  __idiv = function() return "idiv" end,
  __band = function() return "band" end,
  __close = function() end,
})
local n = 0
for _ in pairs(t) do n = n + 1 end
local m = 0
for _ in ipairs(t) do m = m + 1 end
print(n, m)
print(loadstring("return 1 // 2"))
-- Today's LuaJIT 2.1 has the & operator, but not its metamethod __band.
print(pcall(loadstring("local t = ... return t & 2"), t))
print(pcall(bit.band, t, 1))
