-- `#` on tables with holes gives the border LuaJIT gives: it depends on how
-- constructors and rehashes size the array part.
local function f() return 9 end
local cases = {
 "{1,nil,3}", "{1,nil,3,nil}", "{nil,nil,3}", "{1,2,nil,4}", "{1,nil}", "{nil,2}", "{1,nil,nil}",
 "{1,2,nil}", "{1,2,3,nil,5}", "{1,nil,3,4,5}", "{1,2,3,4,nil,6,7}", "{1,nil,3,4}", "{1,2,nil,4,5}",
 "{nil}", "{nil,nil}", "{1,2,3,nil,5,6,7,8}", "{1,nil,nil,4}", "{1,2,3,4,5,nil,7}", "{x=1,1,nil,3}",
 "{1,nil,3,[10]=1}", "{f(),nil,3}", "{1,nil,f()}", "{1,nil,3,f()}", "{1, nil, 3, n = 1}",
}
for _, c in ipairs(cases) do
  local t = setfenv(loadstring("return " .. c), {f = f})()
  io.write(c, " ", #t, "\n")
end
local function show(name, t) io.write(name, " ", #t, "\n") end
local t = {} t[1]=1 t[3]=3 show("1,_,3", t)
local t = {} t[1]=1 t[2]=2 t[4]=4 show("1,2,_,4", t)
local t = {} for i=1,10 do t[i]=i end t[5]=nil show("1..10 minus 5", t)
local t = {} for i=1,10 do t[i]=i end t[10]=nil t[9]=nil show("1..8", t)
local t = {} t[3]=3 t[2]=2 t[1]=1 show("3,2,1", t)
local t = {} t[4]=4 t[1]=1 show("4,1", t)
local t = {1,2,3} t[5]=5 show("{1,2,3}+5", t)
local t = {1,2,3} t[5]=5 t[6] = 6 t[4] = 4 t[8]=8 show("{1,2,3}+5,6,4,8", t)
local t = {} for i=1,20 do t[i*2]=i end show("evens", t)
local t = {} for i=20,1,-1 do t[i]=i end t[10]=nil show("rev minus 10", t)
local t = table.remove and {} ; t[1]=1 t[2]=2 t[3]=3 t[2]=nil show("1,nil,3 dyn", t)
local t = {n=1} t[1]=1 t[3]=3 show("n + 1,_,3", t)
local t = {} for i=1,7 do t[i]=i end t[4]=nil t[8]=8 show("1..8 minus 4", t)

-- Varargs and multiple results stored by a constructor (TSETM).
local function pack(...) return {...} end
local function show(name, t) print(name, #t) end
show("1,nil,3", pack(1, nil, 3))
show("1,nil,3,nil", pack(1, nil, 3, nil))
show("nil,2", pack(nil, 2))
show("1,2,nil,4", pack(1, 2, nil, 4))
show("1,nil,nil,4", pack(1, nil, nil, 4))
show("1,2,3,nil,5", pack(1, 2, 3, nil, 5))
show("1..5,nil,7", pack(1, 2, 3, 4, 5, nil, 7))
show("1,nil,3,4,5", pack(1, nil, 3, 4, 5))
show("nil,nil,3", pack(nil, nil, 3))
show("1,nil,nil,nil,5", pack(1, nil, nil, nil, 5))
show("nil x8 then 9", pack(nil,nil,nil,nil,nil,nil,nil,nil,9))
local function pack2(...) return {0, ...} end
show("0;1,nil,3", pack2(1, nil, 3))
show("0;nil,2", pack2(nil, 2))
show("0;nil,nil,3,4", pack2(nil, nil, 3, 4))
do
  local function f() return 1, 2 end
  local function g() return 1 end
  local function h() end
  local function show(name, t) local ks = {} for k in next, t do ks[#ks+1] = tostring(k) end print(name, #t, table.concat(ks, " ")) end
  show("A", {"10", 5, nil, f()})
  show("B", {"10", 5, nil, g()})
  show("C", {"10", 5, f()})
  show("D", {"10", 5, 6, f()})
  show("E", {f()})
  show("F", {nil, f()})
  show("G", {1, nil, f()})
  show("H", {1, 2, 3, nil, f()})
  show("I", {x=1, f()})
  show("J", {"10", 5, nil, h()})
  local t = {"10", 5, nil, f()} t[3] = 3 show("K", t)
end
