-- __metatable protects getmetatable/setmetatable.
local t = setmetatable({}, {__metatable = "locked"})
print(getmetatable(t))
print(pcall(setmetatable, t, {}))
print(pcall(setmetatable, t, nil))
local f = setmetatable({}, {__metatable = false})
print(getmetatable(f), pcall(setmetatable, f, {}))
-- getmetatable on strings returns the string metatable table
print(type(getmetatable("")), getmetatable("").__index == string)
-- protecting the string metatable
print(getmetatable(1), getmetatable(nil), getmetatable(print))
-- setmetatable argument checking
print(pcall(setmetatable, 1, {}))
print(pcall(setmetatable, {}, 1))
print(pcall(setmetatable, {}))
print(select('#', setmetatable({}, nil)))
local mt = {}
local x = setmetatable({}, mt)
print(getmetatable(x) == mt, setmetatable(x, nil) == x, getmetatable(x))
-- debug.setmetatable / getmetatable bypass __metatable
print(debug.getmetatable(t).__metatable)
