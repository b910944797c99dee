-- io.popen reading and writing a shell command.
local p = io.popen("echo hello; echo world")
print(p:read("*l"), p:read("*a"))
print(p:close())
local w = io.popen("cat > /dev/null", "w")
print(io.type(w), w:write("data") == w)
print(w:close())
local e = io.popen("exit 3")
print(e:read("*a"), e:close())
