-- tostring of numbers across magnitudes (LuaJIT uses %.14g semantics).
local vals = {0, 1, -1, 0.1, 0.5, 1/3, 2/3, 10, 100, 1e5, 1e10, 1e14, 1e15, 123456789012345, 1234567890123456,
  1e16, 1e17, 1e20, 1e21, 1e100, 1e300, 1e-1, 1e-4, 1e-5, 1e-10, 1e-300, 3.14159265358979, 2^24, 2^31 - 1,
  2^32 + 0.5, 2^53 - 1, -2^53, 0.1 + 0.7, 99.99999999999999, 5e-324, 2.2250738585072014e-308, 1.5e-7, 123.456e2}
for _, v in ipairs(vals) do io.write(tostring(v), " ") end print()
for i = -20, 20 do io.write(tostring(10 ^ i), " ") end print()
for i = 1, 20 do io.write(tostring(1 / i), " ") end print()
print(255 .. "", -255 .. "", 0.25 .. "", (1e15 + 0.3) .. "")
