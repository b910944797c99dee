-- %g/%e/%f with every precision 0..17 on a set of awkward values.
local vals = {0.1, 2/3, 123456.789, 1e-5, 9.9999, 0.5, 1e21, 5e-324}
for _, v in ipairs(vals) do
  local g, e, f = {}, {}, {}
  for p = 0, 17 do
    g[#g+1] = string.format("%." .. p .. "g", v)
    e[#e+1] = string.format("%." .. p .. "e", v)
    if v < 1e10 then f[#f+1] = string.format("%." .. p .. "f", v) end
  end
  print(table.concat(g, " "))
  print(table.concat(e, " "))
  print(table.concat(f, " "))
end
print(string.format("%#g %#.3g %#x %#o %+.2e % .3f", 1, 2.5, 0, 0, 1234.5, 2))
