-- table.sort on many sizes and orders: results sorted and a permutation of the input.
local function lcg(seed) return function() seed = (seed * 1103515245 + 12345) % 2147483648; return seed end end
local rand = lcg(12345)
local function check(n, gen, cmp)
  local t, count = {}, {}
  for i = 1, n do local v = gen(i); t[i] = v; count[v] = (count[v] or 0) + 1 end
  table.sort(t, cmp)
  local ok = true
  for i = 2, n do if (cmp and cmp(t[i], t[i - 1])) or (not cmp and t[i] < t[i - 1]) then ok = false end end
  for i = 1, n do count[t[i]] = count[t[i]] - 1 end
  for _, c in pairs(count) do if c ~= 0 then ok = false end end
  return ok
end
local res = {}
for _, n in ipairs({0, 1, 2, 3, 5, 10, 100, 1000, 5000}) do
  res[#res+1] = n .. ":" .. tostring(check(n, function() return rand() % 100 end))
  res[#res+1] = tostring(check(n, function(i) return i end))
  res[#res+1] = tostring(check(n, function(i) return -i end))
  res[#res+1] = tostring(check(n, function() return 7 end))
  res[#res+1] = tostring(check(n, function() return rand() % 1000 end, function(a, b) return a > b end))
  res[#res+1] = tostring(check(n, function(i) return "s" .. (rand() % 50) end))
end
print(table.concat(res, " "))
