-- Modulo and power corner cases: nan, inf, -0 and zero divisors.
local nan, inf = 0/0, math.huge
local function s(x)
  if x ~= x then return "nan" end
  if x == 0 then return 1/x < 0 and "-0" or "0" end
  return tostring(x)
end
local vals = {0, -0, 1, -1, 2.5, -2.5, inf, -inf, nan}
for _, a in ipairs(vals) do
  local row = {}
  for _, b in ipairs(vals) do row[#row+1] = s(a % b) end
  print("mod", s(a), table.concat(row, " "))
end
for _, a in ipairs(vals) do
  local row = {}
  for _, b in ipairs(vals) do row[#row+1] = s(a ^ b) end
  print("pow", s(a), table.concat(row, " "))
end
for _, a in ipairs(vals) do
  local row = {}
  for _, b in ipairs(vals) do row[#row+1] = s(a / b) end
  print("div", s(a), table.concat(row, " "))
end
print(s(-0 + 0), s(-0 - 0), s(0 * -1), s(-0 * -1), s(-(0)), s(-(-0)))
print(s(math.fmod(-6, 4)), s(-6 % 4), s(math.fmod(6, -4)), s(6 % -4))
