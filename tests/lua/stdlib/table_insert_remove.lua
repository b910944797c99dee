-- table.insert / table.remove at every position, with borders.
local function show(t) local o = {} for i = 1, #t do o[i] = tostring(t[i]) end return "{" .. table.concat(o, ",") .. "}" end
local t = {}
table.insert(t, "a"); table.insert(t, "b"); table.insert(t, 1, "c"); table.insert(t, 2, "d"); table.insert(t, #t + 1, "e")
print(show(t))
print(table.remove(t), show(t))
print(table.remove(t, 1), show(t))
print(table.remove(t, 2), show(t))
print(table.remove({}), table.remove({}, 1), select('#', table.remove({})))
print(pcall(table.insert, {1, 2}, 5, "x"))
print(pcall(table.insert, {1, 2}, 0, "x"))
print(pcall(table.insert, {1, 2}, -1, "x"))
local r = {1, 2, 3}
print(pcall(table.remove, r, 7), show(r))
print(pcall(table.remove, r, #r + 1), show(r))
print(pcall(table.remove, r, 0), show(r))
local n = {}
for i = 1, 10 do table.insert(n, 1, i) end
print(show(n))
for i = 1, 5 do table.remove(n, 1) end
print(show(n))
print(pcall(table.insert, {}))
print(pcall(table.insert, {}, 1, 2, 3))
local inserted = {}
table.insert(inserted, nil)
print(#inserted)
table.insert(inserted, 1, "x")
print(#inserted, inserted[1])
-- insert with a float position
local fl = {1, 2, 3}
table.insert(fl, 2.0, "f")
print(show(fl))
