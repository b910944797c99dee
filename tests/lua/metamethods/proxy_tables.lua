-- Proxy tables combining __index/__newindex/__len-free counting and change tracking.
local function track(t)
  local log = {}
  local proxy = setmetatable({}, {
    __index = function(_, k) log[#log+1] = "get " .. tostring(k); return t[k] end,
    __newindex = function(_, k, v) log[#log+1] = "set " .. tostring(k) .. "=" .. tostring(v); t[k] = v end,
  })
  return proxy, log
end
local p, log = track({a = 1})
local x = p.a
p.b = 2
p.a = 3
local y = p.b + p.a
print(x, y, table.concat(log, "; "))
-- default values
local defaults = setmetatable({}, {__index = function() return 0 end})
defaults.hits = defaults.hits + 1
defaults.hits = defaults.hits + 1
print(defaults.hits, defaults.misses)
-- counting table via __newindex, iterable by pairs on the backing store
local store = {}
local counter = setmetatable({}, {__newindex = function(_, k, v) store[k] = (store[k] or 0) + v end, __index = store})
counter.a = 1; counter.a = 5; counter.b = 2
local keys = {}
for k, v in pairs(store) do keys[#keys+1] = k .. "=" .. v end
table.sort(keys)
print(table.concat(keys, " "), rawget(counter, "a"))
-- memoizing __index
local calls = 0
local fib = setmetatable({[0] = 0, [1] = 1}, {__index = function(t, n) calls = calls + 1; local v = t[n - 1] + t[n - 2]; t[n] = v; return v end})
print(fib[80], calls)
