-- A round-robin scheduler: interleaving order is deterministic.
local tasks, log = {}, {}
local function spawn(name, n)
  tasks[#tasks+1] = {name = name, co = coroutine.create(function()
    for i = 1, n do log[#log+1] = name .. i; coroutine.yield() end
    return name .. " finished"
  end)}
end
spawn("a", 3); spawn("b", 1); spawn("c", 4)
while #tasks > 0 do
  for i = #tasks, 1, -1 do
    local t = tasks[i]
    local ok, res = coroutine.resume(t.co)
    if coroutine.status(t.co) == "dead" then
      log[#log+1] = "[" .. tostring(res) .. "]"
      table.remove(tasks, i)
    end
  end
end
print(table.concat(log, " "))
-- sleeping tasks with a virtual clock
local clock, queue, out = 0, {}, {}
local function sleep(d) coroutine.yield(d) end
local function go(name, delays)
  local co = coroutine.create(function() for _, d in ipairs(delays) do sleep(d); out[#out+1] = name .. "@" .. clock end end)
  queue[#queue+1] = {at = 0, co = co, seq = #queue}
end
go("x", {3, 1, 1}); go("y", {2, 2}); go("z", {5})
while #queue > 0 do
  table.sort(queue, function(p, q) if p.at ~= q.at then return p.at < q.at end return p.seq < q.seq end)
  local item = table.remove(queue, 1)
  clock = item.at
  local ok, d = coroutine.resume(item.co)
  if coroutine.status(item.co) ~= "dead" then item.at = clock + d; queue[#queue+1] = item end
end
print(table.concat(out, " "))
