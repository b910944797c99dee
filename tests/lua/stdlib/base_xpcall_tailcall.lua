-- A function run by pcall/xpcall that tail-calls into an error: the
-- protected frame's link must not be mistaken for a vararg frame.
local function fail(x) error("boom " .. tostring(x)) end
local function tail(x) return fail(x) end
local function tailv(...) return fail(...) end

print(pcall(tail, 1))
print(xpcall(tail, function(m) return "handled: " .. m end, 2))
print(xpcall(tailv, function(m) return "handled: " .. m end, 3))
print(xpcall(function() return tail(4) end, function(m) return "h: " .. m end))
-- the handler itself fails
print(xpcall(tail, function(m) error("again") end, 5))
-- handler is the same tail-calling function (the Lua 5.1 errors.lua idiom)
local depth = 0
local function f(x)
  depth = depth + 1
  if x == 0 then error("a\n") end
  local aux = function() return f(x - 1) end
  return xpcall(aux, aux)
end
print(f(3), depth)
-- traceback through a tail call inside xpcall
local ok, tb = xpcall(tail, debug.traceback, 6)
print(ok, (tb:gsub("\n%s*%[C%]: at 0x%x+$", "")))
-- vararg function called directly by xpcall reads its varargs
print(xpcall(function(...) return select("#", ...), ... end, print, "a", nil, "c"))
print(pcall(function(...) return ... end, 1, 2, 3))
