-- os.execute status values, getenv, remove/rename errors, tmpname, setlocale, clock.
print(os.execute("exit 0"), os.execute("exit 3"), os.execute("exit 255"))
print(os.execute("kill -TERM $$"), os.execute("kill -KILL $$"))
print(type(os.execute()), os.execute() ~= 0)
print(os.execute("true\0ignored after NUL"))
print(os.execute("echo from child; exit 7"))
print(pcall(os.execute, {}))
-- getenv
print(os.getenv("PATH") ~= nil, os.getenv("LC_ALL"), os.getenv("TZ"))
print(os.getenv("SURELY_NOT_SET_ANYWHERE_12345"), os.getenv(""))
print(pcall(os.getenv), pcall(os.getenv, {}))
print(os.getenv(123))
-- tmpname: a fresh empty file in /tmp
local n1, n2 = os.tmpname(), os.tmpname()
print(n1 ~= n2, n1:match("^/tmp/lua_......$") ~= nil, io.open(n1):read("*a"))
-- rename and remove, with their errors
local d = n1 .. ".dir"
print(os.execute("mkdir " .. d))
print(os.rename(n1, d .. "/moved"))
print(io.open(n1), (select(2, io.open(n1)):gsub(n1, "N1")))
local function masked(...)
  local r = {...}
  for i = 1, select("#", ...) do if type(r[i]) == "string" then r[i] = r[i]:gsub(n1, "N1"):gsub(n2, "N2") end end
  return unpack(r, 1, select("#", ...))
end
print(masked(os.remove(d)))
print(masked(os.rename(n1, n2)))
print(masked(os.rename(n2, d)))
print(masked(os.rename(d, d .. "/moved/sub")))
print(masked(os.remove(d .. "/moved")))
print(masked(os.remove(d .. "/moved")))
print(masked(os.remove(d)))
print(masked(os.remove(d)))
print(masked(os.remove(n2)))
print(masked(os.remove(n2)))
print(os.remove("/"))
print(os.rename("/nonexistent/a", "/nonexistent/b"))
print(pcall(os.remove), pcall(os.rename, "a"))
print(pcall(os.rename, "a", {}))
-- setlocale
print(os.setlocale(), os.setlocale(nil), os.setlocale(nil, "all"))
for _, cat in ipairs({"all", "collate", "ctype", "monetary", "numeric", "time"}) do
  io.write(cat, "=", tostring(os.setlocale(nil, cat)), " ")
end
print()
print(os.setlocale("C"), os.setlocale("POSIX", "numeric"), os.setlocale("", "time"), os.setlocale("xx_YY.bogus", "ctype"))
print(pcall(os.setlocale, nil, "bogus"))
print(pcall(os.setlocale, nil, 5))
print(pcall(os.setlocale, {}))
print(os.setlocale("C"))
-- clock
local c1 = os.clock()
local x = 0
for i = 1, 3e6 do x = x + i end
local c2 = os.clock()
print(type(c1), c2 >= c1, c1 >= 0, c2 - c1 < 100)
