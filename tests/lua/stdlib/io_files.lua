-- io library on temporary files: write/read formats, lines, seek, append, handles.
local dir = os.tmpname()
os.remove(dir)
local name = dir .. ".txt"
local f = assert(io.open(name, "w"))
print(io.type(f), f:write("line1\n", 2, "\n", 3.5, "\nlast line without newline") == f)
f:close()
print(io.type(f), pcall(f.write, f, "x"))
f = assert(io.open(name, "r"))
print(f:read("*l"), f:read("*n"), f:read("*n"), f:read("*l"), f:read("*l"), f:read("*l"))
f:close()
f = io.open(name)
print(f:read("*a"):len(), f:read("*a"), f:read("*l"), f:read(0))
f:seek("set", 0)
print(f:read(5), f:read(0), f:read(1) == "\n")
print(f:seek("cur"), f:seek("end"), f:seek("set", 2), f:read(3))
f:close()
local lines = {}
for l in io.lines(name) do lines[#lines+1] = l end
print(#lines, lines[1], lines[4])
local h = io.open(name)
local cnt = 0
for l in h:lines() do cnt = cnt + 1 end
print(cnt, io.type(h))
h:close()
-- append mode
local a = io.open(name, "a"); a:write("\nappended"); a:close()
local all = io.open(name):read("*a")
print(#all, all:sub(-8))
-- read numbers in several notations
local nf = io.open(name, "w"); nf:write("0x10 -3.5e2 .5 7 abc"); nf:close()
nf = io.open(name)
print(nf:read("*n", "*n", "*n", "*n", "*n"))
nf:close()
-- binary data round trip
local bin = {}
for i = 0, 255 do bin[#bin+1] = string.char(i) end
local bf = io.open(name, "wb"); bf:write(table.concat(bin)); bf:close()
local back = io.open(name, "rb"):read("*a")
print(#back, back == table.concat(bin))
-- "r+" and "w+" modes
local rw = io.open(name, "w+"); rw:write("hello"); rw:seek("set"); print(rw:read("*a")); rw:close()
-- errors
local nofile, msg, code = io.open(dir .. "/does/not/exist", "r")
print(nofile, (msg:gsub("^.*: ", "")), code)
local okm, fm = pcall(io.open, name, "rw+x")
print(okm, io.type(fm))
if io.type(fm) == "file" then fm:close() end
print(io.type(42), io.type(io.stdout), io.type(nil))
-- tostring of file handles
print((tostring(io.open(name)):gsub("0x%x+", "ADDR")))
local closed = io.open(name); closed:close()
print(tostring(closed))
os.remove(name)
-- io.tmpfile
local t = io.tmpfile()
t:write("tmp data"); t:seek("set"); print(t:read("*a")); t:close()
