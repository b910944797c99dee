-- Fannkuch-redux: count pancake flips over all permutations of 1..N.
-- Usage: fannkuch.lua N [ITERATIONS]

local function fannkuch(n)
  local perm, current, countdown = {}, {}, {}
  for i = 0, n - 1 do current[i] = i end
  local maxflips, checksum, index = 0, 0, 0
  local r = n
  while true do
    -- Reset the rotation counters of the levels below r.
    while r ~= 1 do
      countdown[r - 1] = r
      r = r - 1
    end
    -- Count the flips of this permutation.
    local first = current[0]
    local flips = 0
    if first ~= 0 then
      for i = 1, n - 1 do perm[i] = current[i] end
      repeat
        local lo, hi = 1, first - 1
        while lo < hi do
          perm[lo], perm[hi] = perm[hi], perm[lo]
          lo = lo + 1
          hi = hi - 1
        end
        flips = flips + 1
        local nxt = perm[first]
        perm[first] = first
        first = nxt
      until first == 0
    end
    if flips > maxflips then maxflips = flips end
    if index % 2 == 0 then checksum = checksum + flips else checksum = checksum - flips end
    -- Advance to the next permutation by rotating prefixes.
    while true do
      if r == n then return checksum, maxflips end
      local head = current[0]
      for i = 0, r - 1 do current[i] = current[i + 1] end
      current[r] = head
      local c = countdown[r] - 1
      countdown[r] = c
      if c > 0 then break end
      r = r + 1
    end
    index = index + 1
  end
end

local function run(n)
  local checksum, maxflips = fannkuch(n)
  return string.format("%d %d", checksum, maxflips)
end

local size = tonumber(arg and arg[1]) or 10
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
