-- Lists a bytecode dump with the reference: luajit reference_list.lua file.raw [chunkname]
local data = assert(io.open(arg[1], "rb")):read("*a")
local f = assert(loadstring(data, arg[2] or data))
require("jit.bc").dump(f, io.stdout, true)
