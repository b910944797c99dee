-- goto and labels, including the continue idiom and backward jumps.
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
local i = 1
::top::
if i <= 3 then io.write("i", i, " "); i = i + 1; goto top end
print()
-- goto out of nested loops
for a = 1, 3 do
  for b = 1, 3 do
    if a * b == 4 then print("found", a, b); goto done end
  end
end
::done::
-- closures in a goto loop get fresh locals
local fs = {}
do
  local k = 1
  ::again::
  local v = k * 10
  fs[#fs+1] = function() return v end
  k = k + 1
  if k <= 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())
-- syntax errors around goto
print(loadstring("goto nowhere"))
print(type(loadstring("do ::a:: end ::a:: goto a")))
print(loadstring("::a:: ::a::"))
print(loadstring("goto f; local x; ::f:: print(x)"))
print(loadstring("do goto f; local x end ::f::") ~= nil)
print(loadstring("repeat goto cont; local x; ::cont:: until x"))
-- LuaJIT still accepts goto as an identifier where no statement is expected
print(type(loadstring("local goto = 1; return goto")))
-- label at end of block lets you jump past locals
do
  goto skip
  local z = 1
  ::skip::
end
print("end")
