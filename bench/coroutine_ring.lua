-- Coroutine ring: a token is passed around a ring of 503 coroutines SIZE times,
-- plus a generator pipeline built from coroutine.wrap (resume/yield heavy).
-- Usage: coroutine_ring.lua SIZE [ITERATIONS]
local create, resume, yield, wrap = coroutine.create, coroutine.resume, coroutine.yield,
  coroutine.wrap

local RING = 503

local function ring(passes)
  local threads = {}
  for id = 1, RING do
    threads[id] = create(function(token)
      while true do
        if token == 0 then return id end
        token = yield(token - 1)
      end
    end)
  end
  local token, id = passes, 1
  while true do
    local ok, result = resume(threads[id], token)
    if not ok then error(result) end
    if coroutine.status(threads[id]) == "dead" then return result end
    token = result
    id = id % RING + 1
  end
end

-- numbers -> squares -> filter odd -> sum
local function pipeline(n)
  local numbers = wrap(function()
    for i = 1, n do yield(i) end
  end)
  local squares = wrap(function()
    for x in numbers do yield(x * x % 1000) end
  end)
  local odd = wrap(function()
    for x in squares do
      if x % 2 == 1 then yield(x) end
    end
  end)
  local sum = 0
  for x in odd do sum = sum + x end
  return sum
end

local function run(size)
  local winner = ring(size)
  local sum = pipeline(math.floor(size / 4))
  return string.format("%d %d", winner, sum)
end

local size = tonumber(arg and arg[1]) or 8000000

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
