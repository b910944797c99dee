/* For scripts/check-abi: what an embedding program (nginx's Lua module,
** for one) gets as search paths from the library it runs on. Prints
** package.path and package.cpath; with arguments, requires each named
** module and prints its type. */
#include <stdio.h>
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

int main(int argc, char **argv)
{
  int i, status = 0;
  lua_State *L = luaL_newstate();
  if (L == NULL) return 1;
  luaL_openlibs(L);
  if (luaL_dostring(L, "print(package.path) print(package.cpath)") != 0) {
    fprintf(stderr, "%s\n", lua_tostring(L, -1));
    status = 1;
  }
  for (i = 1; i < argc; i++) {
    lua_getglobal(L, "require");
    lua_pushstring(L, argv[i]);
    if (lua_pcall(L, 1, 1, 0) != 0) {
      printf("require '%s' failed: %s\n", argv[i], lua_tostring(L, -1));
      status = 1;
    } else {
      printf("require '%s' gave a %s\n", argv[i], luaL_typename(L, -1));
    }
    lua_pop(L, 1);
  }
  lua_close(L);
  return status;
}
