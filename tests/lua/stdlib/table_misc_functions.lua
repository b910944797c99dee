-- table.foreach, foreachi, getn, maxn and the library's shape.
print(table.foreachi({ 10, 20, 30 }, function(i, v) print(i, v) end))
print(table.foreachi({ 10, 20, 30 }, function(i, v) if v == 20 then return false end end))
print(table.foreachi({ 10, 20, 30 }, function(i, v) if v == 20 then return i, "extra" end end))
print(table.foreachi({}, function() error("never") end))
local n = 0
print(table.foreach({ a = 1 }, function(k, v) n = n + 1; return k .. v end), n)
local keys = {}
print(table.foreach({ 1, 2, 3 }, function(k, v) keys[#keys + 1] = k .. "=" .. v end))
print(table.concat(keys, " "))
print(table.foreach({}, function() error("never") end))
print(pcall(table.foreach, {}, nil))
print(pcall(table.foreach, nil, print))
print(pcall(table.foreachi, {}, {}))
print(pcall(table.foreachi))
print(pcall(table.foreach, { 1 }, function() error("inner") end))
-- Length is taken once by foreachi.
local grow = { 1, 2 }
local seen = {}
table.foreachi(grow, function(i, v) grow[#grow + 1] = v; seen[#seen + 1] = i end)
print(table.concat(seen, " "), #grow)
-- The traversal key stays valid when the callback clears the entry.
local t = { a = 1, b = 2, c = 3, d = 4 }
local cnt = 0
table.foreach(t, function(k) t[k] = nil; cnt = cnt + 1; collectgarbage() end)
print(cnt, next(t))
-- Metamethods are not used by foreachi.
local p = setmetatable({ 1 }, { __index = function(_, k) return "meta" .. k end })
table.foreachi(p, function(i, v) print("p", i, v) end)

print(table.getn({}), table.getn({ 1, 2, 3 }), table.getn({ n = 5 }))
print(pcall(table.getn), pcall(table.getn, "x"))
print(table.maxn({}), table.maxn({ 1, 2, 3 }), table.maxn({ [1.5] = 1 }), table.maxn({ [-3] = 1 }))
print(table.maxn({ 1, 2, [10] = 1, [7.5] = 2, x = 1 }), table.maxn({ [1e300] = 1 }), table.maxn({ [1 / 0] = 1 }))
print(table.maxn({ [0] = 1 }), table.maxn({ [-1] = 1, [-0.5] = 2 }), table.maxn({ [2 ^ 40] = 1, 5 }))
print(pcall(table.maxn), pcall(table.maxn, nil))
print(pcall(function() table.maxn(1) end))
print(pcall(function() table.foreachi(1) end))
print(pcall(function() table.getn() end))

local names = {}
for k, v in pairs(table) do names[#names + 1] = k .. "=" .. type(v) end
table.sort(names)
print(table.concat(names, " "))
for _, k in ipairs({ "concat", "insert", "maxn", "sort" }) do print(k, tostring(table[k])) end
for _, k in ipairs({ "foreach", "foreachi", "getn", "move", "remove" }) do print(k, type(table[k])) end
print(package.loaded.table == table, table.new, table.clear, table.unpack, table.pack)
