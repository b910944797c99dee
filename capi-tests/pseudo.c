/* Pseudo-indices: the registry, the environment of the running C function,
** the globals table, and upvalues of C closures; plus lua_getupvalue /
** lua_setupvalue / lua_upvalueid / lua_upvaluejoin. */
#include "testutil.h"

/* A counter closure: upvalue 1 holds the count, upvalue 2 the step. */
static int counter(lua_State *L)
{
  lua_Integer n = lua_tointeger(L, lua_upvalueindex(1)) + lua_tointeger(L, lua_upvalueindex(2));
  lua_pushinteger(L, n);
  lua_pushvalue(L, -1);
  lua_replace(L, lua_upvalueindex(1));
  return 1;
}

/* Reports the type of upvalue n (beyond the closure's count: none). */
static int upvalue_type(lua_State *L)
{
  int n = (int)luaL_checkinteger(L, 1);
  lua_pushinteger(L, lua_type(L, lua_upvalueindex(n)));
  return 1;
}

/* Reads field "k" from its own environment. */
static int env_reader(lua_State *L)
{
  lua_getfield(L, LUA_ENVIRONINDEX, "k");
  return 1;
}

/* Replaces its environment table with its argument. */
static int env_replacer(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, 1);
  lua_replace(L, LUA_ENVIRONINDEX);
  return 0;
}

static int push_counter(lua_State *L, lua_Integer start, lua_Integer step)
{
  lua_pushinteger(L, start);
  lua_pushinteger(L, step);
  lua_pushcclosure(L, counter, 2);
  return 1;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  const char *name;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("values of the pseudo-indices");
  CHECK_INT(LUA_REGISTRYINDEX, -10000);
  CHECK_INT(LUA_ENVIRONINDEX, -10001);
  CHECK_INT(LUA_GLOBALSINDEX, -10002);
  CHECK_INT(lua_upvalueindex(1), -10003);
  CHECK_INT(lua_upvalueindex(255), -10257);

  tu_section("the registry");
  CHECK(lua_istable(L, LUA_REGISTRYINDEX));
  lua_pushstring(L, "value");
  lua_setfield(L, LUA_REGISTRYINDEX, "capi-tests.key");
  lua_getfield(L, LUA_REGISTRYINDEX, "capi-tests.key");
  CHECK_STR(lua_tostring(L, -1), "value");
  lua_getregistry(L);
  CHECK(lua_istable(L, -1));
  lua_getfield(L, -1, "capi-tests.key");
  CHECK_STR(lua_tostring(L, -1), "value");
  lua_settop(L, 0);
  lua_pushlightuserdata(L, (void *)&name);   /* light userdata as a unique key */
  lua_pushinteger(L, 5);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, (void *)&name);
  lua_rawget(L, LUA_REGISTRYINDEX);
  CHECK_INT(lua_tointeger(L, -1), 5);
  lua_settop(L, 0);
  lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
  CHECK(lua_istable(L, -1));             /* package.loaded lives there */
  lua_getfield(L, -1, "string");
  CHECK(lua_istable(L, -1));
  lua_settop(L, 0);

  tu_section("the globals table");
  lua_pushinteger(L, 77);
  lua_setfield(L, LUA_GLOBALSINDEX, "g77");
  CHECK_LUA(L, "return g77 == 77");
  lua_getglobal(L, "g77");
  CHECK_INT(lua_tointeger(L, -1), 77);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  CHECK(lua_istable(L, -1));
  lua_getfield(L, -1, "_G");
  CHECK(lua_rawequal(L, -1, -2));
  lua_settop(L, 0);
  lua_newtable(L);                       /* replace the globals of this thread */
  lua_pushinteger(L, 1);
  lua_setfield(L, -2, "only");
  lua_pushvalue(L, LUA_GLOBALSINDEX);    /* keep the old one */
  lua_insert(L, 1);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_getglobal(L, "only");
  CHECK_INT(lua_tointeger(L, -1), 1);
  lua_getglobal(L, "print");
  CHECK(lua_isnil(L, -1));
  lua_settop(L, 1);
  lua_replace(L, LUA_GLOBALSINDEX);      /* restore */
  lua_getglobal(L, "print");
  CHECK(lua_isfunction(L, -1));
  lua_settop(L, 0);

  tu_section("upvalues of C closures");
  push_counter(L, 10, 5);
  lua_setglobal(L, "count5");
  CHECK_LUA(L, "return count5() == 15 and count5() == 20 and count5() == 25");
  push_counter(L, 0, 1);
  lua_setglobal(L, "count1");
  CHECK_LUA(L, "return count1() == 1 and count5() == 30");  /* independent state */
  lua_pushinteger(L, 'x');
  lua_pushcclosure(L, upvalue_type, 1);
  lua_setglobal(L, "upvalue_type");
  CHECK_LUA(L, "return upvalue_type(1) == 3 and upvalue_type(2) == -1 and upvalue_type(200) == -1");
  lua_pushcclosure(L, counter, 0);       /* no upvalues: pushcclosure(0) is a plain function */
  CHECK(lua_iscfunction(L, -1));
  lua_settop(L, 0);

  tu_section("lua_getupvalue / lua_setupvalue on a C closure");
  push_counter(L, 100, 1);
  name = lua_getupvalue(L, 1, 1);
  CHECK_STR(name, "");                   /* C upvalues have empty names */
  CHECK_INT(lua_tointeger(L, -1), 100);
  lua_pop(L, 1);
  name = lua_getupvalue(L, 1, 2);
  CHECK_STR(name, "");
  lua_pop(L, 1);
  CHECK(lua_getupvalue(L, 1, 3) == NULL);
  CHECK_INT(lua_gettop(L), 1);
  lua_pushinteger(L, 500);
  CHECK_STR(lua_setupvalue(L, 1, 1), "");
  CHECK_INT(lua_gettop(L), 1);
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  CHECK_INT(lua_tointeger(L, -1), 501);
  lua_settop(L, 0);

  tu_section("upvalues of Lua closures");
  RUN(L, "local a, b = 1, 2\n"
         "function lua_closure() return a + b end\n"
         "function other_closure() return a end\n"
         "function third() local c = 3 return function() return c end end\n"
         "fn3 = third()");
  lua_getglobal(L, "lua_closure");
  name = lua_getupvalue(L, 1, 1);
  CHECK_STR(name, "a");
  CHECK_INT(lua_tointeger(L, -1), 1);
  lua_pop(L, 1);
  name = lua_getupvalue(L, 1, 2);
  CHECK_STR(name, "b");
  lua_pop(L, 1);
  lua_pushinteger(L, 40);
  CHECK_STR(lua_setupvalue(L, 1, 1), "a");
  lua_call(L, 0, 1);
  CHECK_INT(lua_tointeger(L, -1), 42);
  lua_settop(L, 0);
  CHECK_LUA(L, "return other_closure() == 40");   /* the upvalue is shared */

  tu_section("upvalueid and upvaluejoin");
  lua_getglobal(L, "lua_closure");       /* 1 */
  lua_getglobal(L, "other_closure");     /* 2 */
  lua_getglobal(L, "fn3");               /* 3 */
  CHECK(lua_upvalueid(L, 1, 1) != NULL);
  CHECK(lua_upvalueid(L, 1, 1) == lua_upvalueid(L, 2, 1));
  CHECK(lua_upvalueid(L, 1, 2) != lua_upvalueid(L, 1, 1));
  lua_upvaluejoin(L, 3, 1, 1, 2);        /* fn3's c now refers to lua_closure's b */
  CHECK(lua_upvalueid(L, 3, 1) == lua_upvalueid(L, 1, 2));
  lua_pushvalue(L, 3);
  lua_call(L, 0, 1);
  CHECK_INT(lua_tointeger(L, -1), 2);
  lua_settop(L, 0);

  tu_section("the environment of a C function");
  lua_pushcfunction(L, env_reader);      /* created by C: gets the globals */
  lua_setglobal(L, "env_reader");
  lua_pushinteger(L, 11);
  lua_setglobal(L, "k");
  CHECK_LUA(L, "return env_reader() == 11");
  lua_getglobal(L, "env_reader");
  lua_newtable(L);
  lua_pushstring(L, "private");
  lua_setfield(L, -2, "k");
  CHECK_INT(lua_setfenv(L, -2), 1);
  lua_settop(L, 0);
  CHECK_LUA(L, "return env_reader() == 'private'");
  lua_pushcfunction(L, env_replacer);
  lua_newtable(L);
  lua_pushstring(L, "swapped");
  lua_setfield(L, -2, "k");
  lua_call(L, 1, 0);                     /* replaces the env of env_replacer only */
  CHECK_LUA(L, "return k == 11");
  lua_settop(L, 0);

  lua_close(L);
  return tu_finish("pseudo");
}
