-- jit.profile: stack dumps and the API's argument checks (no timer needed).
local profile = require("jit.profile")
local function level2(fmt, depth) return (profile.dumpstack(fmt, depth)) end
local function level1(fmt, depth) local s = level2(fmt, depth) return s end
for _, fmt in ipairs({ "f", "F", "l", "pl", "f;", "fZ;", "l <", "lZ < ", "[f]", "x", "Z" }) do
  for _, depth in ipairs({ 0, 1, 3, -3 }) do
    print(string.format("%-6q %2d %q", fmt, depth, level1(fmt, depth)))
  end
end
local co = coroutine.create(function(a)
  local function inner() coroutine.yield() end
  inner()
end)
coroutine.resume(co)
print((profile.dumpstack(co, "l;", 3):gsub("^[^;]*;", "")))
print(profile.dumpstack(coroutine.create(print), "l", 2) == "")
print(profile.dumpstack(3, 2))
print(pcall(profile.dumpstack))
print(pcall(profile.dumpstack, "x"))
print(pcall(profile.dumpstack, co, "l"))
print(pcall(profile.start, "f"))
print(pcall(profile.start, "f", 1))
print(select("#", profile.start("fi1", function() end)), select("#", profile.stop()), select("#", profile.stop()))
