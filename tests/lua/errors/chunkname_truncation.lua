-- Chunk names in messages: =name, @file, [string "..."] and truncation to LUA_IDSIZE.
local function msg(src, name)
  local f, err = loadstring(src, name)
  if not f then return err end
  local ok, e = pcall(f)
  return e
end
print(msg("error('x')", "=short"))
print(msg("error('x')", "=" .. ("n"):rep(100)))
print(msg("error('x')", "@" .. ("d/"):rep(50) .. "file.lua"))
print(msg("error('x')", "@short.lua"))
print(msg("error('x')", ("s"):rep(100)))
print(msg("error('x')", "line one\nline two"))
print(msg("error('x')", "exactly"))
print(msg("error('x')"))
print(msg("--" .. ("c"):rep(100) .. "\nerror('x')"))
print(msg("x = ", "=syntax"))
print(msg("x = ", "@" .. ("p"):rep(80) .. ".lua"))
print(msg("x = "))
print(msg("error('x')", ""))
print(msg("error('x')", "="))
print(msg("error('x')", "@"))
local info = debug.getinfo(loadstring("return 1", "@" .. ("q"):rep(100)), "S")
print(#info.short_src, info.short_src:sub(1, 5), #info.source)
