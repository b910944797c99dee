/* lua_resetthread(L, th) as OpenResty's LuaJIT defines it: th becomes what
** lua_newthread(L) would return, with L's globals and L's exdata pointers.
** The nginx Lua module caches finished request coroutines with it, reuses
** them for new requests and ngx.thread.spawn, and finds a coroutine's
** context through lua_getexdata2: a pointer kept from the coroutine's
** previous use made it wipe a live request's context (nginx workers died
** in their timer tree, tests/openresty). Looked up at run time, like
** exdata.c, so that the test also links against stock LuaJIT. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include "testutil.h"

typedef void *(*getexdata_fn)(lua_State *L);
typedef void (*setexdata_fn)(lua_State *L, void *p);
typedef void (*resetthread_fn)(lua_State *L, lua_State *th);

/* Runs a finished request on co: its own exdata pointers and globals. */
static void use_coroutine(lua_State *co, setexdata_fn set1, setexdata_fn set2,
                          void *request, void *context)
{
  set1(co, request);
  set2(co, context);
  lua_newtable(co);                      /* private globals */
  lua_pushthread(co);
  lua_insert(co, -2);
  lua_setfenv(co, -2);
  lua_pop(co, 1);
  luaL_loadstring(co, "return 1");
  lua_resume(co, 0);
}

int main(void)
{
  getexdata_fn get1 = (getexdata_fn)dlsym(RTLD_DEFAULT, "lua_getexdata");
  setexdata_fn set1 = (setexdata_fn)dlsym(RTLD_DEFAULT, "lua_setexdata");
  getexdata_fn get2 = (getexdata_fn)dlsym(RTLD_DEFAULT, "lua_getexdata2");
  setexdata_fn set2 = (setexdata_fn)dlsym(RTLD_DEFAULT, "lua_setexdata2");
  resetthread_fn reset = (resetthread_fn)dlsym(RTLD_DEFAULT, "lua_resetthread");
  lua_State *L, *co;
  int request_a, context_a, main_request, main_context;

  if (!get1 || !set1 || !get2 || !set2 || !reset) {
    printf("SKIP: this library lacks OpenResty's exdata/resetthread API (not OpenResty's LuaJIT)\n");
    return tu_finish("resetthread");
  }
  L = luaL_newstate();
  if (!L) return 1;
  luaL_openlibs(L);
  lua_pushinteger(L, 42);
  lua_setglobal(L, "marker");

  tu_section("a reset coroutine takes the resetting thread's exdata (NULL here)");
  co = lua_newthread(L);                 /* anchored at L's index 1 */
  use_coroutine(co, set1, set2, &request_a, &context_a);
  CHECK(get1(co) == &request_a);
  CHECK(get2(co) == &context_a);
  reset(L, co);
  CHECK(get1(co) == NULL);
  CHECK(get2(co) == NULL);
  CHECK_INT(lua_status(co), 0);
  CHECK_INT(lua_gettop(co), 0);

  tu_section("... and the resetting thread's exdata when it has some");
  use_coroutine(co, set1, set2, &request_a, &context_a);
  set1(L, &main_request);
  set2(L, &main_context);
  reset(L, co);
  CHECK(get1(co) == &main_request);
  CHECK(get2(co) == &main_context);
  CHECK(get1(L) == &main_request);       /* the resetting thread is unchanged */
  CHECK(get2(L) == &main_context);

  tu_section("a reset coroutine runs with the resetting thread's globals again");
  use_coroutine(co, set1, set2, &request_a, &context_a);
  reset(L, co);
  luaL_loadstring(co, "return marker");
  CHECK_INT(lua_resume(co, 0), 0);
  CHECK_INT(lua_tointeger(co, -1), 42);
  lua_pushthread(co);
  lua_getfenv(co, -1);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  CHECK(lua_topointer(co, -1) == lua_topointer(L, -1));
  lua_settop(co, 0);
  lua_pop(L, 1);

  lua_close(L);
  return tu_finish("resetthread");
}
