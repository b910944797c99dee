-- assert return values and messages; error with formatted messages and levels in methods.
print(select('#', assert(true, "m", "x")), assert("v", "m"))
print(pcall(assert, false, "custom message"))
print(pcall(assert, nil, "with nil"))
print(pcall(assert, false, string.format("%d items", 3)))
local Obj = {}
Obj.__index = Obj
function Obj:check(v) if not v then error("Obj:check failed for " .. tostring(v), 2) end return v end
local o = setmetatable({}, Obj)
print(pcall(function() return o:check(false) end))
print(pcall(o.check, o, nil))
local function validator(x) return assert(tonumber(x), "not a number: " .. tostring(x)) end
print(pcall(validator, "12"), pcall(validator, "abc"))
