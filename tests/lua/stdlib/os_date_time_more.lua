-- os.date conversions one by one (TZ=UTC), modifiers, literal text, nil for
-- unrepresentable times; os.time normalisation, defaults and field errors.
local t = 1234567890
local all = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%"
for c in all:gmatch(".") do
  io.write(c, "=[", os.date("!%" .. c, t), "] ")
end
print()
for c in all:gmatch(".") do
  io.write(c, "=[", os.date("%" .. c, t), "] ")
end
print()
-- modifiers and unknown conversions go to strftime one at a time
print(os.date("!%Ec|%EC|%Ex|%EX|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy", t))
print(os.date("!%E|%O|%Q|%q|%k|%l|%s|%P|%+|%", t))
print(os.date("!%5Y|%-d|%_H|%0e|%^a|%#b", t))
print(os.date("!abc %% def %"), os.date("!"), os.date(""), os.date("!%%%%"))
print(os.date("!*t", t).year, os.date("*t", t).hour)
print(os.date(5, t), os.date("!%Y", "1234567890"))
-- the default format is %c
print(os.date(nil, t) == os.date("%c", t), os.date(nil, t))
-- times the C library cannot represent give nil
print(os.date("%Y", 1e18), os.date("!*t", 2^62), os.date("!%Y", -1e15))
print(os.date("!%Y-%m-%d %H:%M:%S", -1), os.date("!%Y-%m-%d", -86400 * 365.25 * 70))
print(os.date("!%Y-%m-%d %H:%M:%S", 1.9), os.date("!%S", -0.5))
-- *t tables
local function show(tt)
  local keys = {}
  for k, v in pairs(tt) do keys[#keys + 1] = k .. "=" .. tostring(v) end
  table.sort(keys)
  return table.concat(keys, " ")
end
print(show(os.date("!*t", 0)))
print(show(os.date("*t", 951782400)))
print(show(os.date("!*t", -1)))
-- os.time
print(os.time({year = 2000, month = 1, day = 1}))
print(os.time({year = 2000, month = 1, day = 1, hour = 0, min = 0, sec = 0}))
print(os.time({year = 2000, month = 1, day = 1, hour = 25, min = -30, sec = 3600}))
print(os.time({year = 2000, month = 0, day = 0}))
print(os.time({year = 2000, month = 14, day = 400}))
print(os.time({year = 1969, month = 12, day = 31, hour = 23, min = 59, sec = 59}))
print(os.time({year = 1900, month = 1, day = 1, hour = 0}))
print(os.time({year = "2000", month = "2", day = " 3 ", hour = "0x10"}))
print(os.time({year = 2000.9, month = 1.9, day = 1.9, hour = -0.5}))
print(os.time({year = 2^40, month = 1, day = 1}))
print(os.time({year = 2000, month = 1, day = 1, isdst = false}), os.time({year = 2000, month = 1, day = 1, isdst = true}))
print(os.time(os.date("*t", 1234567890)), os.time(os.date("!*t", 1234567890)))
-- the table is not updated by os.time
local tt = {year = 2021, month = 13, day = 32}
os.time(tt)
print(tt.year, tt.month, tt.day, tt.hour)
-- fields are read through metamethods
print(os.time(setmetatable({}, {__index = function(_, k) return ({year = 2001, month = 2, day = 3})[k] end})))
for _, missing in ipairs({{}, {year = 2000}, {year = 2000, month = 1}, {month = 1, day = 1}, {year = 2000, month = 1, day = "x"}, {year = {}, month = 1, day = 1}}) do
  print(pcall(os.time, missing))
end
print(pcall(function() local x = os.time({day = 1, month = 1}) end))
print(pcall(os.time, 5))
print(pcall(os.time, "x"))
print(type(os.time(nil)), os.time() == os.time(nil) or os.time() - os.time(nil) <= 1)
print(pcall(os.date, {}))
print(pcall(os.date, "%Y", "x"))
print(pcall(os.date, "%Y", {}))
-- difftime
print(os.difftime(10), os.difftime(10, 3), os.difftime(3.9, 1.1), os.difftime(-5, 5))
print(os.difftime(2^53, 0), os.difftime(0, 2^53))
print(pcall(os.difftime), pcall(os.difftime, "a"))
print(os.difftime("10", "4"))
