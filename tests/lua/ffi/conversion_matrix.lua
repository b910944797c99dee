-- Conversions against the reference, case by case:
--  1. pointers, arrays and struct values to pointers and references:
--     every (source, destination) pair of a set of types with and without
--     const, one and two levels of indirection, in five contexts (ffi.new
--     initializer n, ffi.cast c, assignment to a struct field f, table
--     initializer of that field t, C call argument a); 1 = accepted,
--     0 = refused;
--  2. Lua values and cdata of every kind to a set of C types, with the
--     error message;
--  3. pointer subtraction and ordering between pointers and arrays.
local ffi = require("ffi")
ffi.cdef [[
struct S { int a; }; struct S2 { int a; }; enum E { EA }; typedef int fn_t(int);
int getpid(void);
]]
local function short(err)
  return (tostring(err):gsub("^.-:%d+: ", ""):gsub("struct %d+", "struct #"))
end
local uid = 0
local function fresh(p) uid = uid + 1 return p .. uid end
local buf = ffi.new("char[256]")

-- A struct with a field of type d, and a C function taking a d (getpid
-- under another name: it ignores its arguments).
local function contexts(d)
  local t = fresh("d")
  local ok = pcall(ffi.cdef, "typedef " .. d:gsub("%[%?%]", "[]") .. " " .. t .. ";")
  local ctx = { name = d }
  if ok and not d:find("&") and not d:find("%[%?%]") then
    ctx.struct = fresh("f")
    if not pcall(ffi.cdef, "struct " .. ctx.struct .. " { int pad; " .. t .. " f; };") then
      ctx.struct = nil
    end
  end
  if ok and not d:find("%[") then
    ctx.func = fresh("a")
    if not pcall(ffi.cdef, "int " .. ctx.func .. "(" .. t .. ") __asm__(\"getpid\");") then
      ctx.func = nil
    end
  end
  return ctx
end
local function run(ctx, make, f)
  local results = {}
  local function try(name, g)
    local ok, err = pcall(g, make())
    results[#results + 1] = { name, ok, err }
  end
  local d = ctx.name
  if not d:find("&") then
    try("n", function(v) return ffi.new(d, d:find("%[%?%]") and 2 or v, v) end)
    try("c", function(v) return ffi.cast(d, v) end)
  end
  if ctx.struct then
    try("f", function(v) local s = ffi.new("struct " .. ctx.struct); s.f = v end)
    try("t", function(v) return ffi.new("struct " .. ctx.struct, { 0, v }) end)
  end
  if ctx.func then
    try("a", function(v) return ffi.C[ctx.func](v) end)
  end
  return results
end

print("== 1. pointers: n c f t a")
local bases = { "int", "unsigned int", "char", "unsigned char", "void", "struct S", "enum E",
  "bool", "double", "fn_t", "long" }
local srcs, dsts = {}, {}
for _, b in ipairs(bases) do
  for _, q in ipairs({ "", "const " }) do
    srcs[#srcs + 1] = q .. b .. " *"
    if b ~= "void" and b ~= "fn_t" and q == "" then srcs[#srcs + 1] = b .. " [1]" end
    dsts[#dsts + 1] = q .. b .. " *"
    if b ~= "void" and b ~= "fn_t" then dsts[#dsts + 1] = q .. b .. " &" end
  end
end
for _, b in ipairs({ "int", "unsigned char", "void" }) do
  for _, q in ipairs({ "", "const " }) do
    for _, q2 in ipairs({ "", "const " }) do
      srcs[#srcs + 1] = q .. b .. " *" .. q2 .. "*"
      srcs[#srcs + 1] = q .. b .. " *" .. q2 .. "[1]"
      dsts[#dsts + 1] = q .. b .. " *" .. q2 .. "*"
    end
  end
end
srcs[#srcs + 1] = "struct S"
srcs[#srcs + 1] = "struct S2"
for _, d in ipairs(dsts) do
  local ctx = contexts(d)
  for _, s in ipairs(srcs) do
    local function make()
      if s:find("%[") or not s:find("%*") then return ffi.new(s) end
      return ffi.cast(s, buf)
    end
    local codes = {}
    for _, r in ipairs(run(ctx, make)) do codes[#codes + 1] = r[1] .. (r[2] and 1 or 0) end
    print(s .. " -> " .. d .. " | " .. table.concat(codes, " "))
  end
end

print("== 2. values")
local values = {
  { "string", function() return "abc" end },
  { "nil", function() return nil end },
  { "1.5", function() return 1.5 end },
  { "true", function() return true end },
  { "function", function() return print end },
  { "table", function() return { 1 } end },
  { "io.stdout", function() return io.stdout end },
  { "1ULL", function() return 1ULL end },
  { "int", function() return ffi.new("int", 1) end },
  { "double", function() return ffi.new("double", 1) end },
  { "bool", function() return ffi.new("bool", true) end },
  { "enum E", function() return ffi.new("enum E") end },
  { "ffi.NULL", function() return ffi.NULL end },
  { "int *", function() return ffi.cast("int *", buf) end },
  { "const int *", function() return ffi.cast("const int *", buf) end },
  { "void *", function() return ffi.cast("void *", buf) end },
  { "int [2]", function() return ffi.new("int[2]") end },
  { "unsigned int [2]", function() return ffi.new("unsigned int[2]") end },
  { "char [4]", function() return ffi.new("char[4]") end },
  { "int [?]", function() return ffi.new("int[?]", 2) end },
  { "struct S", function() return ffi.new("struct S") end },
  { "const struct S", function() return ffi.new("const struct S") end },
  { "struct S2", function() return ffi.new("struct S2") end },
  { "complex", function() return ffi.new("complex double", 1, 2) end },
  { "ctype", function() return ffi.typeof("int") end },
  { "C function", function() return ffi.C.getpid end },
}
local targets = { "int *", "const char *", "char *", "void *", "unsigned char *", "int **",
  "fn_t *", "int &", "const char &", "int [2]", "char [4]", "int [?]", "int", "bool", "double",
  "enum E", "struct S", "const struct S", "complex double", "int8_t",
  "int __attribute__((vector_size(8)))" }
for _, d in ipairs(targets) do
  local ctx = contexts(d)
  for _, v in ipairs(values) do
    local out = {}
    for _, r in ipairs(run(ctx, v[2])) do
      out[#out + 1] = r[1] .. ":" .. (r[2] and "ok" or short(r[3]))
    end
    print(v[1] .. " -> " .. d .. " | " .. table.concat(out, " | "))
  end
end

print("== 3. arithmetic: - < <= ==")
local kinds = {}
for _, b in ipairs({ "int", "unsigned int", "char", "void", "struct S", "enum E", "double",
  "int *" }) do
  for _, q in ipairs({ "", "const " }) do
    kinds[#kinds + 1] = q .. b .. " *"
    if b ~= "void" then kinds[#kinds + 1] = q .. b .. " [2]" end
  end
end
local function make(t)
  if t:find("%[") then return ffi.new(t) end
  return ffi.cast(t, buf + 16)
end
for _, a in ipairs(kinds) do
  for _, b in ipairs(kinds) do
    local x, y = make(a), make(b)
    local out = {}
    for _, op in ipairs({ "-", "<", "<=", "==" }) do
      local ok, r = pcall(function()
        if op == "-" then return x - y elseif op == "<" then return x < y
        elseif op == "<=" then return x <= y else return x == y end
      end)
      out[#out + 1] = ok and (op == "==" and tostring(r) or "ok") or "E"
    end
    print(a .. " , " .. b .. " | " .. table.concat(out, " "))
  end
end
