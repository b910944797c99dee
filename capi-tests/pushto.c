/* Pushing values and reading them back: lua_push*, lua_to*, lua_is*,
** lua_type/lua_typename, comparisons, lua_concat, lua_objlen. */
#include <math.h>
#include <stdint.h>
#include "testutil.h"

static int dummy_cfunc(lua_State *L) { (void)L; return 0; }

static const char *fmt_via_va(lua_State *L, const char *fmt, ...)
{
  const char *s;
  va_list ap;
  va_start(ap, fmt);
  s = lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  return s;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  size_t len;
  int isnum, x = 0;
  const char *s;
  void *ud;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("nil and booleans");
  lua_pushnil(L);
  CHECK_INT(lua_type(L, -1), LUA_TNIL);
  CHECK(lua_isnil(L, -1));
  CHECK(!lua_toboolean(L, -1));
  CHECK_STR(lua_typename(L, LUA_TNIL), "nil");
  lua_pushboolean(L, 0);
  lua_pushboolean(L, 42);
  CHECK_INT(lua_type(L, -1), LUA_TBOOLEAN);
  CHECK(lua_isboolean(L, -2));
  CHECK_INT(lua_toboolean(L, -2), 0);
  CHECK_INT(lua_toboolean(L, -1), 1);
  CHECK_STR(luaL_typename(L, -1), "boolean");
  CHECK(!lua_isnumber(L, -1));
  CHECK(!lua_isstring(L, -1));
  CHECK(lua_tolstring(L, -1, NULL) == NULL);
  lua_settop(L, 0);

  tu_section("numbers and integers");
  lua_pushnumber(L, 3.75);
  CHECK_INT(lua_type(L, 1), LUA_TNUMBER);
  CHECK_NUM(lua_tonumber(L, 1), 3.75);
  CHECK_INT(lua_tointeger(L, 1), 3);   /* truncation towards zero */
  lua_pushnumber(L, -3.75);
  CHECK_INT(lua_tointeger(L, 2), -3);
  lua_pushinteger(L, (lua_Integer)1 << 40);
  CHECK_NUM(lua_tonumber(L, 3), 1099511627776.0);
  CHECK_INT(lua_tointeger(L, 3), (lua_Integer)1 << 40);
  CHECK(lua_isnumber(L, 3));
  CHECK(lua_isstring(L, 3));           /* numbers are strings too */
  lua_pushnumber(L, 0.0 / 0.0);
  CHECK(lua_tonumber(L, 4) != lua_tonumber(L, 4));
  lua_pushnumber(L, HUGE_VAL);
  CHECK(isinf(lua_tonumber(L, 5)));
  CHECK_NUM(lua_tonumberx(L, 1, &isnum), 3.75);
  CHECK_INT(isnum, 1);
  CHECK_INT(lua_tointegerx(L, 3, &isnum), (lua_Integer)1 << 40);
  CHECK_INT(isnum, 1);
  lua_pushliteral(L, "not a number");
  CHECK_NUM(lua_tonumberx(L, -1, &isnum), 0);
  CHECK_INT(isnum, 0);
  CHECK_INT(lua_tointegerx(L, -1, &isnum), 0);
  CHECK_INT(isnum, 0);
  CHECK_NUM(lua_tonumberx(L, -1, NULL), 0);
  CHECK_NUM(lua_tonumber(L, 99), 0);   /* none */
  lua_settop(L, 0);

  tu_section("strings convertible to numbers and back");
  lua_pushstring(L, "  0x10  ");
  CHECK(lua_isnumber(L, 1));
  CHECK_NUM(lua_tonumber(L, 1), 16);
  CHECK_INT(lua_type(L, 1), LUA_TSTRING);   /* conversion does not change the slot */
  lua_pushstring(L, "1e2");
  CHECK_INT(lua_tointeger(L, 2), 100);
  lua_pushstring(L, "12abc");
  CHECK(!lua_isnumber(L, 3));
  lua_pushnumber(L, 42.5);
  s = lua_tolstring(L, 4, &len);
  CHECK_STR(s, "42.5");
  CHECK_INT(len, 4);
  CHECK_INT(lua_type(L, 4), LUA_TSTRING);   /* lua_tolstring converts in place */
  lua_pushinteger(L, -7);
  CHECK_STR(lua_tostring(L, 5), "-7");
  lua_pushnumber(L, 1e15);
  CHECK_STR(lua_tostring(L, 6), "1e+15");
  lua_pushnumber(L, 0.1);
  CHECK_STR(lua_tostring(L, 7), "0.1");
  lua_settop(L, 0);

  tu_section("strings with embedded zeros");
  lua_pushlstring(L, "a\0b\0c", 5);
  s = lua_tolstring(L, 1, &len);
  CHECK_INT(len, 5);
  CHECK(memcmp(s, "a\0b\0c", 5) == 0);
  CHECK_INT(s[5], 0);                   /* always NUL-terminated */
  CHECK_INT(lua_objlen(L, 1), 5);
  CHECK_INT(lua_strlen(L, 1), 5);
  lua_pushlstring(L, NULL, 0);
  CHECK_STR(lua_tostring(L, 2), "");
  lua_pushstring(L, NULL);
  CHECK(lua_isnil(L, 3));               /* pushstring(NULL) pushes nil */
  lua_pushstring(L, "");
  CHECK_INT(lua_objlen(L, 4), 0);
  {
    char buf[8] = "temp";
    lua_pushstring(L, buf);
    strcpy(buf, "XXXX");                /* Lua keeps its own copy */
    CHECK_STR(lua_tostring(L, 5), "temp");
  }
  lua_settop(L, 0);

  tu_section("pushfstring");
  CHECK_STR(lua_pushfstring(L, "%s|%d|%%|%c", "str", -12, 'z'), "str|-12|%|z");
  CHECK_STR(lua_pushfstring(L, "%f", 2.5), "2.5");
  CHECK_STR(lua_pushfstring(L, "[%s]", ""), "[]");
  s = lua_pushfstring(L, "%p", (void *)0x1234);
  CHECK(s != NULL && strstr(s, "1234") != NULL);
  CHECK_STR(fmt_via_va(L, "%d-%s", 7, "v"), "7-v");
  CHECK_INT(lua_gettop(L), 5);          /* each call pushed its result */
  lua_settop(L, 0);

  tu_section("light userdata, full userdata, functions, threads, tables");
  lua_pushlightuserdata(L, &x);
  CHECK_INT(lua_type(L, 1), LUA_TLIGHTUSERDATA);
  CHECK(lua_islightuserdata(L, 1));
  CHECK(lua_isuserdata(L, 1));
  CHECK(lua_touserdata(L, 1) == &x);
  CHECK(lua_topointer(L, 1) == &x);
  CHECK_STR(luaL_typename(L, 1), "userdata");
  ud = lua_newuserdata(L, 100);
  CHECK(ud != NULL);
  CHECK(((uintptr_t)ud % 8) == 0);      /* suitably aligned */
  memset(ud, 0xab, 100);
  CHECK_INT(lua_type(L, 2), LUA_TUSERDATA);
  CHECK(lua_isuserdata(L, 2));
  CHECK(!lua_islightuserdata(L, 2));
  CHECK(lua_touserdata(L, 2) == ud);
  CHECK_INT(lua_objlen(L, 2), 100);
  CHECK(lua_topointer(L, 2) != NULL);
  lua_newuserdata(L, 0);
  CHECK_INT(lua_objlen(L, 3), 0);
  lua_pushcfunction(L, dummy_cfunc);
  CHECK(lua_iscfunction(L, 4));
  CHECK(lua_isfunction(L, 4));
  CHECK(lua_tocfunction(L, 4) == dummy_cfunc);
  CHECK_STR(luaL_typename(L, 4), "function");
  luaL_loadstring(L, "return 1");
  CHECK(lua_isfunction(L, 5));
  CHECK(!lua_iscfunction(L, 5));
  CHECK(lua_tocfunction(L, 5) == NULL);
  CHECK(lua_topointer(L, 5) != NULL);
  CHECK_INT(lua_pushthread(L), 1);      /* main thread */
  CHECK(lua_isthread(L, 6));
  CHECK(lua_tothread(L, 6) == L);
  CHECK_STR(luaL_typename(L, 6), "thread");
  lua_newtable(L);
  CHECK(lua_istable(L, 7));
  CHECK(lua_topointer(L, 7) != NULL);
  CHECK(lua_touserdata(L, 7) == NULL);
  CHECK(lua_tothread(L, 7) == NULL);
  CHECK_STR(lua_typename(L, LUA_TTABLE), "table");
  CHECK_STR(lua_typename(L, LUA_TNONE), "no value");
  CHECK_STR(lua_typename(L, LUA_TNUMBER), "number");
  CHECK_STR(lua_typename(L, LUA_TSTRING), "string");
  CHECK_STR(lua_typename(L, LUA_TTHREAD), "thread");
  lua_settop(L, 0);

  tu_section("comparisons");
  lua_pushinteger(L, 1);
  lua_pushnumber(L, 1.0);
  lua_pushstring(L, "1");
  lua_pushinteger(L, 2);
  CHECK(lua_equal(L, 1, 2));
  CHECK(lua_rawequal(L, 1, 2));
  CHECK(!lua_equal(L, 1, 3));           /* no coercion in == */
  CHECK(!lua_rawequal(L, 1, 3));
  CHECK(lua_lessthan(L, 1, 4));
  CHECK(!lua_lessthan(L, 4, 1));
  CHECK(!lua_lessthan(L, 1, 2));
  CHECK(!lua_equal(L, 1, 50));          /* invalid index compares unequal */
  CHECK(!lua_rawequal(L, 50, 1));
  CHECK(!lua_lessthan(L, 1, 50));
  lua_pushstring(L, "abc");
  lua_pushstring(L, "abd");
  CHECK(lua_lessthan(L, 5, 6));
  CHECK(!lua_equal(L, 5, 6));
  /* __eq on tables sharing a metamethod */
  RUN(L, "local mt = {__eq = function() return true end, __lt = function() return true end}\n"
         "A = setmetatable({}, mt); B = setmetatable({}, mt)");
  lua_getglobal(L, "A");
  lua_getglobal(L, "B");
  CHECK(lua_equal(L, -1, -2));
  CHECK(!lua_rawequal(L, -1, -2));
  CHECK(lua_lessthan(L, -1, -2));
  lua_settop(L, 0);

  tu_section("concat");
  lua_pushstring(L, "a");
  lua_pushinteger(L, 1);
  lua_pushnumber(L, 2.5);
  lua_concat(L, 3);
  CHECK_INT(lua_gettop(L), 1);
  CHECK_STR(lua_tostring(L, 1), "a12.5");
  lua_concat(L, 1);                     /* no-op */
  CHECK_STR(lua_tostring(L, 1), "a12.5");
  lua_concat(L, 0);                     /* pushes "" */
  CHECK_INT(lua_gettop(L), 2);
  CHECK_STR(lua_tostring(L, 2), "");
  lua_settop(L, 0);

  tu_section("objlen of tables");
  RUN(L, "T = {1, 2, 3, nil, x = 1}");
  lua_getglobal(L, "T");
  CHECK(lua_objlen(L, -1) == 3);
  lua_pushinteger(L, 12345);
  CHECK_INT(lua_objlen(L, -1), 5);      /* converted to a string */
  lua_settop(L, 0);

  lua_close(L);
  return tu_finish("pushto");
}
