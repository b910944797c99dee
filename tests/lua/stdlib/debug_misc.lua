-- debug.getregistry, getmetatable/setmetatable, getfenv/setfenv, debug.debug absent input.
print(type(debug.getregistry()))
local mt = {__index = function() return "from mt" end}
debug.setmetatable(10, mt)
print((5).anything, (0/0).x)
debug.setmetatable(10, nil)
print(pcall(function() return (5).anything end))
local protected = setmetatable({}, {__metatable = "nope"})
print(getmetatable(protected), type(debug.getmetatable(protected)))
print(debug.setmetatable(protected, nil) == protected, getmetatable(protected))
debug.setmetatable(nil, {__index = function() return "nil indexed" end})
print((nil).x)
debug.setmetatable(nil, nil)
local f = function() return v end
debug.setfenv(f, {v = "env v"})
print(f(), debug.getfenv(f).v)
print(pcall(debug.setfenv, f, nil))
local ud = newproxy()
print(type(debug.getfenv(ud)))
