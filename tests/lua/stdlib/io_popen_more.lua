-- io.popen: reading lines and numbers, writing to a child, close results,
-- failing commands, modes, tostring/type, output ordering with the child.
local p = io.popen("printf 'a\\nb\\n42 7\\n'")
print(io.type(p), (tostring(p):gsub("0x%x+", "ADDR")))
print(p:read("*l"), p:read("*L"), p:read("*n", "*n"), p:read("*l"), p:read("*l"), p:read("*a"))
print(p:close(), io.type(p))
print(pcall(p.read, p))
-- lines of a pipe
local n = 0
local lp = io.popen("seq 1 5")
for l in lp:lines() do n = n + tonumber(l) end
print(n, lp:close())
-- io.lines does not take a command; iterate a popen file instead
for a, b in io.popen("printf 'x y\\nzw\\n'"):lines(1, "*l") do io.write("[", a, "|", tostring(b), "]") end
print()
-- writing to a child: its output appears after what we flushed before popen
io.write("parent before\n")
local w = io.popen("cat", "w")
print(w:write("to child 1\n", 2, "\n"))
print(w:flush())
print(w:close())
-- exit status and signals are not reported by close() in LuaJIT 2.1 (5.1 mode)
print(io.popen("exit 5"):close())
print(io.popen("kill -9 $$"):close())
print(io.popen("exec 1>&-; exit 0", "r"):read("*a"))
-- a command that does not exist: the shell reports it, the pipe still opens
local bad = io.popen("nonexistent_command_xyz_123 2>/dev/null")
print(io.type(bad), bad:read("*a"), bad:close())
-- invalid modes fail in popen itself
print(io.popen("true", "rw"))
print(io.popen("true", "x"))
print(io.popen("true", ""))
print(pcall(io.popen, "true", {}))
-- seek on a pipe fails with ESPIPE
local sp = io.popen("echo seek")
print(sp:seek("cur"))
print(sp:seek("set", 1))
print(sp:read("*a"))
sp:close()
-- setvbuf on a pipe works
local vp = io.popen("cat", "w")
print(vp:setvbuf("no"), vp:write("unbuffered to cat\n"))
vp:close()
-- large data through a pipe
local big = io.popen("head -c 300000 /dev/zero")
local data = big:read("*a")
print(#data, data:find("[^%z]"), big:close())
-- the environment of the child is ours
print(io.popen("echo $TZ $LC_ALL"):read("*l"))
-- __gc closes (waits for) a forgotten pipe
do local g = io.popen("true") end
collectgarbage()
print("end")
