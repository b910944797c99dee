-- debug.sethook: line, call, return and count hooks; gethook.
-- Count hooks only fire in interpreted code, so keep the JIT out of this test.
jit.off()
local events = {}
local function target(n)
  local s = 0
  for i = 1, n do s = s + i end
  return s
end
local function hook(ev, line)
  local info = debug.getinfo(2, "nS")
  if info.short_src:find("debug_hooks") then
    events[#events+1] = ev .. ":" .. tostring(line or info.name)
  end
end
debug.sethook(hook, "l")
target(2)
debug.sethook()
print(table.concat(events, " "))
events = {}
debug.sethook(hook, "cr")
target(1)
debug.sethook()
print(table.concat(events, " "))
local count = 0
debug.sethook(function() count = count + 1 end, "", 100)
for i = 1, 10000 do local x = i * 2 end
debug.sethook()
print(count > 10, count < 10000)
print(debug.gethook())
local function h2() end
debug.sethook(h2, "crl", 5)
local hf, mask, cnt = debug.gethook()
debug.sethook()
print(hf == h2, mask, cnt)
-- hooks inside coroutines are per-thread
local co = coroutine.create(function()
  local n = 0
  debug.sethook(function() n = n + 1 end, "l")
  local a = 1
  local b = 2
  debug.sethook()
  return n
end)
print(coroutine.resume(co))
print(debug.gethook())
-- error inside a hook propagates
print(pcall(function()
  debug.sethook(function() debug.sethook(); error("from hook") end, "l")
  local x = 1
end))
debug.sethook()
