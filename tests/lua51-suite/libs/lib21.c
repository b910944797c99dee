/* Second module that opens lib2 through lib2's exported entry point. */
#include "lua.h"

int luaopen_lib2(lua_State *L);

int luaopen_lib21(lua_State *L)
{
  return luaopen_lib2(L);
}
