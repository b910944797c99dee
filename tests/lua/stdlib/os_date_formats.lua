-- os.date with every common conversion on fixed UTC times (the test runner sets TZ=UTC).
local times = {0, 951782400, 1234567890, 2147483647}
local specs = {"%a", "%A", "%b", "%B", "%c", "%d", "%H", "%I", "%j", "%m", "%M", "%p", "%S", "%U", "%w", "%W", "%x", "%X", "%y", "%Y", "%%", "%D", "%e", "%F", "%R", "%T", "%u"}
for _, t in ipairs(times) do
  local out = {}
  for _, s in ipairs(specs) do out[#out+1] = os.date("!" .. s, t) end
  print(t, table.concat(out, "|"))
end
local tt = os.date("!*t", 1234567890)
local keys = {}
for k, v in pairs(tt) do keys[#keys+1] = k .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
print(os.date("!%Y-%m-%dT%H:%M:%SZ", 1e9), os.date("!", 0), os.date("!literal text", 0))
print(os.time({year = 2009, month = 2, day = 13, hour = 23, min = 31, sec = 30}))
print(os.time({year = 1970, month = 1, day = 2, hour = 0}))
