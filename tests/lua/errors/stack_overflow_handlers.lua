-- Error handlers of stack overflow errors run above the erroring frames,
-- in a little reserve beyond the stack's limit; whether a Lua handler fits
-- there depends on where exactly the stack overflowed. A handler that
-- overflows the reserve gives "stack overflow", errors in handlers give
-- "error in error handling".
local function f() return f() + 1 end
print(xpcall(f, function(m) return m end))
print(xpcall(f, function(m) return m .. "x" end))
print(xpcall(f, function(m) local t = {} for i = 1, 2 do t[i] = i end return m .. #t end))
print(xpcall(f, function(m) return select("#", string.byte(string.rep("x", 50), 1, -1)) end))
local function runaway(n) return 1 + runaway(n + 1) end
print(xpcall(runaway, function(m) return "handled: " .. m end, 1))
print(xpcall(runaway, function(m) local t = {} for i = 1, 2 do t[i] = i end return m .. #t end, 1))
print(xpcall(runaway, function(m) return select("#", string.byte(string.rep("x", 50), 1, -1)) end, 1))

-- Handlers that overflow the stack themselves.
print(xpcall(f, function(m) return f() end))
print(xpcall(runaway, function(m) return runaway(1) end, 1))
print(xpcall(error, function(m)
  local t = setmetatable({}, { __index = function(t, k) return t[k] end })
  return t.x
end, "x"))

-- Handlers that fail.
print(xpcall(error, function(m) error("b") end, "a"))
print(xpcall(error, function(m) return m .. nil end, "a"))
print(xpcall(f, function(m) error(m) end))
-- An xpcall inside a handler: its own error is an error in error handling.
print(xpcall(error, function(m)
  return select(2, xpcall(error, function(m2) return "inner " .. m2 end, "b"))
end, "a"))
-- A pcall inside a handler catches as usual.
print(xpcall(error, function(m) return select(2, pcall(error, "b")) .. m end, "a"))

-- Handlers returning several or no values.
print(select("#", xpcall(error, function(m) return 1, 2, 3 end, "x")))
print(xpcall(error, function() end, "x"))

-- Afterwards the stack is back to normal: deep recursion works again.
local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
print(deep(15000))
