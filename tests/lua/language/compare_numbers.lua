-- Numeric comparisons including nan, inf, -0 and mixed integer/float values.
local nan, inf = 0/0, math.huge
local vals = {0, -0, 1, -1, 0.5, 1e308, -1e308, inf, -inf, nan, 2^53, 2^53+1, 3}
local names = {"0", "-0", "1", "-1", "0.5", "1e308", "-1e308", "inf", "-inf", "nan", "2^53", "2^53+1", "3"}
for i = 1, #vals do
  local row = {}
  for j = 1, #vals do
    local a, b = vals[i], vals[j]
    row[#row+1] = (a < b and "<" or "") .. (a <= b and "l" or "") .. (a == b and "=" or "") ..
      (a ~= b and "~" or "") .. (a > b and ">" or "") .. (a >= b and "g" or "")
  end
  print(names[i], table.concat(row, " "))
end
-- not (a < b) is not the same as a >= b for nan
print(not (nan < 1), nan >= 1, not (nan > 1), nan <= 1)
local x = nan
print(x == x, x ~= x, rawequal(x, x))
print(-0 == 0, 1/-0, 1/0, tostring(-0), tostring(0*-1))
