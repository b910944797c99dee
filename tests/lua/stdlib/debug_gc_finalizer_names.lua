-- A finalizer run by a collection step that an allocating instruction
-- triggered is named after that instruction's metamethod, as LuaJIT's
-- debug info does (__gc for table/closure creation, __concat for
-- concatenation); its caller is the Lua function with a valid line.
jit.off()
local function probe(label, f)
  collectgarbage()
  local info
  local u = newproxy(true)
  getmetatable(u).__gc = function()
    if not info then
      local i1, i2 = debug.getinfo(1, "nS"), debug.getinfo(2, "nSl")
      info = {tostring(i1.name), tostring(i1.namewhat), i2.what, tostring(i2.name), tostring(i2.currentline > 0)}
    end
  end
  u = nil
  for i = 1, 100000 do f(i); if info then break end end
  print(label, info and table.concat(info, " "))
end
local x
probe("table", function(i) x = {} end)
probe("table with items", function(i) x = {1, i} end)
probe("closure", function(i) x = function() return i end end)
probe("concat", function(i) x = i .. "" end)
-- an explicit full collection: the finalizer's caller is collectgarbage
probe("explicit", function(i) collectgarbage() end)
