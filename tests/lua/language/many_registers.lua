-- Functions with many live temporaries, long argument lists and wide table constructors.
local function sum(...) local s = 0 for i = 1, select('#', ...) do s = s + select(i, ...) end return s end
print(sum(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40))
local args = {}
for i = 1, 200 do args[i] = tostring(i) end
local src = "local f = ... return f(" .. table.concat(args, ",") .. ")"
print(loadstring(src)(sum))
local wide = "return {" .. table.concat(args, ",") .. "}"
print(#loadstring(wide)())
local expr = {}
for i = 1, 100 do expr[#expr+1] = "(a" .. (i % 5) .. " * " .. i .. ")" end
local src2 = "local a0, a1, a2, a3, a4 = 1, 2, 3, 4, 5 return " .. table.concat(expr, " + ")
print(loadstring(src2)())
local nested = "return " .. ("f("):rep(100) .. "1" .. (")"):rep(100)
local env = {f = function(x) return x + 1 end}
local g = loadstring(nested)
setfenv(g, env)
print(g())
