/* C module loaded by attrib.lua through package.cpath, both as "lib2" and
   as "-lib2" (a name whose part up to the hyphen is dropped from the
   luaopen_ symbol). Opening it also sets the global x. */
#include "lua.h"
#include "lauxlib.h"

static int lib2_identity(lua_State *L)
{
  return lua_gettop(L);
}

static const luaL_Reg lib2_functions[] = {
  {"id", lib2_identity},
  {NULL, NULL}
};

int luaopen_lib2(lua_State *L)
{
  luaL_register(L, "lib2", lib2_functions);
  lua_pushnumber(L, 0.5);
  lua_setglobal(L, "x");
  return 1;
}
