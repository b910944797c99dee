-- The length operator on strings and tables (sequences only: borders with holes vary).
print(#"", #"abc", #"a\0b", #("x"):rep(1000))
local t = {}
print(#t)
for i = 1, 100 do t[i] = i end
print(#t)
t[101] = nil
print(#t)
for i = 100, 51, -1 do t[i] = nil end
print(#t)
print(#{1, 2, 3}, #{n = 1}, #{1, 2, 3, nil}, #{nil, nil, 3} == 3 or #{nil,nil,3} == 0)
local s = "hello"
print(#s, s:len(), #s == string.len(s))
local u = {}
u[1] = 1; u[2] = 2; u[3] = 3
print(#u)
u[4] = 4; u[5] = 5
print(#u)
u[5] = nil
print(#u)
u[4] = nil
print(#u)
print(pcall(function() return #nil end))
print(pcall(function() return #5 end))
local big = {}
for i = 1, 10000 do big[#big + 1] = i end
print(#big, big[#big])
