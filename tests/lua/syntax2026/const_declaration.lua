-- const declarations: locals that cannot be assigned (checked at compile
-- time) or re-declared while in scope. A soft keyword.
const a = 10
const b, c = 20, a + 1
const function twice(x) return x * 2 end
print(a, b, c, twice(a))
const none
print(none)
const x, y = (function() return 1, 2, 3 end)()
print(x, y)
-- Captured by closures like any local.
local function get() return a + b end
print(get())
-- Shadowing by an inner const in a new scope after the outer one ended.
do const inner = 1 print(inner) end
do const inner = 2 print(inner) end
-- A const in a loop body gets a new value each iteration.
for i = 1, 3 do
  const sq = i * i
  io.write(sq, " ")
end
print()
-- Fields of a const table can be changed: only the variable is const.
const tab = { n = 1 }
tab.n = 2
tab.n += 1
print(tab.n)

-- Compile-time errors.
local function compile(src)
  local f, err = loadstring(src, "=c")
  print(f and "ok" or err)
end
compile("const a = 1; a = 2")
compile("const a = 1; a += 2")
compile("const a = 1; local function f() a = 3 end")
compile("const a = 1; local function f() return function() a ..= 'x' end end")
compile("const a = 1; local b; b, a = 1, 2")
compile("const f = 1; function f() end")
compile("const a = 1; local a = 2")
compile("const a = 1; do local a = 2 end")
compile("const a = 1; local function g(a) end")
compile("const a = 1; for a = 1, 2 do end")
compile("const a = 1; for k, a in pairs({}) do end")
compile("const a, a = 1, 2")
compile("local a = 1; const a = 2; a = 3")
compile("const self = 1; local t = {} function t:m() end")
compile("const a = 1; const function a() end")
compile("const a = 1; local f = |a| -> a")
compile("const a = 1; local f = a -> a")
compile("do const a = 1 end; a = 2; local a = 3")
compile("const a = 1; a.x = 2; a[1] = 3")
compile("const t = {}; t.a, t.b = 1, 2")
compile("const a = 1; const b = 2;\nlocal c\nc, b = 3, 4")
-- const as a name.
local const = 5
const = const + 1
local t = { const = const }
print(const, t.const)
function t.const() return "method" end
print(t.const())
local function f(const) return const end
print(f(7))
compile("const = 1")
compile("const.x = 1")
compile("const()")
compile("const, z = 1, 2")
compile("const 1")
