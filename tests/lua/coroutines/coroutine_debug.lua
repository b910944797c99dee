-- debug functions applied to coroutines: traceback, getinfo, getlocal on a suspended thread.
local co = coroutine.create(function(a)
  local inside = "local value"
  local function helper() coroutine.yield("in helper") end
  helper()
  return a
end)
coroutine.resume(co, "arg")
print(debug.traceback(co))
print(debug.traceback(co, "msg"))
print(debug.traceback(co, "msg", 1))
local info = debug.getinfo(co, 1, "Sl")
print(info.currentline, info.short_src, info.what)
local info2 = debug.getinfo(co, 2, "l")
print(info2.currentline)
print(debug.getlocal(co, 2, 1))
print(debug.getlocal(co, 2, 2))
print(debug.getinfo(co, 10))
print(coroutine.resume(co))
print(debug.traceback(co))
