-- file:read with every format, mixed in one call; io.lines with formats.
local name = os.tmpname()
local f = io.open(name, "w")
f:write("first line\n", "  42  3.5e1 0x1F\n", "rest of\nthe file\n")
f:close()
f = io.open(name)
print(f:read("*l", "*n", "*n", "*n", "*l"))
print(f:read(4), f:read("*L"), f:read("*a"), f:read("*a"), f:read("*l"), f:read(1))
f:close()
f = io.open(name)
print(f:read("l"), f:read("n"), f:read("a"):len())
f:close()
local parts = {}
for a, b in io.lines(name, 3, "*l") do parts[#parts+1] = a .. "|" .. tostring(b) end
print(table.concat(parts, " / "))
local f2 = io.open(name)
local nums = {}
for l in f2:lines("*L") do nums[#nums+1] = #l end
f2:close()
print(table.concat(nums, ","))
print(pcall(function() local h = io.open(name); local r = h:read("*x"); h:close(); return r end))
os.remove(name)
