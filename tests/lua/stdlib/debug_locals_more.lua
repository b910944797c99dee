-- debug.getlocal/setlocal: temporaries, varargs, C frames, parameters of
-- function values, other threads, and argument errors.
local function show(...)
  local t = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    t[#t+1] = type(v) == "table" and "<table>" or type(v) == "function" and "<function>" or tostring(v)
  end
  return table.concat(t, " ")
end
local function all_locals(level)
  local out = {}
  for i = 1, 30 do
    local name, value = debug.getlocal(level + 1, i)
    if not name then break end
    -- temporaries hold whatever the slot held last: show their names only
    out[#out+1] = name:sub(1, 1) == "(" and name or name .. "=" .. show(value)
  end
  return table.concat(out, ", ")
end
local function params(a, b, c)
  local d = a + b
  do local inner = 1 end
  local e = all_locals(1)
  return e
end
print(params(1, 2))
local function blocks()
  local a = 1
  do
    local b = 2
    print(all_locals(1))
  end
  local c = 3
  print(all_locals(1))
end
blocks()
-- temporaries: slots of the frame below the callee
local function temps()
  local x = 1
  return debug.getlocal(1, 2), (debug.getlocal(1, 2))
end
print(show(temps()))
-- varargs
local function va(a, ...)
  local r = {}
  for i = -1, -5, -1 do
    local n, v = debug.getlocal(1, i)
    r[#r+1] = tostring(n) .. ":" .. show(v)
  end
  return table.concat(r, " ")
end
print(va(1))
print(va(1, "x"))
print(va(1, nil, false, 3))
local function va_set(...)
  print(debug.setlocal(1, -1, "replaced"), debug.setlocal(1, -3, "nope"))
  return ...
end
print(va_set("orig", 2))
local function not_va(a)
  return debug.getlocal(1, -1)
end
print(not_va(1))
-- setlocal of named locals and temporaries
local function setter()
  local a, b = 1, 2
  print(debug.setlocal(1, 1, "A"), debug.setlocal(1, 2, "B"), debug.setlocal(1, 40, "x"))
  return a, b
end
print(setter())
-- C frames: the arguments of a C function are temporaries
print(debug.getlocal(0, 1), debug.getlocal(0, 2), debug.getlocal(0, 3))
print(select("#", debug.getlocal(0, 3)))
-- parameter names of function values
print(debug.getlocal(params, 1), debug.getlocal(params, 3), debug.getlocal(params, 4), debug.getlocal(params, 0))
print(debug.getlocal(va, 1), debug.getlocal(va, 2), debug.getlocal(print, 1))
-- other threads
local co = coroutine.create(function(p, ...)
  local q = p * 2
  coroutine.yield()
  return q
end)
coroutine.resume(co, 21, "v1", "v2")
print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2), debug.getlocal(co, 1, -2))
print(debug.setlocal(co, 1, 2, 100))
print(coroutine.resume(co))
print(pcall(debug.getlocal, co, 1, 1))
-- loop control variables
local function loops()
  local names = {}
  for i = 1, 1 do
    for k, v in next, {a = 1} do
      for j = 1, 20 do
        local n = debug.getlocal(1, j)
        if not n then break end
        names[#names+1] = n
      end
    end
  end
  return table.concat(names, " ")
end
print(loops())
-- argument errors
local function e(...) print(select(2, pcall(...))) end
e(debug.getlocal)
e(debug.getlocal, 1)
e(debug.getlocal, "x", 1)
e(debug.getlocal, 1, "x")
e(debug.getlocal, 200, 1)
e(debug.getlocal, -1, 1)
e(debug.getlocal, co, 1)
e(debug.setlocal)
e(debug.setlocal, 1)
e(debug.setlocal, 1, 1)
e(debug.setlocal, 1, "x", 1)
e(debug.setlocal, 200, 1, 1)
e(debug.setlocal, co, 50, 1, 1)
