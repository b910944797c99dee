-- Non-tail recursion depth well within limits; mutual recursion; recursion through pcall.
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000), depth(12000))
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 3), ack(3, 3))
local function pdepth(n) if n == 0 then return 0 end local ok, v = pcall(pdepth, n - 1) return v + 1 end
print(pdepth(150))
local function hanoi(n, a, b, c, moves)
  if n == 0 then return moves end
  moves = hanoi(n - 1, a, c, b, moves)
  moves = moves + 1
  return hanoi(n - 1, c, b, a, moves)
end
print(hanoi(16, "a", "b", "c", 0))
