-- string.format("%q"): quoting of every byte, round-tripping through loadstring.
local all = {}
for i = 0, 255 do all[#all+1] = string.char(i) end
local s = table.concat(all)
local q = string.format("%q", s)
print(#q)
print(loadstring("return " .. q)() == s)
print(string.format("%q", "line1\nline2"))
print(string.format("%q", "tab\there \"quoted\" back\\slash"))
print(string.format("%q", "\0\1\0011\r\n\127"))
print(string.format("%q", 1), string.format("%q", 1.5), string.format("%q", -0.0))
print(string.format("%q", 1/0), string.format("%q", -1/0), string.format("%q", 2^63))
print(pcall(string.format, "%q", nil))
print(pcall(string.format, "%q", true))
print(string.format("%q", "\226\130\172"))
