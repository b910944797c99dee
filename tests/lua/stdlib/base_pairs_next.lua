-- next/pairs/ipairs: traversal completeness, nil handling, removal during traversal.
local t = {1, 2, 3, a = "x", b = "y", [10] = 10, [1.5] = "f"}
local seen = {}
local k, v = next(t)
while k ~= nil do seen[#seen+1] = tostring(k) .. "=" .. tostring(v); k, v = next(t, k) end
table.sort(seen)
print(table.concat(seen, " "))
print(next({}), next({}, nil))
print(type(pairs(t)), select('#', pairs(t)), select(2, pairs(t)) == t, select(3, pairs(t)))
print(type(ipairs(t)), select('#', ipairs(t)), select(3, ipairs(t)))
local f = ipairs(t)
print(f(t, 0), f(t, 2), f(t, 3))
print(pcall(next, t, "nokey"))
-- clearing all fields during traversal
local big = {}
for i = 1, 100 do big["k" .. i] = i; big[i] = i end
local n = 0
for key in pairs(big) do big[key] = nil; n = n + 1 end
print(n, next(big))
-- pairs on a table with only array part, traversal order of the array part is 1..n
local arr = {"a", "b", "c", "d"}
local order = {}
for i, x in pairs(arr) do order[#order+1] = i .. x end
print(table.concat(order, " "))
print(pcall(pairs))
print(pcall(ipairs, nil))
-- ipairs on a string value errors? (LuaJIT ipairs requires a table)
print(pcall(ipairs, "abc"))
