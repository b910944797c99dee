-- string.byte / string.char / string.len / reverse / upper / lower.
print(string.byte("ABC"), string.byte("ABC", 2), string.byte("ABC", -1), string.byte("ABC", 1, -1))
print(string.byte("ABC", 0), string.byte("ABC", 10), string.byte("", 1), select('#', string.byte("ABC", 3, 2)))
print(string.byte("ABC", -10, 10))
print(string.char(), string.char(72, 105), #string.char(0, 0), string.char(255):byte())
print(string.len(""), string.len("\0\0\0"), ("abc"):len())
print(string.reverse("hello"), string.reverse(""), string.reverse("a\0b"):byte(1, -1))
print(string.upper("Hello World 123 äö"), string.lower("Hello World 123 ÄÖ"))
print(string.upper(123), string.lower(1.5))
local all = {}
for i = 0, 255 do all[#all+1] = string.char(i) end
local s = table.concat(all)
print(#s, s:upper():byte(98), s:lower():byte(67), s:reverse():byte(1))
local up, low = 0, 0
for i = 0, 255 do if s:upper():byte(i + 1) ~= i then up = up + 1 end if s:lower():byte(i + 1) ~= i then low = low + 1 end end
print(up, low)
print(string.byte(12345, 2), string.char("65", 66.0))
print(pcall(string.char, 65.5))
