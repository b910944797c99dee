/* Careless use that LuaJIT survives: odd stack indices, a coroutine's stack
** cut back under open upvalues, tables changed while lua_next walks them. */
#include "testutil.h"

static int count_pairs(lua_State *L, int t)
{
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) { n++; lua_pop(L, 1); }
  return n;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  int i, n, ok;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("indices above the top, anywhere within lua_checkstack's space");
  CHECK(lua_checkstack(L, 5000));
  lua_pushinteger(L, 7);
  CHECK_INT(lua_type(L, 4999), LUA_TNONE);
  CHECK(lua_isnoneornil(L, 4000));
  CHECK(lua_tostring(L, 4999) == NULL);
  CHECK_INT(lua_tointeger(L, 3000), 0);
  CHECK_NUM(lua_tonumber(L, 2500), 0);
  CHECK(lua_touserdata(L, 4500) == NULL);
  CHECK(lua_tothread(L, 4500) == NULL);
  CHECK(lua_topointer(L, 4500) == NULL);
  CHECK_INT(lua_objlen(L, 4500), 0);
  CHECK(!lua_toboolean(L, 4500));
  CHECK(!lua_isnumber(L, 4500) && !lua_isstring(L, 4500) && !lua_iscfunction(L, 4500));
  CHECK(!lua_rawequal(L, 1, 4500) && !lua_equal(L, 4500, 4501) && !lua_lessthan(L, 4500, 1));
  CHECK(lua_rawequal(L, 4500, 4501) == 0);
  CHECK_INT(lua_tointeger(L, 1), 7);

  tu_section("lua_settop grows through never-used slots, which read as nil");
  lua_settop(L, 4000);
  CHECK_INT(lua_gettop(L), 4000);
  CHECK(lua_isnil(L, 3999) && lua_isnil(L, -1));
  CHECK_INT(lua_tointeger(L, -4000), 7);
  lua_settop(L, 0);
  CHECK_INT(lua_gettop(L), 0);
  CHECK_INT(lua_type(L, 1), LUA_TNONE);

  tu_section("a dead coroutine's stack cut back under its open upvalues");
  RUN(L, "local get, set\n"
         "co = coroutine.create(function()\n"
         "  local x = 42\n"
         "  get = function() return x end\n"
         "  set = function(v) x = v end\n"
         "  coroutine.yield()\n"
         "  error('boom')\n"
         "end)\n"
         "assert(coroutine.resume(co))\n"
         "assert(get() == 42)\n"
         "set(43)\n"
         "assert(not coroutine.resume(co))\n"
         "getter, setter = get, set");
  lua_getglobal(L, "co");
  {
    lua_State *co = lua_tothread(L, -1);
    lua_settop(co, 0);
    for (i = 0; i < 100; i++) lua_pushinteger(co, i);
    lua_settop(co, 0);
    CHECK_INT(lua_gettop(co), 0);
  }
  lua_pop(L, 1);
  /* the closures live on; whatever x reads now, using them is safe */
  CHECK_INT(luaL_dostring(L, "local v = getter() setter(5) getter() return true"), 0);
  lua_settop(L, 0);
  CHECK_INT(luaL_dostring(L, "co = nil collectgarbage() collectgarbage()\n"
                             "setter(6) assert(getter() == 6) return true"), 0);
  lua_settop(L, 0);

  tu_section("a suspended coroutine's results popped, with open upvalues below");
  RUN(L, "co2 = coroutine.create(function(a)\n"
         "  local x = a\n"
         "  peek = function() return x end\n"
         "  local b = coroutine.yield(1, 2, 3)\n"
         "  x = b\n"
         "  return x\n"
         "end)");
  lua_getglobal(L, "co2");
  {
    lua_State *co = lua_tothread(L, -1);
    lua_pushinteger(co, 10);
    CHECK_INT(lua_resume(co, 1), LUA_YIELD);
    CHECK_INT(lua_gettop(co), 3);
    lua_settop(co, 0);
    CHECK_LUA(L, "return peek() == 10");
    lua_pushinteger(co, 11);
    CHECK_INT(lua_resume(co, 1), 0);
    CHECK_INT(lua_tointeger(co, -1), 11);
    CHECK_LUA(L, "return peek() == 11");
  }
  lua_settop(L, 0);

  tu_section("lua_next while assigning existing fields");
  RUN(L, "t = {} for i = 1, 50 do t[i] = i end for i = 1, 200 do t['k' .. i] = i end");
  lua_getglobal(L, "t");
  n = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, -1);
    lua_settable(L, 1);          /* t[k] = -1: an existing field */
    n++;
  }
  CHECK_INT(n, 250);
  CHECK_LUA(L, "for k, v in pairs(t) do if v ~= -1 then return false end end return true");

  tu_section("lua_next while clearing fields, with collections in between");
  n = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, 1);            /* t[k] = nil */
    if (n % 37 == 0) lua_gc(L, LUA_GCCOLLECT, 0);
    n++;
  }
  CHECK_INT(n, 250);
  CHECK_INT(count_pairs(L, 1), 0);
  CHECK_LUA(L, "return next(t) == nil");
  lua_settop(L, 0);

  tu_section("clearing other fields (not yet visited) during traversal");
  RUN(L, "u = {} for i = 1, 100 do u['x' .. i] = i end");
  lua_getglobal(L, "u");
  n = 0;
  ok = 1;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_Integer v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (v == 0) ok = 0;           /* a cleared field must not be visited */
    /* clear the field with the partner value (v+50 or v-50) */
    lua_pushfstring(L, "x%d", (int)(v > 50 ? v - 50 : v + 50));
    lua_pushnil(L);
    lua_rawset(L, 1);
    n++;
  }
  CHECK(ok);
  CHECK(n >= 50 && n <= 100);
  CHECK_INT(count_pairs(L, 1) + n, 100);
  lua_settop(L, 0);

  lua_close(L);
  return tu_finish("baduse");
}
