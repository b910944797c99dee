/* References: luaL_ref / luaL_unref in the registry and in user tables. */
#include "testutil.h"

int main(void)
{
  lua_State *L = luaL_newstate();
  int r1, r2, r3, rnil, i, refs[1000], distinct;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("constants");
  CHECK_INT(LUA_NOREF, -2);
  CHECK_INT(LUA_REFNIL, -1);

  tu_section("references in the registry");
  lua_pushstring(L, "first");
  r1 = luaL_ref(L, LUA_REGISTRYINDEX);
  CHECK_INT(lua_gettop(L), 0);           /* ref pops the value */
  CHECK(r1 > 0);
  lua_newtable(L);
  r2 = luaL_ref(L, LUA_REGISTRYINDEX);
  CHECK(r2 > 0 && r2 != r1);
  lua_pushnil(L);
  rnil = luaL_ref(L, LUA_REGISTRYINDEX);
  CHECK_INT(rnil, LUA_REFNIL);
  CHECK_INT(lua_gettop(L), 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r1);
  CHECK_STR(lua_tostring(L, -1), "first");
  lua_rawgeti(L, LUA_REGISTRYINDEX, r2);
  CHECK(lua_istable(L, -1));
  lua_settop(L, 0);

  tu_section("referenced values survive collection");
  lua_pushfstring(L, "made-%d", 99);
  r3 = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_gc(L, LUA_GCCOLLECT, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r3);
  CHECK_STR(lua_tostring(L, -1), "made-99");
  lua_settop(L, 0);

  tu_section("unref frees the slot for reuse");
  luaL_unref(L, LUA_REGISTRYINDEX, r1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r1);
  CHECK(!lua_isstring(L, -1) || strcmp(lua_tostring(L, -1), "first") != 0);
  lua_settop(L, 0);
  lua_pushstring(L, "reuse");
  i = luaL_ref(L, LUA_REGISTRYINDEX);
  CHECK_INT(i, r1);                      /* the freed slot comes back first */
  luaL_unref(L, LUA_REGISTRYINDEX, LUA_NOREF);   /* both are no-ops */
  luaL_unref(L, LUA_REGISTRYINDEX, LUA_REFNIL);
  CHECK_INT(lua_gettop(L), 0);

  tu_section("references in a user table");
  lua_newtable(L);                       /* 1 */
  for (i = 0; i < 1000; i++) {
    lua_pushinteger(L, i * 3);
    refs[i] = luaL_ref(L, 1);
  }
  distinct = 1;
  for (i = 1; i < 1000; i++) if (refs[i] == refs[i - 1]) distinct = 0;
  CHECK(distinct);
  CHECK_INT(lua_gettop(L), 1);
  lua_rawgeti(L, 1, refs[500]);
  CHECK_INT(lua_tointeger(L, -1), 1500);
  lua_pop(L, 1);
  for (i = 0; i < 1000; i += 2) luaL_unref(L, 1, refs[i]);
  for (i = 0; i < 500; i++) {
    int r;
    lua_pushboolean(L, 1);
    r = luaL_ref(L, 1);
    if (r <= 0 || r > refs[999]) { distinct = 0; break; }  /* reuses freed slots */
  }
  CHECK(distinct);
  lua_rawgeti(L, 1, refs[999]);
  CHECK_INT(lua_tointeger(L, -1), 2997);
  lua_settop(L, 0);

  tu_section("a referenced function can be called later");
  luaL_loadstring(L, "return 'called via ref'");
  r1 = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r1);
  lua_call(L, 0, 1);
  CHECK_STR(lua_tostring(L, -1), "called via ref");
  luaL_unref(L, LUA_REGISTRYINDEX, r1);
  lua_settop(L, 0);

  lua_close(L);
  return tu_finish("refs");
}
