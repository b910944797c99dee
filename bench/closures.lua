-- Closure and upvalue heavy code: counters sharing upvalues, function
-- composition, memoisation, higher-order map/filter/fold, and closures created
-- inside loops (each capturing a fresh loop variable).
-- Usage: closures.lua SIZE [ITERATIONS]

local function make_counter(start)
  local count = start
  local function inc(n) count = count + n; return count end
  local function get() return count end
  local function reset() count = start end
  return inc, get, reset
end

local function compose(f, g) return function(x) return f(g(x)) end end

local function map(list, f)
  local out = {}
  for i = 1, #list do out[i] = f(list[i]) end
  return out
end

local function filter(list, pred)
  local out = {}
  for i = 1, #list do
    local v = list[i]
    if pred(v) then out[#out + 1] = v end
  end
  return out
end

local function fold(list, f, acc)
  for i = 1, #list do acc = f(acc, list[i]) end
  return acc
end

local function memoize(f)
  local cache = {}
  return function(n)
    local v = cache[n]
    if v == nil then v = f(n); cache[n] = v end
    return v
  end
end

local function run(rounds)
  local total = 0
  local inc, get, reset = make_counter(10)
  local add1 = function(x) return x + 1 end
  local double = function(x) return x * 2 end
  local pipeline = compose(add1, compose(double, add1))
  local fib
  fib = memoize(function(n)
    if n < 2 then return n end
    return (fib(n - 1) + fib(n - 2)) % 1000007
  end)
  for round = 1, rounds do
    -- A fresh closure per element, each capturing its own loop variable.
    local adders = {}
    for i = 1, 50 do adders[i] = function(x) return x + i + round % 3 end end
    local list = {}
    for i = 1, 50 do list[i] = adders[i](i) end
    local mapped = map(list, pipeline)
    local evens = filter(mapped, function(v) return v % 4 == 0 end)
    local sum = fold(evens, function(acc, v) return acc + v end, 0)
    inc(sum % 10)
    if round % 100 == 0 then reset() end
    total = (total + sum + get() + fib(round % 90)) % 2147483647
  end
  return string.format("%d %d", total, get())
end

local size = tonumber(arg and arg[1]) or 80000

local iterations = tonumber(arg and arg[2])
if iterations then
  for i = 1, iterations do
    local t0 = os.clock()
    local sum = run(size)
    print(string.format("iteration %d %.6f checksum %s", i, os.clock() - t0, sum))
  end
else
  print("checksum " .. run(size))
end
