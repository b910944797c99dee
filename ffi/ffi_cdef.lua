-- ffi.cdef: typical declarations, redefinitions, typedef chains, function pointer types,
-- static const, attributes, and the errors that cdef raises.
local ffi = require("ffi")
local function try(s)
  local ok, err = pcall(ffi.cdef, s)
  print(ok, ok and "" or err)
end
ffi.cdef[[
typedef int myint;
typedef myint *myintp;
typedef unsigned long long u64_t;
typedef struct cd_node cd_node;
struct cd_node { cd_node *next; int value; };
typedef int (*cd_cmp)(const void *, const void *);
typedef void (*cd_handler)(int sig);
typedef struct { cd_handler h; cd_cmp c; } cd_ops;
enum cd_e { CD_A = 1, CD_B = CD_A + 10, CD_C = sizeof(int) * 2 };
static const int CD_CONST = 3 * 7;
struct cd_packed { char c; int i; } __attribute__((packed));
struct cd_aligned { char c; } __attribute__((aligned(32)));
typedef int cd_arr5[5];
union cd_u { int i; float f; };
int cd_extern_fn(int, ...);
]]
print(ffi.sizeof("myint"), ffi.sizeof("myintp"), ffi.sizeof("u64_t"), ffi.sizeof("cd_node"))
local n = ffi.new("cd_node", {nil, 5})
print(n.value, n.next == nil)
print(ffi.sizeof("cd_ops"), ffi.C.CD_B, ffi.C.CD_C, ffi.C.CD_CONST)
try("static const double CD_NOT_INT = 1;")
print(ffi.sizeof("struct cd_packed"), ffi.alignof("struct cd_aligned"), ffi.sizeof("cd_arr5"))
print(ffi.sizeof("union cd_u"))
print(tostring(ffi.typeof("cd_cmp")), tostring(ffi.typeof("myintp")))
-- redeclaring identical things is fine for typedefs of the same type? and structs with bodies?
try("typedef int myint;")
try("typedef double myint;")
try("struct cd_node { int other; };")
try("struct cd_node;")
try("enum cd_e { CD_X };")
try("int cd_extern_fn(int, ...);")
try("static const int CD_CONST = 5;")
-- syntax errors
try("int")
try("int x")
try("struct { int a; }")
try("typedef int;")
try("int f(int a, );")
try("int 3x;")
try("struct s { int a: 40; };")
try("int a[-1];")
try("void x;")
try("typedef struct cd_undefined_x cd_t; cd_t v;")
try("int x[1 << 40];")
try("unsigned float f;")
try("long long long x;")
try("#include <stdio.h>")
try("@")
try("int x; garbage")
print(pcall(ffi.cdef))
print(pcall(ffi.cdef, 1))
