-- A file that starts with a `#` line: the line is skipped (line numbers
-- count it), and bytecode behind it is refused as malformed whatever the
-- mode, as by LuaJIT's loader (loadstring behaves the same way).
local name = os.tmpname()
local function write(s)
  local f = assert(io.open(name, "wb"))
  f:write(s)
  f:close()
end

local function hide_name(...)
  local out = {}
  for i = 1, select("#", ...) do
    out[i] = tostring((select(i, ...))):gsub(name, "TMP")
  end
  return unpack(out, 1, select("#", ...))
end

write("#!/usr/bin/env luajit\nlocal x = 1\nerror('line three')\n")
print(hide_name(pcall(assert(loadfile(name)))))
print(hide_name(select(2, pcall(dofile, name))))

local dumped = string.dump(loadstring("return 'loaded'"))
for _, header in ipairs({"#c\n", "#c\r\n", "#!/x\n"}) do
  write(header .. dumped)
  print(loadfile(name))
  print(loadfile(name, "t"))
  print(loadfile(name, "b"))
  print(pcall(dofile, name))
  print(loadstring(header .. dumped))
end
-- Without a newline the whole file is the `#` line's comment... until
-- the first newline byte inside the dump.
write("#" .. dumped)
print(type(loadfile(name)))
-- Bytecode at the start still loads.
write(dumped)
print(assert(loadfile(name))())
os.remove(name)
