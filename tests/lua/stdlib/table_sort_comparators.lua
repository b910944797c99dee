-- table.sort: the exact sequence of comparator calls (LuaJIT's quicksort
-- with median of three), inconsistent comparators, errors.
local function seq(n) local t = {} for i = 1, n do t[i] = i end return t end
local function logcmp(log, f)
  return function(a, b) log[#log + 1] = tostring(a) .. ":" .. tostring(b); return f(a, b) end
end
for n = 0, 7 do
  for _, mode in ipairs({ "true", "false", "lt", "gt" }) do
    local t, log = seq(n), {}
    local f = ({ ["true"] = function() return true end, ["false"] = function() return false end,
      lt = function(a, b) return a < b end, gt = function(a, b) return a > b end })[mode]
    local ok, e = pcall(table.sort, t, logcmp(log, f))
    print(n, mode, ok, e, table.concat(t, ","), table.concat(log, " "))
  end
end
for n = 4, 7 do
  for x = 1, n do
    local t, log = seq(n), {}
    local ok, e = pcall(table.sort, t, logcmp(log, function(a) return a == x end))
    print(n, x, ok, e, table.concat(t, ","), table.concat(log, " "))
  end
end
-- The right-to-left scan running off the start.
for n = 4, 8 do
  local t, log, c, P = seq(n), {}, 0, nil
  local ok, e = pcall(table.sort, t, logcmp(log, function(a, b)
    c = c + 1
    if c <= 3 then return a < b end
    if c == 4 then P = b end
    return a == P
  end))
  print(n, ok, e, table.concat(log, " "))
end
-- Pseudo-random inputs and a deterministic but inconsistent comparator.
local seed = 12345
local function rnd(m) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m end
for round = 1, 20 do
  local n = 5 + rnd(60)
  local t = {}
  for i = 1, n do t[i] = rnd(50) end
  local calls = 0
  local ok, e = pcall(table.sort, t, function(a, b) calls = calls + 1; if calls % 7 == 0 then return rnd(2) == 0 end return a < b end)
  print(round, n, ok, e, calls, table.concat(t, ","))
end
-- Plain sorts.
local t = { 5, 3, 8, 1, 9, 2, 7, 4, 6, 0 }
table.sort(t) print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end) print(table.concat(t, " "))
t = { "pear", "apple", "fig", "Banana", "apple", "", "a\0b", "a" }
table.sort(t) print(table.concat(t, "|"))
t = {} for i = 1, 200 do t[i] = (i * 7919) % 211 end
table.sort(t)
local sorted = true for i = 2, #t do if t[i - 1] > t[i] then sorted = false end end
print(sorted, t[1], t[100], t[200])
t = { 3, 1, 2 } table.sort(t, nil) print(table.concat(t, " "))
t = { 1 } table.sort(t) print(t[1])
t = {} table.sort(t) print(#t)
-- __lt metamethods on tables.
local mt = { __lt = function(a, b) return a.v < b.v end }
local objs = {}
for i, v in ipairs({ 4, 2, 5, 1, 3 }) do objs[i] = setmetatable({ v = v }, mt) end
table.sort(objs)
local o = {} for i = 1, #objs do o[i] = objs[i].v end print(table.concat(o, " "))
-- Errors.
print(pcall(table.sort, { 3, 2, 1, "x" }))
print(pcall(table.sort, { 3, 2, {}, 1 }))
print(pcall(table.sort, { {}, {} }))
print(pcall(table.sort, { true, false }))
print(pcall(table.sort, { 3, 2, 1 }, 5))
print(pcall(table.sort, { 3, 2, 1 }, false))
print(pcall(table.sort, { 3, 2, 1 }, "x"))
print(pcall(table.sort))
print(pcall(table.sort, nil, nil))
print(pcall(table.sort, "abc"))
print(pcall(table.sort, { 3, 2, 1 }, function(a, b) error("boom") end))
local eobj = {}
print(select(2, pcall(table.sort, { 3, 2, 1 }, function(a, b) error(eobj) end)) == eobj)
print(pcall(function() table.sort({ 3, 2, 1, 5, 4, 7, 6, 9, 8, 10, 12, 11 }, function() return true end) end))
print(pcall(function() table.sort({ 1, "x" }) end))
print(pcall(function() table.sort({ 1, 2 }, 3) end))
-- The comparator may modify the table.
t = { 5, 4, 3, 2, 1 }
print(pcall(table.sort, t, function(a, b) t[6] = nil; return a < b end), table.concat(t, ","))
-- Comparator results are truthiness.
t = { 3, 1, 2 }
table.sort(t, function(a, b) if a < b then return 0 else return nil end end)
print(table.concat(t, ","))
