-- Graph algorithms over a generated sparse directed graph: strongly connected
-- components (iterative Tarjan), breadth-first levels and Dijkstra shortest
-- paths with a binary heap. Lots of small tables, like the havlak loop finder.
-- Usage: graph.lua NODES [ITERATIONS]

local function new_random(seed)
  return function(n)
    seed = (seed * 16807) % 2147483647
    return seed % n + 1
  end
end

-- Nodes 1..n; every node gets a few forward edges (mostly local, like a control
-- flow graph) and some back edges that create loops.
local function generate(n)
  local random = new_random(12345)
  local nodes = {}
  for i = 1, n do nodes[i] = { id = i, edges = {} } end
  local function connect(a, b, w)
    local edges = nodes[a].edges
    edges[#edges + 1] = { to = nodes[b], weight = w }
  end
  for i = 1, n do
    if i < n then connect(i, i + 1, random(10)) end
    local extra = random(3)
    for _ = 1, extra do
      local target = i + random(20)
      if target <= n then connect(i, target, random(50)) end
    end
    if random(4) == 1 then
      local back = i - random(30)
      if back >= 1 then connect(i, back, random(20)) end
    end
  end
  return nodes
end

-- Iterative Tarjan; returns the number of components and the size of the largest.
local function strongly_connected(nodes)
  local index, lowlink, onstack = {}, {}, {}
  local stack, sp = {}, 0
  local counter, components, largest = 0, 0, 0
  for s = 1, #nodes do
    local root = nodes[s]
    if index[root] == nil then
      local frames = { { node = root, next_edge = 1 } }
      counter = counter + 1
      index[root], lowlink[root] = counter, counter
      sp = sp + 1; stack[sp] = root; onstack[root] = true
      while #frames > 0 do
        local frame = frames[#frames]
        local v = frame.node
        local edges = v.edges
        local e = frame.next_edge
        if e <= #edges then
          frame.next_edge = e + 1
          local w = edges[e].to
          if index[w] == nil then
            counter = counter + 1
            index[w], lowlink[w] = counter, counter
            sp = sp + 1; stack[sp] = w; onstack[w] = true
            frames[#frames + 1] = { node = w, next_edge = 1 }
          elseif onstack[w] and index[w] < lowlink[v] then
            lowlink[v] = index[w]
          end
        else
          frames[#frames] = nil
          if lowlink[v] == index[v] then
            local size = 0
            repeat
              local w = stack[sp]
              stack[sp] = nil; sp = sp - 1
              onstack[w] = nil
              size = size + 1
            until w == v
            components = components + 1
            if size > largest then largest = size end
          end
          local parent = frames[#frames]
          if parent ~= nil and lowlink[v] < lowlink[parent.node] then
            lowlink[parent.node] = lowlink[v]
          end
        end
      end
    end
  end
  return components, largest
end

-- Sum of breadth-first depths of all nodes reachable from the first node.
local function bfs_depths(nodes)
  local depth = { [nodes[1]] = 0 }
  local queue, head, tail = { nodes[1] }, 1, 1
  local sum = 0
  while head <= tail do
    local v = queue[head]; head = head + 1
    local d = depth[v]
    sum = sum + d
    local edges = v.edges
    for i = 1, #edges do
      local w = edges[i].to
      if depth[w] == nil then
        depth[w] = d + 1
        tail = tail + 1; queue[tail] = w
      end
    end
  end
  return sum
end

-- Binary min-heap of {dist, node} entries.
local function heap_push(heap, entry)
  local i = #heap + 1
  heap[i] = entry
  while i > 1 do
    local p = (i - i % 2) / 2
    if heap[p][1] <= entry[1] then break end
    heap[i] = heap[p]
    i = p
  end
  heap[i] = entry
end

local function heap_pop(heap)
  local n = #heap
  local top = heap[1]
  local last = heap[n]
  heap[n] = nil
  n = n - 1
  if n > 0 then
    local i = 1
    while true do
      local c = i * 2
      if c > n then break end
      if c < n and heap[c + 1][1] < heap[c][1] then c = c + 1 end
      if heap[c][1] >= last[1] then break end
      heap[i] = heap[c]
      i = c
    end
    heap[i] = last
  end
  return top
end

local function dijkstra(nodes, source)
  local dist = { [source] = 0 }
  local heap = {}
  heap_push(heap, { 0, source })
  local sum, reached = 0, 0
  while #heap > 0 do
    local entry = heap_pop(heap)
    local d, v = entry[1], entry[2]
    if dist[v] == d then
      sum = sum + d
      reached = reached + 1
      local edges = v.edges
      for i = 1, #edges do
        local e = edges[i]
        local w, nd = e.to, d + e.weight
        local old = dist[w]
        if old == nil or nd < old then
          dist[w] = nd
          heap_push(heap, { nd, w })
        end
      end
    end
  end
  return sum % 1000000007, reached
end

local function run(n)
  local nodes = generate(n)
  local components, largest = strongly_connected(nodes)
  local depths = bfs_depths(nodes)
  local total, reached = 0, 0
  for s = 1, n, math.floor(n / 8) + 1 do
    local sum, count = dijkstra(nodes, nodes[s])
    total = (total + sum) % 1000000007
    reached = reached + count
  end
  return string.format("%d %d %d %d %d", components, largest, depths, total, reached)
end

local size = tonumber(arg and arg[1]) or 50000

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
