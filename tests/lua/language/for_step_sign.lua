-- The direction of a numeric for loop is decided by the sign bit of the step:
-- -0 counts down.
local function count(a, b, c) local n = 0 for i = a, b, c do n = n + 1 if n > 5 then break end end return n end
-- (NaN steps are left out: the sign of 0/0 differs between x86-64 and ARM64.)
print(count(1, 5, -0), count(5, 1, -0), count(1, 5, 0), count(5, 1, 0))
print(count(1, 0/0, 1), count(0/0, 5, 1), count(1, 1/0, 1), count(1, -1/0, -1), count(-0, 0, 1), count(0, -0, -1))
