/* Stack limits seen from C: lua_call adjusting to more results than the
** stack holds, C functions recursing through lua_call until the stack
** overflows, lua_checkstack's limits, error handlers at an overflow, and
** coroutines that overflow. */
#include "testutil.h"

/* Every block is followed by guard bytes, checked whenever the block is
** reallocated or freed: a write past the end of the Lua stack shows. */
#define GUARD_SIZE 64
#define GUARD_BYTE 0xC5

typedef struct Guarded {
  int overruns;
} Guarded;

static void *guarded_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  Guarded *g = (Guarded *)ud;
  unsigned char *b = (unsigned char *)ptr;
  if (b) {
    size_t i;
    for (i = 0; i < GUARD_SIZE; i++) {
      if (b[osize + i] != GUARD_BYTE) { g->overruns++; break; }
    }
  }
  if (nsize == 0) {
    free(b);
    return NULL;
  }
  b = (unsigned char *)realloc(b, nsize + GUARD_SIZE);
  if (b) memset(b + nsize, GUARD_BYTE, GUARD_SIZE);
  return b;
}

static int no_results(lua_State *L)
{
  (void)L;
  return 0;
}

/* Calls itself through lua_call until something gives. */
static int recurse(lua_State *L)
{
  lua_getglobal(L, "recurse");
  lua_call(L, 0, 0);
  return 0;
}

/* Claims `n` slots (lua_checkstack) and fills them, then calls itself: the
** stack overflows after a few levels. Returns lua_checkstack's verdict. */
static int claim_and_recurse(lua_State *L)
{
  int n = (int)lua_tointeger(L, 1), i;
  if (!lua_checkstack(L, n)) {
    lua_pushliteral(L, "lua_checkstack refused");
    return 1;
  }
  for (i = 0; i < n - 2; i++) lua_pushnil(L);
  lua_getglobal(L, "claim_and_recurse");
  lua_pushinteger(L, n);
  lua_call(L, 1, 1);
  return 1;
}

static int checkstack_huge(lua_State *L)
{
  luaL_checkstack(L, 9000, "too many things");
  return 0;
}

static int traceback_handler(lua_State *L)
{
  lua_pushfstring(L, "handled: %s", lua_tostring(L, 1));
  return 1;
}

int main(void)
{
  Guarded g = { 0 };
  lua_State *L = lua_newstate(guarded_alloc, &g), *co;
  int st;
  CHECK(L != NULL);
  if (!L) return 1;
  luaL_openlibs(L);
  /* The interpreter's rules: traces overflow the stack elsewhere. */
  luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);

  tu_section("lua_call adjusts to more results than the stack holds");
  lua_settop(L, 0);
  lua_pushcfunction(L, no_results);
  lua_call(L, 0, 5000);
  CHECK_INT(lua_gettop(L), 5000);
  CHECK(lua_isnil(L, 1) && lua_isnil(L, 5000));
  lua_settop(L, 0);
  luaL_loadstring(L, "return 1, 2");
  st = lua_pcall(L, 0, 7000, 0);
  CHECK_INT(st, 0);
  CHECK_INT(lua_gettop(L), 7000);
  CHECK_INT(lua_tointeger(L, 2), 2);
  CHECK(lua_isnil(L, 3) && lua_isnil(L, 7000));
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT, 0);
  CHECK_INT(g.overruns, 0);

  tu_section("C functions recursing through lua_call");
  lua_register(L, "recurse", recurse);
  lua_getglobal(L, "recurse");
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "stack overflow");
  lua_settop(L, 0);
  CHECK_LUA(L, "return select(2, pcall(recurse)) == 'stack overflow'");
  /* The state is usable afterwards, with a stack back to its limit. */
  CHECK_LUA(L, "local function f(n) if n == 0 then return 0 end "
               "return 1 + f(n - 1) end return f(10000) == 10000");

  tu_section("lua_checkstack");
  CHECK_INT(lua_checkstack(L, 8001), 0);
  CHECK_INT(lua_checkstack(L, 8000), 1);
  CHECK_INT(lua_checkstack(L, -1), 1);
  lua_pushinteger(L, 1);
  CHECK_INT(lua_checkstack(L, 8000), 0);
  lua_settop(L, 0);
  lua_pushcfunction(L, checkstack_huge);
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "stack overflow (too many things)");
  lua_settop(L, 0);
  /* Growing the stack past its limit raises an error (LuaJIT's rule)
  ** rather than returning 0. */
  lua_register(L, "claim_and_recurse", claim_and_recurse);
  lua_getglobal(L, "claim_and_recurse");
  lua_pushinteger(L, 7000);
  st = lua_pcall(L, 1, 1, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "stack overflow");
  lua_settop(L, 0);

  tu_section("error handlers");
  lua_pushcfunction(L, traceback_handler);
  luaL_loadstring(L, "local function f() return f() + 1 end return f()");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "handled: stack overflow");
  lua_settop(L, 0);
  /* A vararg function growing its arguments: the error has a position. */
  lua_pushcfunction(L, traceback_handler);
  luaL_loadstring(L, "local function f(...) return f(1, ...) end return f()");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "handled: [string \"local function f(...) return f(1, ...) end re...\"]:1: stack overflow");
  lua_settop(L, 0);
  /* A handler slot that holds no function: error in error handling. */
  lua_pushnil(L);
  luaL_loadstring(L, "error('x')");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRERR);
  CHECK_STR(lua_tostring(L, -1), "error in error handling");
  lua_settop(L, 0);
  /* A handler that errors. */
  luaL_loadstring(L, "error('in handler')");
  luaL_loadstring(L, "error('x')");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRERR);
  CHECK_STR(lua_tostring(L, -1), "error in error handling");
  lua_settop(L, 0);
  /* A handler that overflows the stack while handling an overflow. */
  luaL_loadstring(L, "local function g() return g() + 1 end return g()");
  luaL_loadstring(L, "local function f() return f() + 1 end return f()");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRERR);
  CHECK_STR(lua_tostring(L, -1), "stack overflow");
  lua_settop(L, 0);

  tu_section("coroutines");
  co = lua_newthread(L);
  luaL_loadstring(co, "local function f() return f() + 1 end return f()");
  st = lua_resume(co, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(co, -1), "stack overflow");
  CHECK_INT(lua_status(co), LUA_ERRRUN);
  lua_settop(L, 0);
  CHECK_LUA(L, "local co = coroutine.create(function(...) local function f(...) "
               "return f(1, ...) end return f(...) end) "
               "local ok, e = coroutine.resume(co) "
               "return not ok and e:match(':1: stack overflow$') ~= nil");

  lua_close(L);
  CHECK_INT(g.overruns, 0);
  return tu_finish("stack_overflow");
}
