-- math.random/randomseed: LuaJIT's generator, argument forms, draws before argument checks.
local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
deep(5000)
for i = 1, 3 do
  local p = newproxy(true)
  getmetatable(p).__gc = function() end
  _G["keep" .. i] = p
end
for _, seed in ipairs({ 0, 1, -1, 42, 1e10, 2 ^ 53, 0.5, -0.0, 1 / 0, "7" }) do
  math.randomseed(seed)
  local o = {}
  for i = 1, 4 do o[#o + 1] = string.format("%.15g", math.random()) end
  o[#o + 1] = math.random(10); o[#o + 1] = math.random(-5, 5); o[#o + 1] = math.random(0)
  o[#o + 1] = math.random(3.5); o[#o + 1] = math.random(5, 1); o[#o + 1] = math.random(2 ^ 40)
  print(tostring(seed), table.concat(o, " "))
end
math.randomseed(99)
local hist = {}
for i = 1, 6000 do local v = math.random(6); hist[v] = (hist[v] or 0) + 1 end
print(hist[1], hist[2], hist[3], hist[4], hist[5], hist[6], hist[0], hist[7])
print(pcall(math.randomseed), pcall(math.randomseed, "x"), pcall(math.randomseed, {}))
print(pcall(math.random, 1, nil), pcall(math.random, nil))
print(select("#", math.randomseed(1)), select("#", math.random()))
