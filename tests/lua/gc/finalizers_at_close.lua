-- At exit every remaining finalizer runs, newest first, while a collection
-- cycle may be in progress; finalizers may collect garbage themselves, and
-- objects with finalizers created by finalizers are finalized too.
local function proxy(name, after)
  local u = newproxy(true)
  getmetatable(u).__gc = function()
    io.write("gc ", name, "\n")
    if after then after() end
  end
  return u
end
keep1 = proxy("first")
keep2 = proxy("second", function()
  collectgarbage()
  keep4 = proxy("created at close")
  local t = {}
  for i = 1, 200 do t[i] = { i } end
end)
keep3 = proxy("third")
local garbage = {}
for i = 1, 2000 do garbage[i] = { i } end
garbage = nil
collectgarbage("setstepmul", 1000)
collectgarbage("step", 0)  -- leave a cycle in progress
print("end of script")
