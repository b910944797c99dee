-- string.buffer encode/decode: LuaJIT's wire format byte for byte, options, and decode errors.
local buffer = require("string.buffer")
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x ", c:byte()) end)) end
local function show(label, v) print(label, hex(buffer.encode(v))) end
show("nil", nil) show("false", false) show("true", true)
show("0", 0) show("1", 1) show("-1", -1) show("1.5", 1.5) show("2^31", 2^31) show("-0", -0.0) show("inf", 1/0) show("1e300", 1e300)
show("''", "") show("'a'", "a") show("s4", "xxxx")
for _, n in ipairs{0xdf, 0xe0, 0x1fbf, 0x1fc0, 0x10000} do print(n, hex(buffer.encode(("x"):rep(n)):sub(1, 18))) end
show("{}", {}) show("{1}", {1}) show("{1,2}", {1,2}) show("{a=1}", {a=1}) show("{1,a=1}", {1,a=1})
show("{[0]=5}", {[0]=5}) show("{[0]=5,6}", {[0]=5,6}) show("{nil,2}", {nil,2}) show("{[1.5]=1}", {[1.5]=1}) show("{[true]=1}", {[true]=1})
show("nested", {{{}}, "s"})
local t = {} for i = 1, 300 do t[i] = i end print("t300", hex(buffer.encode(t)):sub(1, 18), #buffer.encode(t))
for _, v in ipairs{print, coroutine.create(print), newproxy()} do print(pcall(buffer.encode, v)) end
print(pcall(buffer.encode, {f = print}))
local cyc = {} cyc.self = cyc print(pcall(buffer.encode, cyc))
for d = 98, 101 do local r = {} local c = r for i = 1, d do c[1] = {} c = c[1] end print(d, (pcall(buffer.encode, r))) end
-- round trips
local function rt(v) return buffer.decode(buffer.encode(v)) end
print(rt(nil), rt(false), rt(true), rt(0), rt(-0.0), 1/rt(-0.0), rt(1/0), rt(0/0) ~= rt(0/0), rt(""), rt("a\0b"), #rt(("y"):rep(70000)))
local r = rt({1, 2, "three", {nested = true, list = {1, 2, 3}}, x = -1.5, [10] = false, [0] = "zero", [2.5] = "frac", [true] = "t"})
print(r[0], r[1], r[2], r[3], r[4].nested, #r[4].list, r.x, r[10], r[2.5], r[true], #r)
-- decode errors
for _, s in ipairs{"", "\7", "\7\0\0", "\8\0", "\12", "\12\5", "\33", "\6\1\0\0\0", "\14\0", "\15\0", "\15\5", "\14\224\1",
  "\16\1\0\0\0\0\0\0\0", "\17", "\17\1\0\0\0\0\0\0\0", "\18", "\19", "\31", "\0\0", "\255", "\224", "\255\1\0\0\0", "\224\255",
  "\9\1\0\1", "\9\1\7\0\0\0\0\0\0\248\127\1", "\2extra", "\10\0", "\12\1", "\13\1\1\0\0", "\12\255\255\255\255\0", "\9\255\255\255\255\0"} do
  local ok, v = pcall(buffer.decode, s)
  print(hex(s), ok, type(v) == "table" and "table" or v)
end
print(pcall(buffer.decode, ("\12\2"):rep(300) .. "\0"))
print(pcall(buffer.decode, ("\12\2"):rep(90) .. "\0") and "ok")
print(pcall(buffer.decode)) print(pcall(buffer.decode, 12)) print(pcall(buffer.encode))
print(pcall(buffer.decode, buffer.new():put("\1")))
-- buffer methods: several objects in one buffer
local b = buffer.new()
b:encode({1, 2, 3}):encode("second"):encode(nil):encode(true)
print(#b, #b:decode(), b:decode(), b:decode(), b:decode(), #b, pcall(b.decode, b))
b:put("\33x\33y") print(b:decode(), b:decode(), #b)
-- options: dict (string keys) and metatable
local mt1, mt2 = {}, {__index = {kind = "mt2"}}
local ob = buffer.new({dict = {"alpha", "beta"}, metatable = {mt1, mt2}})
ob:encode({alpha = 1}) print(hex(ob:tostring()))
ob:reset():encode({alpha = {beta = "alpha"}}) print(hex(ob:tostring()))
local d = ob:decode() print(d.alpha.beta, #ob)
ob:reset():encode(setmetatable({}, mt2)) print(hex(ob:tostring()))
local m = ob:decode() print(getmetatable(m) == mt2, m.kind)
ob:reset():encode(setmetatable({1}, mt1)) print(hex(ob:tostring()))
ob:reset():encode(setmetatable({1}, {})) print(hex(ob:tostring()))
ob:reset():encode("alpha") print(hex(ob:tostring()), ob:decode())
ob:set("\15\1") print(ob:decode())
ob:set("\15\2") print(pcall(ob.decode, ob))
ob:set("\14\0\7\0\0\0\0\0\0\240\63") print(pcall(ob.decode, ob))
ob:set("\14\2\8") print(pcall(ob.decode, ob))
print(hex(buffer.encode(setmetatable({}, mt1))), pcall(buffer.decode, "\14\0\8"))
print(pcall(buffer.new, {dict = {1}})) print(pcall(buffer.new, {metatable = {1}}))
print(pcall(buffer.new, {dict = "x"})) print(pcall(buffer.new, {dict = {"a", nil, "c"}})) print(pcall(buffer.new, {}))
print(hex(buffer.new({dict = {"k"}}):encode({k = {k = 1}}):tostring()))
print(hex(buffer.new({dict = {"a"}}):encode("a"):tostring()))
