-- Expressions on constants must give the same results as at run time (folding must not change semantics).
local function rt(a, b, op)
  if op == "+" then return a + b elseif op == "-" then return a - b elseif op == "*" then return a * b
  elseif op == "/" then return a / b elseif op == "%" then return a % b else return a ^ b end
end
local function s(x) if x ~= x then return "nan" end if x == 0 and 1/x < 0 then return "-0" end return tostring(x) end
print(s(1/0), s(-1/0), s(0/0), s(-0), s(0 * -1), s(-0 + 0), s(2^53 + 1), s(1e308 * 10))
print(s(5 % 0), s(-5 % 0), s(5 % -0), s(0 % 0), s(1 % 0.5), s(-7 % 2), s(7 % -2))
print(s(-(0)), s(-(-0)), s(0 - 0), s(-0 - 0), s(- 0 * 1))
local a, z = 5, 0
print(s(a / z), s(-a / z), s(z / z), s(a % z), s(z * -1))
for _, op in ipairs({"+", "-", "*", "/", "%", "^"}) do
  local folded = loadstring("return 7 " .. op .. " 2, (-7) " .. op .. " 2, 2 " .. op .. " -0.5, 0 " .. op .. " 0")
  local f1, f2, f3, f4 = folded()
  print(op, s(f1) == s(rt(7, 2, op)), s(f2) == s(rt(-7, 2, op)), s(f3) == s(rt(2, -0.5, op)), s(f4) == s(rt(0, 0, op)))
end
print("10" + 0, "0x10" * 1, "1e1" - 0, -"-0", "3" ^ "2", #"abc" .. "", not nil == true)
print(1 == 1.0, "1" == 1, 0.1 + 0.2 == 0.3, 2^63 == 2^63 + 1, -0 == 0)
