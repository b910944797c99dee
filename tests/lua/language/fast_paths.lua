-- Interpreter fast paths (inline builtins, table get/set, __index chains,
-- number keys) must give the same results as the general paths.
local function show(...)
  local t = {}
  for i = 1, select("#", ...) do t[#t + 1] = tostring((select(i, ...))) end
  print(table.concat(t, " "))
end
local nan, inf = 0/0, math.huge

-- math builtins, number arguments and edge values
show(math.abs(-3), math.abs(-0.0), math.abs(-inf), math.abs(nan) ~= math.abs(nan))
show(math.floor(2.5), math.floor(-2.5), math.floor(-0.0), 1/math.floor(-0.0), math.floor(inf), math.floor(2^60 + 0.5))
show(math.sqrt(16), math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1), math.sqrt(inf))
show(math.min(3, 1, 2), math.max(3, 1, 2), math.min(1), math.max(-0.0, 0.0), 1/math.min(0.0, -0.0))
show(math.min(nan, 1), math.min(1, nan) ~= math.min(1, nan), math.max(nan, 1), math.max(2, nan, 3))
-- extra arguments are ignored; strings and errors go the general way
show(math.abs(-2, "x"), math.floor("3.7"), math.sqrt("9"), math.min("5", 4), math.max(1, "7"))
show(pcall(math.abs, {}), pcall(math.min, 1, {}))
show(select("#", math.abs(-1)), (math.abs(-1)))
local r = {math.floor(1.5)} show(#r, r[1])
math.abs(-5) -- statement call, no result wanted

-- bit builtins
show(bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(2^31), bit.tobit(1.5), bit.tobit(-1.5), bit.tobit(nan))
show(bit.bnot(0), bit.bnot(-1), bit.band(0xff, 0x0f), bit.band(-1), bit.band(7, 6, 5, 12))
show(bit.bor(1, 2, 4, 8), bit.bxor(0xf0f0, 0xff00, 1), bit.band(2^33 + 3, 7), bit.bor(1.9, 2.1))
show(bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.rshift(-1, 28), bit.rshift(-1, -4))
show(bit.arshift(-256, 4), bit.arshift(256, 36), bit.rol(0x80000001, 1), bit.ror(1, 1), bit.rol(1, -1))
show(bit.band("12", 10), bit.lshift("1", 4), pcall(bit.band, 1, {}), pcall(bit.lshift, 1))
show(bit.lshift(3, 2, 99), bit.tobit(7, "junk"))

-- table gets and sets: array part, hash part, number keys that are not integers
local t = {10, 20, 30, [0] = "zero", [-1] = "minus", [1.5] = "frac", [2^40] = "big", x = "ex"}
show(t[1], t[3], t[4], t[0], t[-1], t[1.5], t[2^40], t[nan], t[-0.0], t.x, t["x"])
local k = 2 show(t[k], t[k + 0.5], t[k * 1.0])
t[2] = "two" t[2^40] = "BIG" t.x = "EX" t[1.5] = nil t[0] = 0
show(t[2], t[2^40], t.x, t[1.5], t[0])
show(pcall(function() t[nan] = 1 end), pcall(function() t[nil] = 1 end), rawget(t, nan))
-- stores into existing keys of tables with metatables
local log = {}
local mt = {__newindex = function(tt, kk, vv) log[#log + 1] = tostring(kk) rawset(tt, kk, vv) end}
local u = setmetatable({a = 1, 5}, mt)
u.a = 2 u[1] = 6 u.b = 3 u[2] = 7 u.b = 4 u[2] = 8
show(u.a, u[1], u.b, u[2], table.concat(log, ","))
u.a = nil u.a = 9
show(u.a, table.concat(log, ","))

-- __index chains of tables, functions at the end, string methods
local A = {hello = "A.hello"}
local B = setmetatable({}, {__index = A})
local C = setmetatable({}, {__index = B})
local D = setmetatable({}, {__index = function(_, key) return "fn:" .. tostring(key) end})
local E = setmetatable({}, {__index = D})
show(C.hello, C.nothing, E.hello, E[1], E[2.5], B[1])
local chain = {}
for i = 1, 120 do chain = setmetatable({}, {__index = chain}) end
show(pcall(function() return chain.x end))
local s = "abc"
show(s:upper(), ("x"):rep(3), s.len == string.len, #s, pcall(function() return s.nope.x end))
local smt = getmetatable("")
local old = smt.__index
smt.__index = function(_, key) return "idx:" .. key end
show(s.anything, s.upper, s[1])
smt.__index = old
show(s:upper())
-- TGETB/TSETB constants and integer loops
local arr = {}
for i = 1, 10 do arr[i] = i * i end
arr[11] = "eleven"
show(arr[1], arr[10], arr[11], #arr, arr[12])
