-- Errors inside coroutines, error values, tracebacks of dead coroutines.
local co = coroutine.create(function() local t = nil; return t.field end)
print(coroutine.resume(co))
print(coroutine.status(co))
local co2 = coroutine.create(function() error({1, 2, 3}) end)
local ok, e = coroutine.resume(co2)
print(ok, type(e), #e)
local co3 = coroutine.create(function() error("lvl0", 0) end)
print(coroutine.resume(co3))
local co4 = coroutine.create(function() error() end)
print(coroutine.resume(co4))
-- resume dead and non-suspended coroutines
print(coroutine.resume(co))
local co5
co5 = coroutine.create(function() return coroutine.resume(co5) end)
print(coroutine.resume(co5))
print(pcall(coroutine.resume, 42))
print(pcall(coroutine.create, 42))
-- error after several yields
local co6 = coroutine.create(function() coroutine.yield(1); coroutine.yield(2); error("third") end)
for i = 1, 4 do print(coroutine.resume(co6)) end
-- debug.traceback of a dead coroutine
print((debug.traceback(co6)))
-- pcall inside a coroutine catches errors and the coroutine continues
local co7 = coroutine.create(function()
  local ok, err = pcall(error, "caught")
  coroutine.yield(ok, err)
  return "still alive"
end)
print(coroutine.resume(co7))
print(coroutine.resume(co7))
