-- while and repeat loops; repeat's until sees the body's locals.
local i = 0
while i < 5 do i = i + 1 end
print(i)
while false do error("no") end
local n = 0
repeat local done = n >= 3; n = n + 1 until done
print(n)
local fs = {}
local k = 0
repeat
  local j = k
  fs[#fs+1] = function() return j end
  k = k + 1
until j >= 2
print(#fs, fs[1](), fs[2](), fs[3]())
-- break in while and repeat
local c = 0
while true do c = c + 1; if c == 7 then break end end
print(c)
repeat c = c - 1; if c == 3 then break end until false
print(c)
-- nested loops with break only leaving innermost
local out = {}
for a = 1, 3 do
  local b = 0
  while true do
    b = b + 1
    if b > a then break end
    out[#out+1] = a .. b
  end
end
print(table.concat(out, " "))
-- condition evaluated each time
local x = 10
local evals = 0
while (function() evals = evals + 1; return x > 0 end)() do x = x - 3 end
print(x, evals)
