-- Allocation-heavy workload whose results must not depend on collection timing.
local t = {}
for i = 1, 2000 do t[i] = {i, tostring(i), {i * 2}} end
local s = 0
for i = 1, #t do s = s + t[i][1] + #t[i][2] + t[i][3][1] end
print(s)
local strs = {}
for i = 1, 500 do strs[#strs+1] = ("x"):rep(i % 17) .. i end
print(#table.concat(strs))
local function tree(d) if d == 0 then return {} end return {tree(d - 1), tree(d - 1)} end
local function nodes(n) if not n[1] then return 1 end return 1 + nodes(n[1]) + nodes(n[2]) end
print(nodes(tree(10)))
local cos = {}
for i = 1, 50 do cos[i] = coroutine.wrap(function(a) local b = coroutine.yield(a .. "x") return b .. "y" end) end
local out = {}
for i = 1, 50 do out[#out+1] = cos[i](i) end
for i = 1, 50 do out[#out+1] = cos[i](i) end
print(#table.concat(out))
local m = {}
for i = 1, 300 do m["k" .. i] = i end
for i = 1, 300, 2 do m["k" .. i] = nil end
local keys = 0
for k, v in pairs(m) do keys = keys + v end
print(keys)
collectgarbage()
print(nodes(tree(8)))
