-- jit.util: function introspection (no traces exist in a -joff run).
local util = require("jit.util")
local function keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  return ks
end
local function show(t, skip)
  local out = {}
  for _, k in ipairs(keys(t)) do
    if not skip[k] then out[#out + 1] = k .. "=" .. tostring(t[k]) end
  end
  print(table.concat(out, " "))
end
local function f(a, b, ...)
  local x = "s" .. a
  return function() return x, 1.5, 2^40, { 1, 2 } end
end
show(util.funcinfo(f), { proto = true })
show(util.funcinfo(f(1)), { proto = true })
print(type(util.funcinfo(f).proto))
local ci = util.funcinfo(print)
print(type(ci.addr), type(ci.upvalues), ci.loc, ci.source)
for pc = 0, 8 do print(pc, util.funcbc(f, pc)) end
for i = -4, 3 do local k = util.funck(f(1), i) print(i, type(k) == "table" and "table" or k) end
print(type(util.funck(f, -2)), util.funcinfo(util.funck(f, -2)).loc)
print(util.funcuvname(f(1), 0), util.funcuvname(f(1), 1), util.funcuvname(f, 0))
for pc = -1, 6 do print("line", pc, util.funcinfo(f, pc).currentline) end
local stripped = loadstring(string.dump(f, true))
print(util.funcinfo(stripped).currentline, util.funcinfo(stripped).linedefined, util.funcuvname(stripped(1), 0) == "")
print(util.funcinfo(loadstring("return 1", "=name")).loc)
print(util.funcinfo(loadstring("return 1", "@/a/b/c.lua")).loc)
print(util.funcinfo(loadstring("return 1", "ab\0cd")).loc)
print(util.funcinfo(loadstring("return 1")).loc)
print(pcall(util.funcbc, print, 0))
print(pcall(util.funcinfo, 1))
print(pcall(util.funcbc, f))
print(pcall(util.funck, f, "x"))
print(util.funcbc(f, 1.9))
print(select("#", util.traceinfo(1)), select("#", util.traceir(1, 1)), select("#", util.tracek(1, 1)),
  select("#", util.tracesnap(1, 1)), select("#", util.tracemc(1)))
print(pcall(util.traceinfo))
-- The mode words of an ordinary function's instructions. (Every opcode's
-- word is checked against the reference's in src/stdlib/jit_util.rs: a
-- dump that holds every opcode with arbitrary operands cannot be loaded
-- here, the loader rejects bytecode it cannot run safely.)
local function sample(t, ...)
  local x = t.a + 1
  for i = 1, 3 do x = x .. i end
  for k, v in pairs(t) do x = x .. k end
  local f = function() return x end
  if x == "s" or t[1] < 2 then x = nil end
  return select("#", ...), f, {...}
end
local modes = {}
for pc = 0, 200 do
  local ins, m = util.funcbc(sample, pc)
  if not ins then break end
  modes[#modes + 1] = m
end
print(#modes, table.concat(modes, ","))
