-- Concatenation: chains, numbers, long results, right associativity.
local parts = {}
for i = 1, 10 do parts[i] = i end
print(table.concat(parts, ","), 1 .. "" .. 2)
local s = ""
for i = 1, 1000 do s = s .. "x" end
print(#s)
local a, b, c, d = "a", 1, 2.5, -3
print(a .. b .. c .. d, b .. c, c .. d)
print(1e300 .. "", 1/0 .. "|" .. -1/0, 255 .. "", 0.1 + 0.2 .. "")
local big = ("ab"):rep(100000)
local big2 = big .. big
print(#big2, big2:sub(1, 4), big2:sub(-4))
print(("x"):rep(0) .. "", "" .. "", #("" .. ""))
local function many(...) local r = "" for i = 1, select('#', ...) do r = r .. select(i, ...) end return r end
print(many("a", 1, "b", 2.5))
print("pre" .. (function() return "mid", "ignored" end)() .. "post")
print("\0" .. "\0" == "\0\0", #("\0" .. "a\0"))
