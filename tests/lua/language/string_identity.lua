-- Strings built in different ways are equal values and identical table keys.
local a = "hello world"
local b = "hello" .. " " .. "world"
local c = string.format("%s %s", "hello", "world")
local d = ("dlrow olleh"):reverse()
local e = table.concat({"hello", "world"}, " ")
print(a == b, b == c, c == d, d == e, rawequal(a, e))
local t = {[a] = 1}
print(t[b], t[c], t[d], t[e])
local long1 = ("x"):rep(100000)
local long2 = ("xx"):rep(50000)
print(long1 == long2, ({[long1] = "found"})[long2])
local keys = {}
for i = 1, 100 do keys[("k%03d"):format(i)] = i end
local s = 0
for i = 1, 100 do s = s + keys["k" .. ("%03d"):format(i)] end
print(s)
print(("a\0b") == "a\0b", ("a\0b") == "a\0c", #("\0"):rep(10))
