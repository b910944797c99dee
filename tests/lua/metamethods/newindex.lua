-- __newindex as function and table; only for absent keys; rawset bypass.
local log = {}
local t = setmetatable({existing = 1}, {__newindex = function(t, k, v) log[#log+1] = k .. "=" .. tostring(v); rawset(t, k, v and v * 10) end})
t.existing = 2
t.new = 3
t.new = 4
print(t.existing, t.new, table.concat(log, " "))
local store = {}
local proxy = setmetatable({}, {__newindex = store, __index = store})
proxy.a = 1
print(rawget(proxy, "a"), store.a, proxy.a)
-- __newindex chain of tables
local final = {}
local chain = setmetatable({}, {__newindex = setmetatable({}, {__newindex = final})})
chain.z = "zz"
print(final.z, rawget(chain, "z"))
-- read-only table idiom
local ro = setmetatable({}, {__index = {x = 1}, __newindex = function(t, k) error("read-only: " .. k, 2) end})
print(ro.x, pcall(function() ro.y = 2 end))
-- assigning nil to absent key still calls __newindex
local calls = 0
local n = setmetatable({}, {__newindex = function() calls = calls + 1 end})
n.a = nil
n[1] = nil
print(calls)
-- rawset bypasses
rawset(n, "b", 5)
print(n.b, calls)
-- __newindex with numeric keys filling the array part
local arr = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v) end})
for i = 1, 5 do arr[i] = i end
print(#arr, arr[5])
-- __newindex on userdata
local ud = newproxy(true)
local seen
getmetatable(ud).__newindex = function(u, k, v) seen = k .. ":" .. v end
ud.key = "val"
print(seen)
print(pcall(function() local u = newproxy(); u.x = 1 end))
