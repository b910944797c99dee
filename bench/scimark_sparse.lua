-- SciMark-style sparse matrix times vector: 1000 x 1000 matrix with 5000
-- nonzeros in compressed-row form, multiplied repeatedly.
-- Usage: scimark_sparse.lua CYCLES [ITERATIONS]

local function run(cycles)
  local n, nz = 1000, 5000
  local seed = 7
  local function random()
    seed = (seed * 16807) % 2147483647
    return seed / 2147483647
  end
  local x = {}
  for i = 1, n do x[i] = random() end
  -- Compressed rows: row r owns entries row_start[r] .. row_start[r + 1] - 1.
  local per_row = nz / n
  local row_start, cols, values = {}, {}, {}
  local k = 1
  for r = 1, n do
    row_start[r] = k
    local step = math.floor(r / per_row)
    if step < 1 then step = 1 end
    for j = 0, per_row - 1 do
      cols[k] = (j * step) % n + 1
      values[k] = random()
      k = k + 1
    end
  end
  row_start[n + 1] = k
  local y = {}
  local trace = 0
  for cycle = 1, cycles do
    for r = 1, n do
      local acc = 0.0
      for i = row_start[r], row_start[r + 1] - 1 do
        acc = acc + values[i] * x[cols[i]]
      end
      y[r] = acc
    end
    trace = trace + y[cycle % n + 1]
  end
  local sum = 0
  for r = 1, n do sum = sum + y[r] * (r % 5 + 1) end
  return string.format("%.6f %.6f", sum, trace)
end

local size = tonumber(arg and arg[1]) or 10000

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
