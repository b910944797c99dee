-- type(), tostring() of every type, print() separators and tostring use.
print(type(nil), type(true), type(1), type("s"), type({}), type(print), type(function() end),
  type(coroutine.create(print)), type(newproxy()), type(io.stdout))
print(pcall(type))
print(tostring(nil), tostring(false), tostring(1.5), tostring("x"))
local function shape(v) return (tostring(v):gsub("0x%x+", "ADDR"):gsub("builtin#%d+", "ADDR")) end
print(shape({}), shape(print), shape(function() end), shape(coroutine.create(print)), shape(newproxy()))
print(shape(io.stdout), shape(string.gsub))
print(1, nil, false, "s", 2.5)
print()
print(nil)
print("a\0b")
local old = tostring
tostring = function(v) return "<" .. old(v) .. ">" end
print("print uses the global tostring?", 1)
tostring = old
print(#tostring(12345.678), tostring(-1e-7), tostring(1e21), tostring(123456789012))
