-- Varargs adjusted in every context: middle of lists, parenthesised, assignments, returns through pcall.
local function v(...) return ... end
local function n(...) return select('#', ...) end
print(n(v()), n(v(), 1), n(1, v()), n((v(1, 2))), n(v(nil, nil)), n(v(nil, nil), nil))
local a, b, c = v(1), v(2, 3)
print(a, b, c)
local t = {v(1, 2), v(3, 4)}
print(#t, t[1], t[2], t[3])
print(n(pcall(v, 1, 2, 3)), n(pcall(v)), n(select(2, v(1, 2, 3))))
local function outer(...)
  local function inner(...) return n(...) end
  return inner(...), inner(..., "x"), inner("x", ...)
end
print(outer(), outer(nil), outer(1, 2))
print(string.format("%s %s %s", v(1, 2, 3)), n(string.byte("abc", 1, -1)))
local function tailv(...) return v(...) end
print(n(tailv(1, nil, 3, nil)))
print(n(unpack({1, 2, nil, 4}, 1, 4)), n(coroutine.wrap(function(...) return ... end)(1, nil)))
