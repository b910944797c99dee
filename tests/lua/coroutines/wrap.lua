-- coroutine.wrap: generators, error propagation, dead wrapped coroutine.
local gen = coroutine.wrap(function(n) for i = 1, n do coroutine.yield(i) end return "end" end)
print(gen(3), gen(), gen(), gen())
print(pcall(gen))
local function range(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
local s = 0
for i in range(100) do s = s + i end
print(s)
local bad = coroutine.wrap(function() error("inside wrap") end)
print(pcall(bad))
local bad2 = coroutine.wrap(function() error({code = 7}) end)
local ok, e = pcall(bad2)
print(ok, type(e), e.code)
local bad3 = coroutine.wrap(function() local x = nil; return x.y end)
print(pcall(bad3))
-- wrap with varargs
local function pack(...) return {n = select('#', ...), ...} end
local echo = coroutine.wrap(function(...) local args = pack(...); while true do args = pack(coroutine.yield(unpack(args, 1, args.n))) end end)
print(echo(1, 2, 3))
print(echo())
print(echo("a", nil, "b"))
print(pcall(coroutine.wrap, 1))
-- a wrap function is a function
print(type(gen))
