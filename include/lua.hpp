// Lets C++ code include the whole LuaJIT C API with C linkage.

extern "C" {
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"
#include "luajit.h"
}
