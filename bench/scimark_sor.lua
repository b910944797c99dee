-- SciMark-style successive over-relaxation on a 100 x 100 grid (omega 1.25).
-- Usage: scimark_sor.lua CYCLES [ITERATIONS]

local function run(cycles)
  local n = 100
  local omega = 1.25
  local seed = 101
  local grid = {}
  for i = 1, n do
    local row = {}
    for j = 1, n do
      seed = (seed * 16807) % 2147483647
      row[j] = seed / 2147483647
    end
    grid[i] = row
  end
  local quarter, rest = omega * 0.25, 1.0 - omega
  for _ = 1, cycles do
    for i = 2, n - 1 do
      local above, row, below = grid[i - 1], grid[i], grid[i + 1]
      for j = 2, n - 1 do
        row[j] = quarter * (above[j] + below[j] + row[j - 1] + row[j + 1]) + rest * row[j]
      end
    end
  end
  local sum = 0
  for i = 1, n do
    local row = grid[i]
    for j = 1, n do sum = sum + row[j] end
  end
  return string.format("%.6f", sum)
end

local size = tonumber(arg and arg[1]) or 4000

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
