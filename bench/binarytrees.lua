-- Binary trees: allocate and walk many short-lived and one long-lived tree (GC stress).
-- Usage: binarytrees.lua MAXDEPTH [ITERATIONS]

local function build(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { build(depth), build(depth) }
end

local function count(tree)
  local left = tree[1]
  if left == nil then return 1 end
  return 1 + count(left) + count(tree[2])
end

local function run(maxdepth)
  local mindepth = 4
  if mindepth + 2 > maxdepth then maxdepth = mindepth + 2 end
  local total = count(build(maxdepth + 1))
  local longlived = build(maxdepth)
  for depth = mindepth, maxdepth, 2 do
    local iters = 2 ^ (maxdepth - depth + mindepth)
    local checked = 0
    for _ = 1, iters do checked = checked + count(build(depth)) end
    total = total + checked
  end
  total = total + count(longlived)
  return string.format("%d", total)
end

local size = tonumber(arg and arg[1]) or 15

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
