-- A coroutine that died by an error keeps its frames: debug.traceback,
-- getinfo and getlocal still see them (as in LuaJIT).
local function show(co)
  print((debug.traceback(co, "tb"):gsub("\n%s*%[C%]: at 0x%x+", "")))
end
local co = coroutine.create(function(x) local y = x + nil end)
print(coroutine.resume(co, 1)); show(co)
local info = debug.getinfo(co, 0, "Sl")
print(info.what, info.currentline, debug.getlocal(co, 0, 1))
print(debug.getinfo(co, 1, "S"))

co = coroutine.create(function(x) local function g() error("deep", 2) end g() end)
print(coroutine.resume(co, 1)); show(co)
print(debug.getinfo(co, 0, "S").what, debug.getinfo(co, 1, "n").name, debug.getinfo(co, 2, "S").what)

co = coroutine.create(function() local x = string.rep(); return x end)
print(coroutine.resume(co)); show(co)
print(debug.getinfo(co, 0, "n").name)

-- the Lua 5.1 test-suite idiom: recursive f yields, then errors
local function f(i) if i == 0 then error(i) else coroutine.yield(); f(i - 1) end end
co = coroutine.create(function(x) f(x) end)
coroutine.resume(co, 2)
while coroutine.status(co) == "suspended" do
  show(co)
  print(coroutine.resume(co))
end
show(co)
print(coroutine.status(co), coroutine.resume(co))
-- a finished coroutine has no frames
co = coroutine.create(function() return 1 end)
coroutine.resume(co)
show(co)
print(debug.getinfo(co, 0))
