/* OpenResty's per-thread user pointers (lua_getexdata/lua_setexdata and the
** "2" variants) and lua_resetthread. Stock LuaJIT lacks them: the functions
** are looked up at run time, and the test is skipped when they are absent
** so that it links against either library. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include "testutil.h"

typedef void *(*getexdata_fn)(lua_State *L);
typedef void (*setexdata_fn)(lua_State *L, void *p);
typedef void (*resetthread_fn)(lua_State *L, lua_State *th);

/* Headers that declare the extensions must declare them with these types
** (checked at compile time, without referencing the symbols). */
#ifdef HAVE_LUA_EXDATA2
_Static_assert(__builtin_types_compatible_p(__typeof__(&lua_getexdata), getexdata_fn), "lua_getexdata");
_Static_assert(__builtin_types_compatible_p(__typeof__(&lua_setexdata), setexdata_fn), "lua_setexdata");
_Static_assert(__builtin_types_compatible_p(__typeof__(&lua_getexdata2), getexdata_fn), "lua_getexdata2");
_Static_assert(__builtin_types_compatible_p(__typeof__(&lua_setexdata2), setexdata_fn), "lua_setexdata2");
#endif
#ifdef OPENRESTY_LUAJIT
_Static_assert(__builtin_types_compatible_p(__typeof__(&lua_resetthread), resetthread_fn), "lua_resetthread");
#endif

int main(void)
{
  getexdata_fn get1 = (getexdata_fn)dlsym(RTLD_DEFAULT, "lua_getexdata");
  setexdata_fn set1 = (setexdata_fn)dlsym(RTLD_DEFAULT, "lua_setexdata");
  getexdata_fn get2 = (getexdata_fn)dlsym(RTLD_DEFAULT, "lua_getexdata2");
  setexdata_fn set2 = (setexdata_fn)dlsym(RTLD_DEFAULT, "lua_setexdata2");
  resetthread_fn reset = (resetthread_fn)dlsym(RTLD_DEFAULT, "lua_resetthread");
  lua_State *L, *co, *co2;
  int a, b, c;

  if (!get1 || !set1) {
    tu_skip("this library does not provide lua_getexdata/lua_setexdata (not OpenResty's LuaJIT)");
    printf("exdata: 0 checks, 0 failed\n");
    return 0;
  }
  L = luaL_newstate();
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("exdata on the main thread");
  CHECK(get1(L) == NULL);                /* starts out NULL */
  set1(L, &a);
  CHECK(get1(L) == &a);
  set1(L, &b);
  CHECK(get1(L) == &b);

  tu_section("new coroutines inherit their creator's exdata, and can override it");
  co = lua_newthread(L);
  CHECK(get1(co) == &b);
  set1(co, &c);
  CHECK(get1(co) == &c);
  CHECK(get1(L) == &b);                  /* the parent is unaffected */
  co2 = lua_newthread(co);
  CHECK(get1(co2) == &c);
  lua_settop(L, 0);

  if (get2 && set2) {
    tu_section("exdata2 is a second, independent pointer");
    CHECK(get2(L) == NULL);
    set2(L, &a);
    CHECK(get2(L) == &a);
    CHECK(get1(L) == &b);
    co = lua_newthread(L);
    CHECK(get2(co) == &a);
    set2(co, NULL);
    CHECK(get2(co) == NULL);
    CHECK(get2(L) == &a);
    lua_settop(L, 0);
  } else {
    tu_skip("lua_getexdata2/lua_setexdata2 not provided");
  }

  tu_section("thread.exdata from Lua sees the C value");
  set1(L, (void *)0x1234);
  if (RUN_N(L, "return (pcall(require, 'thread.exdata'))", 1) == 1 && lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    CHECK_LUA(L, "local exdata = require('thread.exdata')\n"
                 "local ffi = require('ffi')\n"
                 "return tonumber(ffi.cast('uintptr_t', exdata())) == 0x1234");
  } else {
    lua_settop(L, 0);
    tu_skip("require 'thread.exdata' fails");
  }

  if (reset) {
    tu_section("lua_resetthread makes a finished or failed coroutine reusable");
    co = lua_newthread(L);               /* 1 */
    luaL_loadstring(co, "coroutine.yield(1) error('boom')");
    CHECK_INT(lua_resume(co, 0), LUA_YIELD);
    CHECK_INT(lua_resume(co, 0), LUA_ERRRUN);
    CHECK_INT(lua_status(co), LUA_ERRRUN);
    reset(L, co);
    CHECK_INT(lua_status(co), 0);
    CHECK_INT(lua_gettop(co), 0);
    luaL_loadstring(co, "return 'again'");
    CHECK_INT(lua_resume(co, 0), 0);
    CHECK_STR(lua_tostring(co, -1), "again");
    reset(L, co);
    CHECK_INT(lua_gettop(co), 0);
    lua_settop(L, 0);
  } else {
    tu_skip("lua_resetthread not provided");
  }

  lua_close(L);
  return tu_finish("exdata");
}
