-- debug.traceback formats: messages, levels, function naming, C frames.
local function lvl3() return debug.traceback("at level 3") end
local function lvl2() local r = lvl3() return r end
local function lvl1() local r = lvl2() return r end
print(lvl1())
print(debug.traceback())
print(debug.traceback("msg"))
print(debug.traceback("msg", 2))
print(debug.traceback("msg", 0))
print(debug.traceback(nil))
print(debug.traceback(42))
print(type(debug.traceback({})))
local t = {}
function t.field() return debug.traceback("field fn") end
function t:method() return debug.traceback("method fn") end
print(t.field())
print(t:method())
gfn = function() return debug.traceback("global fn") end
print(gfn())
local ok, tb = xpcall(function() error("oops") end, debug.traceback)
print(ok, tb)
local ok2, tb2 = xpcall(function() local x = {} ; return x.a.b end, debug.traceback)
print(ok2, tb2)
print(select(2, pcall(function() return debug.traceback("in pcall") end)))
print((function() return (debug.traceback("anon")) end)())
local co = coroutine.wrap(function() return debug.traceback("in coroutine") end)
print(co())
-- traceback through string.gsub callback (C function in the middle)
print((("x"):gsub("x", function() return debug.traceback("in gsub") end)))
-- long tracebacks are abbreviated with '...'
local function deep(n) if n == 0 then return debug.traceback("deep") end local r = deep(n - 1) return r end
local long = deep(40)
local lines = 0
for _ in long:gmatch("\n") do lines = lines + 1 end
print(lines, long:find("\n\t...", 1, true) ~= nil)
print(long)
