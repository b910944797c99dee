-- debug.traceback: message handling, levels, threads, function naming
-- (metamethods, iterators, fields, upvalues), C frames and elision.
print(debug.traceback())
print(debug.traceback("msg"))
print(debug.traceback("msg", 0))
print(debug.traceback("msg", 2))
print(debug.traceback("msg", 50))
print(debug.traceback("msg", -1))
print(debug.traceback("msg", "1"))
print(debug.traceback(12.5))
print(debug.traceback(nil))
print(debug.traceback(false))
print(debug.traceback(print) == print)
local t = {}
print(debug.traceback(t) == t)
print(pcall(debug.traceback, "x", "y"))
print(pcall(debug.traceback, "x", {}))

-- names as LuaJIT reports them
local mt = {
  __index = function(_, k) print(debug.traceback("index " .. k)) return 1 end,
  __newindex = function() print(debug.traceback("newindex")) end,
  __add = function() print(debug.traceback("add")) return 1 end,
  __concat = function() print(debug.traceback("concat")) return "" end,
  __eq = function() print(debug.traceback("eq")) return true end,
  __lt = function() print(debug.traceback("lt")) return true end,
  __le = function() print(debug.traceback("le")) return true end,
  __unm = function() print(debug.traceback("unm")) return 1 end,
  __call = function() print(debug.traceback("call")) return 1 end,
}
local obj = setmetatable({}, mt)
local other = setmetatable({}, mt)
local _ = obj.key
obj.new = 1
_ = obj + 1
_ = obj .. "s"
_ = obj == other
_ = obj < other
_ = obj <= other
_ = -obj
_ = obj(1)
for _ in function() print(debug.traceback("iterator")) return nil end do end

local holder = {sub = {}}
function holder.sub.fn() print(debug.traceback("nested field")) end
holder.sub.fn()
function holder:meth() print(debug.traceback("method")) end
holder:meth()
gfun = function() print(debug.traceback("global")) end
gfun()
local upfn = function() print(debug.traceback("upvalue")) end
local function callsup() upfn() end
callsup()
local anon = {function() print(debug.traceback("anonymous")) end}
anon[1]()
local function vararg_fn(...) print(debug.traceback("vararg")) end
vararg_fn(1, 2, 3)

-- C functions in the middle
print(pcall(function() print(debug.traceback("in pcall")) end))
print(xpcall(function() error("err") end, debug.traceback))
print(type(select(2, xpcall(function() error({}) end, debug.traceback))))
print(select(2, xpcall(function() local x = nil; return x.y end, debug.traceback)))
local shown = false
table.sort({3, 1, 2}, function(a, b)
  if not shown then shown = true print(debug.traceback("sort cmp")) end
  return a < b
end)
print((string.gsub("a", "a", function() return debug.traceback("gsub cb") end)))

-- coroutines: running, suspended, finished
local co = coroutine.create(function(a)
  local function inner() coroutine.yield(debug.traceback("inside")) end
  inner()
  return "done"
end)
print(select(2, coroutine.resume(co, 1)))
print(debug.traceback(co))
print(debug.traceback(co, "with msg"))
print(debug.traceback(co, "level 1", 1))
print(debug.traceback(co, "level 2", 2))
print(debug.traceback(co, nil))
print(debug.traceback(co, 7))
print(coroutine.resume(co))
print(debug.traceback(co, "finished"))
print(debug.traceback(coroutine.create(print), "fresh"))
local wrapped = coroutine.wrap(function() local r = debug.traceback("wrapped") return r end)
print(wrapped())

-- elision of long stacks depends on the starting level
local function deep(n, lvl)
  if n == 0 then return debug.traceback("deep", lvl) end
  local r = deep(n - 1, lvl)
  return r
end
for _, n in ipairs({8, 18, 19, 20, 21, 22, 30}) do
  local tb = deep(n, 1)
  local lines = select(2, tb:gsub("\n", "\n"))
  print(n, lines, tb:find("...", 1, true) ~= nil)
end
print(deep(25, 1))
print(deep(25, 0))
print(deep(25, 5))
print(deep(25, 14))
