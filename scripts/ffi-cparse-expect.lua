-- Prints what the FFI's C parser makes of the cases in a case file (default
-- src/ffi/cparse_cases.txt): run it with the reference `luajit -joff` to
-- record src/ffi/cparse_cases.expected, which the Rust unit tests in
-- src/ffi/cparse_tests.rs compare against.
--
-- Case lines (blank lines and lines starting with `--` are skipped):
--   cdef <C declarations, \n for a newline>
--   type <type>            repr, size and alignment of ffi.typeof(type)
--   size <n> <type>        ffi.sizeof(type, n)
--   offset <field> <type>  ffi.offsetof(type, field)
--   const <name>           the value of a declared constant
-- Ids of anonymous structs/unions/enums are printed as '#'.
local ffi = require("ffi")
local file = arg[1] or "src/ffi/cparse_cases.txt"

local function norm(s)
  s = tostring(s)
  s = s:gsub("(struct) %d+", "%1 #"):gsub("(union) %d+", "%1 #"):gsub("(enum) %d+", "%1 #")
  return s
end

for line in io.lines(file) do
  if line ~= "" and not line:match("^%-%-") then
    local kind, rest = line:match("^(%S+) (.*)$")
    local out
    if kind == "cdef" then
      local src = rest:gsub("\\n", "\n")
      local ok, err = pcall(ffi.cdef, src)
      out = ok and "ok" or ("error: " .. norm(err))
    elseif kind == "type" then
      local ok, ct = pcall(ffi.typeof, rest)
      if not ok then
        out = "error: " .. norm(ct)
      else
        local repr = norm(tostring(ct)):match("^ctype<(.*)>$")
        local sok, size = pcall(ffi.sizeof, ct)
        out = repr .. " size=" .. (sok and tostring(size) or "err") .. " align=" .. ffi.alignof(ct)
      end
    elseif kind == "size" then
      local n, t = rest:match("^(%d+) (.*)$")
      local ok, size = pcall(ffi.sizeof, t, tonumber(n))
      out = ok and tostring(size) or ("error: " .. norm(size))
    elseif kind == "offset" then
      local f, t = rest:match("^(%S+) (.*)$")
      local ok, o, bpos, bsize = pcall(ffi.offsetof, t, f)
      if not ok then
        out = "error: " .. norm(o)
      elseif bpos then
        out = o .. " " .. bpos .. " " .. bsize
      else
        out = tostring(o)
      end
    elseif kind == "const" then
      local ok, v = pcall(function() return ffi.C[rest] end)
      out = ok and tostring(v) or "undeclared"
    else
      error("bad case line: " .. line)
    end
    print(line .. "\t=> " .. out)
  end
end
