-- __gc errors during a full collection are caught by pcall; at exit the script still ends normally.
local u = newproxy(true)
getmetatable(u).__gc = function() print("finalizer ran") end
u = nil
print(pcall(collectgarbage))
local v = newproxy(true)
getmetatable(v).__gc = function() error("finalizer error") end
v = nil
local ok, e = pcall(collectgarbage)
print(ok, e)
print("done")
