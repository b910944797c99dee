-- Classic producer/consumer and pipelines with coroutines.
local function producer(items)
  return coroutine.create(function() for _, v in ipairs(items) do coroutine.yield(v) end end)
end
local function filter(src, pred)
  return coroutine.create(function()
    while true do
      local ok, v = coroutine.resume(src)
      if not v then return end
      if pred(v) then coroutine.yield(v) end
    end
  end)
end
local function consume(src)
  local out = {}
  while true do
    local ok, v = coroutine.resume(src)
    if not v then break end
    out[#out+1] = v
  end
  return table.concat(out, " ")
end
local items = {}
for i = 1, 20 do items[i] = i end
print(consume(filter(producer(items), function(v) return v % 3 == 0 end)))
-- permutations generator
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local count = 0
local firsts = {}
for p in coroutine.wrap(function() permgen({1, 2, 3, 4}) end) do
  count = count + 1
  if count <= 4 then firsts[#firsts+1] = table.concat(p) end
end
print(count, table.concat(firsts, " "))
-- many coroutines alive at once
local cos = {}
for i = 1, 1000 do cos[i] = coroutine.create(function(x) local y = coroutine.yield(x + 1) return y * 2 end) end
local sum = 0
for i = 1, 1000 do local _, v = coroutine.resume(cos[i], i); sum = sum + v end
for i = 1, 1000 do local _, v = coroutine.resume(cos[i], i); sum = sum + v end
print(sum)
