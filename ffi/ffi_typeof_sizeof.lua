-- ffi.typeof, ffi.sizeof, ffi.alignof, ffi.offsetof, tostring of ctypes.
local ffi = require("ffi")
local function try(f, ...)
  local ok, a, b = pcall(f, ...)
  print(ok, a, b)
end

local names = {
  "char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int",
  "long", "unsigned long", "long long", "unsigned long long", "float", "double",
  "bool", "_Bool", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
  "int64_t", "uint64_t", "size_t", "ssize_t", "intptr_t", "uintptr_t", "ptrdiff_t",
  "void *", "const char *", "int[10]", "double[3][4]", "int (*)(int, double)",
  "struct { char a; double b; }", "union { char a; int b; }", "complex", "complex float",
  "wchar_t", "va_list", "long double", "unsigned", "signed", "short int", "long int",
  "const volatile int", "int *const", "char (*)[4]", "int &",
}
for _, name in ipairs(names) do
  local ok, t = pcall(ffi.typeof, name)
  if ok then
    local s = tostring(t)
    if s:match("struct %d") or s:match("union %d") then s = "(anonymous)" end
    print(name, s, ffi.sizeof(t), ffi.alignof(t))
  else
    print(name, "error", t)
  end
end

-- sizeof of cdata and VLA/VLS
print(ffi.sizeof(ffi.new("int[7]")), ffi.sizeof("int[?]", 5))
try(ffi.sizeof, "int[?]")
ffi.cdef[[
struct tsvls { char c; int n[?]; };
struct tsflex { int len; char data[]; };
struct tsalign { char c; double d; short s; };
struct tspacked { char c; int i; } __attribute__((packed));
struct tsal16 { char c; } __attribute__((aligned(16)));
struct tsbits { unsigned a:3, b:5; int c; };
]]
print(ffi.sizeof("struct tsvls", 3), ffi.sizeof(ffi.new("struct tsvls", 4)))
try(ffi.sizeof, "struct tsvls")
print(ffi.sizeof("struct tsflex"), ffi.alignof("struct tsflex"))
print(ffi.sizeof("struct tsalign"), ffi.alignof("struct tsalign"))
print(ffi.offsetof("struct tsalign", "c"), ffi.offsetof("struct tsalign", "d"), ffi.offsetof("struct tsalign", "s"))
print(ffi.sizeof("struct tspacked"), ffi.alignof("struct tspacked"), ffi.offsetof("struct tspacked", "i"))
print(ffi.sizeof("struct tsal16"), ffi.alignof("struct tsal16"))
print(ffi.offsetof("struct tsbits", "a"))
print(ffi.offsetof("struct tsbits", "b"))
print(ffi.offsetof("struct tsbits", "c"))
print(ffi.offsetof("struct tsalign", "nope"))
print(ffi.sizeof("struct tsbits"))

-- typeof of cdata returns its ctype; ctype tostring
local x = ffi.new("int[3]")
print(tostring(ffi.typeof(x)), ffi.typeof(x) == ffi.typeof("int[3]"))
print(ffi.typeof("int") == ffi.typeof("int"), ffi.typeof("int") == ffi.typeof("int32_t"))
print(ffi.typeof("int") == ffi.typeof("unsigned int"))
print(tostring(ffi.typeof("uint8_t *")), tostring(ffi.typeof("const char *")))
print(tostring(ffi.typeof("int(*)[3]")), tostring(ffi.typeof("int *[3]")))
print(tostring(ffi.typeof("struct tsalign *")), tostring(ffi.typeof("struct tsalign &")))

-- parameterized types
local pt = ffi.typeof("$ *", ffi.typeof("int"))
print(tostring(pt))
local at = ffi.typeof("$[$]", ffi.typeof("double"), 5)
print(tostring(at), ffi.sizeof(at))
local st = ffi.typeof("struct { $ a; $ b; }", ffi.typeof("int"), ffi.typeof("char"))
print(ffi.sizeof(st))
print(type(ffi.typeof("int")), type(ffi.new("int")))

-- errors
try(ffi.typeof, "int int")
try(ffi.typeof, "struct")
try(ffi.typeof, "nosuchtype")
try(ffi.typeof, "int[")
try(ffi.typeof, "$", 1)
try(ffi.typeof, "int", 1)
try(ffi.sizeof, "struct undefined_struct_ts")
try(ffi.sizeof, "void")
try(ffi.sizeof, 1)
try(ffi.alignof, "void")
try(ffi.offsetof, "int", "x")
