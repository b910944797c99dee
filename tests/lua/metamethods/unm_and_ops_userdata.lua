-- Every arithmetic metamethod on userdata operands (newproxy), and mixed userdata/table operands.
local ud = newproxy(true)
local mt = getmetatable(ud)
for _, e in ipairs({"add", "sub", "mul", "div", "mod", "pow", "unm", "concat", "lt", "le", "eq", "len", "call", "index", "newindex"}) do
  mt["__" .. e] = function(...) return e .. "#" .. select('#', ...) end
end
print(ud + 1, 1 - ud, ud * ud, ud / 2, ud % 3, ud ^ 4, -ud, ud .. "s", "s" .. ud)
print(ud < ud, ud <= ud, ud == newproxy(ud), ud == ud, #ud, ud(1, 2), ud.field)
ud.x = 1
local t = setmetatable({}, {__add = function() return "table add" end})
print(ud + t, t + ud)
