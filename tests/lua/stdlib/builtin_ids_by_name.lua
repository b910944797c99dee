-- Every builtin that jit.vmdef's ffnames names carries its own number:
-- the function found at each name reads "function: builtin#N" with N its
-- index in ffnames. The FFI library's builtins are left out (ours are
-- plain C functions).
local ffnames = require("jit.vmdef").ffnames
local buffer = require("string.buffer")
local file_mt = getmetatable(io.stdout)
local buffer_mt = debug.getmetatable(buffer.new())
local special = {
  ipairs_aux = (ipairs({})),
  ["coroutine.wrap_aux"] = coroutine.wrap(function() end),
  ["string.gmatch_aux"] = string.gmatch("", ""),
  ["table.new"] = require("table.new"),
  ["table.clear"] = require("table.clear"),
}
local roots = {
  jit = jit, ["jit.util"] = require("jit.util"), ["jit.opt"] = jit.opt,
  ["jit.profile"] = require("jit.profile"), buffer = buffer,
}

local function find(name)
  if special[name] then return special[name] end
  local method = name:match("^io%.method%.(.+)$")
  if method then return file_mt.__index[method] or file_mt[method] end
  method = name:match("^buffer%.method%.(.+)$")
  if method then return buffer_mt[method] end
  local lib, field = name:match("^(.+)%.([^.]+)$")
  if not lib then return _G[name] end
  local t = roots[lib] or _G[lib]
  return t and t[field]
end

local checked, skipped = 0, 0
for id = 2, #ffnames do
  local name = ffnames[id]
  if name:match("^ffi%.") then
    skipped = skipped + 1
  else
    local f = find(name)
    local s = f and tostring(f) or "missing"
    if s == "function: builtin#" .. id then
      checked = checked + 1
    else
      print(id, name, (s:gsub("0x%x+", "ADDR")))
    end
  end
end
print("builtins with their own id:", checked, "ffi builtins skipped:", skipped)
