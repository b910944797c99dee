-- Every opcode the parser emits, in small functions.
local a, b, c = 1, 2, 3
local s, t = "str", {}

local function compares(x, y)
  if x < y then a = 1 end
  if x >= y then a = 2 end
  if x <= y then a = 3 end
  if x > y then a = 4 end
  if not (x < y) then a = 5 end
  if not (x <= y) then a = 6 end
  if x == y then a = 7 end
  if x ~= y then a = 8 end
  if x == "k" then a = 9 end
  if x ~= "k" then a = 10 end
  if x == 42 then a = 11 end
  if x ~= 42 then a = 12 end
  if x == 0.5 then a = 11 end
  if x == nil then a = 13 end
  if x ~= nil then a = 14 end
  if x == true then a = 15 end
  if x ~= false then a = 16 end
  if "k" == x then a = 17 end
  if 3 < x then a = 18 end
  if x < 3 then a = 19 end
  if x then a = 20 end
  if not x then a = 21 end
  local z = x and y
  local w = x or y
  local v = x and 1 or 2
  local u = not x
  return z, w, v, u, x == y, x < y
end

local function arith(x, y)
  local r = {}
  r[1] = x + 1; r[2] = x - 1; r[3] = x * 2; r[4] = x / 2; r[5] = x % 3
  r[6] = 1 + x; r[7] = 1 - x; r[8] = 2 * x; r[9] = 2 / x; r[10] = 3 % x
  r[11] = x + y; r[12] = x - y; r[13] = x * y; r[14] = x / y; r[15] = x % y
  r[16] = x ^ y; r[17] = x ^ 2; r[18] = 2 ^ x
  r[19] = x .. y; r[20] = x .. y .. "z" .. 1
  r[21] = -x; r[22] = #x; r[23] = not x
  r[24] = x + 0.25; r[25] = x - 1e10; r[26] = x * -3
  return r
end

local function consts()
  local k1, k2, k3, k4 = 0, -1, 32767, -32768
  local k5, k6, k7 = 32768, -32769, 65536
  local k8, k9, k10 = 2147483647, -2147483648, 2147483648
  local k11, k12, k13 = 0.5, -0.5, 1e300
  local k14, k15, k16 = 1/0, -1/0, 2^53
  local k17, k18 = 123456789012, 0.1
  local n1, n2, n3 = nil, true, false
  local n4, n5, n6, n7
  return k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, k16, k17, k18, n1, n2, n3, n4, n5, n6, n7
end

local function upvalues()
  local function set(v) a = v; s = "x"; b = 5; c = nil; t = true; c = false end
  local function get() return a, s, b, c, t end
  return set, get
end

local function tables(k, v, ...)
  local t1 = {}
  local t2 = {1, 2, 3}
  local t3 = {x = 1, y = "two", [3] = true}
  local t4 = {k, v, k = v}
  t1[k] = v; t1.name = v; t1[1] = v; t1[300] = v; t1[-1] = v; t1[0.5] = v
  t1.f = 1; t1[k] = "s"; t1[2] = true
  local g1 = t1[k]; local g2 = t1.name; local g3 = t1[7]; local g4 = t1[1000]
  glob = t1.name
  glob2 = nil
  return t1, t2, t3, t4, g1, g2, g3, g4, {f()}, {1, 2, f()}, {k, ...}
end

local function calls(f, ...)
  f()
  f(1, 2)
  local x, y = f(3)
  f(f())
  f(...)
  local o = {}
  o:m(1)
  o.m(o, 2)
  print(select("#", ...), ...)
  local va, vb = ...
  return f(x, y, va, vb)
end

local function tail(f, ...) return f(...) end
local function tail2(f) return f(1) end
local function ret0() return end
local function ret1(x) return x end
local function retn(x, y) return x, y end
local function retm(...) return 1, ... end

local function loops(n, t)
  local sum = 0
  for i = 1, n do sum = sum + i end
  for i = n, 1, -1 do sum = sum - i end
  for i = 1, n, 0.5 do sum = sum + i end
  for k, v in pairs(t) do sum = sum + v end
  for i, v in ipairs(t) do sum = sum + v end
  for k, v in next, t do sum = sum + v end
  for a, b, c in f, t, 1 do sum = sum + a end
  while sum > 0 do sum = sum - 1 end
  repeat sum = sum + 1 until sum > 10
  while true do if sum then break end end
  for i = 1, 3 do
    local captured = i
    t[i] = function() return captured end
  end
  return sum
end

local function gotos(x)
  ::top::
  x = x - 1
  if x > 0 then goto top end
  for i = 1, 3 do
    for j = 1, 3 do
      if j == 2 then goto continue end
      x = x + j
      ::continue::
    end
  end
  do
    local y = x
    local function cl() return y end
    if x then goto out end
  end
  ::out::
  return x
end

return compares, arith, consts, upvalues, tables, calls, tail, tail2, ret0, ret1, retn, retm, loops, gotos
