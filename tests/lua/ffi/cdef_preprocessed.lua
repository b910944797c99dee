-- ffi.cdef on preprocessed C: the line markers `gcc -E` writes
-- (`# 12 "file.h" 1 3 4`), `#line`, `#pragma` (pack and others), other `#`
-- lines, function definitions, and the lexer details real headers meet
-- (line splices, \r line breaks, NUL bytes, strings across lines).
local ffi = require("ffi")

local function show(s)
  return (string.format("%q", s):gsub("\\\n", "\\n"):gsub("\r", "\\r"):gsub("%z", "\\0"))
end
local function cdef(s)
  local ok, err = pcall(ffi.cdef, s)
  print(string.format("%-56s %s", show(s), ok and "ok" or err))
end

print("-- line markers and #line")
cdef '# 1 "foo.h"\nint lm1;'
cdef '# 0\nint lm2;'
cdef '# 1 "foo.h" 1 3 4\nint lm3;'
cdef '# 1 "foo.h"'
cdef '#1\nint lm4;'
cdef '  # 1 "x"\nint lm5;'
cdef '# 1 "foo.h" int lm6;\nint lm7;'           -- the rest of the line is skipped
cdef '# 1 "foo.h" 1\n# 2 "bar.h" 2\nint lm8;'
cdef 'int lm9; # 1 "x"\nint lm10;'
cdef '#line 5\nint lm11;'
cdef '#line 5 "x.h"\nint lm12;'
cdef '#line\nint lm13;'
cdef '#line x\nint lm14;'
cdef '#'
cdef '#\nint lm15;'
cdef '# "foo"\nint lm16;'
cdef '# 1.5\nint lm17;'
cdef "# 1 'c'\nint lm18;"
cdef '# 1 "unterminated\nint lm19;'
print(pcall(function() return ffi.typeof("int"), ffi.C.lm6 end))
print("-- error lines after markers")
cdef '# 10 "foo.h"\nint lm20;\nfoo bar;'
cdef '# 10 "foo.h"\nfoo bar;'
cdef 'int lm21;\n# 10 "foo.h"\n\n\nfoo bar;'       -- the next token gets the number
cdef 'int lm22;\n#line 10 "foo.h"\n\n\nfoo bar;'
cdef '# 1 "x" 1 3 4\n# 5 "y.h" 3\nint lm23;\nbad bad;'
cdef '# 0x10 "x"\n\nbad bad;'
cdef '# 4294967295\n\nbad bad;'                    -- negative: no line shown
cdef '# 2147483647\nint lm24;\nbad bad;'
cdef '# 7 "x"\r\nfoo bar;'
cdef '# 7 "x"\rfoo bar;'
print("-- markers only between declarations")
cdef 'int lm25, # 1 "x"\n lm26;'
cdef 'struct lms1 {\n# 1 "x"\n int a; };'
cdef 'int lm27\n# 1 "x"\n;'
print("-- other directives")
cdef '#define X 1\nint pd1;'
cdef '#include <stdio.h>'
cdef '#if 0\nint pd2;\n#endif'
cdef '#ident "x"\nint pd3;'
cdef '#pragma once\nint pd4;'
cdef '#pragma\nint pd5;'
cdef '#pragma GCC visibility push(default)\nint pd6;'
cdef '#pragma GCC diagnostic ignored "-Wall" 1e5\nint pd7;'
cdef '#pragma weak "abc\nint pd8;'

print("-- #pragma pack")
local n = 0
local function packed(prefix)
  n = n + 1
  local tag = "pk" .. n
  local ok, err = pcall(ffi.cdef, prefix .. "\nstruct " .. tag .. " { char a; int b; };")
  print(string.format("%-56s %s", show(prefix), ok and ffi.sizeof("struct " .. tag) or err))
end
packed "#pragma pack(1)"
packed "#pragma pack(2)"
packed "#pragma pack(16)"
packed "#pragma pack(0)"
packed "#pragma pack(3)"
packed "#pragma pack(0x2)"
packed "#pragma pack(4u)"
packed "#pragma pack()"
packed "#pragma pack (1)"
packed "#pragma pack(push, 1)\n#pragma pack(pop)"
packed "#pragma pack(push, 1)\n#pragma pack()"
packed "#pragma pack(2)\n#pragma pack(pop)"               -- pop of an empty stack
packed "#pragma pack(2)\n#pragma pack(push)\n#pragma pack(1)\n#pragma pack(pop)"
packed "#pragma pack(pop, 1)"
packed "#pragma pack(push,)"
packed "#pragma pack(push, 1)\n#pragma pack(push, 2)\n#pragma pack(pop)\n#pragma pack(pop)\n#pragma pack(pop)"
packed(("#pragma pack(push, 1)\n"):rep(6))
packed "#pragma pack(1) #pragma pack(2)"               -- read on after the ')'
packed "#pragma pack(1) ;"
packed "#pragma pack(4) extra"
packed "#pragma Pack(1)"
packed "#pragma pack(1)\n#pragma foo(\n"
packed "#pragma pack(1)\\\n"
packed "#pragma pack(4"
packed "#pragma pack"
packed "#pragma pack(x)"
packed "#pragma pack(push, x)"
packed "#pragma pack(show)"
packed "#pragma pack(push, 2, 3)"
packed "#pragma pack(-1)"
packed "#pragma pack(, 1)"

print("-- function definitions are skipped, token by token")
cdef 'int fd1(void) { return 1; }'
cdef 'int fd2(void) { return "}"; }\nfoo bar;'
cdef 'int fd3(void) { a b c ` @ }\nfoo bar;'
cdef 'int fd4(void) { { } \n\n }\nfoo bar;'
cdef 'int fd5(void) { "abc\n\n" }\nfoo bar;'
cdef 'int fd6(void) { /* } */ }\nfoo bar;'
cdef 'int fd7(void) { // }\n }\nfoo bar;'
cdef "int fd8(void) { '}' }\nfoo bar;"
cdef 'int fd9(void) { 1.0f 1e5 0x1p3 }'             -- only the first token must scan
cdef 'int fd10(void) { 1e5 }'
cdef "int fd11(void) { 'ab' }\nfoo bar;"
cdef 'int fd12(void) {} int fd13;'
cdef 'int fd14(void) {}, fd15;'
cdef 'int fd16(void) {};;'
cdef 'int fd17(void) __attribute__((cdecl)) {}'
cdef 'int (fd18)(void) {}'
cdef 'int (*fd19)(void) {}'
cdef 'int fd20 {}'
cdef 'int fd21(void) {'
cdef 'int fd22(void) { }}'
cdef 'int fd23(void) { $ }'
cdef 'int fd24(void) {}\nint fd25(void) {}\nfoo bar;'
print(pcall(ffi.typeof, "int(void){}"))

print("-- the lexer")
cdef 'int lx1;\rfoo bar;'
cdef 'int lx2;\r\nfoo bar;'
cdef 'int lx3;\n\rfoo bar;'
cdef 'int lx4;\r\rfoo bar;'
cdef '/* \r\r */ foo bar;'
cdef 'int lx5;\0 garbage garbage'                  -- a NUL byte ends the input
cdef 'int lx6[sizeof("a\0b")];'
cdef 'int lx7[sizeof("a\nb")];\nfoo bar;'         -- strings span lines (not counted)
cdef 'int lx8[sizeof("a\\\nb")];\nfoo bar;'        -- splices are counted
cdef 'int lx9[sizeof("abc)];'
cdef '// abc \\\n foo bar;'                        -- a splice continues a // comment
cdef 'int lx10; /* unterminated'
cdef 'int lx11 \\\n\n x x;'
cdef 'int\\\nlx12\\\n y y;'
cdef 'int lx13\\\r\n;\nfoo bar;'
cdef 'enum { LXA = 1 =\\\n= 1, LXB = 2 <\\\n< 1, LXC = 1 /\\\n/ 2\n };'
print(ffi.C.LXA, ffi.C.LXB, ffi.C.LXC)
cdef 'int lx14(int, . . .);'
cdef 'int lx15(int, ..);'
cdef 'int lx16(int, ....);'
cdef 'int lx17(int, .\\\n..);'
for _, e in ipairs { [["\18"]], [['\18']], [['\9']], [['\999']], [['\q']], [['\x']], [["\x"]],
                     [["\x41\x4142"]], [['']], "'\\\n'" } do
  local ok, ct = pcall(ffi.typeof, "char[sizeof(" .. e .. ") + " .. e .. "]")
  print(string.format("%-20s %s", e, ok and ffi.sizeof(ct) or ct))
end
