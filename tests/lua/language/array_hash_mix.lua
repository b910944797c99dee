-- Mixed array/hash tables built in different orders behave identically (lookups, length of proper sequences).
local function build(order)
  local t = {}
  for _, k in ipairs(order) do t[k] = k * 10 end
  return t
end
local asc, desc, inter = {}, {}, {}
for i = 1, 64 do asc[i] = i; desc[i] = 65 - i end
for i = 1, 32 do inter[#inter+1] = i; inter[#inter+1] = 65 - i end
local ta, td, ti = build(asc), build(desc), build(inter)
local same = true
for i = 1, 64 do if ta[i] ~= td[i] or ta[i] ~= ti[i] then same = false end end
print(same, #ta, #td, #ti)
local sum = 0
for k, v in pairs(td) do sum = sum + k + v end
print(sum)
local t = {}
t[1] = 1; t[3] = 3; t[2] = 2; t.x = "x"; t[4] = 4
local keys = {}
for k in pairs(t) do keys[#keys+1] = tostring(k) end
table.sort(keys)
print(#t, table.concat(keys, " "))
local shrink = {}
for i = 1, 100 do shrink[i] = i end
for i = 100, 1, -1 do shrink[i] = nil end
print(#shrink, next(shrink))
for i = 1, 10 do shrink[i * 2] = i end
local c = 0
for _ in pairs(shrink) do c = c + 1 end
print(c, shrink[20])
