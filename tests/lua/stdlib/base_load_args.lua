-- load/loadstring: the chunk name and mode are checked before the chunk;
-- loadstring is load under another name (it takes a reader function too).
print(pcall(load, {}, {}))
print(pcall(load, "x=1", {}))
print(pcall(load, "x=1", "n", {}))
print(pcall(load))
print(pcall(loadstring))
local parts = {"return ", "40 ", "+ 2"}
local k = 0
local f = loadstring(function() k = k + 1; return parts[k] end, "=reader")
print(type(f), f and f(), k)
print(loadstring(12))
print(loadstring("return 1", "=nm", "b"))
print(pcall(loadstring, "return 1", "=nm", {}))
print(select(2, loadstring("x =", "=named")))
-- getfenv/setfenv levels
print(pcall(getfenv, -1))
print(pcall(setfenv, -1, {}))
print(pcall(getfenv, 50))
print(pcall(getfenv, 1.5) == true)
-- jit.profile.start checks its mode before the callback
local profile = require("jit.profile")
print(pcall(profile.start, {}))
print(pcall(profile.start, "f", {}))
-- jit.util trace queries check both arguments
local jutil = require("jit.util")
print(pcall(jutil.traceir, 1))
print(pcall(jutil.tracek, 1, "x"))
print(pcall(jutil.tracesnap, 1, 0))
print(pcall(jutil.traceinfo, 1))
