-- math: edge cases of every function (NaN/zero signs, min/max order, log base, ldexp/frexp/modf, deg/rad as Lua functions), errors.
local dir = "/tmp/zz_gc_test"
local names = {"a.txt", "b.txt", "c.dat"}
for i, n in ipairs(names) do
  local f = assert(io.open(dir .. "_" .. n, "w"))
  f:write(("line %d\n"):format(i):rep(i))
  f = nil
end
print(dir)
local dir = "/tmp/zz_gc_test"
local names = {"a.txt", "b.txt", "c.dat"}
for i, n in ipairs(names) do
  local f = io.open(dir .. "_" .. n, "w")
  f:write(("line %d\n"):format(i):rep(i))
  f:close()
end
print(dir)
local t = setmetatable({}, { __mul = function(a, b) return "mul" end })
print(math.deg(t), math.rad(t))
print(pcall(function() return math.floor() end))
print(pcall(function() return math.max(1, {}) end))
print(pcall(function() local m = math; return m.sqrt("x") end))
local names = {}
for k, v in pairs(math) do names[#names + 1] = k .. "=" .. type(v) end
table.sort(names)
print(table.concat(names, " "))
for _, k in ipairs({ "abs", "floor", "min", "max", "random", "randomseed", "sqrt", "log", "pow", "fmod" }) do print(k, tostring(math[k])) end
print(type(math.deg), type(math.rad), math.pi == 4 * math.atan(1), math.huge == 1 / 0)
for i = -3, 3 do print(i / 2, math.floor(i / 2), math.ceil(i / 2), math.modf(i / 2)) end
for _, x in ipairs({ 1, 2, 3, 10, 0.1, 1e-300, 1e300, 2 ^ 60 }) do print(x, math.frexp(x)) end
for _, e in ipairs({ -1080, -1074, -1030, -1022, -1, 0, 1, 1023, 1024 }) do print(e, math.ldexp(1, e), math.ldexp(0.75, e)) end
