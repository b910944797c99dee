-- 64-bit integer and imaginary literals: spellings, limits, and malformed ones.
local ffi = require("ffi")
local cases = {
  "1LL", "1ll", "1ULL", "1ull", "1uLL", "1Ull", "1LLU", "1llu", "0x10LL", "0X10ull", "0xffffffffffffffffULL",
  "0x8000000000000000LL", "9223372036854775807LL", "9223372036854775808LL", "18446744073709551615ULL",
  "18446744073709551616ULL", "-1LL", "- 1LL", "00012LL", "1i", "1I", "2.5i", "1e2i", "0x10i", "1.5LL",
  "1e3LL", "0x1p4LL", "1L", "1U", "1lL", "1LLL", "1ULLU", "1LU", "1 LL", "0xLL", "1.i", ".5i", "1ii",
  "12345678901234567890LL", "0x1ffffffffffffffffULL",
}
for _, src in ipairs(cases) do
  local f, err = loadstring("return " .. src)
  if f then
    local ok, v = pcall(f)
    print(src, ok and tostring(v) or v, ok and type(v) == "cdata" and tostring(ffi.typeof(v)) or "")
  else
    print(src, "error", (err:gsub("^%[string.-%]:%d+: ", "")))
  end
end
-- literals in constant folding and as table keys
local t = {[1LL] = "a"}
local n = 0
for k in pairs(t) do n = n + 1 end
print(n, t[1LL], t[1])
print(1LL == 1LL, 2^62LL == nil)
local function f() return 5LL end
print(f() == f(), rawequal(f(), f()))
