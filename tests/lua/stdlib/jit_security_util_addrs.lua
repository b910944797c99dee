-- jit.security options and jit.util's address queries (their shape: the
-- addresses themselves are machine-specific). Run with the JIT off.
jit.off()
local jutil = require("jit.util")
for _, k in ipairs{"prng", "strhash", "strid", "mcode"} do print(k, jit.security(k)) end
for _, k in ipairs{"x", "", "PRNG"} do print(k, pcall(jit.security, k)) end
print(pcall(jit.security))
print(pcall(jit.security, 1))
print(pcall(jit.security, {}))

local last
for i = 0, 1000 do
  local a = jutil.ircalladdr(i)
  if a == nil then last = i break end
  assert(type(a) == "number")
end
print("ircalladdr targets", last, jutil.ircalladdr(-1), select("#", jutil.ircalladdr(-1)))
print(pcall(jutil.ircalladdr))
print(pcall(jutil.ircalladdr, "x"))
print(type(jutil.ircalladdr("3")))

for i = 0, 100000 do
  if jutil.traceexitstub(i) == nil then last = i break end
end
print("exit stubs", last)
print(jutil.traceexitstub(0), jutil.traceexitstub(1), jutil.traceexitstub(5, 7), jutil.traceexitstub(511))
print(jutil.traceexitstub(-1), select("#", jutil.traceexitstub(512)))
print(pcall(jutil.traceexitstub))
print(pcall(jutil.traceexitstub, "a"))
