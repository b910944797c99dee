-- Integer arguments of select and unpack beyond int32 become what x86-64's
-- conversion gives, INT_MIN (as in LuaJIT there; ARM64 saturates instead,
-- see arm64-skip.list): select(2^31) is out of range, unpack(t, 1, 2^31)
-- returns nothing.
local function show(...)
  local t = { n = select("#", ...) }
  for i = 1, math.min(t.n, 4) do t[i] = tostring((select(i, ...))) end
  return table.concat(t, ",") .. " (" .. t.n .. ")"
end
for _, i in ipairs { 2^31, -2^31, 2^32, 2^32 + 2, -2^32, 1e300, -1e300, 0/0, 1/0, -1/0, "2147483648" } do
  print(tostring(i), show(pcall(select, i, "a", "b", "c")))
end
print(show(pcall(unpack, {}, 1, 2^31)))
print(show(pcall(unpack, {}, -2^31, 2^31)))
print(show(pcall(unpack, { 1, 2, 3 }, 2^32 + 1, 2^32 + 3)))
print(show(pcall(unpack, {}, 2^31 - 5, 2^31 + 5)))
