-- table.remove and table.move as LuaJIT 2.1 has them: raw accesses, positions
-- truncated to integers per access, nothing returned out of range.
local function show(t, lo, hi)
  local o = {}
  for i = lo or -1, hi or 6 do o[#o + 1] = tostring(rawget(t, i)) end
  return table.concat(o, ",")
end
local function logged(init)
  local log = {}
  local t = setmetatable(init, {
    __index = function(_, k) log[#log + 1] = "r" .. tostring(k) end,
    __newindex = function(t, k, v) log[#log + 1] = "w" .. tostring(k) .. "=" .. tostring(v); rawset(t, k, v) end,
  })
  return t, log
end
local function rm(init, ...)
  local t, log = logged(init)
  local r = { pcall(table.remove, t, ...) }
  print(select("#", ...) > 0 and (type((...)) == "table" and "table" or tostring((...))) or "none", #r - 1, tostring(r[1]), tostring(r[2]), "|", show(t), "|", table.concat(log, " "))
end
rm({ 1, 2, 3 })
rm({ 1, 2, 3 }, nil)
for _, pos in ipairs({ 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 0, -1, 0.5, -0.5, 1e10, -1e10, "2", "0x2", " 3 " }) do
  rm({ 1, 2, 3 }, pos)
end
rm({ 1, 2, 3 }, 0 / 0)
rm({ 1, 2, 3 }, 1 / 0)
rm({}, 0)
rm({}, 1)
rm({}, -1)
rm({}, 2)
rm({ [0] = 7 }, 0)
rm({ [0] = 7 })
rm({ n = 1 })
rm({ 1, 2, 3 }, "x")
rm({ 1, 2, 3 }, {})
rm({ 1, 2, 3 }, true)
print(pcall(table.remove))
print(pcall(table.remove, nil))
print(pcall(table.remove, "abc", 1))
print(select("#", table.remove({})), select("#", table.remove({}, 1)), select("#", table.remove({ 1 }, 1)))
-- The length operator decides.
local h = { 1, 2, 3, 4, 5 }
h[5] = nil
print(#h, table.remove(h), #h)
-- table.move
local function mv(init, ...)
  local r = { pcall(table.move, init, ...) }
  print(r[1], r[1] and (r[2] == init and "same" or type(r[2])) or r[2], show(init, -2, 8))
end
mv({ 1, 2, 3, 4, 5 }, 2, 4, 1)
mv({ 1, 2, 3, 4, 5 }, 1, 3, 3)
mv({ 1, 2, 3, 4, 5 }, 1, 3, 2)
mv({ 1, 2, 3, 4, 5 }, 2, 5, 1)
mv({ 1, 2, 3, 4, 5 }, 1, 0, 1)
mv({ 1, 2, 3, 4, 5 }, 3, 1, 1)
mv({ 1, 2, 3, 4, 5 }, 1, 5, 1)
mv({ 1, 2, 3 }, 1.5, 3.5, 4.7)
mv({ 1, 2, 3 }, -1, 1, 0)
mv({ 1, 2, 3 }, "1", "2", "4")
mv({ 1, 2, 3 }, 1, 3, -2)
mv({ 1, 2, 3 }, 0 / 0, 3, 1)
mv({ 1, 2, 3 }, 1, 0 / 0, 1)
mv({ 1, 2, 3 }, 1, 2)
mv({ 1, 2, 3 }, 1, 2, 3, 4)
mv({ 1, 2, 3 }, "x", 2, 3)
mv({ 1, 2, 3 }, 1, {}, 3)
mv({ 1, 2, 3 }, 1, 2, nil)
print(pcall(table.move, nil, 1, 2, 3))
print(pcall(table.move))
local a, b = { 1, 2, 3 }, {}
print(table.move(a, 1, 3, 2, b) == b, show(b), show(a))
b = { 9, 9, 9, 9 }
print(table.move(a, 1, 3, 1, b) == b, show(b))
print(table.move(a, 1, 3, 1, nil) == a)
-- Raw: no metamethods even when keys are absent.
local src, slog = logged({ 1, 2, 3 })
rawset(src, 2, nil)
local dst, dlog = logged({})
table.move(src, 1, 3, 1, dst)
print(show(dst), table.concat(slog, " "), table.concat(dlog, " "))
-- Errors name the function at the call site.
print(pcall(function() table.remove(nil) end))
print(pcall(function() table.move({}, 1, nil, 1) end))
print(pcall(function() local t = table; t.remove(1) end))
