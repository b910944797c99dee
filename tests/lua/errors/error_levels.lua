-- error() with levels 0, 1, 2, 3 and position information.
local function lvl(n) error("msg", n) end
local function caller(n) lvl(n) end
for _, n in ipairs({0, 1, 2, 3, 4, 50}) do print(n, pcall(caller, n)) end
print(pcall(error, "direct"))
print(pcall(error, "direct", 1))
print(pcall(error, "direct", 2))
local function nested() local function deeper() error("deep", 2) end deeper() end
print(pcall(nested))
-- default level is 1
print(pcall(function() error("default") end))
-- level only adds position for string messages
print(pcall(function() error(42, 1) end))
print(pcall(function() error(42) end))
-- numbers as messages stay numbers
local ok, e = pcall(error, 3.5)
print(ok, e, type(e))
-- error with a string that already has position
print(pcall(function() error("file:1: already") end))
-- error from loadstring'd chunk has the chunk name
local f = loadstring("error('in chunk')", "=mychunk")
print(pcall(f))
local g = loadstring("local x = nil\nerror('line two')", "@virtual.lua")
print(pcall(g))
local h = loadstring("error('str chunk')")
print(pcall(h))
