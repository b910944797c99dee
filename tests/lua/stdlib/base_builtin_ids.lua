-- Builtin ("fast function") ids are LuaJIT's: tostring(f) reads
-- "function: builtin#N" and jit.util.funcinfo(f).ffid is N.
local libs = {"_G", "coroutine", "math", "string", "table", "io", "os", "debug", "bit", "jit"}
local rows = {}
local function add(name, f)
  local s = tostring(f)
  local id = s:match("^function: builtin#(%d+)$")
  rows[#rows + 1] = string.format("%3s %s", id or "C", name)
end
for _, ln in ipairs(libs) do
  local names = {}
  for k, v in pairs(_G[ln]) do
    -- (OpenResty's jit.prngstate is not in the reference)
    if type(v) == "function" and k ~= "prngstate" then names[#names + 1] = k end
  end
  table.sort(names)
  for _, k in ipairs(names) do add(ln .. "." .. k, _G[ln][k]) end
end
local fm = getmetatable(io.stdout)
local mnames = {}
for k, v in pairs(fm.__index) do if type(v) == "function" then mnames[#mnames + 1] = k end end
for k, v in pairs(fm) do if type(v) == "function" then mnames[#mnames + 1] = k end end
table.sort(mnames)
for _, k in ipairs(mnames) do add("file:" .. k, fm.__index[k] or fm[k]) end
-- iterators handed out by builtins
add("(pairs iterator)", (pairs({})))
add("(ipairs iterator)", (ipairs({})))
add("(wrap function)", coroutine.wrap(function() end))
add("(gmatch iterator)", string.gmatch("", ""))
for _, r in ipairs(rows) do print(r) end

-- jit.util.funcinfo agrees with the ids
local fi = require("jit.util").funcinfo
print(fi(pcall).ffid, fi(coroutine.yield).ffid, fi(print).ffid, fi(print).upvalues)

-- upvalues of builtins, as LuaJIT lays them out
print(debug.getinfo(print, "u").nups, debug.getupvalue(print, 1))
print(debug.getinfo(pairs, "u").nups, debug.getupvalue(pairs, 1) == "", select(2, debug.getupvalue(pairs, 1)) == next)
print(debug.getinfo(ipairs, "u").nups, select(2, debug.getupvalue(ipairs, 1)) == ipairs({}))
print(debug.getinfo(newproxy, "u").nups, type(select(2, debug.getupvalue(newproxy, 1))))
print(debug.getupvalue(print, 2), debug.getinfo(next, "u").nups)

-- argument checks of pairs/ipairs/newproxy
print(pcall(pairs))
print(pcall(pairs, nil))
print(pcall(pairs, "abc"))
print(pcall(ipairs))
print(pcall(ipairs, 1))
print(pcall(newproxy, io.stdout))
print(pcall(newproxy, {}))
print(pcall(newproxy, 1))
print(pcall(newproxy, newproxy(false)))
local p = newproxy(true)
getmetatable(p).tag = "shared"
local q = newproxy(p)
print(getmetatable(q) == getmetatable(p), getmetatable(q).tag, type(newproxy()), getmetatable(newproxy(false)))

-- print looks "tostring" up in the running function's environment
local seen = {}
local env = setmetatable({tostring = function(v) seen[#seen + 1] = v; return "<" .. type(v) .. ">" end}, {__index = _G})
local f = setfenv(function() print(1, "x", nil) end, env)
f()
print(#seen, seen[1], seen[2])
