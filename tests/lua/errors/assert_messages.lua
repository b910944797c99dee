-- assert: a string or number message gets the caller position (as with error level 1);
-- other messages are raised as they are.
print(pcall(function() assert(false, "msg") end))
print(pcall(function() assert(nil, 42) end))
print(select("#", pcall(function() assert(false, {}) end)), type(select(2, pcall(function() assert(false, {}) end))))
print(pcall(function() assert(false, nil) end))
print(pcall(assert, false, "m2"))
print(pcall(function() local ok, e = pcall(assert, false, "inner") error(e, 0) end))
print(select('#', assert(1, 2, 3)))
local co = coroutine.wrap(function() assert(false, "in co") end)
print(pcall(co))
