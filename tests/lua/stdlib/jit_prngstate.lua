-- OpenResty's jit.prngstate([state]): returns the PRNG state (a number)
-- and, given a number, replaces it. Debian's LuaJIT 2.1 lacks it: the
-- assertions follow OpenResty's documented behaviour, and the script fails
-- there (tests/lua/openresty-only.list).
local f = jit.prngstate
assert(type(f) == "function", "jit.prngstate is missing")
local s0 = f()
assert(type(s0) == "number" and s0 >= 0 and s0 < 2^32 and s0 % 1 == 0)
assert(f() == s0)                       -- reading does not change it
assert(f(123456) == s0)                 -- setting returns the old state
assert(f() == 123456)
assert(f(nil) == 123456)                -- nil only reads
assert(f(2^32 + 5) == 123456)           -- kept as a 32-bit value
assert(f() == 5)
assert(f("7") == 5 and f() == 7)        -- numeric strings convert
local ok, err = pcall(f, {})
assert(not ok and err == "bad argument #1 to '?' (number expected, got table)", err)
ok, err = pcall(f, true)
assert(not ok and err:find("number expected, got boolean", 1, true))
assert(f() == 7)
-- each Lua state has its own: a coroutine shares its parent's state
local co = coroutine.wrap(function() return f(99) end)
assert(co() == 7 and f() == 99)
ok, err = pcall(function() jit.prngstate({}) end)
assert(not ok and err:find("bad argument #1 to 'prngstate' (number expected, got table)", 1, true), err)
print("jit.prngstate checked")
