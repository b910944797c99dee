-- Integer-valued floats print without a fraction; keys normalise; tostring/format agreement.
local vals = {1, 1.0, -1.0, 3/1, 1e15, 1e16, 2^31, 2^32, 2^52, 2^53, 2^63, 0.5, -0.0, 100/3, 1e-5, 123.456, 1e14+0.5}
for _, v in ipairs(vals) do io.write(tostring(v), " ") end print()
for _, v in ipairs(vals) do io.write(string.format("%.14g", v), " ") end print()
local t = {}
t[1] = "a"; t[1.0] = "b"; t[2^53] = "c"; t[0.5] = "d"; t[-0.0] = "e"
print(t[1], t[2^53], t[0.5], t[0], t[-0])
local keys = {}
for k in pairs(t) do keys[#keys+1] = tostring(k) end
table.sort(keys) print(table.concat(keys, " "))
print(math.floor(3.7), math.ceil(3.2), math.floor(-3.5), math.ceil(-3.5), math.floor(2^60))
print(3 == 3.0, 2^53 == 2^53 + 1, (2^53 + 2) - 2^53)
print(string.format("%d %d %d", 3.0, -2.0, 2^31), pcall(string.format, "%d", 3.5))
print(5 / 1, 6 / 2, 1e0, 0x10 / 2, -7 / 7)
print(tostring(1e100):len(), tostring(2^-1074))
