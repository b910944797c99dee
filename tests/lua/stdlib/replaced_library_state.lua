-- Library functions keep state where Lua code can replace it: in their
-- upvalues (debug.setupvalue works on C functions too) or in the registry
-- (debug.getregistry). LuaJIT reads whatever is there as its state and
-- segfaults on the newproxy, coroutine.wrap and math.random cases, so this
-- expected file is not recorded from the reference: we promise never to
-- crash, and each case ends in a clean error (or, where LuaJIT copes, in
-- LuaJIT's result).
local function try(what, f, ...)
  local ok, err = pcall(f, ...)
  print(string.format("%-24s %s %s", what, tostring(ok), ok and "" or tostring(err)))
end

-- newproxy's weak set of metatables.
debug.setupvalue(newproxy, 1, 1)
try("newproxy(true)", newproxy, true)
try("newproxy(false)", newproxy, false)

-- The coroutine of a wrap iterator.
local co = coroutine.wrap(function() return 1 end)
print(debug.setupvalue(co, 1, {}))
try("wrap iterator", co)

-- The generator state of math.random and math.randomseed.
local random, randomseed = math.random, math.randomseed
for _, v in ipairs({ {}, newproxy(), 42 }) do
  debug.setupvalue(random, 1, v)
  debug.setupvalue(randomseed, 1, v)
  try("random, " .. type(v), random)
  try("randomseed, " .. type(v), randomseed, 1)
end

-- A gmatch iterator's subject (LuaJIT returns nothing).
local it = string.gmatch("abc", ".")
debug.setupvalue(it, 1, {})
try("gmatch iterator", it)

-- The file of a lines iterator (LuaJIT: a closed file).
local f = io.tmpfile()
f:write("a\nb\n")
f:seek("set")
local lines = f:lines()
debug.setupvalue(lines, 1, {})
try("lines iterator", lines)
f:close()

-- The default files, where we keep them (LuaJIT keeps them elsewhere).
local reg = debug.getregistry()
local input, output = io.input(), io.output()
reg._IO_input, reg._IO_output = 42, {}
try("io.read", io.read)
try("io.write", io.write, "x")
try("io.flush", io.flush)
io.input(input)
io.output(output)
try("io.write restored", io.write, "")
print("done")
