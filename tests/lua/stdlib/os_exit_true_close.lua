-- os.exit(true, true) closes the state first: finalizers run, then exit 0.
local p = newproxy(true)
getmetatable(p).__gc = function() print("finalizer ran") end
_G.keep = p
io.write("before exit\n")
os.exit(true, true)
