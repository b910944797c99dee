-- __mode "k", "v" and "kv" weak tables.
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
local wkv = setmetatable({}, {__mode = "kv"})
local keep = {}
local function fill()
for i = 1, 10 do
  local k = {}
  wk[k] = i
  wv[i] = {}
  wkv[{}] = {}
  if i <= 3 then keep[i] = k; wv[i] = keep; end
end
end
fill()
wk[keep] = "kept"
wv.str = "strings are values not collected"
wv.num = 5
collectgarbage(); collectgarbage()
print(count(wk), count(wv), count(wkv))
print(wk[keep], wv.str, wv.num, wv[1] == keep)
-- strings and numbers as weak keys are never collected
local ws = setmetatable({}, {__mode = "k"})
for i = 1, 5 do ws["key" .. i] = i; ws[i] = i end
collectgarbage()
print(count(ws))
-- functions and threads as weak values
local wf = setmetatable({}, {__mode = "v"})
wf[1] = function() end
wf[2] = coroutine.create(function() end)
wf[3] = print
collectgarbage()
print(wf[1], wf[2], wf[3] == print)
-- changing __mode after creation
local late = setmetatable({}, {})
late[{}] = 1
getmetatable(late).__mode = "k"
collectgarbage()
print(count(late))
