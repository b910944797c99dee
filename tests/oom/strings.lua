-- Memory errors while building strings, caught by pcall as in LuaJIT:
-- false and "not enough memory", and the VM goes on working.
-- (scripts/test-oom runs this under ulimit -v 300000.)
local s = ("x"):rep(2^25) -- 32 MiB
print("concat", pcall(function() return s .. s .. s .. s .. s .. s .. s .. s .. s .. s end))
local d = s
print("doubling", pcall(function() for i = 1, 10 do d = d .. d end end))
d = nil
print("rep", pcall(string.rep, s, 10))
print("rep sep", pcall(string.rep, "ab", 2^28, ","))
print("format", pcall(string.format, ("%s"):rep(10), s, s, s, s, s, s, s, s, s, s))
print("gsub", pcall(string.gsub, s, "x", "yyyyyyyyyy"))
print("upper", pcall(function() return (s .. s .. s .. s .. s .. s .. s .. s .. s .. s):upper() end))
print("tostring", pcall(function() return tostring(1.5) .. s .. s .. s .. s .. s .. s .. s .. s .. s end))
local t = {}
for i = 1, 150 do t[i] = ("y"):rep(2^20 - 1) .. i % 10 end
print("table.concat", pcall(table.concat, t))
print("table.concat sep", pcall(table.concat, t, s))
t = nil
collectgarbage()
local ok, e = pcall(string.rep, s, 100)
print("error object", ok, e == "not enough memory", type(e))
print("still works", #s, #(s .. "y"), ("abc"):rep(3))
