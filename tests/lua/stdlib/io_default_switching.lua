-- io.input/io.output by name and by file, io.read/io.write/io.lines/io.close on
-- the defaults, reading stdin (/dev/null in the test runner).
local name = os.tmpname()
print(io.input() == io.stdin, io.output() == io.stdout)
local o = io.output(name)
print(io.type(o), o == io.output(), o ~= io.stdout)
print(io.write("line one\n", 2, "\n", 3.5, "\n") , io.flush())
print(io.close())
print(io.type(o), io.type(io.output()))
print(pcall(io.write, "x"))
io.output(io.stdout)
local i = io.input(name)
print(io.type(i), io.input() == i)
print(io.read(), io.read("*n"), io.read("*n"), io.read("*l"), io.read("*l"), io.read(0))
print(io.input():seek("set"), io.read("*L"), io.read(4, "*a"))
io.input(name)
print(io.type(i))
local n = 0
for l in io.lines() do n = n + 1 end
print(n, io.type(io.input()))
print(io.close(io.input()))
print(pcall(io.read))
io.input(io.stdin)
-- io.output by name truncates, io.input of a number is a file name
io.output(name)
io.write("again\n")
io.output():close()
io.output(io.stdout)
print(io.open(name):read("*a"))
local numname = name .. "_123"
local nf = io.open(numname, "w"); nf:write("numbered"); nf:close()
print(pcall(io.input, 5))
io.input(io.stdin)
-- io.output(file) does not close the previous default
local a = io.open(name, "w")
io.output(a)
io.output(io.stdout)
print(io.type(a))
a:close()
-- stdin is /dev/null
print(io.read(), io.read("*a"), io.read("*n"), io.read(0), io.read(1), io.read("*L"))
print(io.stdin:read("*a"), io.stdin:seek("cur"), io.stdin:seek("end"))
for l in io.lines() do print("never") end
for l in io.stdin:lines("*a") do print("once, empty:", #l) break end
-- writes to stderr are unbuffered and go to the stderr stream
print(io.stderr:write("e1\n") == true, io.stderr:setvbuf("full"), io.stderr:write("e2\n"), io.stderr:flush())
os.remove(name)
os.remove(numname)
