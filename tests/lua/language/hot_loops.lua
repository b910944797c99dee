-- Long-running loops of the kinds a trace compiler specialises: results must not depend on how they run.
local s = 0
for i = 1, 1000000 do s = s + i end
print(s)
local f = 0
for i = 1, 100000 do f = f + i * 0.5 end
print(f)
local mixed = 0
for i = 1, 200000 do if i == 100000 then mixed = mixed + 0.5 end mixed = mixed + 1 end
print(mixed)
local t = {}
for i = 1, 100000 do t[i] = i * 2 end
local acc = 0
for i, v in ipairs(t) do acc = acc + v - i end
print(acc)
local h = {}
for i = 1, 1000 do h["k" .. (i % 100)] = (h["k" .. (i % 100)] or 0) + i end
local hs = 0
for k, v in pairs(h) do hs = hs + v end
print(hs)
local function add(a, b) return a + b end
local c = 0
for i = 1, 300000 do c = add(c, i % 7) end
print(c)
local w, n = 0, 0
while n < 100000 do n = n + 1; w = w + (n % 3 == 0 and 1 or -1) end
print(w)
local r = 0
repeat r = r + 1 until r * r > 1e9
print(r)
local str = {}
for i = 1, 10000 do str[#str+1] = string.char(97 + i % 26) end
print(#table.concat(str), table.concat(str):sub(1, 30))
local typeswitch = 0
local vals = {1, "2", 3.5, "x", true}
for i = 1, 50000 do
  local v = vals[i % 5 + 1]
  if type(v) == "number" then typeswitch = typeswitch + v elseif type(v) == "string" then typeswitch = typeswitch + #v end
end
print(typeswitch)
local nested = 0
for i = 1, 300 do for j = 1, 300 do nested = nested + (i * j) % 11 end end
print(nested)
local co = coroutine.wrap(function() for i = 1, 50000 do coroutine.yield(i) end end)
local cs = 0
for i = 1, 50000 do cs = cs + co() end
print(cs)
local bits = 0
for i = 1, 100000 do bits = bit.bxor(bits, bit.lshift(i, i % 16)) end
print(bits)
local fl = 1
for i = 1, 1000 do fl = fl * 1.001 end
print(string.format("%.10f", fl))
local up = 0
local function bump() up = up + 1 end
for i = 1, 100000 do bump() end
print(up)
