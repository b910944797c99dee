-- debug.getinfo: every field for Lua functions, C functions, main chunk, levels and option strings.
local function fields(t)
  local ks = {}
  for k, v in pairs(t) do
    local s = type(v) == "function" and "<function>" or tostring(v)
    ks[#ks+1] = k .. "=" .. s
  end
  table.sort(ks)
  return table.concat(ks, " ")
end
local function sample(a, b, ...)
  local x = 1
  return x
end
print(fields(debug.getinfo(sample)))
print(fields(debug.getinfo(print, "S")))
print(fields(debug.getinfo(1)))
print(fields(debug.getinfo(sample, "S")))
print(fields(debug.getinfo(sample, "l")))
print(fields(debug.getinfo(sample, "u")))
print(fields(debug.getinfo(1, "n")))
local function named() local i = debug.getinfo(1, "n") return i end
print(fields(named()))
local t = {}
function t.field() local i = debug.getinfo(1, "n") return i end
function t:meth() local i = debug.getinfo(1, "n") return i end
print(fields(t.field()), "|", fields(t:meth()))
gfunc = function() local i = debug.getinfo(1, "n") return i end
print(fields(gfunc()))
local function caller() local i = debug.getinfo(2, "nSl") return i end
local function outer_caller() local i = caller() return i end
print(fields(outer_caller()))
print(debug.getinfo(100), pcall(debug.getinfo, 1, "!"))
print(pcall(debug.getinfo, "x"))
local lines = debug.getinfo(sample, "L").activelines
local ls = {}
for l in pairs(lines) do ls[#ls+1] = l end
table.sort(ls)
print(table.concat(ls, ","))
print(debug.getinfo(1, "f").func ~= nil, debug.getinfo(sample, "f").func == sample)
local chunk = loadstring("return debug.getinfo(1, 'S')", "=chunkname")
print(fields(chunk()))
local chunk2 = loadstring("\n\nreturn debug.getinfo(1, 'Sl')")
print(fields(chunk2()))
print(fields(debug.getinfo(string.gsub, "S")))
local co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
print(fields(debug.getinfo(co, 1, "Sln")))
