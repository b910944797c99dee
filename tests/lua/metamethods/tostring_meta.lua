-- __tostring used by tostring and print; non-string results; __tostring on userdata.
local T = setmetatable({}, {__tostring = function(self) return "T-object" end})
print(T, tostring(T))
local num = setmetatable({}, {__tostring = function() return 42 end})
print(pcall(tostring, num))
local tbl = setmetatable({}, {__tostring = function() return {} end})
local ok, v = pcall(tostring, tbl)
print(ok, type(v), v == getmetatable(tbl) or "not the metatable")
local err = setmetatable({}, {__tostring = function() error("ts fail") end})
print(pcall(tostring, err))
local ud = newproxy(true)
getmetatable(ud).__tostring = function() return "ud-str" end
print(ud, tostring(ud))
-- string.format %s uses tostring semantics
print(string.format("[%s] [%s]", T, ud))
-- table.concat does not use __tostring
print(pcall(table.concat, {T}))
-- io.write does not use __tostring
print(pcall(io.write, T))
-- tostring of primitive values
print(tostring(nil), tostring(true), tostring(false), tostring(12), tostring("s"), tostring(-0.0))
print(type(tostring(print)), tostring(print):match("^builtin") or tostring(print):match("^function"))
-- __name is not used by LuaJIT
local named = setmetatable({}, {__name = "MyType"})
print((tostring(named):gsub("0x%x+", "ADDR")))
