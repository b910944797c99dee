-- lpeg (Debian's lua-lpeg, a C module) loaded with require: matching,
-- captures, substitutions, grammars, errors.
local lpeg = require("lpeg")
local P, R, S, C, Ct, Cs, Cc, V = lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Ct, lpeg.Cs, lpeg.Cc, lpeg.V
print("version", type(lpeg.version()))

-- plain matching
print("match", P("ab"):match("abc"), P("ab"):match("xab"), (P(1)^0):match("hello"))

-- captures
local digit = R("09")
local number = C(digit^1) / tonumber
local list = Ct(number * ("," * number)^0)
local t = list:match("10,20,300")
print("list", #t, t[1], t[2], t[3])

local name = C(R("az", "AZ")^1)
local pair = name * "=" * C((1 - S(";"))^0)
local kv = Ct((Ct(pair) * P(";")^-1)^0)
for _, p in ipairs(kv:match("a=1;bb=two;c=")) do print("pair", p[1], "[" .. p[2] .. "]") end

-- substitutions
local vowel = S("aeiou")
print("subst", Cs((vowel / string.upper + 1)^0):match("substitution"))
local function gsub(s, patt, repl)
  patt = P(patt)
  return Cs((patt / repl + 1)^0):match(s)
end
print("gsub", gsub("hello world, hello lpeg", "hello", "bye"))

-- a grammar: balanced parentheses and arithmetic
local balanced = P({ "(" * ((1 - S("()")) + V(1))^0 * ")" })
print("balanced", balanced:match("(a(b)c)d"), balanced:match("(a(b c"))

local space = S(" ")^0
local function sym(c) return space * P(c) * space end
local expr = P({
  "Exp",
  Exp = Ct(V("Term") * (C(S("+-")) * V("Term"))^0),
  Term = Ct(V("Factor") * (C(S("*/")) * V("Factor"))^0),
  Factor = space * number * space + sym("(") * V("Exp") * sym(")"),
})
local function eval(x)
  if type(x) == "number" then return x end
  local acc = eval(x[1])
  for i = 2, #x, 2 do
    local op, v = x[i], eval(x[i + 1])
    if op == "+" then acc = acc + v elseif op == "-" then acc = acc - v
    elseif op == "*" then acc = acc * v else acc = acc / v end
  end
  return acc
end
print("eval", eval(expr:match("2 * (3 + 4) - 10 / 5")))

-- position and constant captures, back references via Cmt
print("pos", (P("a")^0 * lpeg.Cp()):match("aaab"), (Cc("x", "y") * P(1)):match("z"))
local upto = lpeg.Cmt(P(1), function(s, i, c) return c == "q" and i or nil end)
print("cmt", upto:match("q"), upto:match("r"))

-- errors raised by lpeg itself
print("err", pcall(lpeg.P, {}))
print("err2", (select(2, pcall(function() return P(1) + {} end)) ~= nil))
print("re", pcall(require, "re") and require("re").match("abc", "{[a-c]+}"))
