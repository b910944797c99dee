-- Conway's game of life on a 64 x 64 torus from a pseudo-random start,
-- for GENERATIONS steps (nested array reads, integer arithmetic).
-- Usage: life.lua GENERATIONS [ITERATIONS]

local W, H = 64, 64

local function new_board()
  local rows = {}
  for y = 1, H do
    local row = {}
    for x = 1, W do row[x] = 0 end
    rows[y] = row
  end
  return rows
end

local function step(src, dst)
  for y = 1, H do
    local up = src[y == 1 and H or y - 1]
    local row = src[y]
    local down = src[y == H and 1 or y + 1]
    local out = dst[y]
    for x = 1, W do
      local l = x == 1 and W or x - 1
      local r = x == W and 1 or x + 1
      local n = up[l] + up[x] + up[r] + row[l] + row[r] + down[l] + down[x] + down[r]
      if n == 3 or (n == 2 and row[x] == 1) then out[x] = 1 else out[x] = 0 end
    end
  end
end

local function run(generations)
  local a, b = new_board(), new_board()
  local seed = 2024
  for y = 1, H do
    for x = 1, W do
      seed = (seed * 16807) % 2147483647
      if seed % 7 < 2 then a[y][x] = 1 end
    end
  end
  for _ = 1, generations do
    step(a, b)
    a, b = b, a
  end
  local population, hash = 0, 0
  for y = 1, H do
    local row = a[y]
    for x = 1, W do
      local cell = row[x]
      population = population + cell
      hash = (hash * 3 + cell * (x + y)) % 2147483647
    end
  end
  return string.format("%d %d", population, hash)
end

local size = tonumber(arg and arg[1]) or 6000

local iterations = tonumber(arg and arg[2])
if iterations then
  for i = 1, iterations do
    local t0 = os.clock()
    local sum = run(size)
    print(string.format("iteration %d %.6f checksum %s", i, os.clock() - t0, sum))
  end
else
  print("checksum " .. run(size))
end
