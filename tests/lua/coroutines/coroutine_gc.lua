-- Unreferenced suspended coroutines are collected; their locals do not stay alive.
local weak = setmetatable({}, {__mode = "k"})
local function spawn()
  for i = 1, 20 do
    local payload = {}
    weak[payload] = true
    local co = coroutine.create(function(p) coroutine.yield(); return p end)
    coroutine.resume(co, payload)
  end
end
spawn()
collectgarbage(); collectgarbage()
local n = 0
for _ in pairs(weak) do n = n + 1 end
print(n)
-- a referenced suspended coroutine keeps its locals alive
local keep = setmetatable({}, {__mode = "k"})
local alive
do
  local payload = {}
  keep[payload] = true
  alive = coroutine.create(function(p) coroutine.yield(); return p end)
  coroutine.resume(alive, payload)
end
collectgarbage(); collectgarbage()
local m = 0
for _ in pairs(keep) do m = m + 1 end
print(m, select(2, coroutine.resume(alive)) ~= nil)
