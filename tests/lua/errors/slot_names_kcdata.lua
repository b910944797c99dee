-- The operand named in an error is found by scanning back for the
-- instruction that last wrote its slot: any instruction whose A operand is a
-- destination counts (here KCDATA, which loads a 64-bit constant), and an
-- instruction that writes a range of slots (a call, VARG, KNIL) ends the
-- search without a name.
local U = setmetatable({}, {})
local ffi = require("ffi")
print(pcall(function() return -(U or 7LL) end))
print(pcall(function() return (U or 7LL) + 1 end))
print(pcall(function() return (U or 7LL) .. "x" end))
print(pcall(function() return #(U and 1LL) end))
print(pcall(function() local a = U or 2i return a < 1 end))
print(pcall(function() return -(U or 7) end))
print(pcall(function() return -(U or select(1, 1)) end))
print(pcall(function(...) return -(U or ...) end, 1))
print(pcall(function() local v return -(v or U) end))
