-- SciMark-style dense LU factorisation with partial pivoting of a 100 x 100
-- matrix, repeated on fresh copies.
-- Usage: scimark_lu.lua CYCLES [ITERATIONS]
local abs = math.abs

-- Factors a in place; pivot[j] receives the row swapped into position j.
local function factor(a, n, pivot)
  for j = 1, n do
    local best, best_value = j, abs(a[j][j])
    for i = j + 1, n do
      local v = abs(a[i][j])
      if v > best_value then best, best_value = i, v end
    end
    pivot[j] = best
    if best ~= j then a[best], a[j] = a[j], a[best] end
    local pivot_row = a[j]
    local diag = pivot_row[j]
    if diag == 0 then error("singular matrix") end
    if j < n then
      local recip = 1.0 / diag
      for i = j + 1, n do
        local row = a[i]
        local f = row[j] * recip
        row[j] = f
        if f ~= 0 then
          for k = j + 1, n do row[k] = row[k] - f * pivot_row[k] end
        end
      end
    end
  end
end

local function run(cycles)
  local n = 100
  local seed = 11
  local original = {}
  for i = 1, n do
    local row = {}
    for j = 1, n do
      seed = (seed * 16807) % 2147483647
      row[j] = seed / 2147483647
    end
    original[i] = row
  end
  local lu, pivot = {}, {}
  for _ = 1, cycles do
    for i = 1, n do
      local src, dst = original[i], {}
      for j = 1, n do dst[j] = src[j] end
      lu[i] = dst
    end
    factor(lu, n, pivot)
  end
  local sum, pivots = 0, 0
  for i = 1, n do
    local row = lu[i]
    for j = 1, n do sum = sum + row[j] end
    pivots = pivots + pivot[i] * i
  end
  return string.format("%.6f %d", sum, pivots)
end

local size = tonumber(arg and arg[1]) or 250

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
