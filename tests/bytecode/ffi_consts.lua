-- 64-bit integer and imaginary literals (KCDATA and cdata constants).
local a = 1LL
local b = 0xffffffffffffffffULL
local c = -9223372036854775807LL
local d = 12i
local e = 3.5i
local f = 0x7fffffffffffffffULL
return a, b, c, d, e, f, function() return 42ULL end
