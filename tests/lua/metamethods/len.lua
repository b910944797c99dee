-- __len: honoured for userdata; for tables LuaJIT (Lua 5.1 semantics) ignores it unless 5.2 compat.
local t = setmetatable({1, 2, 3}, {__len = function() return 42 end})
print(#t, rawlen and "rawlen" or "no rawlen")
local ud = newproxy(true)
getmetatable(ud).__len = function(u) return 7 end
print(#ud)
local ud2 = newproxy(true)
getmetatable(ud2).__len = function(u) return "len", 2 end
print(#ud2)
print(pcall(function() return #newproxy() end))
local s = "abc"
print(#s)
-- string metatable __len is not consulted for strings
getmetatable("").__len = function() return 100 end
print(#s)
getmetatable("").__len = nil
