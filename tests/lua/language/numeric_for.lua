-- Numeric for loops: integer, float and negative steps, edge bounds, loop variable copies.
local function run(a, b, c)
  local out = {}
  if c then for i = a, b, c do out[#out+1] = i; if #out > 20 then break end end
  else for i = a, b do out[#out+1] = i; if #out > 20 then break end end end
  print(a, b, c, "->", #out, table.concat(out, ","))
end
run(1, 5); run(5, 1); run(1, 1); run(5, 1, -1); run(1, 5, 2); run(1, 6, 2)
run(0, 1, 0.25); run(1, 0, -0.25); run(0, 1, 0.1); run(1, 2, 0.3)
run(-3, 3, 1.5); run(10, 1, -3); run(1, 3, 100); run(1.5, 4); run(0.1, 0.35, 0.05)
run(1, math.huge, 2^52); run(-1, -math.huge, -2^60)
run(1, 0/0); run(0/0, 1); run(1, 3, 1/0)
-- modifying the loop variable does not affect iteration
local n = 0
for i = 1, 5 do i = i * 10; n = n + i end
print(n)
-- bounds evaluated once
local calls = 0
local function lim() calls = calls + 1; return 3 end
for i = 1, lim() do end
print(calls)
-- closures capture a fresh variable per iteration
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
-- string bounds are coerced
for i = "1", "3" do io.write(i, " ") end print()
print(pcall(function() for i = 1, {} do end end))
print(pcall(function() for i = nil, 2 do end end))
print(pcall(function() for i = 1, 2, "x" do end end))
-- step 0: LuaJIT loops forever for 1,2,0; guard with a counter
local k = 0
for i = 1, 2, 0 do k = k + 1; if k == 5 then break end end
print("step0", k)
local k2 = 0
for i = 2, 1, 0 do k2 = k2 + 1; if k2 == 5 then break end end
print("step0 rev", k2)
