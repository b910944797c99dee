-- The order of pairs/next over tables without string keys, which LuaJIT
-- makes deterministic (its hash of numbers and booleans has no per-process
-- seed): array/hash sizing, rehashes, collisions, deletions, constructors,
-- table.new; next while keys are cleared and added; the border of #.
local function keys(t)
  local s = {}
  for k, v in pairs(t) do s[#s + 1] = tostring(k) .. "=" .. tostring(v) end
  return table.concat(s, " ")
end
local function show(name, t) print(name, keys(t), "#" .. #t) end

-- Insertion orders and key kinds.
local t = {}
for i = 1, 20 do t[i * 0.5] = i end
show("halves", t)
t = {}
for i = -10, 10 do t[i] = i end
show("-10..10", t)
t = {}
for i = 10, 1, -1 do t[i] = i end
show("10..1", t)
t = {}
for i = 1, 12 do t[i * i] = i end
show("squares", t)
t = {}
for i = 1, 9 do t[2 ^ (i * 3)] = i end
show("powers", t)
t = {}
for _, k in ipairs({1e300, -1e300, 1 / 0, -1 / 0, 2 ^ 53, -2 ^ 53, 2 ^ -1074, 0.1, -0.1, 2 ^ 31, -2 ^ 31, 2 ^ 32}) do t[k] = 1 end
show("extremes", t)
t = {}
t[true] = 1; t[false] = 2; t[0] = 3; t[-0.0] = 4; t[0.5] = 5; t[1] = 6
show("bools", t)
t = {}
for i = 1, 30 do t[(i * 7919) % 101] = i end
show("scattered", t)
t = {}
for i = 2 ^ 26 - 3, 2 ^ 26 + 3 do t[i] = 1 end
t[2 ^ 27] = 1; t[2 ^ 27 + 1] = 1; t[2 ^ 28] = 1
show("big ints", t)

-- Deletions: freed nodes, deleted keys holding their nodes, re-insertion.
t = {}
for i = 1, 16 do t[i + 0.25] = i end
for i = 1, 16, 3 do t[i + 0.25] = nil end
show("deleted", t)
for i = 1, 16, 3 do t[i + 0.25] = -i end
show("reinserted", t)
for i = 20, 40 do t[i + 0.75] = i end
show("grown", t)
for k in pairs(t) do if k > 10 then t[k] = nil end end
t[100.5] = 1; t[-100.5] = 2
show("after clear", t)

-- Array part sizing: sparse, dense, nils in the array.
t = {}
t[1] = 1; t[2] = 2; t[4] = 4; t[8] = 8; t[16] = 16; t[3] = 3
show("sparse", t)
t = {}
for i = 1, 64 do t[i] = i end
for i = 2, 64, 2 do t[i] = nil end
t[100] = 100; t[65] = 65; t[0.5] = 0.5
show("holes", t)
t = {1, 2, 3, nil, 5, nil, nil, 8}
t[20] = 20; t[9] = 9; t[-1] = -1
show("ctor holes", t)

-- Constructors: templates (TDUP) with number and boolean keys, sized with
-- the counts seen when the first constant key comes, and TNEW sizes.
local x, y = 10, 20
show("tdup 1", {[1.5] = 1, [2.5] = 2, [3.5] = 3, [true] = 4, [false] = 5})
show("tdup 2", {1, 2, 3, [10] = 10, [20] = 20, [30] = 30, [2 ^ 31] = 31, [-0.5] = 0})
show("tdup 3", {[100] = 1, [200] = 2, [300] = 3, [400] = 4, [500] = 5, [1] = 6, [2] = 7, [3] = 8})
show("tdup 4", {x, y, [0.25] = 1, [0.75] = 2, x, [1.25] = 3, y, [true] = x})
show("tdup 5", {[0.5] = nil, [1.5] = 1, [2.5] = nil, [3.5] = 2, [4.5] = nil})
local tpl = {[-1] = 1, [-2] = 2, [-3] = 3, [-4] = 4, [-5] = 5}
tpl[-6] = 6; tpl[-7] = 7; tpl[0.5] = 8
show("tdup grown", tpl)
show("tnew", {x, y, [x] = 1, [y] = 2, [x + 0.5] = 3})
local tnew = require("table.new")
t = tnew(4, 4)
for i = 1, 12 do t[i * 0.5] = i end
show("table.new(4, 4)", t)
t = tnew(0, 0)
for i = 1, 6 do t[i] = i end
show("table.new(0, 0)", t)

-- A constructor of more than 0x7ff positional items whose values are not
-- constants: TNEW's array size field saturates, and then means 0x801 slots.
local items = {}
for i = 1, 2100 do items[i] = "v" end
local big = assert(loadstring("local v = 1 return {" .. table.concat(items, ",") .. "}"))()
big[2048.5] = 1
local n, last = 0, nil
for k in pairs(big) do n = n + 1; if n > 2045 and n < 2052 then last = (last or "") .. " " .. k end end
print("big ctor", n, last, #big)
local big2 = assert(loadstring("local v = 1 return {" .. table.concat(items, ",", 1, 2047) .. "}"))()
big2[2049] = 1; big2[2048] = 1
n, last = 0, nil
for k in pairs(big2) do n = n + 1; if n > 2045 then last = (last or "") .. " " .. k end end
print("big ctor 2", n, last, #big2)

for _, n in ipairs({2046, 2047, 2048, 2049, 2050}) do
  local t = assert(loadstring("local v = 1 return {" .. table.concat(items, ",", 1, n) .. ", [0.5] = v, [1.5] = v, [2.5] = v}"))()
  local s, i = {}, 0
  for k in pairs(t) do i = i + 1; if i > 2040 then s[#s + 1] = k end end
  print("ctor of " .. n, table.concat(s, " "), #t)
end

-- next while the current key is cleared and new keys are added (the
-- manual leaves adding keys undefined; LuaJIT goes on).
t = {}
for i = 1, 8 do t[i + 0.5] = i end
local seen = {}
for k, v in pairs(t) do
  seen[#seen + 1] = k
  t[k] = nil
  t[k + 100] = v
  if #seen > 100 then break end
end
print("clear+add", #seen, table.concat(seen, " "))
show("after clear+add", t)
t = {}
for i = 1, 5 do t[i * 0.25] = i end
seen = {}
for k in pairs(t) do
  seen[#seen + 1] = k
  t[k] = nil
  for j = 1, 6 do t[k * 10 + j] = j end -- forces rehashes
  if #seen > 100 then break end
end
print("clear+rehash", #seen, table.concat(seen, " "))
-- Explicit next after the current key's node was reused: LuaJIT raises.
t = {}
for i = 1, 8 do t[i + 0.5] = i end
local ok, err = pcall(function()
  local k = next(t)
  local count = 0
  while k ~= nil and count < 100 do
    t[k] = nil
    t[count + 100.5] = count
    count = count + 1
    k = next(t, k)
  end
  return count
end)
print("explicit next", ok, err)
-- Clearing without adding never disturbs next.
t = {}
for i = 1, 20 do t[i * 1.5] = i end
local k, count = next(t), 0
while k ~= nil do t[k] = nil; count = count + 1; k = next(t, k) end
print("clear all", count, next(t))
-- String keys: the order is LuaJIT's per-process choice, but clearing the
-- current key and adding others never raises in a pairs loop.
t = {}
for i = 1, 50 do t["k" .. i] = i end
ok = pcall(function()
  local c = 0
  for k, v in pairs(t) do t[k] = nil; t["n" .. c] = c; c = c + 1; if c > 1000 then break end end
end)
print("strings clear+add", ok)

-- The hidden control variable of a pairs loop, and next given it.
t = {10, 20, [2.5] = 30}
for k, v in pairs(t) do
  local i, name, ctl = 1
  repeat name, ctl = debug.getlocal(1, i); i = i + 1 until name == "(for control)"
  print(name, type(ctl), tostring(ctl), k, v)
  print("next(t, ctl)", next(t, ctl))
end

-- Borders of #.
local function border(t) return #t end
t = {}
for i = 1, 10 do t[i] = i end
t[5] = nil
print("border 1", border(t))
t = {1, 2, 3, nil, 5}
print("border 2", border(t))
t = {nil, nil, 3}
print("border 3", border(t))
t = {}
t[1] = 1; t[2] = 2; t[3] = 3; t[5] = 5; t[6] = 6
print("border 4", border(t))
t = {}
for i = 1, 100 do t[i] = i end
for i = 40, 100 do t[i] = nil end
print("border 5", border(t))
t = {}
t[1] = 1; t[2] = 2; t[4] = 4; t[1.5] = 0
print("border 6", border(t))
t = {1, 2, 3}
t[5] = 5; t[6] = 6; t[7] = 7; t[8] = 8
print("border 7", border(t))
t = tnew(8, 0)
t[1] = 1; t[2] = 2; t[9] = 9; t[10] = 10
print("border 8", border(t))
