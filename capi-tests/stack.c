/* Stack manipulation: top, indices, insert/remove/replace/copy, xmove,
** checkstack. */
#include "testutil.h"

/* Pushes 1..n as integers. */
static void push_range(lua_State *L, int n)
{
  int i;
  for (i = 1; i <= n; i++) lua_pushinteger(L, i);
}

/* Returns the stack as a string like "1 2 3". */
static const char *stack_str(lua_State *L)
{
  static char buf[256];
  int i, n = lua_gettop(L);
  size_t pos = 0;
  buf[0] = 0;
  for (i = 1; i <= n; i++) {
    const char *s = lua_type(L, i) == LUA_TNUMBER ? NULL : luaL_typename(L, i);
    if (s)
      pos += snprintf(buf + pos, sizeof buf - pos, "%s%s", i > 1 ? " " : "", s);
    else
      pos += snprintf(buf + pos, sizeof buf - pos, "%s%ld", i > 1 ? " " : "", (long)lua_tointeger(L, i));
  }
  return buf;
}

static int count_args(lua_State *L)
{
  lua_pushinteger(L, lua_gettop(L));
  return 1;
}

int main(void)
{
  lua_State *L = luaL_newstate(), *L2;
  int i;
  CHECK(L != NULL);
  if (!L) return 1;

  tu_section("top and settop");
  CHECK_INT(lua_gettop(L), 0);
  push_range(L, 5);
  CHECK_INT(lua_gettop(L), 5);
  lua_settop(L, 3);
  CHECK_STR(stack_str(L), "1 2 3");
  lua_settop(L, 6);
  CHECK_INT(lua_gettop(L), 6);
  CHECK(lua_isnil(L, 4) && lua_isnil(L, 5) && lua_isnil(L, 6));
  lua_settop(L, -4);                 /* drop the three nils */
  CHECK_STR(stack_str(L), "1 2 3");
  lua_pop(L, 2);
  CHECK_STR(stack_str(L), "1");
  lua_settop(L, 0);
  CHECK_INT(lua_gettop(L), 0);

  tu_section("negative and out-of-range indices");
  push_range(L, 4);
  CHECK_INT(lua_tointeger(L, -1), 4);
  CHECK_INT(lua_tointeger(L, -4), 1);
  CHECK_INT(lua_type(L, 5), LUA_TNONE);
  CHECK(lua_isnone(L, 5));
  CHECK(lua_isnoneornil(L, 5));
  CHECK_INT(lua_type(L, 20), LUA_TNONE);   /* acceptable index within stack space */

  tu_section("pushvalue, insert, remove, replace");
  lua_pushvalue(L, 2);
  CHECK_STR(stack_str(L), "1 2 3 4 2");
  lua_pushvalue(L, -3);
  CHECK_STR(stack_str(L), "1 2 3 4 2 3");
  lua_settop(L, 4);
  lua_insert(L, 1);
  CHECK_STR(stack_str(L), "4 1 2 3");
  lua_insert(L, -2);
  CHECK_STR(stack_str(L), "4 1 3 2");
  lua_insert(L, -1);                 /* no-op */
  CHECK_STR(stack_str(L), "4 1 3 2");
  lua_remove(L, 1);
  CHECK_STR(stack_str(L), "1 3 2");
  lua_remove(L, -2);
  CHECK_STR(stack_str(L), "1 2");
  lua_remove(L, -1);
  CHECK_STR(stack_str(L), "1");
  push_range(L, 3);
  lua_pushinteger(L, 9);
  lua_replace(L, 1);
  CHECK_STR(stack_str(L), "9 1 2 3");
  lua_pushinteger(L, 8);
  lua_replace(L, -2);
  CHECK_STR(stack_str(L), "9 1 2 8");
  lua_pushstring(L, "x");
  lua_replace(L, -1);                /* replaces itself, pops */
  CHECK_STR(stack_str(L), "9 1 2 8");

  tu_section("copy (Lua 5.2 API)");
  lua_copy(L, 1, 3);
  CHECK_STR(stack_str(L), "9 1 9 8");
  lua_copy(L, -3, -1);
  CHECK_STR(stack_str(L), "9 1 9 1");
  lua_settop(L, 0);

  tu_section("checkstack");
  CHECK(lua_checkstack(L, 100));
  for (i = 0; i < 100; i++) lua_pushinteger(L, i);
  CHECK_INT(lua_gettop(L), 100);
  CHECK_INT(lua_tointeger(L, 100), 99);
  CHECK(lua_checkstack(L, 5000));
  for (i = 0; i < 5000; i++) lua_pushinteger(L, i);
  CHECK_INT(lua_gettop(L), 5100);
  CHECK_INT(lua_tointeger(L, -1), 4999);
  CHECK(!lua_checkstack(L, 1000000));  /* beyond LUAI_MAXSTACK */
  CHECK_INT(lua_gettop(L), 5100);       /* failure leaves the stack alone */
  lua_settop(L, 0);
  luaL_checkstack(L, 50, "not reached");
  CHECK_INT(lua_gettop(L), 0);

  tu_section("many arguments through a call");
  lua_pushcfunction(L, count_args);
  CHECK(lua_checkstack(L, 300));
  for (i = 0; i < 250; i++) lua_pushinteger(L, i);
  lua_call(L, 250, 1);
  CHECK_INT(lua_tointeger(L, -1), 250);
  lua_settop(L, 0);

  tu_section("xmove between threads of one state");
  L2 = lua_newthread(L);
  CHECK(L2 != NULL);
  CHECK_INT(lua_gettop(L2), 0);
  push_range(L, 3);                  /* thread at 1, then 1 2 3 */
  lua_xmove(L, L2, 2);
  CHECK_INT(lua_gettop(L), 2);
  CHECK_INT(lua_gettop(L2), 2);
  CHECK_INT(lua_tointeger(L2, 1), 2);
  CHECK_INT(lua_tointeger(L2, 2), 3);
  lua_xmove(L2, L, 1);
  CHECK_INT(lua_tointeger(L, -1), 3);
  CHECK_INT(lua_gettop(L2), 1);
  lua_xmove(L, L, 1);                /* same state: no-op */
  CHECK_INT(lua_gettop(L), 3);
  lua_xmove(L, L2, 0);
  CHECK_INT(lua_gettop(L2), 1);

  lua_close(L);
  return tu_finish("stack");
}
