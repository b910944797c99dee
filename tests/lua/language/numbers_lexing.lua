-- Number literals: hex, hex floats, exponents, and malformed numbers.
print(0x10, 0xff, 0XFF, 0xA.8p0, 0x.1p4, 0x1p-1, 0x1P+2, 0x10p0)
print(1e2, 1E2, 1e+2, 1e-2, .5, 5., 3.14159, 0.0, 1e0)
print(0xffffffff, 0x7fffffffffffffff, 0x1p63, 0x1p64, 0xffffffffffffffffff)
print(9007199254740993, 1e309, -1e309, 2.5e-310)
for _, src in ipairs({"return 0x", "return 1e", "return 3..", "return 0xg", "return 1.2.3", "return 1e+", "return 0x1p", "return 1x", "return 0b101", "return 1..2"}) do
  local f, e = loadstring(src); print(src, f and f() or e)
end
print(loadstring("return 08")(), loadstring("return 1 .. 2")())
print(tonumber("0x1.8p1"), tonumber("  10  "), tonumber("10a"), tonumber(""), tonumber(" "))
print(tonumber("1e500"), tonumber("-0"), tonumber("+5"), tonumber("- 5"), tonumber("0x-1"))
print(tonumber("10", 2), tonumber("ff", 16), tonumber("zz", 36), tonumber("777", 8), tonumber("8", 8))
print(tonumber("-ff", 16), tonumber("1.5", 10), tonumber(" 11 ", 2), tonumber("11", 10.0))
print(pcall(tonumber, "10", 1), pcall(tonumber, "10", 37))
print(tonumber(nil), pcall(tonumber))
print(tonumber(12), tonumber("0x"), tonumber("1e1", 10), tonumber("z", 36))
print(math.pi, -math.pi, 1/3*3 == 1)
