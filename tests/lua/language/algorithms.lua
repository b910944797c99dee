-- Small algorithms exercising loops, tables and arithmetic together.
local function sieve(n)
  local is, primes = {}, {}
  for i = 2, n do is[i] = true end
  for i = 2, n do if is[i] then primes[#primes+1] = i; for j = i * i, n, i do is[j] = false end end end
  return primes
end
local p = sieve(10000)
print(#p, p[#p], p[100])
local function collatz(n) local steps = 0 while n ~= 1 do if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end steps = steps + 1 end return steps end
local best, arg = 0, 0
for i = 1, 30000 do local s = collatz(i) if s > best then best, arg = s, i end end
print(best, arg)
local function gcd(a, b) while b ~= 0 do a, b = b, a % b end return a end
print(gcd(1071, 462), gcd(2^40, 6^20), gcd(17, 5))
local function queens(n)
  local count, cols, d1, d2 = 0, {}, {}, {}
  local function place(r)
    if r > n then count = count + 1 return end
    for c = 1, n do
      if not cols[c] and not d1[r + c] and not d2[r - c + n] then
        cols[c], d1[r + c], d2[r - c + n] = true, true, true
        place(r + 1)
        cols[c], d1[r + c], d2[r - c + n] = nil, nil, nil
      end
    end
  end
  place(1)
  return count
end
print(queens(8))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog the end"):gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
local list = {}
for w, c in pairs(words) do list[#list+1] = {w, c} end
table.sort(list, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
local out = {}
for i = 1, #list do out[i] = list[i][1] .. "=" .. list[i][2] end
print(table.concat(out, " "))
local function matmul(a, b, n)
  local c = {}
  for i = 1, n do c[i] = {} for j = 1, n do local s = 0 for k = 1, n do s = s + a[i][k] * b[k][j] end c[i][j] = s end end
  return c
end
local m = {}
for i = 1, 20 do m[i] = {} for j = 1, 20 do m[i][j] = (i + j) % 7 - 3 end end
local r = matmul(m, m, 20)
local tr = 0
for i = 1, 20 do tr = tr + r[i][i] end
print(tr, r[1][1], r[20][20])
