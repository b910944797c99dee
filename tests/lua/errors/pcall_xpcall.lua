-- pcall and xpcall: return values, handlers, extra arguments, nested handlers.
print(pcall(function(...) return ... end, 1, 2, 3))
print(pcall(function() end))
print(select('#', pcall(function() return nil, nil end)))
print(pcall(pcall))
print(pcall(pcall, error))
print(pcall(pcall, error, "x"))
print(xpcall(function() return "ok", 2 end, print))
print(xpcall(function() error("bad") end, function(m) return "handled<" .. m .. ">" end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(xpcall(function(...) return select('#', ...) end, print, nil, nil, nil))
print(xpcall(function() error({}) end, function(e) return type(e) end))
-- the handler sees the stack of the error
print(xpcall(function() local x = nil; return x.y end, function(m) return (debug.traceback(m, 1):match("^[^\n]*")) end))
-- handler errors
print(xpcall(function() error("first") end, function(m) error("in handler") end))
print(pcall(xpcall))
print(pcall(xpcall, print))
print(xpcall(error, function(m) return m end, "passed through"))
-- handler receives exactly one value
print(xpcall(function() error("x") end, function(...) return select('#', ...) end))
-- nested pcall
print(pcall(function() local ok, e = pcall(error, "inner"); error("outer:" .. e, 0) end))
-- pcall returns all results of the function
print(pcall(string.find, "hello", "l"))
-- pcall of a non-function
print(pcall(42))
print(pcall({}))
print(pcall(nil))
