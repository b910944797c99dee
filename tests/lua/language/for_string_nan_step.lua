-- A `for` loop's direction follows the sign of its step; "nan" scans to
-- LuaJIT's negative NaN on every architecture, so such a loop counts down
-- (found by fuzz-diff). 0/0 is left out: its sign is the hardware's.
local function count(a, b, c)
  local n = 0
  for i = a, b, c do n = n + 1 if n > 3 then break end end
  return n
end
print(count(1, 3, "nan"), count(3, 1, "nan"), count("5.", "3", "nan"))
print(count(1, 3, tonumber("nan")), count(3, 1, tonumber("nan")), count(1, 3, "-nan"))
print(count(3, 1, tonumber(" -NaN ")), count(1, 3, "0x1p1"))
