-- Nested xpcall handlers, handlers that error, and error objects passing through handlers.
local function h1(m) return "h1(" .. tostring(m) .. ")" end
local function h2(m) return "h2(" .. tostring(m) .. ")" end
print(xpcall(function()
  local ok, e = xpcall(function() error("inner", 0) end, h1)
  error(e, 0)
end, h2))
print(xpcall(function() error("x", 0) end, function(m) return xpcall(function() error("in handler", 0) end, h1) end))
local obj = {}
print(select(2, xpcall(function() error(obj) end, function(e) return e == obj end)))
print(xpcall(function() return "no error" end, function() return "unused" end))
local depth = 0
local function recursive_handler(m) depth = depth + 1; if depth < 5 then error("again") end return "gave up after " .. depth end
print(xpcall(function() error("start") end, recursive_handler))
print(pcall(xpcall, function() error("e") end, nil))
print(xpcall(function(...) return select('#', ...) end, print))
