-- debug.getinfo: each option on its own, names of every kind of call,
-- what/linedefined of main chunks and stripped functions, threads, errors.
local function keys(t)
  if t == nil then return "nil" end
  local ks = {}
  for k, v in pairs(t) do
    local s = type(v) == "function" and "<function>" or type(v) == "table" and "<table>" or tostring(v)
    ks[#ks+1] = k .. "=" .. s
  end
  table.sort(ks)
  return table.concat(ks, " ")
end
local function sample(a, b)
  local c = a
  return c, b
end
for _, o in ipairs({"S", "l", "u", "n", "f", "L", "", "SlunfL", "lS", "uu"}) do
  print(o, keys(debug.getinfo(sample, o)))
end
for _, o in ipairs({"S", "l", "u", "n", "f", "L", ""}) do
  print("C " .. o, keys(debug.getinfo(rawget, o)))
end
print(keys(debug.getinfo(1, "Sl")))
print(keys(debug.getinfo(0, "Sn")))

-- names seen from inside
local function name_of() local i = debug.getinfo(2, "n") return tostring(i.name) .. "/" .. i.namewhat end
local function me() return (name_of()) end
local t = {me = function() return (name_of()) end, deep = {me = function() return (name_of()) end}}
function t:m() return (name_of()) end
gme = function() return (name_of()) end
local up = me
local function viaup() return (up()) end
print(me(), t.me(), t.deep.me(), t:m(), gme(), viaup())
local arr = {function() return (name_of()) end}
print(arr[1](), (me)())
local mt = setmetatable({}, {
  __index = function() return (name_of()) end,
  __add = function() return (name_of()) end,
  __call = function() return (name_of()) end,
  __concat = function() return (name_of()) end,
  __unm = function() return (name_of()) end,
  __lt = function() print(name_of()) return true end,
})
print(mt.x, mt + 1, mt(), mt .. "", -mt)
local _ = mt < mt
for k in function(_, c) if c then return nil end print(name_of()) return 1 end do end
print(pcall(name_of))
print(select(2, pcall(function() return (name_of()) end)))

-- what, linedefined and currentline of main chunks and loaded chunks
local main = debug.getinfo(1, "Sl")
print(main.what, main.linedefined, main.lastlinedefined > main.currentline)
local f1 = loadstring("local i = debug.getinfo(1, 'Sl') return i")
print(keys(f1()))
local f2 = loadstring("\n\nlocal i = debug.getinfo(1, 'Sl')\nreturn i", "=named")
print(keys(f2()))
local f3 = loadstring("return function()\nend")()
print(keys(debug.getinfo(f3, "S")))
local f4 = loadstring("local x = 1", "@some/file.lua")
print(keys(debug.getinfo(f4, "S")))
print(keys(debug.getinfo(loadstring(""), "SL")))

-- stripped bytecode: no line information
local stripped = loadstring(string.dump(function(x)
  local i = debug.getinfo(1, "Sl")
  return i.currentline, i.linedefined, i.lastlinedefined, i.what
end, true), "=stripped")
print(stripped())
print(keys(debug.getinfo(stripped, "L").activelines))

-- activelines
local function lines()
  local a = 1

  local b = 2
  return a + b
end
local al = {}
for l in pairs(debug.getinfo(lines, "L").activelines) do al[#al+1] = l end
table.sort(al)
print(table.concat(al, " "))

-- levels, threads, errors
local depth = 0
while debug.getinfo(depth + 1, "") do depth = depth + 1 end
print(depth)
print(debug.getinfo(depth + 1), debug.getinfo(-1), debug.getinfo(1.9, "l").currentline)
print(debug.getinfo("1", "l").currentline)
for _, args in ipairs({{}, {nil}, {"x"}, {{}}, {1, "!"}, {1, ">"}, {1, "S>"}, {print, ">S"}, {1, 5}}) do
  print(pcall(debug.getinfo, unpack(args, 1, 2)))
end
local co = coroutine.create(function(x) local y = x coroutine.yield(y) end)
print(debug.getinfo(co, 0), debug.getinfo(co, 1))
coroutine.resume(co, 5)
print(keys(debug.getinfo(co, 0, "Snl")))
print(keys(debug.getinfo(co, 1, "Sl")))
print(debug.getinfo(co, 2), keys(debug.getinfo(co, print, "S")))
print(pcall(debug.getinfo, co))
print(pcall(debug.getinfo, co, "x"))
coroutine.resume(co)
print(debug.getinfo(co, 0))
