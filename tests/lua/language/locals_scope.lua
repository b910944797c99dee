-- Local scoping, shadowing, blocks and globals.
local x = 1
do local x = 2; print(x) end
print(x)
local x = x + 10
print(x)
local a, a = 1, 2
print(a)
local function shadow(x) local x = x * 2; do local x = x + 1; return x end end
print(shadow(5))
-- globals live in _G; setting a global through _G
g = 10
print(g, _G.g, _G["g"])
_G.h = 20
print(h)
g = nil
print(g, rawget(_G, "g"))
-- local function vs local f = function (recursion visibility)
local function r1(n) return n == 0 and "r1" or r1(n - 1) end
print(r1(3))
local r2 = function(n) return n end
print(r2(4))
-- 200 locals in one function (limit is 200)
local src = {"local "}
for i = 1, 199 do src[#src+1] = "v" .. i .. ", " end
src[#src+1] = "v200 = 1 return v1"
print(loadstring(table.concat(src)) ~= nil)
local src2 = {"local "}
for i = 1, 200 do src2[#src2+1] = "v" .. i .. ", " end
src2[#src2+1] = "v201 = 1"
print(loadstring(table.concat(src2)))
-- too many upvalues (limit 60)
local up = {}
for i = 1, 61 do up[#up+1] = "local u" .. i .. " = " .. i end
local body = {}
for i = 1, 61 do body[#body+1] = "u" .. i end
up[#up+1] = "return function() return " .. table.concat(body, "+") .. " end"
print(loadstring(table.concat(up, "\n")))
