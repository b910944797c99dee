-- Instruction selection and register allocation for the syntax of today's
-- LuaJIT 2.1 (compiled and listed, not run): each function exercises one
-- path of the bytecode emitter.
local a, b, c = ...
local t = {}
local function bits(x, y)
  local r1 = x & y; local r2 = x | 1; local r3 = 2 ~ y; local r4 = ~x
  local r5 = x << y; local r6 = x >> 3; local r7 = x ~>> y; local r8 = (x & y) | (x ~ y)
  return r1, r2, r3, r4, r5, r6, r7, r8, ~~x, ~(x + 1), x & 0xffffffff, t.k & t[1], x & t.k
end
local function folds()
  return 5 & 3, 1 << 40, -1 >> 1, ~0, 2^31 | 0, 0x7fffffff + 1 & -1, 1.5 & 1, ~7.5, 1LL & 1, ~1LL
end
local function logic(x, y)
  if !x && y != 1 || !(x ~= y) then return x && y || 1 end
  return !x, x && y, x || y, x != y
end
local function cond(x, y, z)
  local v = x ? y : z
  local w = x ? (y ? 1 : 2) : z ? 3 : 4
  t.f = x ? y + 1 : z - 1
  t[x ? 1 : 2] = y ? z : x
  return v, w, x > y ? "gt" : "le", (x ? y : z)(1), f(x ? y : z, x ? 1 : 2)
end
local function nav(x, k)
  local v1 = x?.a
  local v2 = x?.a?.b
  local v3 = x?.[k]
  local v4 = x?.f(1)
  local v5 = x?.f?.(2)
  local v6 = x?.:m(3)
  local v7 = x:m?.(4)
  local p, q, r = x?.g()
  x?.h()
  x?.a.b = 5
  x?.n += 1
  return v1, v2, v3, v4, v5, v6, v7, p, q, r, x?.a.b.c, x?.t()
end
local function coal(x, y, z)
  local v = x ?? y
  local w = x ?? y ?? z
  t.k = x ?? 1
  return v, w, x ?? y + 1, (x ?? y) + 1, x or y ?? z, x ?? (y or z), x ?? y == z
end
local function compound(x, y, k)
  x += 1; x -= y; x *= 2; x /= y; x %= 3; x &= 0xff; x |= y; x ~= 1; x <<= 2; x >>= 1; x ~>>= y
  local s = "" s ..= x s ..= y .. "z"
  t.n += 1; t[k] -= y; t[1] *= 2; t[300] ..= "x"; t["a long key that is not short"] += 1
  G = 1 G += 2 G ..= "x"
  a += 1
  return x, s
end
local function loops(n)
  for i = 1, n do if i & 1 == 0 then continue end f(i) end
  for k, v in pairs(t) do if !v then continue end f(k) end
  for k, v in next, t do if v then continue end end
  local i = 0
  while i < n do i += 1 if i == 3 then continue end f(i) end
  repeat local j = n if j then continue end f(j) until j
  for i = 1, n do local u = i f(|| -> u) if i then continue end end
  while n do local u = n f(|| -> u) if u then continue end end
  repeat local u = n f(|| -> u) if u then continue end until u
  for i = 1, 2 do for j = 1, 2 do if j then continue end end continue end
end
local function consts()
  const x, y = 1, 2
  const function g() return x + y end
  const z = g
  local function h() return x, z end
  return x, y, g(), h()
end
local short1 = |p, q| -> p + q
local short2 = p -> p * 2
local short3 = || -> do return 1, 2 end
local short4 = |...| -> select("#", ...)
local short5 = p -> q -> p .. q
local short6 = || -> f()
local short7 = |p| -> p ? p : ||-> p
local numbers = 1_000_000 + 0x_ff + 1_0.5
return bits, folds, logic, cond, nav, coal, compound, loops, consts, short1, short2, short3,
  short4, short5, short6, short7, numbers
