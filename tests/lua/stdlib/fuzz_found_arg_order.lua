-- Argument checks in LuaJIT's order (found by scripts/fuzz-diff).
local function try(f, ...) print(pcall(f, ...)) end
-- gsub checks its count (argument 4) before the replacement's type.
try(string.gsub, "hello", "l", true, "abc")
try(string.gsub, "hello", "l", nil, false)
try(string.gsub, "hello", "l", true)
try(string.gsub, "hello", "l", "L", "2")
try(string.gsub, "hello", "l", "L", 1.5)
