-- Enum values read from C memory are cdata; next to an enum cdata a string
-- stands for the enum constant of that name. Strings are not numbers in
-- cdata arithmetic; a pointer equals a string that it points into.
local ffi = require("ffi")
ffi.cdef[[
typedef enum eb_i { EB_NEG = -1, EB_TEN = 10 } eb_i;
typedef enum { EB_U0, EB_U1 } eb_u;
int abs(int);
eb_i eb_abs(eb_i) asm("abs");
]]
local t = ffi.new("eb_i[2]", "EB_TEN", -10)
print(type(t[0]), t[0], t[0] == "EB_TEN", t[0] >= "EB_TEN", t[0] ~= "XX", t[1] == "EB_TEN")
print(t[0] + 1, t[1] * 2ll, t[0] == t[0], t[0] < t[1], t[0] == 10, tonumber(t[1]), -t[0])
print(t[0] - "EB_NEG", "EB_TEN" + t[1], "EB_NEG" < t[0])
print(pcall(function() return t[0] > "XX" end))
print(pcall(function() return t[0] + "XX" end))
print(pcall(function() return t[0] .. "x" end))
local s = ffi.new("struct { eb_i e; eb_u u; const eb_i ce; }", 10, 1, -1)
print(type(s.e), s.e, tonumber(s.u), s.u == "EB_U1", s.ce, s.ce == "EB_NEG")
s.u = "EB_U0"; print(s.u == "EB_U0", s.u == 0)
print(type(ffi.C.eb_abs(-10)), ffi.C.eb_abs(-10) == "EB_TEN", ffi.C.EB_TEN, type(ffi.C.EB_TEN))
local f = ffi.cast("bool (*)(eb_i)", function(e) return e == "EB_TEN" end)
print(f("EB_TEN"), f(0), f(10))
f:free()
print(ffi.new("int", 10) == "EB_TEN", pcall(function() return ffi.new("int", 1) < "a" end))
print(pcall(function() return 1LL + "2" end))
print(pcall(function() return 1LL < "2" end))
print(1LL == "1", 0LL == "", 0LL == false, 0LL == nil)
local abc = ffi.cast("const char *", "abc")
print(abc == "abc", abc == "xyz", "abc" == abc, abc + 1 == "bc")
