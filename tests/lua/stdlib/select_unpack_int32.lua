-- select, unpack and string.byte read their integer arguments as LuaJIT's
-- libraries do: converted to int32 (2^31 and beyond become INT_MIN on
-- x86-64, see select_int32_x86.lua), and they return at most LUAI_MAXCSTACK (8000) values.
local function show(...)
  local t = { n = select("#", ...) }
  for i = 1, math.min(t.n, 4) do t[i] = tostring((select(i, ...))) end
  return table.concat(t, ",") .. " (" .. t.n .. ")"
end
for _, i in ipairs { 2^31 - 1, -2^31 + 1, 0, -1, -3, -4, 1, 3, 4, 5, 1.5, -1.5, 2.9, -0.5, "2", "-1", " 3 " } do
  print(tostring(i), show(pcall(select, i, "a", "b", "c")))
end
print(pcall(select))
print(pcall(select, nil))
print(pcall(select, {}))
print(pcall(select, "x", 1))
print(select("#"), select("#", nil, nil))

print(show(pcall(unpack, { 1, 2, 3 }, -1, 1)))
print(show(pcall(unpack, { 1, 2, 3 }, 2, "3")))
print(show(pcall(unpack, { 1, 2, 3 }, 1.9, 2.9)))
print(show(pcall(unpack, {}, 1, 7999)))
print(show(pcall(unpack, {}, 1, 8000)))
print(show(pcall(unpack, {}, 1, 1e6)))
print(show(pcall(unpack, {}, 2^31 - 1, 2^31 - 1)))
print(show(pcall(unpack, {}, -2^31 + 1, 2^31 - 1)))
print(show(unpack({ 1, nil, 3 })))
local t = {}
for k = 1, 7000 do t[k] = k end
print(select("#", unpack(t)), select(7000, unpack(t)))

print(select("#", string.byte(string.rep("x", 8000), 1, -1)))
print(show(pcall(string.byte, string.rep("x", 8001), 1, -1)))
print(select("#", string.byte("abc", -100, 100)), string.byte("abc", 0))
