-- Comparisons between all type combinations: equality never errors, ordering does.
local t, f = {}, function() end
local co = coroutine.create(function() end)
local ud = newproxy()
local vals = {nil, false, true, 0, 1, "0", "1", "a", "", t, f, co, ud}
local n = 13
local names = {"nil","false","true","0","1","'0'","'1'","'a'","''","table","function","thread","userdata"}
for i = 1, n do
  local eq, lt = {}, {}
  for j = 1, n do
    local a, b = vals[i], vals[j]
    eq[#eq+1] = (a == b) and "T" or "F"
    local ok, r = pcall(function() return a < b end)
    lt[#lt+1] = ok and (r and "T" or "F") or "E"
  end
  print(names[i], table.concat(eq), table.concat(lt))
end
-- string ordering is bytewise (C locale)
local strs = {"", "a", "A", "ab", "abc", "b", "B", "a\0b", "a\0", "\255", "10", "9", "z"}
table.sort(strs)
for i, s in ipairs(strs) do io.write(string.format("%q ", s)) end
print()
print("a" < "b", "abc" < "abd", "ab" < "abc", "" < "a", "a\0a" < "a\0b", "Z" < "a")
print("10" < "9", 10 < 9, "a" <= "a", "b" >= "a")
print(pcall(function() return 1 < "2" end))
print(pcall(function() return "1" < 2 end))
print(pcall(function() return {} < {} end))
print(pcall(function() return {} <= {} end))
print(pcall(function() return nil < 1 end))
print(pcall(function() return true < false end))
print(1 == "1", "1" == 1, 0 == false, nil == false)
