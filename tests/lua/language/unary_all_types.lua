-- Unary minus, not and length over every type.
local vals = {nil, false, true, 0, -0, 1.5, "2", "x", "", {1, 2}, print, coroutine.create(print), newproxy()}
local names = {"nil", "false", "true", "0", "-0", "1.5", "'2'", "'x'", "''", "table", "function", "thread", "userdata"}
for i = 1, 13 do
  local v = vals[i]
  local okm, m = pcall(function() return -v end)
  local okl, l = pcall(function() return #v end)
  print(names[i], not v, okm and tostring(m) or (m:gsub("^.-:%d+: ", "")), okl and tostring(l) or (l:gsub("^.-:%d+: ", "")))
end
