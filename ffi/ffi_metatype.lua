-- ffi.metatype: methods, operators, __index/__newindex functions, __gc, __tostring, __len, __call...
local ffi = require("ffi")
ffi.cdef[[
typedef struct mt_vec_s { double x, y; } mt_vec;
struct mt_counted { int id; };
struct mt_plain { int v; };
struct mt_bag { int n; };
]]
local vec
local mt = {
  __add = function(a, b) return vec(a.x + b.x, a.y + b.y) end,
  __sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end,
  __mul = function(a, b)
    if type(a) == "number" then return vec(a * b.x, a * b.y) end
    if type(b) == "number" then return vec(a.x * b, a.y * b) end
    return a.x * b.x + a.y * b.y
  end,
  __div = function(a, k) return vec(a.x / k, a.y / k) end,
  __mod = function(a, k) return vec(a.x % k, a.y % k) end,
  __pow = function(a, k) return vec(a.x ^ k, a.y ^ k) end,
  __unm = function(a) return vec(-a.x, -a.y) end,
  __eq = function(a, b) return a.x == b.x and a.y == b.y end,
  __lt = function(a, b) return a:len() < b:len() end,
  __le = function(a, b) return a:len() <= b:len() end,
  __len = function(a) return 2 end,
  __concat = function(a, b)
    local function s(v) return type(v) == "string" and v or tostring(v) end
    return s(a) .. s(b)
  end,
  __call = function(self, k) return self.x * k end,
  __tostring = function(a) return string.format("vec(%g, %g)", a.x, a.y) end,
  __index = {
    len = function(a) return math.sqrt(a.x * a.x + a.y * a.y) end,
    kind = "vector",
  },
}
vec = ffi.metatype("mt_vec", mt)
local a, b = vec(3, 4), vec(1, 2)
print(tostring(a), a:len(), a.kind, #a, a(10))
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2), tostring(2 * a))
print(tostring(a / 2), tostring(a % 2), tostring(a ^ 2), tostring(-a))
print(a == vec(3, 4), a == b, a ~= b, b < a, a <= a, a > b)
print(a .. "!", "v=" .. b)
print(ffi.istype(vec, a), ffi.istype("mt_vec", a))
local p = ffi.new("mt_vec[1]", {{5, 12}})
print(p[0]:len(), tostring(p[0]))
local ptr = ffi.cast("mt_vec *", p)
print(ptr:len(), ptr.x, tostring(ptr) ~= nil)  -- pointers to the struct get the metatable's __index
print(pcall(function() return a.nonexistent end))
print(pcall(function() a.z = 1 end))

-- __index/__newindex as functions
local store = {}
local bag = ffi.metatype("struct mt_bag", {
  __index = function(self, k) return "get:" .. k end,
  __newindex = function(self, k, v) store[k] = v end,
})
local g = bag()
print(g.n, g.anything)  -- fields win over __index
g.n = 5
g.other = "x"
print(g.n, store.other, store.n)

-- __gc on the struct
local collected = {}
local counted = ffi.metatype("struct mt_counted", {
  __gc = function(c) collected[#collected + 1] = c.id end,
})
for i = 1, 3 do local _ = counted(i) end
collectgarbage()
collectgarbage()
table.sort(collected)
print(table.concat(collected, ","))

-- metatype can be set only once; the metatable is protected
print(pcall(ffi.metatype, "mt_vec", {}))
print(getmetatable(a))
print(pcall(ffi.metatype, "int", {}))
-- structs without metatype: indexing errors
local plain = ffi.new("struct mt_plain")
print(pcall(function() return plain.missing end))
print(pcall(function() return plain + 1 end))
print(pcall(function() return plain < plain end))
print(pcall(function() return #plain end))
print(pcall(function() return plain() end))
print(pcall(function() return plain .. "" end))
print(plain == plain, plain == ffi.new("struct mt_plain"))
