-- Uncaught error whose __tostring itself fails, and error level 2 at top level.
local function check(v) if type(v) ~= "number" then error("expected number, got " .. type(v), 2) end return v end
print(pcall(check, "x"))
check({})
