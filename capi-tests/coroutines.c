/* Threads: lua_newthread, lua_resume, lua_yield from C functions, status,
** errors inside coroutines, lua_xmove, lua_isyieldable. */
#include "testutil.h"

/* Yields its arguments plus a marker. */
static int c_yield(lua_State *L)
{
  lua_pushstring(L, "from C");
  return lua_yield(L, lua_gettop(L));
}

static int c_isyieldable(lua_State *L)
{
  lua_pushboolean(L, lua_isyieldable(L));
  return 1;
}

static int c_fails(lua_State *L)
{
  return luaL_error(L, "coroutine failure");
}

int main(void)
{
  lua_State *L = luaL_newstate(), *co;
  int st, i;
  if (!L) return 1;
  luaL_openlibs(L);
  lua_register(L, "c_yield", c_yield);
  lua_register(L, "c_isyieldable", c_isyieldable);
  lua_register(L, "c_fails", c_fails);

  tu_section("a new thread");
  co = lua_newthread(L);
  CHECK(co != NULL && co != L);
  CHECK(lua_isthread(L, -1));
  CHECK(lua_tothread(L, -1) == co);
  CHECK_INT(lua_status(co), 0);
  CHECK_INT(lua_gettop(co), 0);
  CHECK_INT(lua_pushthread(co), 0);      /* not the main thread */
  lua_pop(co, 1);
  /* the thread shares globals with its parent */
  lua_getglobal(co, "c_yield");
  CHECK(lua_iscfunction(co, -1));
  lua_pop(co, 1);

  tu_section("resume a Lua function that yields via coroutine.yield");
  RUN(L, "function gen(a, b)\n"
         "  local x = coroutine.yield(a + b)\n"
         "  local y, z = coroutine.yield(x * 2)\n"
         "  return y .. z, 'done'\n"
         "end");
  lua_getglobal(co, "gen");
  lua_pushinteger(co, 2);
  lua_pushinteger(co, 3);
  st = lua_resume(co, 2);
  CHECK_INT(st, LUA_YIELD);
  CHECK_INT(lua_status(co), LUA_YIELD);
  CHECK_INT(lua_gettop(co), 1);
  CHECK_INT(lua_tointeger(co, 1), 5);
  lua_pop(co, 1);
  lua_pushinteger(co, 21);
  st = lua_resume(co, 1);
  CHECK_INT(st, LUA_YIELD);
  CHECK_INT(lua_tointeger(co, -1), 42);
  lua_settop(co, 0);
  lua_pushstring(co, "a");
  lua_pushstring(co, "b");
  st = lua_resume(co, 2);
  CHECK_INT(st, 0);
  CHECK_INT(lua_status(co), 0);
  CHECK_INT(lua_gettop(co), 2);
  CHECK_STR(lua_tostring(co, 1), "ab");
  CHECK_STR(lua_tostring(co, 2), "done");
  lua_settop(L, 0);

  tu_section("lua_yield from a C function");
  co = lua_newthread(L);
  luaL_loadstring(co, "local a, b = c_yield(1, 2)\n"
                      "local r = c_yield(a + b)\n"
                      "return r, c_isyieldable()");
  st = lua_resume(co, 0);
  CHECK_INT(st, LUA_YIELD);
  CHECK_INT(lua_gettop(co), 3);
  CHECK_INT(lua_tointeger(co, 1), 1);
  CHECK_INT(lua_tointeger(co, 2), 2);
  CHECK_STR(lua_tostring(co, 3), "from C");
  lua_settop(co, 0);
  lua_pushinteger(co, 10);
  lua_pushinteger(co, 20);
  st = lua_resume(co, 2);                /* values become c_yield's results */
  CHECK_INT(st, LUA_YIELD);
  CHECK_INT(lua_tointeger(co, 1), 30);
  lua_settop(co, 0);
  lua_pushstring(co, "final");
  st = lua_resume(co, 1);
  CHECK_INT(st, 0);
  CHECK_STR(lua_tostring(co, 1), "final");
  CHECK(lua_toboolean(co, 2));           /* inside a coroutine: yieldable */
  lua_settop(L, 0);
  CHECK(!lua_isyieldable(L));
  CHECK_LUA(L, "return c_isyieldable() == false");
  CHECK_LUA(L, "local co = coroutine.wrap(function(...) local r = {c_yield(...)} return #r, r[1] end)\n"
               "local a, b, c = co('p', 'q')\n"
               "local n, first = co('z')\n"
               "return a == 'p' and b == 'q' and c == 'from C' and n == 1 and first == 'z'");

  tu_section("resuming a C function directly");
  co = lua_newthread(L);
  lua_pushcfunction(co, c_yield);
  lua_pushinteger(co, 5);
  st = lua_resume(co, 1);
  CHECK_INT(st, LUA_YIELD);
  CHECK_INT(lua_gettop(co), 2);
  CHECK_INT(lua_tointeger(co, 1), 5);
  lua_settop(co, 0);
  lua_pushstring(co, "back");
  st = lua_resume(co, 1);                /* C function returns what it got */
  CHECK_INT(st, 0);
  CHECK_STR(lua_tostring(co, -1), "back");
  lua_settop(L, 0);

  tu_section("errors inside a coroutine");
  co = lua_newthread(L);
  luaL_loadstring(co, "c_yield()\n c_fails()");
  CHECK_INT(lua_resume(co, 0), LUA_YIELD);
  lua_settop(co, 0);
  st = lua_resume(co, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_INT(lua_status(co), LUA_ERRRUN);
  CHECK_STR(lua_tostring(co, -1), "[string \"c_yield()...\"]:2: coroutine failure");
  lua_settop(L, 0);
  co = lua_newthread(L);
  luaL_loadstring(co, "error({})");
  st = lua_resume(co, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK(lua_istable(co, -1));
  lua_settop(L, 0);
  CHECK_LUA(L, "local co = coroutine.create(function() c_fails() end)\n"
               "local ok, e = coroutine.resume(co)\n"
               "return not ok and e:find('coroutine failure') ~= nil and coroutine.status(co) == 'dead'");

  tu_section("xmove of values between coroutine and parent");
  co = lua_newthread(L);
  lua_pushinteger(L, 1);
  lua_pushstring(L, "two");
  lua_xmove(L, co, 2);
  CHECK_INT(lua_gettop(co), 2);
  CHECK_STR(lua_tostring(co, 2), "two");
  lua_xmove(co, L, 2);
  CHECK_INT(lua_gettop(co), 0);
  CHECK_STR(lua_tostring(L, -1), "two");
  lua_settop(L, 0);

  tu_section("many short-lived threads are collected");
  for (i = 0; i < 2000; i++) {
    co = lua_newthread(L);
    lua_getglobal(co, "gen");
    lua_pushinteger(co, i);
    lua_pushinteger(co, 1);
    if (lua_resume(co, 2) != LUA_YIELD) break;
    lua_pop(L, 1);                       /* drop it while suspended */
  }
  CHECK_INT(i, 2000);
  lua_gc(L, LUA_GCCOLLECT, 0);
  CHECK_INT(lua_gettop(L), 0);

  tu_section("a thread anchored only in the registry survives collection");
  co = lua_newthread(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "anchored thread");
  lua_gc(L, LUA_GCCOLLECT, 0);
  luaL_loadstring(co, "return 'still alive'");
  CHECK_INT(lua_resume(co, 0), 0);
  CHECK_STR(lua_tostring(co, -1), "still alive");

  lua_close(L);
  return tu_finish("coroutines");
}
