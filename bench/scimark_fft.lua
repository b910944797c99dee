-- SciMark-style FFT: in-place radix-2 complex transform of 1024 points,
-- forward then inverse, repeated.
-- Usage: scimark_fft.lua CYCLES [ITERATIONS]
local sin, cos = math.sin, math.cos
local PI = 3.141592653589793

-- data holds n complex values as re,im pairs at indices 1..2n.
local function bit_reverse(data, n)
  local j = 0
  for i = 0, n - 2 do
    if i < j then
      local ii, jj = 2 * i + 1, 2 * j + 1
      data[ii], data[jj] = data[jj], data[ii]
      data[ii + 1], data[jj + 1] = data[jj + 1], data[ii + 1]
    end
    local k = n / 2
    while k <= j do
      j = j - k
      k = k / 2
    end
    j = j + k
  end
end

local function transform(data, n, direction)
  bit_reverse(data, n)
  local half = 1
  while half < n do
    local theta = direction * PI / half
    local step_r, step_i = cos(theta), sin(theta)
    local wr, wi = 1.0, 0.0
    local span = 2 * half
    for m = 0, half - 1 do
      for i = m, n - 1, span do
        local a = 2 * i + 1
        local b = a + 2 * half
        local xr, xi = data[b], data[b + 1]
        local tr = wr * xr - wi * xi
        local ti = wr * xi + wi * xr
        local ar, ai = data[a], data[a + 1]
        data[b], data[b + 1] = ar - tr, ai - ti
        data[a], data[a + 1] = ar + tr, ai + ti
      end
      wr, wi = wr * step_r - wi * step_i, wr * step_i + wi * step_r
    end
    half = span
  end
end

local function inverse(data, n)
  transform(data, n, 1)
  local norm = 1.0 / n
  for i = 1, 2 * n do data[i] = data[i] * norm end
end

local function run(cycles)
  local n = 1024
  local seed = 113
  local data = {}
  for i = 1, 2 * n do
    seed = (seed * 16807) % 2147483647
    data[i] = seed / 2147483647
  end
  for _ = 1, cycles do
    transform(data, n, -1)
    inverse(data, n)
  end
  local sum = 0
  for i = 1, 2 * n do sum = sum + data[i] * (i % 7 + 1) end
  -- Also check the spectrum itself, not only the round trip.
  transform(data, n, -1)
  local spectrum = 0
  for i = 1, 2 * n do spectrum = spectrum + data[i] * (i % 5 - 2) end
  return string.format("%.6f %.6f", sum, spectrum)
end

local size = tonumber(arg and arg[1]) or 1000

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
