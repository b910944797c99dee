-- Error messages of the C declaration parser (ffi.cdef and ffi.typeof),
-- and that a failed ffi.cdef declares nothing.
local ffi = require("ffi")

local function cdef(s)
  local ok, err = pcall(ffi.cdef, s)
  print(string.format("cdef   %-40q %s", s, ok and "ok" or err))
end
local function typeof(s)
  local ok, err = pcall(ffi.typeof, s)
  print(string.format("typeof %-40q %s", s, ok and "ok" or err))
end

cdef "x y;"
cdef "int x;\nint y;\nfoo bar;"
cdef "int x"
cdef "int;"
cdef "const;"
cdef "int int x;"
cdef "int x = 1;"
cdef "int a[-1];"
cdef "char big[0x80000000];"
cdef "struct s1 {int a;}; struct s1 {int a;};"
cdef "union u1; struct u1 *p;"
cdef "struct s3 { struct s3 x; };"
cdef "struct bad { int a[]; int b; };"
cdef "struct bf { int a:33; };"
cdef "struct bf2 { int a:0; };"
cdef "struct bf3 { float f:3; };"
cdef "enum { Z = 1/0 };"
cdef "enum { Y = 0x100000000 };"
cdef "enum { W = 5L };"
cdef "enum { V = nosuch };"
cdef "int QQ; enum { QQ = 1 };"
cdef "static int si;"
cdef "static const double d = 1;"
cdef "static const int nov;"
cdef "register int r;"
cdef "int f(void, int);"
cdef "int f(int, x);"
cdef "'abc'"
cdef "int y[3"
cdef "#define X 1"
cdef "#pragma pack(1)\nstruct ok1 { char a; int b; };\n#pragma pack()"
cdef "int a1;\n\n\nenum { LL = 1/0\n};"
cdef ("int" .. ("*"):rep(100) .. " p;")
cdef ("enum { D = " .. ("("):rep(20) .. "1" .. (")"):rep(20) .. " };")
typeof "int x"
typeof "x"
typeof ""
typeof "int;"
typeof "struct nosuch"
typeof "union nosuch *"
typeof "struct newtag { int a; }"
typeof "void[3]"
typeof "int[3](int)"
typeof "int(int)[3]"
typeof "int&*"
typeof "int[3][?]"
typeof "int (*)("
typeof "int ("
typeof "int (__stdcall)(int)"
typeof "unsigned float"

-- A failed cdef leaves nothing behind.
print(pcall(ffi.cdef, "struct r1 { int a; }; typedef int rt1; enum { RC = 1 }; int bad[-1];"))
print(pcall(ffi.typeof, "struct r1"))
print(pcall(ffi.typeof, "rt1"))
print(pcall(function() return ffi.C.RC end))
ffi.cdef "struct r1 { double d; }; typedef struct r1 rt1;"
print(ffi.sizeof("rt1"))
-- Redeclarations: typedefs and externs keep the first declaration.
ffi.cdef "typedef int myint; typedef double myint; typedef int size_t; int myext; double myext;"
print(tostring(ffi.typeof("myint")), ffi.sizeof("size_t"))
