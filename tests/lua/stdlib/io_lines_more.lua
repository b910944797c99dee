-- io.lines / file:lines: formats, closing at the end, reuse after the end, default input.
local name = os.tmpname()
local f = io.open(name, "w")
f:write("alpha\n", "12 13\n", "\n", "last")
f:close()
local out = {}
for l in io.lines(name) do out[#out + 1] = "[" .. l .. "]" end
print(table.concat(out, " "))
-- without formats the file is closed at the end: calling again is an error
local it = io.lines(name)
repeat local l = it() until l == nil
print(pcall(it))
-- with formats the file stays open (LuaJIT checks the first stack slot)
local it2 = io.lines(name, "*l")
repeat local l = it2() until l == nil
print(pcall(it2))
for a, b in io.lines(name, "*L", 2) do io.write(string.format("%q %q\n", a, tostring(b))) end
for n in io.lines(name, "*n") do print("n", n) end
for c in io.lines(name, 4) do io.write("<", c, ">") end
print()
for a in io.lines(name, "a") do print(#a); if a == "" then break end end
-- file:lines does not close the file
local h = io.open(name)
for l in h:lines() do end
print(io.type(h), h:read("*a"), h:seek("cur"))
h:seek("set", 6)
for x, y in h:lines("*n", "*n") do print(x, y) ; if not y then break end end
h:close()
print(pcall(h.lines, h))
-- iterator of a file closed while iterating
local h2 = io.open(name)
local it3 = h2:lines()
print(it3())
h2:close()
print(pcall(it3))
-- io.lines() reads the default input
io.input(name)
local cnt = 0
for l in io.lines() do cnt = cnt + 1 end
print(cnt, io.type(io.input()))
print(io.read("*a") == "")
io.input():close()
io.input(io.stdin)
-- io.lines(nil, fmt) also uses the default input
io.input(name)
for a in io.lines(nil, 3) do io.write(a, "|") end
print()
io.input(io.stdin)
-- lines of stdin (/dev/null)
for l in io.lines() do print("never", l) end
for l in io.stdin:lines() do print("never", l) end
-- long lines cross the internal buffer size
local lf = io.open(name, "w")
lf:write(string.rep("x", 20000), "\n", string.rep("y", 8191), "\n", string.rep("z", 8192), "\n", string.rep("w", 8193))
lf:close()
for l in io.lines(name) do print(#l, l:sub(1, 1)) end
for l in io.lines(name, "*L") do print(#l) end
-- embedded NUL bytes and CR
local bf = io.open(name, "wb")
bf:write("a\0b\r\nc\n")
bf:close()
for l in io.lines(name, "*L") do print(#l, (l:gsub("%z", "<0>"):gsub("\r", "<CR>"):gsub("\n", "<LF>"))) end
print(#io.open(name):read("*a"))
os.remove(name)
