-- Mandelbrot set: N x N bitmap, 50 iterations per point (floating-point loop).
-- Usage: mandelbrot.lua N [ITERATIONS]

local function run(n)
  local inside, hash = 0, 0
  local scale = 2.0 / n
  for y = 0, n - 1 do
    local ci = y * scale - 1.0
    local bits, nbits = 0, 0
    for x = 0, n - 1 do
      local cr = x * scale - 1.5
      local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
      local escaped = false
      for _ = 1, 50 do
        zi = 2.0 * zr * zi + ci
        zr = zr2 - zi2 + cr
        zr2 = zr * zr
        zi2 = zi * zi
        if zr2 + zi2 > 4.0 then escaped = true; break end
      end
      bits = bits * 2
      if not escaped then
        bits = bits + 1
        inside = inside + 1
      end
      nbits = nbits + 1
      if nbits == 8 then
        hash = (hash * 31 + bits) % 2147483647
        bits, nbits = 0, 0
      end
    end
    if nbits > 0 then hash = (hash * 31 + bits) % 2147483647 end
  end
  return string.format("%d %d", inside, hash)
end

local size = tonumber(arg and arg[1]) or 1300

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
