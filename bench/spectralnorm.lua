-- Spectral norm of an infinite matrix approximated with N x N (power method).
-- Usage: spectralnorm.lua N [ITERATIONS]
local sqrt = math.sqrt

local function entry(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end

local function mul_a(src, dst, n)
  for i = 1, n do
    local acc = 0
    for j = 1, n do acc = acc + entry(i, j) * src[j] end
    dst[i] = acc
  end
end

local function mul_at(src, dst, n)
  for i = 1, n do
    local acc = 0
    for j = 1, n do acc = acc + entry(j, i) * src[j] end
    dst[i] = acc
  end
end

local function mul_ata(src, dst, tmp, n)
  mul_a(src, tmp, n)
  mul_at(tmp, dst, n)
end

local function run(n)
  local u, v, tmp = {}, {}, {}
  for i = 1, n do u[i] = 1 end
  for _ = 1, 10 do
    mul_ata(u, v, tmp, n)
    mul_ata(v, u, tmp, n)
  end
  local vbv, vv = 0, 0
  for i = 1, n do
    local ui, vi = u[i], v[i]
    vbv = vbv + ui * vi
    vv = vv + vi * vi
  end
  return string.format("%.9f", sqrt(vbv / vv))
end

local size = tonumber(arg and arg[1]) or 800

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
