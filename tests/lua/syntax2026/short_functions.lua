-- Short function expressions: |a, b| -> expr, x -> expr, || -> expr, and
-- -> do ... end bodies. The expression body returns one value.
local add = |a, b| -> a + b
local double = x -> x * 2
local const_fn = || -> 42
print(add(1, 2), double(21), const_fn())
-- Nested short functions and currying.
local curry = a -> b -> c -> a * 100 + b * 10 + c
print(curry(1)(2)(3))
local compose = |f, g| -> x -> f(g(x))
print(compose(double, x -> x + 1)(5))
-- Bodies with statements.
local clamp = |v, lo, hi| -> do
  if v < lo then return lo end
  if v > hi then return hi end
  return v
end
print(clamp(-5, 0, 10), clamp(50, 0, 10), clamp(5, 0, 10))
local pair = || -> do return 1, 2 end
print(pair())
-- The expression body is a single expression: a comma ends it.
local t = { x -> x + 1, || -> "b", 3 }
print(#t, t[1](1), t[2](), t[3])
print(select("#", (|| -> 1)()), (x -> x)(7, 8))
-- Multiple results of a call in the body are all returned (a tail call).
local function three() return 1, 2, 3 end
local tail = || -> three()
print(tail())
local paren = || -> (three())
print(paren())
-- Varargs.
local count = |...| -> select("#", ...)
local first = |...| -> ...
local pack = |...| -> { ... }
print(count(1, nil, 3), first(4, 5, 6), #pack(1, 2, 3))
-- Upvalues and closures.
local counter = 0
local inc = || -> do counter += 1 return counter end
inc() inc()
print(inc(), counter)
local makers = {}
for i = 1, 3 do makers[i] = || -> i * 10 end
print(makers[1](), makers[2](), makers[3]())
-- With the other new operators in the body.
local describe = n -> n ?? "nil" .. ""
local parity = n -> n & 1 == 0 ? "even" : "odd"
local safe_len = s -> s?.len?.(s) ?? 0
print(describe(nil), describe(5), parity(4), parity(7), safe_len("abc"), safe_len(nil))
-- Higher-order use.
local function map(tab, f)
  local r = {}
  for i, v in ipairs(tab) do r[i] = f(v) end
  return r
end
print(table.concat(map({ 1, 2, 3 }, x -> x * x), ","))
table.sort(makers, |a, b| -> a() > b())
print(makers[1]())
-- Parameters may be goto, const and continue (soft keywords).
local soft = |goto, const, continue| -> goto + const + continue
print(soft(1, 2, 3))
-- A method call in the body of a ternary's true branch stops at the colon.
local obj = { v = 9, get = function(self) return self.v end }
local getter = true and (|| -> obj:get()) or nil
print(getter())
-- Short functions are ordinary functions.
print(type(add), debug.getinfo(add, "S").what, debug.getinfo(add, "u").nparams)
print(debug.getinfo(count, "u").isvararg, debug.getinfo(double, "S").linedefined)
-- Recursion through an upvalue.
local fact
fact = n -> n <= 1 ? 1 : n * fact(n - 1)
print(fact(10))
