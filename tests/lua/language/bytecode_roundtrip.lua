-- string.dump and reloading: behaviour of the loaded function equals the original; upvalues become nil.
local function check(name, f, ...)
  local d = string.dump(f)
  local g = assert(loadstring(d, "=" .. name))
  local r1 = {pcall(f, ...)}
  local r2 = {pcall(g, ...)}
  local same = #r1 == #r2
  for i = 1, #r1 do if tostring(r1[i]) ~= tostring(r2[i]) then same = same and type(r1[i]) == "string" end end
  print(name, same, select(2, pcall(g, ...)))
end
check("arith", function(a, b) return a + b * 2 - a / b, a % b, a ^ 2 end, 7, 3)
check("strings", function(s) return s:upper() .. #s .. ("x"):rep(3) end, "abc")
check("loops", function(n) local t = {} for i = 1, n do t[#t+1] = i * i end return table.concat(t, ",") end, 6)
check("closures", function() local c = 0 local function inc() c = c + 1 return c end inc() inc() return inc() end)
check("varargs", function(...) return select('#', ...), ... end, 1, nil, 3)
check("tables", function() local t = {a = 1, b = {c = "d"}, 1.5, -0, "s", true} return t.b.c, t[1], t[4], #t end)
check("goto", function() local i = 0 ::top:: i = i + 1 if i < 5 then goto top end return i end)
check("constants", function() return 1e300, -1e-300, 2^53, "long string " .. ("z"):rep(50), 0x7fffffff end)
check("nested", function(x) local function f(y) return function(z) return x + y + z end end return f(1)(2) end, 10)
local up = "upvalue"
local function usesup() return up end
local re = loadstring(string.dump(usesup))
print(pcall(re))
print(#string.dump(function() end) > 0, string.dump(function() end):byte(1) == 27)
local stripped = string.dump(function(a) local x = a return x.y end, true)
print(pcall(loadstring(stripped), nil))
local full = string.dump(function(a) local x = a return x.y end)
print(pcall(loadstring(full, "=full"), nil))
print(loadstring(string.dump(function() return 1 end):sub(1, 10)))
