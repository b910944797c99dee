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
