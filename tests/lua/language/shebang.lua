#!/usr/bin/env luajit
-- A first line starting with # is skipped in script files (and, in LuaJIT, in loadstring too).
print("shebang line skipped")
print(type(loadstring("#!skipped\nreturn 1")), loadstring("#!skipped\nreturn 1")())
