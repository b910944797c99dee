-- Non-string error values: tables, nil, booleans, functions, and __tostring objects.
local t = {code = 42}
local ok, e = pcall(error, t)
print(ok, e == t, e.code)
print(pcall(error, nil))
print(pcall(error))
print(pcall(error, false))
print(pcall(error, true))
local fn = function() end
local ok2, e2 = pcall(error, fn)
print(ok2, e2 == fn)
local E = setmetatable({msg = "custom"}, {__tostring = function(self) return "E: " .. self.msg end})
local ok3, e3 = pcall(error, E)
print(ok3, tostring(e3), e3 == E)
-- rethrowing preserves identity
local ok4, e4 = pcall(function() local ok, err = pcall(error, t); error(err) end)
print(ok4, e4 == t)
-- error objects through coroutines
local co = coroutine.create(function() error(t) end)
local ok5, e5 = coroutine.resume(co)
print(ok5, e5 == t)
-- assert with non-string messages
local okA, eA = pcall(assert, false, t)
print(okA, eA == t)
print(select('#', pcall(assert, false, t)), (select(2, pcall(assert, false, t))) == t)
print(pcall(assert, nil))
print(pcall(assert, false, nil))
print(pcall(assert, 1, 2, 3))
print(pcall(assert))
print(pcall(assert, false, 12))
