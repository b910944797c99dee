-- Table-heavy workload: array growth, table.insert/remove, sorting with and
-- without a comparator, hash tables with mixed keys, next/pairs/ipairs walks
-- and table.concat.
-- Usage: tables.lua SIZE [ITERATIONS]
local insert, remove, sort, concat = table.insert, table.remove, table.sort, table.concat

local function run(n)
  local seed = 77
  local function random(m)
    seed = (seed * 16807) % 2147483647
    return seed % m + 1
  end
  -- Arrays: append, insert in the middle, remove from the front.
  local list = {}
  for i = 1, n do list[#list + 1] = random(1000000) end
  for i = 1, 100 do insert(list, random(#list), i) end
  local removed = 0
  for _ = 1, 100 do removed = removed + remove(list, 1) end
  for _ = 1, n / 20 do removed = removed + remove(list) end
  -- Sorting: natural order and a custom comparator on records.
  sort(list)
  local ordered = 0
  for i = 1, #list, 97 do ordered = (ordered + list[i] * i) % 2147483647 end
  local records = {}
  for i = 1, n / 4 do records[i] = { key = random(500), id = i } end
  sort(records, function(a, b)
    if a.key ~= b.key then return a.key > b.key end
    return a.id < b.id
  end)
  local rsum = 0
  for i = 1, #records, 13 do rsum = (rsum + records[i].id * i) % 2147483647 end
  -- Hash tables: string, number and boolean keys; deletions while iterating.
  local hash = {}
  for i = 1, n / 2 do
    hash["k" .. random(n)] = i
    hash[random(n) + 0.5] = i
  end
  hash[true] = 1
  local count, acc = 0, 0
  for k, v in pairs(hash) do
    count = count + 1
    acc = (acc + v) % 2147483647
    if v % 3 == 0 then hash[k] = nil end
  end
  local left = 0
  for _ in pairs(hash) do left = left + 1 end
  -- ipairs and concat.
  local strings = {}
  for i, v in ipairs(records) do
    if i > 1000 then break end
    strings[i] = v.key
  end
  local joined = concat(strings, ",")
  return string.format("%d %d %d %d %d %d %d", #list, removed % 2147483647, ordered, rsum,
                       count, acc, left + #joined)
end

local size = tonumber(arg and arg[1]) or 400000

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
