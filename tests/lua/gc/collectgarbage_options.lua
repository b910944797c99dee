-- collectgarbage: every option, printing only stable facts.
print(collectgarbage("collect"), collectgarbage())
local kb = collectgarbage("count")
print(type(kb), kb > 0, select('#', collectgarbage("count")))
print(type(collectgarbage("step")), type(collectgarbage("step", 0)), type(collectgarbage("step", 100000)))
-- a big enough step finishes a cycle
local finished = false
for i = 1, 1000 do if collectgarbage("step", 1000) then finished = true break end end
print("cycle finished", finished)
print(collectgarbage("setpause", 150), collectgarbage("setpause", 200), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 300), collectgarbage("setstepmul", 200), collectgarbage("setstepmul", 200))
print(collectgarbage("isrunning"))
print(collectgarbage("stop"), collectgarbage("isrunning"))
-- allocation with the collector stopped grows the heap
local before = collectgarbage("count")
local hold = {}
for i = 1, 20000 do hold[i] = {i} end
print(collectgarbage("count") > before, collectgarbage("isrunning"))
print(collectgarbage("restart"), collectgarbage("isrunning"))
hold = nil
collectgarbage()
local after = collectgarbage("count")
print(after < before + 200)
print(pcall(collectgarbage, "nonsense"))
print(pcall(collectgarbage, 1))
print(collectgarbage(nil))
