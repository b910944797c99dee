-- Builtins with interpreter fast paths must behave exactly like the general path on unusual arguments.
local function try(f, ...) local r = {pcall(f, ...)} for i = 1, #r do r[i] = tostring(r[i]) end return table.concat(r, " ") end
print(try(type, nil), try(type), try(type, 1, 2))
print(try(rawget, {5}, 1), try(rawget, setmetatable({}, {__index = {1}}), 1), try(rawget, {}, nil), try(rawget, "s", 1))
print(try(math.floor, 2.5), try(math.floor, "2.5"), try(math.floor, -0.0), try(math.floor, 1/0), try(math.floor, {}))
print(try(math.abs, -2^63), try(math.sqrt, "4"), try(math.max, 1, "5", 3), try(math.min, 0/0, 1))
print(try(string.byte, "abc", 2.9), try(string.byte, 65), try(string.sub, "abc", "2"), try(string.len, 123), try(string.len, {}))
print(try(select, "#"), try(select, 2.5, "a", "b", "c"), try(select, "2", "a", "b"), try(select, -1))
print(try(next, {}), try(next, {1}, 1), try(next, {}, 1), try(next, nil))
local f = ipairs({})
print(try(f, {1, 2}, 0), try(f, {1, 2}, 2), try(f, setmetatable({}, {__index = function(_, i) if i < 3 then return i end end}), 0), try(f, "x", 0))
print(try(tostring, 1.5), try(tonumber, "  0x10  "), try(tonumber, "10", 16), try(tonumber, 10, 16))
print(try(string.char, 104, 105), try(string.rep, "ab", 2.7), try(string.upper, 1e15))
print(try(math.sin, "0"), try(math.ceil, -0.5), try(bit.band, 1.9, 3), try(bit.tobit, "0x7fffffff"))
print(try(rawequal, "a", "a"), try(rawlen or rawequal, {}, {}), try(getmetatable, "x") ~= "", (try(setmetatable, {}, nil):gsub("0x%x+", "ADDR")))
-- redefining a builtin is seen by later calls
local real_type = type
type = function(v) return "patched" end
print(type(1))
type = real_type
print(type(1))
local real_floor = math.floor
math.floor = function() return "patched floor" end
print(math.floor(1.5))
math.floor = real_floor
print(math.floor(1.5))
