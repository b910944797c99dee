-- Strings are values: as weak keys or weak values they are never removed.
local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
for i = 1, 100 do
  local s = "key" .. i .. ("!"):rep(i % 3)
  wk[s] = i
  wv[i] = s .. "v"
end
collectgarbage(); collectgarbage()
local nk, nv = 0, 0
for _ in pairs(wk) do nk = nk + 1 end
for _ in pairs(wv) do nv = nv + 1 end
print(nk, nv, wk["key1!"], wv[100])
-- long strings too
local long = setmetatable({}, {__mode = "kv"})
long[("L"):rep(1000)] = ("V"):rep(1000)
collectgarbage()
print(#(next(long)), #long[("L"):rep(1000)])
