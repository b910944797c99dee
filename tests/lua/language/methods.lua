-- Method calls: self passing, on strings, chained, with varargs.
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v; return self end
function Account:get() return self.balance end
local a = Account.new(10)
print(a:deposit(5):deposit(7):get(), a.get(a), Account.get(a))
print(("abc"):upper(), ("%d-%d"):format(1, 2), ("x"):rep(3), #("abc"):rep(2))
local s = "hello"
print(s:sub(2, 3), s:len(), s:byte(), s:find("l"))
-- method on a number via string metatable does not exist
print(pcall(function() local n = 5; return n:foo() end))
print(pcall(function() local t = {}; return t:nomethod() end))
-- method call evaluates the object once
local count = 0
local function obj() count = count + 1; return a end
obj():deposit(1)
print(count, a:get())
-- method with varargs
function Account:sum(...) local s = self.balance for _, v in ipairs({...}) do s = s + v end return s end
print(a:sum(1, 2, 3))
-- methods on tables with keys that are keywords-like strings
local k = {["end"] = function(self) return "end!" end}
print(k["end"](k))
