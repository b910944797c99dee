-- Nested function definitions, function statements on fields and methods.
local M = {sub = {}}
function M.f(x) return "f" .. x end
function M.sub.g(x) return "g" .. x end
function M:m(x) return self == M, x end
function M.sub:deep() return self == M.sub end
print(M.f(1), M.sub.g(2), M:m(3), M.m(M, 4), M.sub:deep())
local function outer(a)
  local function mid(b)
    local function inner(c) return a + b + c end
    return inner
  end
  return mid
end
print(outer(1)(2)(3))
-- global function statement
function globalfn(...) return select('#', ...) end
print(globalfn(1, 2), type(_G.globalfn))
-- functions are values: identity and equality
local f1 = function() end
local f2 = function() end
print(f1 == f1, f1 == f2, type(f1))
-- a function created in a loop is a new closure each time (unless no upvalues? check identity semantics loosely)
local seen = {}
for i = 1, 3 do seen[i] = function() return i end end
print(seen[1] ~= seen[2], seen[1]() + seen[3]())
-- immediate invocation
print((function(...) return select('#', ...) end)(nil, nil, nil))
-- function with many parameters, missing ones are nil
local function params(a, b, c, d, e, f, g, h) return a, h end
print(params(1), params(1, 2, 3, 4, 5, 6, 7, 8, 9))
-- recursion through globals
function gfact(n) return n <= 1 and 1 or n * gfact(n - 1) end
print(gfact(10))
