/* Smallest possible embedding: used to cross-check the ABI (built against
** one implementation's headers, run against the other's library). */
#include <stdio.h>
#include "lua.h"
#include "lauxlib.h"

int main(void)
{
  lua_State *L = luaL_newstate();
  int ok;
  if (L == NULL) {
    printf("abi_smoke: luaL_newstate failed\n");
    return 1;
  }
  ok = luaL_loadstring(L, "return 1+1") == 0 && lua_pcall(L, 0, 1, 0) == 0 &&
       lua_type(L, -1) == LUA_TNUMBER && lua_tointeger(L, -1) == 2;
  lua_close(L);
  printf("abi_smoke: %d checks, %d failed\n", 1, ok ? 0 : 1);
  return ok ? 0 : 1;
}
