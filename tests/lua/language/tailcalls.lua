-- Proper tail calls: deep tail recursion runs in constant stack space.
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print(loop(1000000, 0))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(300001), odd(300001))
-- tail call through a method and through varargs
local obj = {n = 0}
function obj:count(k) if k == 0 then return self.n end self.n = self.n + 1 return self:count(k - 1) end
print(obj:count(200000))
local function va(n, ...) if n == 0 then return select('#', ...), ... end return va(n - 1, ...) end
print(va(100000, "a", "b"))
-- tail call returning multiple values
local function mv() return 1, 2, 3 end
local function tc() return mv() end
print(tc())
-- tail call to a C function
local function tcc(s) return string.upper(s) end
print(tcc("abc"))
-- tail call of a __call object
local callable = setmetatable({}, {__call = function(self, x) return "called", x end})
local function tco(x) return callable(x) end
print(tco(7))
-- a tail call does not appear in tracebacks as an extra frame
local function inner() return debug.traceback("tb", 1) end
local function outer() return inner() end
local tb = outer()
print((tb:gsub("\n[^\n]*%[C%][^\n]*", "")))
