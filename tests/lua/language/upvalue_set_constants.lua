-- Assigning constants to upvalues (USETS, USETN, USETP) and variables (USETV).
local s, n, p, v = "a", 1, true, {}
local function set_all()
  s = "string constant"
  n = 42.5
  p = nil
  v = s .. n
end
set_all()
print(s, n, p, v)
local function counter()
  local c = 0
  return function() c = c + 1; if c > 2 then c = -1 end return c end
end
local f = counter()
print(f(), f(), f(), f())
local function reset()
  local x = "before"
  local function g() x = "after"; x = 0; x = false end
  g()
  return x
end
print(reset())
