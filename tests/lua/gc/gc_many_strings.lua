-- Many temporary strings: interning stays consistent across collections.
local keep = {}
for i = 1, 5000 do
  local s = "str" .. i
  if i % 500 == 0 then keep[#keep+1] = s end
end
collectgarbage(); collectgarbage()
for i = 1, 5000 do local s = "str" .. i end
local ok = true
for j, s in ipairs(keep) do if s ~= "str" .. (j * 500) then ok = false end end
print(#keep, ok)
local t = {}
for i = 1, 1000 do t["key" .. i] = i end
collectgarbage()
local sum = 0
for i = 1, 1000 do sum = sum + t["key" .. i] end
print(sum)
local long = {}
for i = 1, 50 do long[i] = ("x"):rep(1000 + i) end
collectgarbage()
local total = 0
for i = 1, 50 do total = total + #long[i] end
print(total, long[10] == ("x"):rep(1010))
