-- Errors raised inside metamethods and tracebacks naming metamethods.
local mt = {
  __add = function(a, b) error("add failed") end,
  __index = function(t, k) local x = nil; return x.field end,
  __call = function() error("call failed", 2) end,
  __tostring = function() error("tostring failed") end,
}
local obj = setmetatable({}, mt)
print(pcall(function() return obj + 1 end))
print(pcall(function() return obj.missing end))
print(pcall(function() return obj() end))
print(pcall(tostring, obj))
print(select(2, xpcall(function() return obj + 1 end, debug.traceback)))
print(select(2, xpcall(function() return obj.key end, debug.traceback)))
