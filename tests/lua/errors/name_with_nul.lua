-- Names in "attempt to ..." messages end at a NUL byte, as LuaJIT's C
-- formatting does (found by fuzz-diff).
local t = {}
print(pcall(function() return t["\0x"] % 1 end))
print(pcall(function() return t["a\0b"] .. "" end))
print(pcall(function() t["ab\0"]() end))
print(pcall(function() return _G["g\0h"] + 1 end))
print(pcall(function() return #t["\0"] end))
