-- os.exit(false) exits with EXIT_FAILURE; finalizers do not run without close.
local p = newproxy(true)
getmetatable(p).__gc = function() print("finalizer ran") end
io.write("before exit\n")
os.exit(false)
