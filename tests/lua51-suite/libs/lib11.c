/* Second module that opens lib1 through lib1's exported entry point: it
   resolves only when lib1 was loaded with global symbols. */
#include "lua.h"

int luaopen_lib1(lua_State *L);

int luaopen_lib11(lua_State *L)
{
  return luaopen_lib1(L);
}
