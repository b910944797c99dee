-- OpenResty's table.isempty / isarray / nkeys / clone (require "table.X").
-- Debian's LuaJIT lacks them: the expected output follows OpenResty's
-- documented behaviour, and the script fails there
-- (tests/lua/openresty-only.list).
local function load(name) return require("table." .. name) end
local isempty, isarray, nkeys, clone = load("isempty"), load("isarray"), load("nkeys"), load("clone")
print(table.isempty == isempty, table.isarray == isarray, table.nkeys == nkeys, table.clone == clone)

print(isempty({}), isempty({ nil, dog = nil }), isempty({ "a", "b" }), isempty({ nil, 3 }), isempty({ cat = 3 }))
local t = { 1, 2, x = 1 }
t[1], t[2], t.x = nil, nil, nil
print(isempty(t), isempty(require("table.new")(10, 10)))
print(pcall(isempty, nil))
print(pcall(isempty, "x"))

print(isarray({ "a", true, 3.14 }), isarray({ dog = 3 }), isarray({}))
print(isarray({ [3] = 3, [5.3] = 4 }), isarray({ [3] = "a", [5] = true }), isarray({ "a", nil, true, 3.14 }))
print(isarray({ "dog", "cat", true, ["bird"] = 3 }), isarray(require("table.new")(0, 20)), isarray({ 1, 2, [100] = 3 }))
print(isarray({ [1.5] = 1 }), isarray({ [true] = 1 }), isarray({ [{}] = 1 }), isarray({ 1, 2, 3, [2 ^ 40] = 1 }))
print(pcall(isarray, 1))

print(nkeys({}), nkeys({ "a", nil, "b" }), nkeys({ dog = 3, cat = 4, bird = nil }), nkeys({ "a", dog = 3, cat = 4 }))
local big = {}
for i = 1, 1000 do big[i] = i; big["k" .. i] = i end
print(nkeys(big), nkeys(require("table.new")(100, 100)))
big[500] = nil; big.k1 = nil
print(nkeys(big))
print(pcall(nkeys, nil))

local x = { x = 12, y = { 5, 6, 7 }, 1, 2, 3 }
local y = clone(x)
print(y ~= x, y.x, y.y == x.y, #y, y[1], y[3])
y.x = 13; y[1] = "changed"
print(x.x, x[1], y.x, y[1])
local withmt = setmetatable({ a = 1 }, { __index = function() return "mt" end })
local c = clone(withmt)
print(c.a, getmetatable(c), c.zzz)
local empty = clone({})
print(next(empty), isempty(empty))
print(pcall(clone, nil))
