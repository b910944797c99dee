-- More ffi.metatype: __new, methods through pointers and ctype objects, __gc via ctype calls,
-- __eq/__lt with mixed operands, __index inheritance chains, __newindex tables.
local ffi = require("ffi")
ffi.cdef[[
struct mm_obj { int id; double val; };
struct mm_list { int n; int items[8]; };
struct mm_cnt { int n; };
]]
local created = 0
local Obj = {}
Obj.__index = Obj
function Obj.describe(o) return string.format("obj#%d(%g)", o.id, o.val) end
function Obj.bump(o, d) o.val = o.val + (d or 1); return o end
Obj.__new = function(ct, id, val)
  created = created + 1
  return ffi.new(ct, id, val or 0.5)
end
Obj.__eq = function(a, b)
  if type(a) ~= "cdata" or type(b) ~= "cdata" then return false end
  return a.id == b.id
end
Obj.__lt = function(a, b)
  local x = type(a) == "number" and a or a.val
  local y = type(b) == "number" and b or b.val
  return x < y
end
Obj.__tostring = Obj.describe
local obj_t = ffi.metatype("struct mm_obj", Obj)
local a = obj_t(1)
local b = obj_t(2, 3.5)
print(created, tostring(a), b:describe(), a:bump():bump(2).val)
print(a == obj_t(1), a == b, a < b, a < 100, 0 < b)
-- methods through a pointer and through an array element
local arr = ffi.new("struct mm_obj[2]", {{7, 1}, {8, 2}})
print(arr[1]:describe(), ffi.cast("struct mm_obj *", arr):describe())
local p = ffi.new("struct mm_obj *", arr + 1)
print(p:describe(), tostring(p[0]))
-- the ctype object reaches __index too (class-level access)
print(obj_t.describe == Obj.describe, type(obj_t.bump))
-- inheritance chain through __index tables
local Base = {greet = function(self) return "base " .. self.n end, kind = "base"}
local Derived = setmetatable({kind = "derived"}, {__index = Base})
local cnt_t = ffi.metatype("struct mm_cnt", {__index = Derived})
local c = cnt_t(4)
print(c:greet(), c.kind, pcall(function() return c.missing end))
-- __newindex as a table receives unknown keys
local list_t = ffi.metatype("struct mm_list", {
  __len = function(l) return l.n end,
  __index = function(l, k)
    if k == "first" then return l.items[0] end
    if k == "last" then return l.items[l.n - 1] end
  end,
  __call = function(l, i) return l.items[i] end,
  __concat = function(x, y)
    local function s(v) return type(v) == "cdata" and ("list" .. #v) or tostring(v) end
    return s(x) .. s(y)
  end,
})
local l = list_t(3, {10, 20, 30})
print(#l, l.first, l.last, l(1), l .. "!", "<" .. l, l.n)
print(pcall(function() return l.nothing end))
-- __gc through the metatype runs for instances made by ctype calls and ffi.new
local log = {}
ffi.cdef"struct mm_gc { int id; };"
local gc_t = ffi.metatype("struct mm_gc", {__gc = function(o) log[#log + 1] = o.id end})
do
  local x, y = gc_t(1), ffi.new("struct mm_gc", 2)
  local z = ffi.new(gc_t, 3)
end
collectgarbage()
collectgarbage()
table.sort(log)
print(table.concat(log, ","))
-- ffi.gc overrides the metatype's __gc for one object
log = {}
do
  local x = gc_t(4)
  ffi.gc(x, function(o) log[#log + 1] = "custom" .. o.id end)
end
collectgarbage()
collectgarbage()
print(table.concat(log, ","))
