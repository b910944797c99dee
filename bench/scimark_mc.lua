-- SciMark-style Monte Carlo integration: estimate pi from random points in the
-- unit square (random number generator calls dominate).
-- Usage: scimark_mc.lua SAMPLES [ITERATIONS]

-- Park-Miller minimal standard generator; all products stay below 2^53.
local function new_random(seed)
  local state = seed
  return function()
    state = (state * 16807) % 2147483647
    return state / 2147483647
  end
end

local function run(samples)
  local random = new_random(113)
  local inside = 0
  for _ = 1, samples do
    local x = random()
    local y = random()
    if x * x + y * y <= 1.0 then inside = inside + 1 end
  end
  return string.format("%d %.6f", inside, 4.0 * inside / samples)
end

local size = tonumber(arg and arg[1]) or 15000000

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
