-- table.insert: LuaJIT 2.1 has no bounds check; positions are 32-bit
-- integers; exactly 2 or 3 arguments. table.concat: formatting and errors.
local function show(t, lo, hi)
  local o = {}
  for i = lo or -2, hi or 12 do o[#o + 1] = tostring(rawget(t, i)) end
  return table.concat(o, ",")
end
local function ins(...)
  local t = { 1, 2, 3 }
  local r = { pcall(table.insert, t, ...) }
  print(r[1], tostring(r[2]), #t, show(t))
end
ins("x")
ins(1, "x")
ins(2, "x")
ins(3, "x")
ins(4, "x")
ins(5, "x")
ins(10, "x")
ins(0, "x")
ins(-1, "x")
ins(-3, "x")
ins(2.7, "x")
ins(-0.5, "x")
ins("2", "x")
ins(" 0x2 ", "x")
ins(2, nil)
ins(nil, "x")
ins("x", "x")
ins({}, "x")
ins(1, 2, 3)
ins()
print(pcall(table.insert))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, {}, 1, 2, 3, 4))
print(pcall(function() table.insert({}, 1, 2, 3) end))
print(pcall(function() table.insert({}) end))
print(pcall(function() table.insert(nil, 1) end))
print(select("#", table.insert({}, 1)))
-- Metamethods are not consulted.
local log = {}
local t = setmetatable({ 1, 2 }, {
  __index = function(_, k) log[#log + 1] = "r" .. k end,
  __newindex = function(t, k, v) log[#log + 1] = "w" .. k; rawset(t, k, v) end,
})
table.insert(t, 1, "a")
table.insert(t, "b")
table.insert(t, 7, "c")
print(show(t, 0, 8), table.concat(log, " "))
-- Appending in a loop, and inserting at the front.
local big = {}
for i = 1, 100 do table.insert(big, i) end
for i = 1, 10 do table.insert(big, 1, -i) end
print(#big, big[1], big[10], big[11], big[110])

-- concat
print(table.concat({}), table.concat({}, "x"), table.concat({ 1, 2, 3 }))
print(table.concat({ 1, 2.5, "x", 1e100, -0.0, 1 / 0, -1 / 0, 0 / 0, 2 ^ 53, 1e-5, 123456789012 }, " "))
print(table.concat({ "a", "b", "c" }, ", ", 2), table.concat({ "a", "b", "c" }, ", ", 2, 3), table.concat({ "a", "b", "c" }, ", ", 3, 2))
print(table.concat({ "a", "b", "c" }, 0), table.concat({ "a", "b", "c" }, 1.5, 1, 2))
print(table.concat({ "a", "b", "c" }, nil, "2", "3.9"), table.concat({ "a", "b", "c" }, "-", 1.9, 2.9))
print(table.concat({ [-1] = "m", [0] = "z", "a" }, "", -1, 1))
print(table.concat({ "a", "b", "c", "d" }, "", 2, nil), table.concat({ "a", "b" }, nil, nil, nil))
print(table.concat({ "a\0b", "c" }, "\0") == "a\0b\0c")
print(pcall(table.concat, { 1, {}, 3 }))
print(pcall(table.concat, { 1, 2, nil, 4 }, ",", 1, 4))
print(pcall(table.concat, { 1, 2, true }, ","))
print(pcall(table.concat, {}, {}))
print(pcall(table.concat, { 1, 2, 3 }, nil, "x"))
print(pcall(table.concat, { 1, 2, 3 }, "", 1, "y"))
print(pcall(table.concat, { 1, 2, 3 }, "", 1, {}))
print(pcall(table.concat))
print(pcall(table.concat, "abc"))
print(pcall(table.concat, { 1, 2, 3 }, "", 1, 5))
print(pcall(table.concat, { print }, ""))
print(pcall(function() table.concat({ 1, {} }) end))
print(pcall(function() table.concat({ 1, 2 }, ",", 1, 3) end))
-- No metamethods: __index is not used and __tostring is ignored.
local mt = setmetatable({ "a" }, { __index = function() return "z" end })
print(pcall(table.concat, mt, "", 1, 2))
local parts = {}
for i = 1, 1000 do parts[i] = i % 10 end
local s = table.concat(parts)
print(#s, s:sub(1, 12), s:sub(-5))
