-- debug.getlocal/setlocal and getupvalue/setupvalue/upvalueid/upvaluejoin.
local function f(a, b, ...)
  local c = a + b
  local out = {}
  for i = 1, 10 do
    local name, value = debug.getlocal(1, i)
    if not name then break end
    out[#out+1] = name .. "=" .. (type(value) == "table" and "<table>" or tostring(value))
  end
  out[#out+1] = "vararg:" .. tostring(debug.getlocal(1, -1)) .. "," .. tostring(select(2, debug.getlocal(1, -1)))
  return table.concat(out, " ")
end
print(f(1, 2, "va1", "va2"))
local function g()
  local x = 10
  debug.setlocal(1, 1, 20)
  return x
end
print(g())
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
print(pcall(debug.getlocal, 50, 1))
print(debug.setlocal(1, 100, "x"))
local up1, up2 = "u1", "u2"
local function h() return up1, up2 end
print(debug.getupvalue(h, 1), debug.getupvalue(h, 2), debug.getupvalue(h, 3))
print(debug.setupvalue(h, 1, "changed"), up1, h())
print(debug.getupvalue(print, 1), debug.setupvalue(h, 5, 1))
local function k1() return up1 end
local function k2() return up1 end
local function k3() return up2 end
print(debug.upvalueid(k1, 1) == debug.upvalueid(k2, 1), debug.upvalueid(k1, 1) == debug.upvalueid(k3, 1))
debug.upvaluejoin(k1, 1, k3, 1)
print(k1(), debug.upvalueid(k1, 1) == debug.upvalueid(k3, 1))
-- temporaries are reported as (for ...) and (temporary)? print names of loop control locals
local function loops()
  local names = {}
  for i = 1, 1 do
    for k, v in pairs({x = 1}) do
      for j = 1, 20 do
        local n = debug.getlocal(1, j)
        if not n then break end
        names[#names+1] = n
      end
    end
  end
  return table.concat(names, ",")
end
print(loops())
