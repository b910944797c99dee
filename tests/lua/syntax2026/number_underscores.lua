-- Underscores in number literals are ignored anywhere after the first
-- digit: 1_000_000, 0x_FF, 1_0.5_0, 1e1_0, even 1_ or 0_x1F.
print(1_000_000, 1_0, 1__2, 1_, 0_0, 0x_ff, 0xF_F, 0_x1F, 0x1_0p1_0)
print(1_0.5_0, 3.1_4_1_5, .5_5, 1e1_0, 1e_2, 1_e2, 2E+1_0, 1e-0_1)
print(1_000LL, 0x_FFULL, 1_2i, 1_2.5e-1_0)
print(math.type and "" or "", type(1_000), 1_000 == 1000, -1_0)
-- Names may still start with an underscore.
local _1, _ = 1, 2
print(_1, _)
-- Malformed numbers report the text without the underscores.
for _, src in ipairs({ "return 1_x", "return 0x_g", "return 1_e", "return 1._._", "return 1__.__e" }) do
  local f, err = loadstring(src, "=n")
  print(f and f() or err)
end
-- In bytecode listings and dumps they are just numbers.
local f = loadstring("return 1_2_3 + 0x1_0")
print(f())
