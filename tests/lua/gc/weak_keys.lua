-- Weak-keyed tables: collectable keys disappear unless referenced elsewhere (LuaJIT has no ephemeron semantics).
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local wk = setmetatable({}, {__mode = "k"})
local anchors = {}
local function fill()
  for i = 1, 100 do
    local key = {id = i}
    wk[key] = {payload = i}
    if i % 10 == 0 then anchors[#anchors+1] = key end
  end
end
fill()
collectgarbage(); collectgarbage()
print(count(wk))
local ids = {}
for k, v in pairs(wk) do ids[#ids+1] = k.id .. ":" .. v.payload end
table.sort(ids, function(a, b) return tonumber(a:match("%d+")) < tonumber(b:match("%d+")) end)
print(table.concat(ids, " "))
-- value refers back to its own key: LuaJIT 2.1 weak-key tables are not ephemerons, so such entries stay
local eph = setmetatable({}, {__mode = "k"})
local function cyc() for i = 1, 10 do local k = {}; eph[k] = {back = k} end end
cyc()
collectgarbage(); collectgarbage()
print("self-referencing entries left:", count(eph))
-- keys of non-collectable types stay
local prim = setmetatable({}, {__mode = "k"})
prim[1] = "a"; prim["s"] = "b"; prim[true] = "c"; prim[2.5] = "d"
collectgarbage()
print(count(prim))
-- clearing anchors releases the rest
anchors = nil
collectgarbage(); collectgarbage()
print(count(wk))
