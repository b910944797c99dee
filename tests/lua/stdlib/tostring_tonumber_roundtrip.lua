-- tonumber(tostring(x)) round trips within %.14g precision; tonumber parses what the lexer parses.
local vals = {0, 1, -1, 0.5, 1e100, -1e-100, 123.25, 2^40, 1/0, -1/0}
for _, v in ipairs(vals) do io.write(tostring(tonumber(tostring(v)) == v), " ") end print()
print(tonumber(tostring(1/3)) == 1/3, tostring(tonumber(tostring(1/3))))
local strs = {"0", "-0", "1e2", "1E-2", "0x1F", "0X1f", ".5", "5.", "0x.8", "0x8p1", "  7  ", "\t8\n", "1e", "e1", "0x", "1 2", "--1", "- 1", "+1", "inf", "nan", "1.5.2", "0b11", "१"}
for _, s in ipairs(strs) do io.write(string.format("%q", s), "=", tostring(tonumber(s)), " ") end print()
for _, base in ipairs({2, 8, 10, 16, 36}) do
  io.write(base, ":", tostring(tonumber("101", base)), ",", tostring(tonumber("zz", base)), ",", tostring(tonumber("-11", base)), " ")
end
print()
print(tonumber("1e308"), tonumber("1e309"), tonumber("-1e309"), tonumber("4.9e-324"), tonumber("1e-400"))
