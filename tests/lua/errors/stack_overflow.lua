-- Runaway recursion raises a catchable "stack overflow" error.
-- Trace recording changes how deep the handler can run, so keep the JIT out of this test.
jit.off()
local function runaway(n) return 1 + runaway(n + 1) end
local ok, e = pcall(runaway, 1)
print(ok, (e:gsub("^.-:%d+: ", "")))
local function runaway2() local t = {} ; return runaway2() + 1 end
local ok2, e2 = pcall(runaway2)
print(ok2, (tostring(e2):match("stack overflow")))
-- infinite __index chain via functions
local mt = {}
mt.__index = function(t, k) return setmetatable({}, mt)[k] end
local ok3, e3 = pcall(function() return setmetatable({}, mt).x end)
print(ok3, (tostring(e3):match("stack overflow")))
-- the state is usable after an overflow
local function fine(n) if n == 0 then return 0 end return 1 + fine(n - 1) end
print(fine(1000))
-- overflow inside a coroutine
local co = coroutine.create(function() return runaway(1) end)
local okc, ec = coroutine.resume(co)
print(okc, (tostring(ec):match("stack overflow")), coroutine.status(co))
-- xpcall handler on overflow
print(xpcall(runaway, function(m) return "handled: " .. tostring(m):match("stack overflow") end, 1))
