-- debug.getupvalue/setupvalue/upvalueid/upvaluejoin, getfenv/setfenv,
-- getmetatable/setmetatable, getregistry: results and argument errors.
local a, b, c = 1, 2, 3
local function f() return a, b end
local function g() return c end
local function h() return a end
print(debug.getupvalue(f, 1), debug.getupvalue(f, 2))
print(select("#", debug.getupvalue(f, 3)), select("#", debug.getupvalue(f, 0)), select("#", debug.getupvalue(f, -1)))
print(debug.setupvalue(f, 2, "B"), b, f())
print(select("#", debug.setupvalue(f, 3, 0)))
-- upvalue identity and joining
print(debug.upvalueid(f, 1) == debug.upvalueid(h, 1), debug.upvalueid(f, 1) == debug.upvalueid(f, 2))
print(type(debug.upvalueid(f, 1)))
debug.upvaluejoin(f, 1, g, 1)
print(f(), debug.upvalueid(f, 1) == debug.upvalueid(g, 1), debug.upvalueid(f, 1) == debug.upvalueid(h, 1))
c = "changed c"
print(f(), g(), h())
-- closed upvalues
local function maker(x) return function() return x end, function(v) x = v end end
local get, set = maker(10)
print(debug.getupvalue(get, 1))
set(20)
print(debug.getupvalue(get, 1), debug.setupvalue(get, 1, 30), get())
print(debug.upvalueid(get, 1) == debug.upvalueid(set, 1))
-- stripped functions have empty upvalue names
local s = loadstring(string.dump(function() return a end, true))
print(debug.getupvalue(s, 1))
-- errors
local function e(...) print(select(2, pcall(...))) end
e(debug.getupvalue)
e(debug.getupvalue, f)
e(debug.getupvalue, 1, 1)
e(debug.getupvalue, f, "x")
e(debug.setupvalue, f, 1)
e(debug.setupvalue, f, "x", 1)
e(debug.setupvalue, {}, 1, 1)
e(debug.upvalueid)
e(debug.upvalueid, f)
e(debug.upvalueid, f, 0)
e(debug.upvalueid, f, 3)
e(debug.upvalueid, f, "x")
e(debug.upvalueid, 1, 1)
e(debug.upvaluejoin)
e(debug.upvaluejoin, f)
e(debug.upvaluejoin, f, 1)
e(debug.upvaluejoin, f, 1, g)
e(debug.upvaluejoin, f, 9, g, 1)
e(debug.upvaluejoin, f, 1, g, 9)
e(debug.upvaluejoin, print, 1, g, 1)
e(debug.upvaluejoin, f, 1, print, 1)
e(debug.upvaluejoin, f, 1, 1, 1)

-- environments
local env = {x = "from env"}
local function envf() return x end
print(debug.setfenv(envf, env) == envf, envf(), debug.getfenv(envf) == env)
print(debug.getfenv(1), debug.getfenv("s"), debug.getfenv(nil), debug.getfenv(true))
print(debug.getfenv(print) == _G, debug.getfenv(coroutine.create(print)) == _G)
local ud = newproxy()
print(type(debug.getfenv(ud)), debug.setfenv(ud, env) == ud, debug.getfenv(ud) == env)
local th = coroutine.create(print)
print(debug.setfenv(th, env) == th, debug.getfenv(th) == env)
e(debug.getfenv)
e(debug.setfenv)
e(debug.setfenv, envf)
e(debug.setfenv, envf, 1)
e(debug.setfenv, 1, {})
e(debug.setfenv, "s", {})
e(debug.setfenv, {}, {})
print(pcall(function() debug.setfenv({}, {}) end))

-- metatables
local protected = setmetatable({}, {__metatable = "locked", __index = {k = "v"}})
print(getmetatable(protected), type(debug.getmetatable(protected)), debug.getmetatable(protected).__metatable)
print(debug.getmetatable(1), debug.getmetatable("s") == getmetatable(""), debug.getmetatable(print))
print(debug.setmetatable(protected, nil), getmetatable(protected), protected.k)
print(debug.setmetatable(print, {__index = {field = "on functions"}}))
print(print.field, (function() end).field)
debug.setmetatable(print, nil)
print(pcall(function() return print.field end))
print(debug.setmetatable(true, {__len = function() return 42 end}))
print(pcall(function() return #true end))
debug.setmetatable(true, nil)
e(debug.getmetatable)
e(debug.setmetatable)
e(debug.setmetatable, {})
e(debug.setmetatable, {}, 1)
e(debug.setmetatable, {}, "x")
-- registry
local reg = debug.getregistry()
print(type(reg), reg == debug.getregistry(), type(reg._LOADED), reg._LOADED == package.loaded)
print(debug.getregistry(1, 2) == reg)
