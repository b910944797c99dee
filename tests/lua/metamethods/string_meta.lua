-- The string metatable: __index is the string table; extensions are visible on all strings.
local mt = getmetatable("")
print(mt.__index == string, type(mt))
string.twice = function(s) return s .. s end
print(("ab"):twice(), ("x"):twice():twice())
string.twice = nil
print(pcall(function() return ("ab"):twice() end))
-- replacing __index with a function
local old = mt.__index
mt.__index = function(s, k) if k == "first" then return s:sub(1, 1) end return old[k] end
print(("hello").first, ("hello"):upper())
mt.__index = old
-- numbers do not get string methods
print(pcall(function() return (5):rep(2) end))
-- adding __add to the string metatable is not used for numeric strings
mt.__add = function(a, b) return "added" end
print("1" + "2", pcall(function() return "a" + "b" end))
mt.__add = nil
-- indexing a string with a number returns nil
print(("abc")[1], ("abc").len == string.len)
-- __call on strings
mt.__call = function(s, ...) return s .. select('#', ...) end
print(("f")(1, 2))
mt.__call = nil
