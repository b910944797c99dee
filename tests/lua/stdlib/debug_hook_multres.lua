-- Count and line hooks firing between an instruction that leaves several
-- results above the frame (varargs, calls) and the one that uses them
-- (call, return, table constructor) do not clobber those values.
local t = {}
for i = 1, 26 do t[i] = string.char(96 + i) end
local function foo1(...) return ... end
local function foo2(...) local function dummy() end return ... end
local function foo4() do local x; local function dummy() return x end end end
local function check(label, r)
  print(label, #r, r[1], r[13], r[26])
end
local called = 0
local function hook() local x, y, z = "wrong", "wrong", "wrong"; called = called + 1 end
for _, mode in ipairs{{"", 1}, {"l", 0}, {"", 2}} do
  debug.sethook(hook, mode[1], mode[2])
  local r1 = {foo1(unpack(t))}
  local r2 = {foo2(unpack(t))}
  local r3 = {unpack(t)}
  local a, b, c = foo1(1, 2, 3)
  local n = select("#", foo1(unpack(t)))
  local s = table.concat({foo2("x", "y", "z")}, ",")
  foo4()
  debug.sethook()
  check("varg", r1); check("varg+uclo", r2); check("unpack", r3)
  print(a, b, c, n, s, called > 0)
  called = 0
end
