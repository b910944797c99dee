-- Integer idioms on doubles: floor division, modulo identities, exact integer range, rounding.
local cases = {{7, 2}, {-7, 2}, {7, -2}, {-7, -2}, {6, 3}, {0, 5}, {5.5, 2}, {2^52, 3}}
for _, c in ipairs(cases) do
  local a, b = c[1], c[2]
  local q = math.floor(a / b)
  print(a, b, q, a % b, q * b + a % b == a)
end
print(2^53 - 1, 2^53, 2^53 + 1 == 2^53, 2^53 + 2)
local function round(x) return math.floor(x + 0.5) end
print(round(2.5), round(-2.5), round(0.49999999999999994), round(1e15 + 0.5))
print(math.floor(-0.5), math.ceil(-0.5), math.floor(0.5), math.ceil(0.5))
print(string.format("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, -0.5))
print(7 % 0.5, 2^31 % 7, -2^31 % 7, (2^32 - 1) % 256)
