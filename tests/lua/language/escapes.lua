-- String escapes: C escapes, decimal, hex, \z, \u{...}, and line continuations.
local s = "\a\b\f\n\r\t\v\\\"\'"
print(s:byte(1, -1))
print(("\65\066\0677"):byte(1, -1))
print(#"\0", ("a\0b"):byte(1, -1))
print(("\x41\x7a\xff\x00"):byte(1, -1))
print("a\z
      b", "c\z   d")
print("line\
continued")
print(("\u{41}\u{3b1}\u{20AC}\u{10FFFF}\u{7FF}\u{FFFF}"):byte(1, -1))
print(("\u{0}"):byte(1, -1))
print(loadstring([[return "\xg0"]]))
print(loadstring([[return "\x1"]]))
print(loadstring([[return "\256"]]))
print(loadstring([[return "\u{80000000}"]]))
print(loadstring([[return "\u{}"]]))
print(loadstring([[return "\q"]]))
print(loadstring("return 'abc"))
print(loadstring("return 'abc\ndef'"))
print('single "quotes"', "double 'quotes'")
print(("\2550"):byte(1, -1))
print(string.format("%q", "a\0b\r\n\t\"\\\1\127\255"))
