-- string.gmatch: iteration, captures, anchors, empty matches.
local words = {}
for w in ("The quick  brown fox"):gmatch("%a+") do words[#words+1] = w end
print(#words, table.concat(words, "|"))
local kv = {}
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do kv[#kv+1] = k .. ":" .. v end
print(table.concat(kv, " "))
local empties = {}
for m in ("abc"):gmatch("x*") do empties[#empties+1] = "[" .. m .. "]" end
print(table.concat(empties))
local pos = {}
for p in ("a,b,,c"):gmatch("()") do pos[#pos+1] = p end
print(table.concat(pos, ","))
-- '^' is not an anchor in gmatch in Lua 5.1/LuaJIT: it matches a literal? check
local carets = {}
for m in ("^a^b"):gmatch("^.") do carets[#carets+1] = m end
print(#carets, table.concat(carets, ","))
local nums = {}
for n in ("1 22 333 4444"):gmatch("%d%d?%d?") do nums[#nums+1] = n end
print(table.concat(nums, ","))
-- the iterator can be called manually
local it = ("x1y2"):gmatch("%a(%d)")
print(it(), it(), it())
local lines = {}
for line in ("l1\nl2\n\nl4"):gmatch("([^\n]*)\n?") do lines[#lines+1] = "<" .. line .. ">" end
print(table.concat(lines))
