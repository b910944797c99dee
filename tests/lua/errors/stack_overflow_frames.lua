-- Where a runaway recursion of fixed-argument functions stops: the frame
-- that does not fit is invisible (a dummy frame), the error has no
-- position, and handlers and tracebacks start at its caller's call line.
local b
local function a(x)
  local y = 1
  return 1 +
    b(x)
end
function b(x)
  local y = 2
  local z = 3
  return 1 +
        a(x)
end
local function levels(m)
  local t = {}
  for lv = 1, 5 do
    local i = debug.getinfo(lv, "Sln")
    if not i then break end
    t[#t + 1] = lv .. ":" .. tostring(i.name) .. ":" .. i.short_src .. ":" .. i.currentline
  end
  return table.concat(t, " ") .. " | " .. m
end
print(xpcall(a, levels, 1))
print(xpcall(b, levels, 1))

-- A traceback handler (a C function) always gets to run.
local function f(n)
  local x = 1
  return 1 +
    f(n)
end
local ok, e = xpcall(f, debug.traceback, 1)
print(ok, (e:gsub("\n\t%.%.%.\n.*", "\n\t...")))

-- How deep recursion goes before the stack overflows.
local depth = 0
local function count() depth = depth + 1 return 1 + count() end
print(pcall(count))
print(depth)
depth = 0
local function count_pcall() depth = depth + 1 return pcall(count_pcall) end
local r = { count_pcall() }
print(#r, r[#r], depth)
depth = 0
local function count_xpcall()
  depth = depth + 1
  return select(2, xpcall(count_xpcall, function(m) return m end))
end
print(count_xpcall(), depth)

-- The names handlers see for themselves: the caller's instruction.
local function name_of_handler(m)
  local i = debug.getinfo(1, "n")
  return tostring(i.namewhat) .. ":" .. tostring(i.name)
end
print(xpcall(function() local x return x + 1 end, name_of_handler))
print(xpcall(function() local x return x.y end, name_of_handler))
print(xpcall(function() local x return x() end, name_of_handler))
print(xpcall(function() local x return #x end, name_of_handler))
print(xpcall(function() return {} .. "" end, name_of_handler))
print(xpcall(function() error("e") end, name_of_handler))
print(xpcall(count, name_of_handler))

-- Metamethods recursing without end.
local function mm(name, body)
  local mt = {}
  mt[name] = body
  return setmetatable({}, mt)
end
local o
o = mm("__index", function(t, k) return t[k] end)
print(pcall(function() return o.x end))
o = mm("__newindex", function(t, k, v) t[k] = v end)
print(pcall(function() o.x = 1 end))
o = mm("__add", function(p, q) return p + q end)
print(pcall(function() return o + 1 end))
o = mm("__concat", function(p, q) return p .. q end)
print(pcall(function() return o .. "x" end))
o = mm("__unm", function(p) return -p end)
print(pcall(function() return -o end))
local u = newproxy(true)
getmetatable(u).__len = function(p) return #p + 1 end
print(pcall(function() return #u end))
local mt = {}
mt.__eq = function(p, q) return p == q end
mt.__lt = function(p, q) return p < q end
mt.__le = function(p, q) return p <= q end
local p, q = setmetatable({}, mt), setmetatable({}, mt)
print(pcall(function() return p == q end))
print(pcall(function() return p < q end))
print(pcall(function() return p <= q end))
o = mm("__call", function(self, ...) return 1 + self(...) end)
print(pcall(function() return o(1) end))
o = mm("__index", function(t, k) return setmetatable({}, getmetatable(t))[k] end)
print(pcall(function() return o.x end))
setmetatable(_G, { __index = function(t, k) return t[k .. "x"] end })
print(pcall(function() return undefined_global end))
setmetatable(_G, nil)
