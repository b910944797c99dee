-- loadstring syntax error messages: exact wording, line numbers, 'near' tokens.
local cases = {
  "x = = 1", "local 1 = 2", "if x then else elseif end", "for i in do end", "function f( end",
  "return return", "x = (1", "x = {1, 2", "x = a..", "f(a,)", "local t = {a = }",
  "x = 'unterminated", "x = \"a\nb\"", "--[[ unterminated comment", "while true do",
  "repeat until", "x = 1 +", "local function(x) end", "return 1,", "a, b", "a.b.c",
  "x = #", "x = not", "goto = 1", "local x <const> = 1", "x = 1e", "x = @", "x = $",
  "x = ~1", "::a:: ::b:: goto c", "local a = {...}", "for i = 1, 2, 3, 4 do end",
  "for a, b = 1, 2 do end", "x = function() end end", "end", "else", "until x",
  "return (...)", "x = y z", "t = {[1] 2}", "obj:method", "obj:method.x()", "a = b = c",
  "local a.b = 1", "x = 0x", "x = 3 .. 4", "x = '\\300'", "x = 'a\\", "\n\n\nlocal = 3",
  string.rep("(", 300) .. "1" .. string.rep(")", 300),
}
for i, src in ipairs(cases) do
  local f, err = loadstring(src)
  print(i, f and "compiled" or err)
end
print(loadstring("x = = 1", "=custom"))
print(loadstring("x = = 1", "@file.lua"))
print(loadstring("x = = 1", "a very long chunk name that goes on and on and on and on and on and on"))
print(loadstring("\nx = = 1", "multi\nline"))
print(loadstring("x = = 1", ""))
print(type(load(function() return nil end)))
local parts = {"return ", "1 +", " 2"}
local i = 0
print(load(function() i = i + 1 return parts[i] end)())
print(pcall(load, function() return {} end))
local rf, rerr = load(function() error("reader fails") end)
print(rf, (tostring(rerr):match("^[^\n]*")))
print(loadstring("return 1", nil)())
