-- Closures and upvalues: sharing, independence, fresh locals per iteration, closing.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get())
local inc2, get2 = counter()
inc2()
print(get(), get2())
-- shared upvalue between siblings, modified after closure creation
local x = 1
local function rx() return x end
local function wx(v) x = v end
wx(5)
print(rx(), x)
x = 9
print(rx())
-- fresh local per iteration in for, while and repeat
local fs = {}
for i = 1, 3 do local j = i * 2; fs[#fs+1] = function() j = j + 1; return i, j end end
print(fs[1]()); print(fs[1]()); print(fs[2]()); print(fs[3]())
local ws = {}
local k = 0
while k < 3 do k = k + 1; local kk = k; ws[k] = function() return kk end end
print(ws[1](), ws[2](), ws[3]())
-- upvalues of upvalues (nesting depth 3)
local function l1()
  local a = "a"
  return function()
    local b = "b"
    return function() a = a .. "!"; return a .. b end
  end
end
local f3 = l1()()
print(f3(), f3())
-- closing on break and on early return
local saved
for i = 1, 10 do
  local v = i
  saved = function() return v end
  if i == 4 then break end
end
print(saved())
local function early()
  local v = "early"
  local f = function() return v end
  if true then return f end
end
print(early()())
-- parameters are upvalues too
local function adder(n) return function(m) return n + m end end
print(adder(3)(4), adder(10)(-1))
-- recursive local function sees itself
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20))
local fib; fib = function(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
print(fib(20))
-- many upvalues
local u1,u2,u3,u4,u5,u6,u7,u8,u9,u10 = 1,2,3,4,5,6,7,8,9,10
local function sumu() return u1+u2+u3+u4+u5+u6+u7+u8+u9+u10 end
u10 = 100
print(sumu())
