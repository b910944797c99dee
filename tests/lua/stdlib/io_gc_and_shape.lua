-- The FILE* metatable in the registry, environments, __gc closing, __tostring.
local reg = debug.getregistry()
local mt = reg["FILE*"]
print(type(mt), getmetatable(io.stdout) == mt, mt.__index == mt)
local keys = {}
for k in pairs(mt) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, " "))
keys = {}
for k, v in pairs(io) do keys[#keys + 1] = k .. ":" .. type(v) end
table.sort(keys)
print(table.concat(keys, " "))
print(debug.getfenv(io.write) == mt, debug.getfenv(mt.read) == mt, debug.getfenv(io.open) == mt)
print(debug.getfenv(io.stdout) == _G)
print(io.stdout.write == mt.write, io.stdin.lines == mt.lines)
print(io.type(io.stdin), io.type(io.stdout), io.type(io.stderr))
print((tostring(io.stdout):gsub("0x%x+", "ADDR")), tostring(io.stdout) ~= tostring(io.stderr))
print(mt.__tostring(io.stdin) == tostring(io.stdin))
-- a new file's environment is the metatable (it is created by an io function)
local name = os.tmpname()
local f = io.open(name, "w")
print(debug.getfenv(f) == mt, getmetatable(f) == mt)
-- __gc closes (and so flushes) a file that was never closed
f:write("written but not closed")
f = nil
collectgarbage()
collectgarbage()
print(io.open(name):read("*a"))
-- __gc on a closed file and on a standard file does nothing
local c = io.open(name)
c:close()
mt.__gc(c)
mt.__gc(io.stdout)
print(io.type(c), io.type(io.stdout))
io.stdout:write("stdout still open\n")
-- explicit __gc closes
local g = io.open(name)
mt.__gc(g)
print(io.type(g), tostring(g))
-- many unclosed files are reclaimed by the collector
for i = 1, 3000 do
  local h = io.open(name)
  h:read(1)
end
collectgarbage()
print(io.type(io.open(name)))
-- a file is a userdata and keeps its identity as a table key
local t = {}
local k = io.open(name)
t[k] = true
print(type(k), t[k], rawequal(k, k))
k:close()
-- file methods can be reached through the metatable and called on any file
print(mt.read(io.open(name), 7))
-- the metatable can be extended, as C modules and scripts do
function mt.size(self) local cur = self:seek(); local n = self:seek("end"); self:seek("set", cur); return n end
print(io.open(name):size())
mt.size = nil
os.remove(name)
-- environments of iterators follow the function that made them
local name2 = os.tmpname()
print(debug.getfenv(io.lines(name2)) == mt, debug.getfenv(io.stdin:lines()) == _G)
os.remove(name2)
