-- cdata as table keys: identity, not value (except via tonumber); 64-bit keys; ctype keys.
local ffi = require("ffi")
local t = {}
local a, b = 1LL, 1LL
t[a] = "a"
t[b] = "b"
print(t[a], t[b], t[1LL], t[1])
local n = 0
for k, v in pairs(t) do n = n + 1 end
print(n)
t[tonumber(a)] = "num"
print(t[1], rawget(t, 1))
-- the same cdata object is the same key
local p = ffi.new("int[1]")
t[p] = "p"
print(t[p], t[ffi.new("int[1]")])
-- ctype objects: typeof returns the same object for the same type? keys are identity
local ct = ffi.typeof("int")
t[ct] = "ctype"
print(t[ct], t[ffi.typeof("int")])
-- pointers to the same address are different objects
local q1, q2 = ffi.cast("void *", 8), ffi.cast("void *", 8)
t[q1] = 1
print(t[q2], q1 == q2)
-- rawequal is identity
print(rawequal(a, b), rawequal(a, a), a == b)
-- weak-keyed tables with cdata keys
local weak = setmetatable({}, {__mode = "k"})
weak[ffi.new("int")] = true
collectgarbage()
collectgarbage()
print(next(weak) == nil)
-- cdata as table values in array parts
local arr = {1LL, 2LL, 3LL}
print(#arr, arr[2] + arr[3])
table.sort(arr, function(x, y) return x > y end)
print(arr[1], arr[3])
print(pcall(table.sort, {3LL, 1LL, 2LL}))
local sorted = {3LL, 1LL, 2LL}
print(pcall(table.concat, sorted, ","))
