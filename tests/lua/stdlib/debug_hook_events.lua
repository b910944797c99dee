-- Hook events as LuaJIT's interpreter delivers them: line events on new
-- lines, backward jumps and returns into Lua functions; call events for
-- Lua and C functions (no return events for C functions); tail calls; the
-- hooked frame at level 2; no nested hooks; errors from hooks.
jit.off()
local ev = {}
local function rec(e, line)
  local i = debug.getinfo(2, "nSl")
  if i.short_src:find("debug_hook_events", 1, true) or i.what == "C" then
    ev[#ev+1] = e:sub(1, 1) .. (line or "") .. ":" .. tostring(i.name) .. "@" .. i.currentline
  end
end
local function flush(label) print(label, table.concat(ev, " ")) ev = {} end

local function leaf(x) return x + 1 end
local function tail(x) return leaf(x) end
local function mid(x)
  local y = tail(x)
  return y
end
debug.sethook(rec, "crl")
mid(1)
debug.sethook()
flush("crl")

debug.sethook(rec, "l")
local s = 0
for i = 1, 3 do s = s + i end
local n = 0
while n < 2 do n = n + 1 end
repeat n = n - 1
until n == 0
local v = leaf(1) + leaf(2)
local w = ("x"):rep(2) .. "y"
debug.sethook()
flush("lines")

debug.sethook(rec, "c")
local _ = tostring(1)
_ = select("#", 1, 2)
_ = pcall(leaf, 1)
debug.sethook()
flush("calls")

debug.sethook(rec, "r")
leaf(1)
tail(1)
_ = tostring(2)
debug.sethook()
flush("returns")

-- the hooked function's locals are visible at level 2
local seen = {}
local function spy(e, line)
  local name, value = debug.getlocal(2, 1)
  if name == "secret" then seen[#seen+1] = line .. "=" .. tostring(value) end
end
local function watched()
  local secret = 1
  secret = secret + 1
  secret = secret * 10
  return secret
end
debug.sethook(spy, "l")
watched()
debug.sethook()
print("locals", table.concat(seen, " "))

-- no hooks while a hook runs
local inner = 0
debug.sethook(function(e)
  inner = inner + 1
  leaf(1)
end, "c")
leaf(1)
leaf(2)
debug.sethook()
print("nested", inner)

-- count hooks
local count = 0
debug.sethook(function(e, l) count = count + 1 end, "", 1)
local z = 0
for i = 1, 100 do z = z + i end
debug.sethook()
print("count", count > 100, count < 1000)

-- errors raised by hooks propagate to the caller
print(pcall(function()
  debug.sethook(function(e, l) if l then debug.sethook() error("hook error at " .. l) end end, "l")
  local q = 1
  return q
end))
print(debug.gethook())

-- a hook set inside a coroutine
local co = coroutine.create(function()
  local k = 0
  debug.sethook(function() k = k + 1 end, "l")
  local a = 1
  local b = 2
  debug.sethook()
  return k
end)
print(coroutine.resume(co))
