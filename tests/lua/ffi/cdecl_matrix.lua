-- The C declaration parser against the reference, case by case:
--  1. every ordered pair of declaration specifier words (type keywords,
--     qualifiers, storage classes, struct/union/enum/typedef names,
--     attributes), as a type name, as a declaration and in a typedef;
--  2. pseudo-random declarators (pointers, references, qualifiers,
--     parentheses, arrays, parameter lists, names, attributes, bit widths)
--     on several base types, as a type name, in a typedef, as a struct
--     member and as a parameter;
--  3. pseudo-random constant expressions as an array size and as an enum
--     value.
-- Each line shows what the parser made of one case: the type, its size
-- and alignment, or the error. Anonymous struct ids are shown as '#'.
local ffi = require("ffi")
ffi.cdef [[
struct S { int a; }; union U { int a; double b; }; enum E { EA }; typedef short T;
struct SX { static const int K = 5; int a; char b[3]; int bf : 3; };
struct SX sx; struct SX *psx;
]]

local function norm(s)
  return (tostring(s):gsub("(struct) %d+", "%1 #"):gsub("(union) %d+", "%1 #"):gsub("(enum) %d+", "%1 #"))
end
local function desc(ct)
  local ok, size = pcall(ffi.sizeof, ct)
  return norm(tostring(ct)) .. " " .. (ok and tostring(size) or "err") .. " " .. ffi.alignof(ct)
end
local function try_type(s)
  local ok, ct = pcall(ffi.typeof, s)
  return ok and desc(ct) or ("E " .. norm(ct))
end
local uid = 0
local function fresh(prefix)
  uid = uid + 1
  return prefix .. uid
end
-- A typedef of `decl` (with NAME standing for the declared name): its type.
local function try_typedef(decl)
  local name = fresh("t")
  local ok, err = pcall(ffi.cdef, "typedef " .. decl:gsub("NAME", name) .. ";")
  if not ok then return "E " .. norm(err) end
  return try_type(name)
end

-- Deterministic pseudo-random numbers (the same on every implementation).
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return math.floor(seed / 65536) % n + 1
end
local function pick(t) return t[rand(#t)] end

print("== 1. specifier pairs: type name | declaration | typedef")
local words = { "void", "_Bool", "bool", "char", "int", "float", "double", "long", "short",
  "signed", "unsigned", "_Complex", "const", "volatile", "struct S", "union U", "enum E",
  "T", "__int8", "__int64", "int8_t", "typedef", "extern", "static", "inline", "register",
  "auto", "restrict", "__attribute__((aligned(8)))", "__extension__", "__cdecl" }
for _, a in ipairs(words) do
  for _, b in ipairs(words) do
    local seq = a .. " " .. b
    local ok, err = pcall(ffi.cdef, seq .. " " .. fresh("x") .. ";")
    print(seq .. " | " .. try_type(seq) .. " | " .. (ok and "ok" or "E " .. norm(err))
      .. " | " .. try_typedef(seq .. " NAME"))
  end
end

print("== 2. declarators: type name | typedef | struct member | parameter")
local toks = { "*", "*", "&", "&&", "const", "volatile", "(", ")", "(", ")", "[2]", "[]",
  "[?]", "(void)", "(int)", "(int, ...)", "NAME", "NAME", "__attribute__((aligned(16)))",
  "restrict", ":3", "__cdecl", 'asm("q")' }
local bases = { "int", "struct S", "void", "T", "char", "const int", "int *", "union U",
  "enum E", "float" }
for _ = 1, 700 do
  local parts = { pick(bases) }
  for _ = 1, rand(6) do parts[#parts + 1] = pick(toks) end
  local line = table.concat(parts, " ")
  local abstract = line:gsub("NAME", "")
  local member = fresh("m")
  local ok, err = pcall(ffi.cdef, "struct " .. member .. " { " .. line:gsub("NAME", "f") .. "; };")
  local in_struct = ok and desc(ffi.typeof("struct " .. member)) or ("E " .. norm(err))
  local ok2, err2 = pcall(ffi.cdef, "int " .. fresh("p") .. "(" .. line:gsub("NAME", "x") .. ");")
  print(line .. " | " .. try_type(abstract) .. " | " .. try_typedef(line) .. " | "
    .. in_struct .. " | " .. (ok2 and "ok" or "E " .. norm(err2)))
end

print("== 3. constant expressions: char[expr] | enum value")
local leaves = { "0", "1", "2", "7", "-1", "0x80000000", "4294967295u", "'a'", '"ab"',
  "sizeof(int)", "sizeof(struct S)", "sizeof(T)", "__alignof__(double)", "EA", "sx.K",
  "psx->K", "sizeof(sx.b)", "sizeof sx.a", "sizeof(psx[0])", "sx.a", "sx.bf", "sx.zz" }
local binops = { "+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&",
  "|", "^", "&&", "||" }
local unops = { "-", "~", "!", "+", "(char)", "(unsigned)", "(short)", "(long)",
  "(unsigned char)", "(int *)", "*", "&", "sizeof " }
local function expr(depth)
  local r = rand(10)
  if depth <= 0 or r <= 3 then return pick(leaves) end
  if r <= 6 then return expr(depth - 1) .. " " .. pick(binops) .. " " .. expr(depth - 1) end
  if r == 7 then return pick(unops) .. expr(depth - 1) end
  if r == 8 then return "(" .. expr(depth - 1) .. ")" end
  if r == 9 then return expr(depth - 1) .. " ? " .. expr(depth - 1) .. " : " .. expr(depth - 1) end
  return "(" .. expr(depth - 1) .. ", " .. expr(depth - 1) .. ")"
end
for _ = 1, 450 do
  local e = expr(4)
  local name = fresh("K")
  local ok, err = pcall(ffi.cdef, "enum { " .. name .. " = " .. e .. " };")
  local value = ok and tostring(ffi.C[name]) or ("E " .. norm(err))
  print(e .. " | " .. try_type("char[" .. e .. "]") .. " | " .. value)
end
