-- C type spellings: what ffi.typeof makes of them (name, size, alignment).
local ffi = require("ffi")

local function show(t)
  local ok, ct = pcall(ffi.typeof, t)
  if not ok then
    print(string.format("%-34s error: %s", t, ct))
    return
  end
  local name = tostring(ct):gsub("(struct) %d+", "%1 #"):gsub("(union) %d+", "%1 #"):gsub("(enum) %d+", "%1 #")
  local sok, size = pcall(ffi.sizeof, ct)
  print(string.format("%-34s %-28s size=%s align=%d", t, name, sok and tostring(size) or "error", ffi.alignof(ct)))
end

for _, t in ipairs{
  "int", "unsigned", "signed", "short", "unsigned short int", "long", "unsigned long",
  "long long", "unsigned long long", "long int", "char", "signed char", "unsigned char",
  "_Bool", "bool", "float", "double", "long double", "complex", "complex float",
  "double complex", "void", "const void", "int8_t", "uint8_t", "int16_t", "uint16_t",
  "int32_t", "uint32_t", "int64_t", "uint64_t", "intptr_t", "uintptr_t", "ptrdiff_t",
  "size_t", "ssize_t", "wchar_t", "va_list", "__builtin_va_list", "__int8", "__int64",
  "const int", "volatile int", "const volatile int", "int const", "__const__ int",
  "const char *", "char *const", "char const *const", "void *const *volatile",
  "char *restrict", "int *__restrict__", "int &", "int *&", "int (&)[3]",
  "int[3]", "int[?]", "int[]", "int[0]", "int[2][3]", "int[?][3]", "int *[3]",
  "int (*)[3]", "const int[3]", "int (*)(int, double)", "int(int)", "void (*)(void)",
  "int (*)(int, ...)", "int (*[2])(void)", "void (*(*)(int))(char *)",
  "int (*(*)(int))[3]", "int (__stdcall *)(int)", "int (__cdecl *)(int)",
  "int __attribute__((aligned(16)))", "int __declspec(align(8))",
  "struct { int a; }", "union { int a; double b; }", "struct { int a; } *",
  "const struct { char c; }", "enum { RED, GREEN }", "struct {}", "struct { char c; int a[?]; }",
  "float __attribute__((vector_size(16)))", "int __attribute__((mode(QI)))",
} do
  show(t)
end
