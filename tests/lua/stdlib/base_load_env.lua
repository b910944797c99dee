-- load, loadstring and loadfile take an environment as their last
-- argument (LuaJIT 2.1's 5.2-style extension): a table becomes the
-- environment of the loaded function; anything else (nil, a number, a
-- string, a function) is ignored and the function gets the globals.
local env = {x = 10, tostring = tostring}
local f = load("y = x + 1 return x", "=env", "t", env)
print(f(), env.y, y, getfenv(f) == env)

-- loadstring is load under another name: the same fourth argument.
f = loadstring("return x", "=ls", "bt", {x = "from loadstring"})
print(f())

-- A reader function chunk with an environment.
local pieces = {"return ", "x * 2"}
local i = 0
f = load(function() i = i + 1 return pieces[i] end, "=reader", "t", {x = 21})
print(f(), i)

-- Absent, nil and non-table environments: the globals.
x = "global x"
for _, e in ipairs({"absent", "nil", 42, "str", true, print}) do
  local g
  if e == "absent" then
    g = load("return x", "=c", "t")
  elseif e == "nil" then
    g = load("return x", "=c", "t", nil)
  else
    g = load("return x", "=c", "t", e)
  end
  print(tostring(e):gsub("0x%x+", "ADDR"), g(), getfenv(g) == _G)
end

-- The environment also applies with no mode given (nil mode).
f = load("return x", nil, nil, {x = "nil mode"})
print(f())
f = loadstring("return x", "=n", nil, {x = "loadstring nil mode"})
print(f())

-- Binary chunks: the environment applies to the loaded function too.
local dumped = string.dump(function() return x end)
f = load(dumped, "=bin", "b", {x = "binary env"})
print(f(), getfenv(f).x)
f = load(dumped, "=bin", "bt", {x = "binary bt"})
print(f())

-- Functions defined inside the chunk inherit the environment.
env = {}
f = load("function g() return h end h = 'inner' return g", "=nested", "t", env)
local g = f()
print(g(), env.g == g, rawget(_G, "g"))

-- setfenv/getfenv still work on the result.
f = load("return x", "=c", "t", {x = 1})
setfenv(f, {x = 2})
print(f())

-- Mode strings and their errors: the environment is not applied when
-- loading fails, and the results are nil and the message.
print(load("return 1", "=m", "b", {}))
print(load(dumped, "=m", "t", {}))
print(load("return 1", "=m", "", {}))
print(load("return 1", "=m", "x", {}))
print(load("return 1", "=m", "tb", {x = 1}) ~= nil)
print(pcall(load, "return 1", "=m", 5, {}))
print(pcall(load, "return 1", "=m", {}, {}))
print(load("return +", "=syntax", "t", {}))

-- An environment argument does not change argument checking.
print(pcall(load, nil, "=c", "t", {}))
print(pcall(load, {}, "=c", "t", {}))
print(pcall(loadstring, nil, nil, nil, {}))

-- loadfile(filename, mode, env).
local name = os.tmpname()
local fh = assert(io.open(name, "w"))
fh:write("z = (z or 0) + 1 return x, z")
fh:close()
local fenv = {x = "file env"}
f = loadfile(name, "t", fenv)
print(f())
print(fenv.z, rawget(_G, "z"))
f = loadfile(name, "bt", {x = "bt"})
print(f())
f = loadfile(name, nil, {x = "nil mode"})
print(f())
f = loadfile(name, "t", nil)
print(f(), getfenv(f) == _G)
f = loadfile(name, "t", 7)
print(getfenv(f) == _G)
print((select(2, loadfile(name, "b", {})):gsub("^[^:]*:", "FILE:")))
print(pcall(loadfile, name, {}, {}))
-- a binary file
fh = assert(io.open(name, "wb"))
fh:write(string.dump(function() return x end))
fh:close()
f = loadfile(name, "b", {x = "binary file env"})
print(f())
print((select(2, loadfile(name, "t", {})):gsub("^[^:]*:", "FILE:")))
os.remove(name)
print(loadfile("/nonexistent/file.lua", "t", {}))

-- dofile takes no environment.
print(pcall(dofile, "/nonexistent/file.lua"))
