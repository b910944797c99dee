/* For scripts/check-abi: the default search paths a luaconf.h defines for
** the layout given with -DLUA_ROOT/-DLUA_MULTILIB (as LuaJIT's Makefile
** passes them), to compare with what our build compiled in. */
#include <stdio.h>
#include "luaconf.h"

int main(void)
{
  printf("%s\n%s\n", LUA_PATH_DEFAULT, LUA_CPATH_DEFAULT);
  return 0;
}
