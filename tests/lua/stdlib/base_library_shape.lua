-- The names each standard library exports (sorted), and _VERSION.
-- OpenResty's jit.prngstate is left out (the reference, Debian's LuaJIT,
-- lacks it; jit_prngstate.lua checks it).
for _, lib in ipairs{"_G", "string", "table", "math", "os", "io", "debug", "bit", "jit", "coroutine", "package"} do
  local t = lib == "_G" and _G or _G[lib]
  local ks = {}
  for k, v in pairs(t) do
    if (lib ~= "_G" or type(v) == "function") and not (lib == "jit" and k == "prngstate") then
      ks[#ks+1] = k .. ":" .. type(v)
    end
  end
  table.sort(ks)
  print(lib, table.concat(ks, " "))
end
print(_VERSION, _G._G == _G, type(_G))
local tables = {}
for k, v in pairs(_G) do if type(v) == "table" then tables[#tables+1] = k end end
table.sort(tables)
print(table.concat(tables, " "))
print(package.loaded.string == string, package.loaded._G == _G, package.loaded.bit == bit, package.loaded.jit == jit)
print(io.stdout ~= nil, io.type(io.stdout), io.type(io.stderr), io.type(io.stdin))
