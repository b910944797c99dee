-- continue: go on with the next iteration of the innermost loop. A soft
-- keyword: a statement only as the last statement of a block.
local out = {}
local function emit(v) out[#out + 1] = tostring(v) end
local function flush(label) print(label, table.concat(out, " ")) out = {} end

for i = 1, 10 do
  if i % 2 == 0 then continue end
  emit(i)
end
flush("for")

for i = 10, 1, -3 do
  if i == 7 then continue end
  emit(i)
end
flush("for step")

for k, v in ipairs({ "a", "b", "c", "d" }) do
  if v == "b" then continue end
  emit(k .. v)
end
flush("ipairs")

local keys = {}
for k in pairs({ x = 1, y = 2, z = 3 }) do
  if k == "y" then continue end
  keys[#keys + 1] = k
end
table.sort(keys)
print("pairs", table.concat(keys, " "))

local i = 0
while i < 10 do
  i += 1
  if i % 3 ~= 0 then continue end
  emit(i)
end
flush("while")

-- repeat: continue evaluates the condition, with the body's locals.
local j = 0
repeat
  j += 1
  local done = j >= 5
  if j == 2 then continue end
  emit(j)
until done
flush("repeat")

-- Nested loops: the innermost one.
for a = 1, 3 do
  for b = 1, 3 do
    if b == a then continue end
    emit(a .. b)
  end
  if a == 2 then continue end
  emit("|")
end
flush("nested")

-- Inside nested blocks of the loop body.
for a = 1, 6 do
  do
    if a < 3 then
      continue
    else
      if a == 5 then continue end
    end
  end
  emit(a)
end
flush("blocks")

-- Closures capturing loop locals: each iteration has its own.
local fns = {}
for a = 1, 5 do
  local captured = a * 10
  fns[#fns + 1] = function() return captured end
  if a % 2 == 1 then continue end
  fns[#fns + 1] = function() return -captured end
end
for _, f in ipairs(fns) do emit(f()) end
flush("closures")

local k = 0
while k < 4 do
  k += 1
  local v = k
  local f = function() return v end
  if k == 2 then continue end
  emit(f())
end
flush("while closures")

local r = 0
repeat
  r += 1
  local v = r
  local f = function() return v end
  if r == 2 then continue end
  emit(f())
until v >= 4
flush("repeat closures")

-- continue with break and goto in the same loop.
for a = 1, 10 do
  if a == 2 then continue end
  if a == 6 then break end
  if a == 4 then goto skip end
  emit(a)
  ::skip::
end
flush("with break and goto")

-- continue as a name: it is a statement only at the end of a block.
local continue = 1
continue = continue + 1
local t = { continue = continue }
t.continue += 1
print(continue, t.continue, t["continue"])
local function continue_fn(continue) return continue * 2 end
print(continue_fn(21))
-- A label called continue, and goto to it.
for a = 1, 3 do
  if a == 2 then goto continue end
  emit(a)
  ::continue::
end
flush("label continue")
