/* Tables and metatables: get/set/raw access, next, createtable, metatables
** on tables and userdata, luaL_newmetatable/checkudata/testudata, fenv. */
#include "testutil.h"

typedef struct Point { double x, y; } Point;

static int point_new(lua_State *L)
{
  Point *p = (Point *)lua_newuserdata(L, sizeof(Point));
  p->x = luaL_checknumber(L, 1);
  p->y = luaL_checknumber(L, 2);
  luaL_getmetatable(L, "test.Point");
  lua_setmetatable(L, -2);
  return 1;
}

static int point_index(lua_State *L)
{
  Point *p = (Point *)luaL_checkudata(L, 1, "test.Point");
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "x") == 0) lua_pushnumber(L, p->x);
  else if (strcmp(k, "y") == 0) lua_pushnumber(L, p->y);
  else lua_pushnil(L);
  return 1;
}

static int point_newindex(lua_State *L)
{
  Point *p = (Point *)luaL_checkudata(L, 1, "test.Point");
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "x") == 0) p->x = luaL_checknumber(L, 3);
  else if (strcmp(k, "y") == 0) p->y = luaL_checknumber(L, 3);
  else return luaL_error(L, "no field %s", k);
  return 0;
}

static int gc_count = 0;
static int point_gc(lua_State *L)
{
  (void)L;
  gc_count++;
  return 0;
}

static int index_counter = 0;
static int default_index(lua_State *L)
{
  index_counter++;
  lua_pushfstring(L, "default:%s", lua_tostring(L, 2));
  return 1;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  int n, seen;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("set and get with string, number and other keys");
  lua_createtable(L, 4, 4);
  lua_pushstring(L, "one");
  lua_pushinteger(L, 1);
  lua_settable(L, 1);
  lua_pushinteger(L, 2);
  lua_setfield(L, 1, "two");
  lua_pushinteger(L, 7);
  lua_pushstring(L, "seven");
  lua_settable(L, -3);
  lua_pushboolean(L, 1);
  lua_pushstring(L, "true-key");
  lua_rawset(L, 1);
  lua_pushstring(L, "r10");
  lua_rawseti(L, 1, 10);
  lua_getfield(L, 1, "one");
  CHECK_INT(lua_tointeger(L, -1), 1);
  lua_pushstring(L, "two");
  lua_gettable(L, 1);
  CHECK_INT(lua_tointeger(L, -1), 2);
  lua_rawgeti(L, 1, 7);
  CHECK_STR(lua_tostring(L, -1), "seven");
  lua_pushboolean(L, 1);
  lua_rawget(L, 1);
  CHECK_STR(lua_tostring(L, -1), "true-key");
  lua_pushnumber(L, 10.0);              /* 10.0 and 10 are the same key */
  lua_gettable(L, 1);
  CHECK_STR(lua_tostring(L, -1), "r10");
  lua_getfield(L, 1, "missing");
  CHECK(lua_isnil(L, -1));
  lua_rawgeti(L, 1, 1000);
  CHECK(lua_isnil(L, -1));
  lua_settop(L, 1);

  tu_section("next iterates every pair once");
  n = 0; seen = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    n++;
    if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "one") == 0) seen |= 1;
    if (lua_type(L, -2) == LUA_TNUMBER && lua_tointeger(L, -2) == 7) seen |= 2;
    if (lua_type(L, -2) == LUA_TBOOLEAN) seen |= 4;
    lua_pop(L, 1);
  }
  CHECK_INT(n, 5);
  CHECK_INT(seen, 7);
  CHECK_INT(lua_gettop(L), 1);          /* next popped the last key */
  lua_newtable(L);
  lua_pushnil(L);
  CHECK_INT(lua_next(L, -2), 0);        /* empty table */
  lua_settop(L, 0);

  tu_section("array part through rawseti and the length operator");
  lua_createtable(L, 100, 0);
  for (n = 1; n <= 100; n++) {
    lua_pushinteger(L, n * n);
    lua_rawseti(L, 1, n);
  }
  CHECK_INT(lua_objlen(L, 1), 100);
  lua_rawgeti(L, 1, 50);
  CHECK_INT(lua_tointeger(L, -1), 2500);
  lua_pop(L, 1);
  lua_setglobal(L, "squares");
  CHECK_LUA(L, "return #squares == 100 and squares[100] == 10000");

  tu_section("metatables on tables");
  lua_newtable(L);                      /* 1: t */
  CHECK_INT(lua_getmetatable(L, 1), 0); /* none yet, nothing pushed */
  CHECK_INT(lua_gettop(L), 1);
  lua_newtable(L);                      /* 2: mt */
  lua_pushcfunction(L, default_index);
  lua_setfield(L, 2, "__index");
  CHECK_INT(lua_setmetatable(L, 1), 1);
  CHECK_INT(lua_gettop(L), 1);
  lua_getfield(L, 1, "abc");
  CHECK_STR(lua_tostring(L, -1), "default:abc");
  CHECK_INT(index_counter, 1);
  lua_pop(L, 1);
  lua_pushstring(L, "abc");
  lua_rawget(L, 1);                     /* raw access bypasses __index */
  CHECK(lua_isnil(L, -1));
  CHECK_INT(index_counter, 1);
  lua_pop(L, 1);
  CHECK_INT(lua_getmetatable(L, 1), 1);
  CHECK(lua_istable(L, -1));
  lua_pop(L, 1);
  CHECK_INT(luaL_getmetafield(L, 1, "__index"), 1);
  CHECK(lua_iscfunction(L, -1));
  lua_pop(L, 1);
  CHECK_INT(luaL_getmetafield(L, 1, "__nothing"), 0);
  CHECK_INT(lua_gettop(L), 1);
  lua_pushnil(L);
  lua_setmetatable(L, 1);               /* remove it */
  CHECK_INT(lua_getmetatable(L, 1), 0);
  lua_settop(L, 0);

  tu_section("luaL_callmeta");
  RUN(L, "CM = setmetatable({}, {__tostring = function() return 'I am CM' end})");
  lua_getglobal(L, "CM");
  CHECK_INT(luaL_callmeta(L, 1, "__tostring"), 1);
  CHECK_STR(lua_tostring(L, -1), "I am CM");
  CHECK_INT(luaL_callmeta(L, 1, "__unknown"), 0);
  lua_settop(L, 0);

  tu_section("userdata with a registered metatable");
  CHECK_INT(luaL_newmetatable(L, "test.Point"), 1);
  lua_pushcfunction(L, point_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, point_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, point_gc);
  lua_setfield(L, -2, "__gc");
  CHECK_INT(luaL_newmetatable(L, "test.Point"), 0);   /* already there: pushes it */
  CHECK(lua_rawequal(L, -1, -2));
  lua_settop(L, 0);
  luaL_getmetatable(L, "test.Point");
  CHECK(lua_istable(L, -1));
  lua_getfield(L, LUA_REGISTRYINDEX, "test.Point");
  CHECK(lua_rawequal(L, -1, -2));
  lua_settop(L, 0);
  lua_register(L, "Point", point_new);
  CHECK_LUA(L, "local p = Point(1, 2); p.x = p.x + 10; return p.x == 11 and p.y == 2 and p.z == nil");
  CHECK_LUA(L, "local ok, e = pcall(function() local p = Point(1, 2); p.z = 1 end)\n"
               "return not ok and e:find('no field z') ~= nil");
  CHECK_LUA(L, "local ok, e = pcall(function() local p = Point('x', 2); return p end)\n"
               "return not ok and e:find(\"bad argument #1 to 'Point' (number expected, got string)\", 1, true) ~= nil");
  CHECK_LUA(L, "local ok, e = pcall(Point, 'x', 2)\n"
               "return e == \"bad argument #1 to '?' (number expected, got string)\"");
  lua_pushcfunction(L, point_new);
  lua_pushnumber(L, 3);
  lua_pushnumber(L, 4);
  lua_call(L, 2, 1);
  CHECK(luaL_checkudata(L, 1, "test.Point") != NULL);
  CHECK(luaL_testudata(L, 1, "test.Point") == lua_touserdata(L, 1));
  CHECK(luaL_testudata(L, 1, "other.Type") == NULL);
  lua_newtable(L);
  CHECK(luaL_testudata(L, 2, "test.Point") == NULL);  /* not a userdata */
  lua_newuserdata(L, 4);
  luaL_setmetatable(L, "test.Point");   /* Lua 5.2 helper */
  CHECK(luaL_testudata(L, 3, "test.Point") != NULL);
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT, 0);
  lua_gc(L, LUA_GCCOLLECT, 0);
  CHECK_INT(gc_count, 4);               /* __gc ran for each point with a metatable */

  tu_section("environments of functions, userdata and threads");
  luaL_loadstring(L, "return x");
  lua_newtable(L);
  lua_pushinteger(L, 99);
  lua_setfield(L, -2, "x");
  CHECK_INT(lua_setfenv(L, 1), 1);
  lua_getfenv(L, 1);
  lua_getfield(L, -1, "x");
  CHECK_INT(lua_tointeger(L, -1), 99);
  lua_settop(L, 1);
  lua_call(L, 0, 1);
  CHECK_INT(lua_tointeger(L, -1), 99);
  lua_settop(L, 0);
  lua_newuserdata(L, 1);
  lua_newtable(L);
  CHECK_INT(lua_setfenv(L, 1), 1);
  lua_getfenv(L, 1);
  CHECK(lua_istable(L, -1));
  lua_settop(L, 0);
  lua_pushinteger(L, 1);
  lua_newtable(L);
  CHECK_INT(lua_setfenv(L, 1), 0);      /* numbers have no environment */
  CHECK_INT(lua_gettop(L), 1);
  lua_getfenv(L, 1);
  CHECK(lua_isnil(L, -1));
  lua_settop(L, 0);

  tu_section("luaL_findtable");
  CHECK(luaL_findtable(L, LUA_GLOBALSINDEX, "a.b.c", 1) == NULL);
  CHECK(lua_istable(L, -1));
  lua_pushinteger(L, 5);
  lua_setfield(L, -2, "v");
  lua_settop(L, 0);
  CHECK_LUA(L, "return a.b.c.v == 5");
  RUN(L, "q = {r = 1}");
  /* q.r is not a table: returns the rest of the name from the culprit on */
  CHECK_STR(luaL_findtable(L, LUA_GLOBALSINDEX, "q.r.s", 0), "r.s");
  lua_settop(L, 0);

  lua_close(L);
  return tu_finish("tables");
}
