-- Nested closures, upvalues at several levels, varargs, methods.
local M = {}

function M.counter(start)
  local n = start or 0
  local step = 1
  return function(inc)
    n = n + (inc or step)
    return function()
      return n, step, start
    end
  end
end

function M:method(a, b, ...)
  local self2 = self
  local function inner(...)
    local c = select("#", ...)
    return self2, a, b, c, ...
  end
  return inner(...)
end

local function deep()
  local l1 = 1
  return function()
    local l2 = l1 + 1
    return function()
      local l3 = l2 + l1
      return function()
        l1 = l1 + 1
        return l1 + l2 + l3
      end
    end
  end
end

local recursive
recursive = function(n)
  if n <= 1 then return 1 end
  return n * recursive(n - 1)
end

local function loopclosures(t)
  local fs = {}
  for i, v in ipairs(t) do
    local k = i * 2
    fs[#fs + 1] = function() return i, v, k end
    if k > 10 then break end
  end
  while #fs < 20 do
    local j = #fs
    fs[j + 1] = function() return j end
  end
  return fs
end

return M, deep, recursive, loopclosures
