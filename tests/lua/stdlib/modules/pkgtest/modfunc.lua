-- module() with a nested name and an option function.
local print, tostring = print, tostring
module("pkgtest.modfunc.inner", function(m) m.option_applied = true end, package.seeall)
value = "inner value"
function describe() return _NAME .. " " .. _PACKAGE .. " " .. tostring(_M == getfenv(1)) end
