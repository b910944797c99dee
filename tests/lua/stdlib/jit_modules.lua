-- The jit.* Lua modules, loaded from the source tree (src/jit/lua).
table.insert(package.loaders, 2, function(name)
  local m = name:match("^jit%.(%w+)$")
  if m then return (loadfile("src/jit/lua/" .. m .. ".lua")) end
end)
local bc = require("jit.bc")
local function sample(t, k, ...)
  local s = 0
  for i = 1, #t do
    if t[i] > k then s = s + t[i] * 2.5 else s = s - 1 end
  end
  local g = function(x) return s + x, "str\n\t\1", {1, 2, x = 3} end
  return g(select("#", ...)), #t .. "!", nil, true
end
bc.dump(sample, io.stdout, true)
bc.dump(sample)
print(bc.line(sample, 1), bc.line(sample, 1000))
local targets = bc.targets(sample)
local tl = {}
for pc in pairs(targets) do tl[#tl + 1] = pc end
table.sort(tl)
print(table.concat(tl, " "))
bc.dump(loadstring("local t = {...} t[1] = 'a very long string constant that is cut in the listing' return t", "=long"))
local vmdef = require("jit.vmdef")
print(#vmdef.bcnames / 6, vmdef.bcnames:sub(1, 12), vmdef.ffnames[0], vmdef.ffnames[1], type(vmdef.irnames))
-- Trace printers load and can be switched on and off (no trace events here).
local v = require("jit.v")
v.on("-") v.off()
local dump = require("jit.dump")
dump.on("tb", "-") dump.off()
local zone = require("jit.zone")
zone("outer") zone("inner")
print(zone:get(), zone(), zone:get(), zone())
print(pcall(zone))
print(type(require("jit.p").start), type(require("jit.p").stop))
