-- Recursion through library functions that call back into Lua (the
-- callbacks run on the native stack): LuaJIT stops them when its Lua stack
-- overflows; ours also bounds the native stack. Either way: "stack
-- overflow", no position, and the state keeps working.
local function show(ok, e) print(ok, e) end

local function sorter() table.sort({ 3, 2, 1 }, function(x, y) sorter() return x < y end) end
show(pcall(sorter))

local n = 0
package.loaders[#package.loaders + 1] = function(name)
  return function() n = n + 1 return require("chain" .. n) end
end
show(pcall(require, "chain0"))


local function gm() for w in string.gmatch("a", "a") do gm() end end
show(pcall(gm))

local function fe() table.foreach({ 1 }, function() fe() end) end
show(pcall(fe))

local obj = setmetatable({}, { __tostring = function(o) return "<" .. string.format("%s", o) .. ">" end })
show(pcall(tostring, obj))
local obj2 = setmetatable({}, { __tostring = function(o) print(o) end })
show(pcall(print, obj2))

local function deep(k) if k == 0 then return 0 end return 1 + deep(k - 1) end
print(deep(10000))
print(select("#", table.sort({ 2, 1 })))
