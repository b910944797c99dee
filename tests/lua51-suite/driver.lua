-- Runs one file of the Lua 5.1 test suite the way the suite's all.lua runs
-- it: the same collector settings, random seed, locale, `Message` hook and
-- `dofile` that sends every file through string.dump and back, and the
-- same checks on what each file returns. One file per process, so that a
-- failure names its file and the other files still run.
--
-- usage (from the suite directory): luajit driver.lua FILE.lua

local name = assert(arg[1], "usage: driver.lua FILE.lua")

math.randomseed(0)
collectgarbage("setstepmul", 180)
collectgarbage("setpause", 190)

-- Tests that a file skips call Message; all.lua lists them at the end.
local skipped = {}
function Message(m)
  print(m)
  skipped[#skipped + 1] = string.sub(m, 3, -3)
end

assert(os.setlocale("C"))

-- Lua 5.1's compatibility aliases, which the suite uses and LuaJIT (like
-- Lua 5.1 built without LUA_COMPAT_MOD and LUA_COMPAT_GFIND) lacks.
math.mod = math.mod or math.fmod
string.gfind = string.gfind or string.gmatch

-- all.lua runs every file except gc.lua through a bytecode round trip.
dofile = function(n)
  local f = assert(loadfile(n))
  local dumped = string.dump(f)
  f = assert(loadstring(dumped))
  return f()
end

if name ~= "main.lua" then
  -- all.lua leaves a proxy behind main.lua whose finalizer resurrects a
  -- new proxy each time, so every later collection runs a finalizer.
  local u = newproxy(true)
  local newproxy, stderr = newproxy, io.stderr
  getmetatable(u).__gc = function(o)
    stderr:write(".")
    newproxy(o)
  end
end

-- What all.lua asserts about each file's results.
local expected_result = {
  ["attrib.lua"] = 27,
  ["locals.lua"] = 5,
  ["events.lua"] = 12,
  ["verybig.lua"] = 10,
}

-- Called from the main chunk, as all.lua does (an error reaches the
-- interpreter, which prints it as "PROGNAME: message").
if name == "gc.lua" then
  local f = assert(loadfile(name))
  f()
elseif name == "calls.lua" then
  local r = dofile(name)
  assert(r == deep and deep, "calls.lua did not return `deep`")
elseif name == "big.lua" then
  local f = coroutine.wrap(assert(loadfile(name)))
  assert(f() == "b")
  assert(f() == "a")
elseif expected_result[name] then
  local r = dofile(name)
  assert(r == expected_result[name],
    name .. " returned " .. tostring(r) .. ", expected " .. expected_result[name])
  collectgarbage()
else
  dofile(name)
end

if #skipped > 0 then
  print("\ntests not performed:")
  for i = 1, #skipped do print(skipped[i]) end
end
print("\nSUITE-FILE-OK " .. name)
