-- table.concat with separators and ranges; table.sort with and without comparators.
print(table.concat({1, 2, 3}), table.concat({1, 2, 3}, ", "), table.concat({"a", "b", "c"}, "-", 2), table.concat({"a", "b", "c"}, "-", 2, 2))
print(table.concat({}), table.concat({}, "x"), table.concat({"a"}, "x", 1, 0), table.concat({1.5, 2, "s"}, "|"))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2}, ",", 1, 3))
print(table.concat({[1] = "x", [2] = "y", [3] = "z"}, "", 1, 3))
local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 10}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local s = {"banana", "apple", "Cherry", "date", "apple2", ""}
table.sort(s)
print(table.concat(s, " "))
local recs = {{n = "a", v = 3}, {n = "b", v = 1}, {n = "c", v = 2}}
table.sort(recs, function(x, y) return x.v < y.v end)
print(recs[1].n, recs[2].n, recs[3].n)
print(pcall(table.sort, {1, "a", 2}))
print(pcall(table.sort, {3, 1, 2}, function(a, b) return true end))
local big = {}
local seed = 7
for i = 1, 1000 do seed = (seed * 1103515245 + 12345) % 2147483648; big[i] = seed % 1000 end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print(ok, big[1], big[1000])
local one = {1}
table.sort(one)
table.sort({})
print(one[1])
local withnan = {3, 1, 2}
table.sort(withnan, function(a, b) return a < b end)
print(table.concat(withnan, ","))
print(table.maxn({}), table.maxn({1, 2, nil, 4}), table.maxn({[10] = 1, [2.5] = 2, x = 3}), table.maxn({[-1] = 1}))
print(table.getn({1, 2, 3}))
local fe = {}
table.foreach({a = 1}, function(k, v) fe[#fe+1] = k .. v end)
table.foreachi({"x", "y"}, function(i, v) fe[#fe+1] = i .. v end)
print(table.concat(fe, " "))
print(table.foreachi({1, 2, 3}, function(i, v) if v == 2 then return "stopped at " .. i end end))
