-- Long strings and long comments at every level; first newline is skipped.
local a = [[
line1
line2]]
print(a, #a)
local b = [==[
contains ]] and ]=] inside]==]
print(b)
local c = [[]]
print(#c, c == "")
local d = [=[
]=]
print(#d)
local e = [[

two leading]]
print(#e, e:byte(1))
--[[ a long
comment ]] print("after long comment")
--[==[ another
]] ]=]
]==] print("after level-2 comment")
---[[ not a long comment
print("single-line comment start")
--]]
local crlf = loadstring("return [[\r\nx\r\ny]]")()
print(#crlf, crlf:byte(1, -1))
local cr = loadstring("return [[a\rb\n\rc]]")()
print(#cr, cr:byte(1, -1))
print(loadstring("return [[abc"))
print(loadstring("return [==[abc]=]"))
print(loadstring("x = [=abc"))
print([[\n is not an escape]])
