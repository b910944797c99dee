-- Weak tables while a cycle runs in small steps: entries whose key or value
-- is alive are never removed; after full collections the dead ones are gone.
-- Ballast: enough live data that a cycle spans many steps.
local ballast = {}
for i = 1, 5000 do ballast[i] = { i } end
collectgarbage()
collectgarbage("setstepmul", 1000)   -- small steps, still faster than the allocation
-- A cycle has completed once a weakly held sentinel object is gone.
local sentinel = setmetatable({}, { __mode = "k" })
local function new_sentinel() sentinel[{}] = true end
new_sentinel()
local function cycle_done()
  if next(sentinel) == nil then new_sentinel(); return true end
  return false
end
local function step() collectgarbage("step", 0); return cycle_done() end

local live = {}
local wv = setmetatable({}, { __mode = "v" })
local wk = setmetatable({}, { __mode = "k" })
local wkv = setmetatable({}, { __mode = "kv" })
local function churn(rounds)
  local cycles = 0
  local r = 0
  while cycles < 3 do
    r = r + 1
    local o = { n = r }
    wv[r] = o
    wk[o] = r
    wkv[o] = { r }
    if r % 3 == 0 then live[#live + 1] = o end
    -- strings are never weak references
    wv["s" .. r % 7] = "str" .. r % 7
    if step() then cycles = cycles + 1 end
  end
  return r
end
local r = churn()

local lost = 0
for _, o in ipairs(live) do
  if wv[o.n] ~= o then lost = lost + 1 end
  if wk[o] ~= o.n then lost = lost + 1 end
end
print("live", #live > 10, "lost while stepping", lost)

collectgarbage("setstepmul", 200)
collectgarbage(); collectgarbage()
local nv, nk, nkv = 0, 0, 0
for k, v in pairs(wv) do if type(k) == "number" then nv = nv + 1; assert(v.n % 3 == 0) end end
for k, v in pairs(wk) do nk = nk + 1; assert(k.n == v) end
for k, v in pairs(wkv) do nkv = nkv + 1 end
print("weak values", nv == #live, "weak keys", nk == #live, "weak kv", nkv)
local strings = 0
for i = 0, 6 do if wv["s" .. i] == "str" .. i then strings = strings + 1 end end
print("strings kept", strings)
