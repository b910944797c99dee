-- Every library function called with no argument, a table, a boolean and
-- a number: the error messages (or the types of the results) must be
-- LuaJIT's. Functions with effects beyond the test are left out.
local skip = {
  ["os.exit"] = true, ["debug.debug"] = true, ["os.tmpname"] = true,
  ["print"] = true, ["io.write"] = true, ["io.read"] = true,
  ["dofile"] = true, ["loadfile"] = true, ["debug.sethook"] = true,
  ["collectgarbage"] = true, ["io.output"] = true, ["io.input"] = true,
  ["io.lines"] = true, ["io.close"] = true, ["jit.off"] = true, ["jit.on"] = true,
  ["jit.flush"] = true, ["module"] = true, ["setfenv"] = true, ["os.execute"] = true,
  ["os.remove"] = true, ["os.rename"] = true, ["jit.attach"] = true,
  ["coroutine.yield"] = true, ["debug.setlocal"] = true, ["io.popen"] = true,
  ["require"] = true, ["newproxy"] = true, ["gcinfo"] = true,
  ["jit.prngstate"] = true, -- OpenResty only (see jit_prngstate.lua)
  ["jit.status"] = true, -- CPU-specific results
}
local names = {}
local function add(prefix, t)
  for k, v in pairs(t) do
    if type(v) == "function" and type(k) == "string" then
      local n = prefix .. k
      if not skip[n] then names[#names + 1] = {n, v} end
    end
  end
end
add("", _G)
for _, lib in ipairs{"coroutine", "string", "table", "math", "io", "os",
                     "package", "debug", "bit", "jit"} do
  add(lib .. ".", _G[lib])
end
add("jit.util.", require("jit.util"))
add("jit.profile.", require("jit.profile"))
add("string.buffer.", require("string.buffer"))
table.sort(names, function(a, b) return a[1] < b[1] end)

local function show(ok, ...)
  if not ok then
    local e = ...
    return "error: " .. (type(e) == "string" and e or type(e))
  end
  local out = {}
  for i = 1, select("#", ...) do out[i] = type((select(i, ...))) end
  return "ok: " .. table.concat(out, ",")
end
for _, e in ipairs(names) do
  local n, f = e[1], e[2]
  print(n, "()", show(pcall(f)))
  print(n, "({})", show(pcall(f, {})))
  print(n, "(true)", show(pcall(f, true)))
  print(n, "(-1.5)", show(pcall(f, -1.5)))
end
