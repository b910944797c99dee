-- A module used by the package tests.
local M = {}
M.loaded_with = ...
M.count = (M.count or 0) + 1
loads_of_mymod = (loads_of_mymod or 0) + 1
function M.hello(n) return "hello " .. n end
return M
