-- getfenv/setfenv (Lua 5.1 environments, supported by LuaJIT).
local env = {print = print, x = "env x"}
local function f() return x end
x = "global x"
print(f())
setfenv(f, env)
print(f(), getfenv(f) == env)
print(getfenv(0) == _G, getfenv() == _G, getfenv(1) == _G)
local function g()
  setfenv(1, {tostring = tostring, y = "inner"})
  return y
end
print(g(), y)
print(getfenv(print) == _G)
print(pcall(setfenv, print, {}))
print(pcall(getfenv, 100))
print(pcall(setfenv, 100, {}))
-- a chunk run with a sandbox environment
local chunk = loadstring("z = 1; return z, print")
local sandbox = {}
setfenv(chunk, sandbox)
print(chunk())
print(sandbox.z, z)
-- environments are inherited by nested closures at creation time
local function maker() return function() return who end end
setfenv(maker, {who = "maker env"})
print(maker()())
-- setfenv(0, t) changes the thread's environment
local co = coroutine.create(function() setfenv(0, {marker = "thread env"}) return getfenv(0).marker end)
print(coroutine.resume(co))
print(getfenv(0).marker)
