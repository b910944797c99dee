/* C module loaded by the Lua 5.1 suite's attrib.lua (written for this
   project): package.loadlib of luaopen_lib1 and anotherfunc, a missing
   symbol, and require "lib1.sub" finding luaopen_lib1_sub. */
#include "lua.h"
#include "lauxlib.h"

/* Returns its arguments unchanged: the test compares id("x") with "x". */
static int lib1_identity(lua_State *L)
{
  return lua_gettop(L);
}

static const luaL_Reg lib1_functions[] = {
  {"id", lib1_identity},
  {NULL, NULL}
};

/* The suite calls it as f(10, 20) and expects "1020\n": it checks that
   lua_pushfstring formats %f as Lua numbers are printed. */
int anotherfunc(lua_State *L)
{
  lua_pushfstring(L, "%f%f\n", lua_tonumber(L, 1), lua_tonumber(L, 2));
  return 1;
}

/* "lib1.sub" is registered empty: the test checks next(lib1.sub) == nil. */
int luaopen_lib1_sub(lua_State *L)
{
  static const luaL_Reg no_functions[] = {{NULL, NULL}};
  luaL_register(L, "lib1.sub", no_functions);
  return 1;
}

int luaopen_lib1(lua_State *L)
{
  luaL_register(L, "lib1", lib1_functions);
  return 1;
}
