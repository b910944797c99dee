-- Generic for with pairs, ipairs, next and custom iterators.
local t = {10, 20, 30, nil, 50, x = 1, y = 2}
for i, v in ipairs(t) do io.write(i, "=", v, " ") end print()
local keys = {}
for k, v in pairs(t) do keys[#keys+1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys) print(table.concat(keys, " "))
keys = {}
for k, v in next, t do keys[#keys+1] = tostring(k) end
table.sort(keys) print(table.concat(keys, " "))
-- custom stateless iterator
local function range(n, step)
  return function(s, c) c = c + s; if c <= n then return c end end, step or 1, 0
end
for i in range(10, 3) do io.write(i, " ") end print()
-- stateful iterator with closures
local function chars(s)
  local i = 0
  return function() i = i + 1; if i <= #s then return i, s:sub(i, i) end end
end
for i, c in chars("hey") do io.write(i, c, " ") end print()
-- iterator returning more values than variables and fewer
for a, b, c, d in function(_, x) if not x then return 1, 2 end end do print(a, b, c, d) end
-- string.gmatch as iterator
for w in ("one two  three"):gmatch("%a+") do io.write("[", w, "]") end print()
-- ipairs stops at first nil; ipairs over string-keyed-only table
for i, v in ipairs({n = 3}) do print("never") end
-- modifying existing fields during traversal is allowed
local m = {a = 1, b = 2, c = 3}
for k in pairs(m) do m[k] = nil end
print(next(m))
-- nested loops and break
for i = 1, 3 do
  for j in ipairs({1, 2, 3}) do
    if j == 2 then break end
    io.write(i, j, " ")
  end
end
print()
-- __call iterator object
local iter = setmetatable({}, {__call = function(self, s, c) if c < 3 then return c + 1 end end})
for i in iter, nil, 0 do io.write(i, " ") end print()
print(pcall(function() for k in 42 do end end))
-- ipairs on a table with __index (LuaJIT ipairs respects __index? check)
local proxy = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * 2 end end})
local got = {}
for i, v in ipairs(proxy) do got[#got+1] = v end
print(#got, table.concat(got, ","))
