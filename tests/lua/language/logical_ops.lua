-- and/or/not: short-circuit, value results, truthiness.
print(nil and 1, false and 1, 0 and 1, "" and 1, 1 and nil)
print(nil or 1, false or nil, 0 or 1, nil or false, false or false)
print(not nil, not false, not 0, not "", not not nil, not {})
local calls = 0
local function f(v) calls = calls + 1; return v end
local r = f(false) and f(1)
print(r, calls)
r = f(1) or f(2)
print(r, calls)
print(1 and 2 or 3, nil and 2 or 3, false or nil and 1, 1 or error("no"))
print((nil or false) == false, (false and nil) == false)
local x = 5
print(x > 3 and "big" or "small", x > 10 and "big" or "small")
print(x == 5 and nil or "fallback")
-- comparisons produce booleans
print(1 < 2, type(1 == 1), not (1 == 2))
-- conditions in if/elseif chains
local function classify(v)
  if v == nil then return "nil" elseif v == false then return "false"
  elseif type(v) == "number" and v ~= v then return "nan"
  elseif v then return "truthy" else return "?" end
end
print(classify(nil), classify(false), classify(0/0), classify(0), classify(""))
-- comparison with constants on both sides (exercises ISEQ* variants)
local s, n, b = "str", 42, true
print(s == "str", s ~= "str", n == 42, n ~= 42, b == true, b ~= false, s == nil, nil == s)
print("str" == s, 42 == n, true == b, n == "42", s == 42)
