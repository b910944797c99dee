-- Incremental collection in tiny steps while the program keeps storing new
-- objects into objects the collector has already traversed: tables
-- (backward barrier), closed upvalues, metatables, function environments
-- and coroutine stacks. A missing barrier frees a live object; the
-- contents are verified afterwards (freed memory gets reused by the churn).
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

local function mk(i)
  return { id = i, s = "v" .. i, sub = { i, i * 2 } }
end
local function valid(o, i)
  return type(o) == "table" and o.id == i and o.s == "v" .. i
    and o.sub[1] == i and o.sub[2] == i * 2
end

local N = 64
local old = {}                     -- table slots
local ids = {}
for i = 1, N do old[i] = mk(-i); ids[i] = -i end
local setters, getters, uvids = {}, {}, {}
for i = 1, N do                    -- closed upvalues
  local v = mk(-i)
  setters[i] = function(x) v = x end
  getters[i] = function() return v end
  uvids[i] = -i
end
local mts, mtids = {}, {}          -- metatables of old tables
for i = 1, N do mts[i] = setmetatable({}, { __index = mk(-i) }); mtids[i] = -i end
local fns, fnids = {}, {}          -- function environments
for i = 1, N do fns[i] = setfenv(function() return marker end, { marker = mk(-i) }); fnids[i] = -i end
-- a coroutine whose only references to its objects are its own locals
local co = coroutine.wrap(function(x)
  local a, b, c, d
  while true do
    a, b, c, d = x, a, b, c
    x = coroutine.yield(d)
  end
end)
local expect_back = {}

local cycles, rounds = 0, 0
while cycles < 4 do
  rounds = rounds + 1
  local k = rounds % N + 1
  old[k] = mk(rounds); ids[k] = rounds
  setters[k](mk(rounds)); uvids[k] = rounds
  setmetatable(mts[k], { __index = mk(rounds) }); mtids[k] = rounds
  setfenv(fns[k], { marker = mk(rounds) }); fnids[k] = rounds
  local back = co(mk(rounds))
  if rounds > 3 and not valid(back, rounds - 3) then
    error("coroutine stack value lost", 0)
  end
  for j = 1, 8 do local junk = { j, tostring(j) } end
  if step() then cycles = cycles + 1 end
end

local bad = 0
for i = 1, N do
  if not valid(old[i], ids[i]) then bad = bad + 1 end
  if not valid(getters[i](), uvids[i]) then bad = bad + 1 end
  if not valid(getmetatable(mts[i]).__index, mtids[i]) then bad = bad + 1 end
  if mts[i].id ~= mtids[i] then bad = bad + 1 end
  if not valid(fns[i](), fnids[i]) then bad = bad + 1 end
end
print("cycles", cycles, "bad", bad)
collectgarbage("setstepmul", 200)
collectgarbage()
