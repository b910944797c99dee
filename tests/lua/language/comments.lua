-- Comment forms; code after comments on the same line; comment at end of file without newline.
local a = 1 -- trailing
--[[ block ]] local b = 2
--[==[ level 2
]] still comment
]==] local c = 3
---- many dashes
--[ not a block comment
print(a, b, c)
print(loadstring("return 1 --[[ unterminated")) 
print(loadstring("return 2 -- comment at eof")())
print(loadstring("--[[]]return 3")())
print(loadstring("return --[=[ x ]=] 4")())
-- final comment without newline
-- x