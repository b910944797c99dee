-- Arithmetic operators on numbers.
print(1 + 2, 1 - 2, 2 * 3, 7 / 2, 7 % 3, 2 ^ 10)
print(-7 % 3, 7 % -3, -7 % -3, 7.5 % 2, -7.5 % 2, 7.5 % -2)
print(5.25 % 1, -5.25 % 1, 1e308 * 10, -1e308 * 10)
print(0/0 ~= 0/0, 1/0, -1/0)
print(2^0.5, 2^-1, (-2)^2, (-2)^3, 0^0, 0^-1, (-0)^-1)
print(1e15, 1e16, 123456789012345, 2^53, 2^63, 2^64, -2^63)
print(0.1, 1/3, -1/3, 100, 100.0, 1e100, 1e-100, 5e-324, 1.7976931348623157e308)
print(3 - -3, - - 3, -(-3), 2^3^2, -2^2, (2^3)^2)
print(1 + 2 * 3 - 4 / 2, (1 + 2) * 3, 7 % 4 * 2, 2 * 7 % 4)
print(math.huge - math.huge ~= math.huge - math.huge, math.huge + 1 == math.huge)
local a, b = 17, 5
print(a + b, a - b, a * b, a / b, a % b, a ^ 2, -a)
local x = 0.1 + 0.2
print(x == 0.3, x, string.format("%.17g", x))
print(1e300 * 1e300, -1e300 * 1e300, 1e-320 / 1e10)
print(2^31, 2^31 + 0.5, 2^32, -2^31, 4294967296 * 4294967296)
print(8 % 3.5, -8 % 3.5, 8 % -3.5, 5 % math.huge, -5 % math.huge)
