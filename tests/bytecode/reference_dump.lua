-- Writes <prefix>.g.raw (string.dump), <prefix>.s.raw (stripped) and
-- <prefix>.list (the -bl listing) for one Lua file, all from one load so
-- template table hash order agrees. Usage: luajit reference_dump.lua in.lua prefix
local input, prefix = arg[1], arg[2]
local f = assert(loadfile(input))
local function w(name, s) local h = assert(io.open(name, "wb")); h:write(s); h:close() end
w(prefix .. ".g.raw", string.dump(f))
w(prefix .. ".s.raw", string.dump(f, true))
local buf = {}
local out = { write = function(t, ...) for i = 1, select("#", ...) do buf[#buf+1] = select(i, ...) end end, close = function() end, flush = function() end }
require("jit.bc").dump(f, out, true)
w(prefix .. ".list", table.concat(buf))
