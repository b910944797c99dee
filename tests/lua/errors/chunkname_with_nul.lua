-- Chunk names are shown as C strings: they end at a NUL byte (found by fuzz-diff).
print(loadstring("return \0x"))
print(loadstring("x = = 1\0tail"))
print(loadstring("return +", "=name\0rest"))
print(loadstring("return +", "@file\0.lua"))
print(pcall(loadstring("error('e')", "=abc\0def")))
print(#debug.getinfo(loadstring("return 1", "src\0more")).source)
