-- A Lua 5.1 style module using module().
module("oldstyle", package.seeall)
function greet() return "old style " .. tostring(type(print)) end
