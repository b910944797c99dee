-- String constants: control characters, bytes above 127, long strings,
-- embedded zeros, quotes, and very long names.
local s1 = "plain"
local s2 = "tab\tnewline\ncr\rbell\a\0zero\127del"
local s3 = "high bytes \200\255\128 done"
local s4 = "0123456789012345678901234567890123456789"
local s5 = "01234567890123456789012345678901234567890"
local s6 = "\1\2\3\4\5\6\7\8\9\10\11\12\13\14\15\16\17\18\19\20\21\22\23\24\25\26\27\28\29\30\31\32"
local s7 = [[long
bracket string with "quotes" and 'single' ones]]
local s8 = string.rep("x", 200)
local s9 = ""
local s10 = "\"quoted\""
local t = { ["key with spaces"] = s1, [s2] = 1 }
t.a_field_name_that_is_longer_than_forty_characters_in_total = 1
print(t[s3], s4 .. s5, s6, s7, s8, s9, s10)
return "\n"
