-- Uncaught runtime error deep in a call chain.
local t = {}
local function a() return t.x.y end
local function b() local v = a() return v end
function globalc() return b() end
globalc()
