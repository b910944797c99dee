-- Tables that grow and shrink across collections keep every live entry.
local t = {}
for round = 1, 5 do
  for i = 1, 2000 do t[i] = {round, i} end
  for i = 1, 2000, 2 do t[i] = nil end
  collectgarbage("step", 100)
  local s = 0
  for i = 2, 2000, 2 do s = s + t[i][2] end
  io.write(s, " ")
end
print()
local h = {}
for i = 1, 3000 do h["k" .. i] = {i} end
for i = 1, 3000 do if i % 3 ~= 0 then h["k" .. i] = nil end end
collectgarbage()
local n, s = 0, 0
for k, v in pairs(h) do n = n + 1; s = s + v[1] end
print(n, s)
