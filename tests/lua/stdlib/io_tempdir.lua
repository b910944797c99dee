-- Files in a temporary directory derived from os.tmpname: create, list by name, rename, remove, rmdir.
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir " .. dir) == 0)
local names = {"a.txt", "b.txt", "c.dat"}
for i, n in ipairs(names) do
  local f = assert(io.open(dir .. "/" .. n, "w"))
  f:write(("line %d\n"):format(i):rep(i))
  f:close()
end
for _, n in ipairs(names) do
  local f = io.open(dir .. "/" .. n)
  local count = 0
  for _ in f:lines() do count = count + 1 end
  f:close()
  print(n, count)
end
print(os.rename(dir .. "/a.txt", dir .. "/renamed.txt"))
print(io.open(dir .. "/a.txt"), io.type(io.open(dir .. "/renamed.txt")))
local ok, err = os.remove(dir)
print(ok, err and (err:gsub("^.*: ", "")))
for _, n in ipairs({"renamed.txt", "b.txt", "c.dat"}) do print(os.remove(dir .. "/" .. n)) end
print(os.remove(dir))
local gone, msg, code = io.open(dir .. "/b.txt")
print(gone, (msg:gsub("^.*: ", "")), code)
