-- Miscellaneous string behaviour: immutability, equality, long strings, embedded zeros in all functions.
local z = "a\0b\0c"
print(#z, z:upper():byte(1, -1))
print(z:find("\0", 1, true), z:find("b\0c"), z:match("%z(.)"), z:gsub("%z", "-"))
print(z:rep(2):len(), z:reverse():byte(1, -1))
print(("%s|%s"):format(z, "x"):len(), string.format("%q", z))
print(z == "a\0b\0c", z < "a\0c", ("a\0"):len())
local parts = {}
for c in z:gmatch("[^%z]+") do parts[#parts+1] = c end
print(table.concat(parts, ","))
local s = ("0123456789"):rep(10000)
print(#s, s:sub(99995, 100000), s:find("9012", 50000, true), select(2, s:gsub("5", "")))
print(("abc"):byte(-1), ("abc"):sub(-2), ("abc"):rep(3, "-"):upper())
print(tostring("x"):len(), ("é"):len(), ("\u{1F600}"):len())
