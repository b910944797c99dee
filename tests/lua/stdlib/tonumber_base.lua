-- tonumber with a base follows strtoul as LuaJIT uses it: sign, 0x prefix in
-- base 16, saturation at 2^64-1, surrounding whitespace.
local cases = {{"0x10",16},{"0X1f",16},{"-0x10",16},{"+10",16},{"-1",16},{"-1",2},{"  ff  ",16},{"0x",16},{"ffffffffffffffffff",16},{"zz",36},{"1e",16},{"",16},{" ",16},{"\t\n12\v",8},{"-",10+1},{"+",16},{"12a",10+1},{"0x10",17},{"-ff", 16},{"1 2",16},{"7fffffffffffffff",16},{"10000000000000000",16}, {"-0",16}, {"0b1", 2}}
for _, c in ipairs(cases) do print(string.format("%q", c[1]), c[2], tonumber(c[1], c[2])) end
