/* Allocation failure: an allocator that refuses memory makes the API report
** LUA_ERRMEM ("not enough memory") instead of crashing; the state stays
** usable and frees everything on close. */
#include "testutil.h"

typedef struct Limited {
  long long outstanding, limit;
  long refused;
} Limited;

#define HDR 16
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  Limited *m = (Limited *)ud;
  char *block = ptr ? (char *)ptr - HDR : NULL;
  (void)osize;
  if (nsize == 0) {
    if (block) {
      m->outstanding -= (long long)*(size_t *)block;
      free(block);
    }
    return NULL;
  } else {
    long long old = block ? (long long)*(size_t *)block : 0;
    char *nb;
    /* Shrinking always succeeds, as Lua requires. */
    if ((long long)nsize > old && m->outstanding - old + (long long)nsize > m->limit) {
      m->refused++;
      return NULL;
    }
    nb = (char *)realloc(block, nsize + HDR);
    if (!nb) return NULL;
    *(size_t *)nb = nsize;
    m->outstanding += (long long)nsize - old;
    return nb + HDR;
  }
}

static void *always_fail(void *ud, void *ptr, size_t osize, size_t nsize)
{
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return NULL;
}

static int alloc_in_c(lua_State *L)
{
  lua_newuserdata(L, (size_t)luaL_checkinteger(L, 1));
  return 1;
}

int main(void)
{
  Limited m;
  lua_State *L;
  int st, i, ok;
  long long headroom;
  memset(&m, 0, sizeof m);

  tu_section("a state cannot be created without memory");
  L = lua_newstate(always_fail, NULL);
  CHECK(L == NULL);

  tu_section("memory errors from Lua code");
  m.limit = 1LL << 40;
  L = lua_newstate(limited_alloc, &m);
  CHECK(L != NULL);
  if (!L) return tu_finish("allocfail");
  luaL_openlibs(L);
  lua_register(L, "alloc_in_c", alloc_in_c);
  lua_gc(L, LUA_GCCOLLECT, 0);
  /* 4 MiB of headroom (1 MiB under valgrind, which is slow at filling it) */
  headroom = getenv("CAPI_TESTS_UNDER_VALGRIND") ? 1024 * 1024 : 4 * 1024 * 1024;
  m.limit = m.outstanding + headroom;
  luaL_loadstring(L, "local t = {} for i = 1, 1e8 do t[i] = {i} end");
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRMEM);
  CHECK_STR(lua_tostring(L, -1), "not enough memory");
  CHECK(m.refused > 0);
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT, 0);

  tu_section("the state is still usable afterwards");
  CHECK_INT(luaL_dostring(L, "x = 1 + 2 return x"), 0);
  CHECK_INT(lua_tointeger(L, -1), 3);
  lua_settop(L, 0);

  tu_section("memory errors caught by Lua pcall, string building, C allocations");
  CHECK_LUA(L, "local ok, e = pcall(string.rep, 'x', 64 * 1024 * 1024)\n"
               "return not ok and e == 'not enough memory'");
  CHECK_LUA(L, "local ok, e = pcall(alloc_in_c, 64 * 1024 * 1024)\n"
               "return not ok and e == 'not enough memory'");
  CHECK_LUA(L, "local ok, e = pcall(function() local s = 'a' for i = 1, 40 do s = s .. s end end)\n"
               "return not ok and e == 'not enough memory'");
  lua_pushcfunction(L, alloc_in_c);
  lua_pushinteger(L, 64 * 1024 * 1024);
  CHECK_INT(lua_pcall(L, 1, 1, 0), LUA_ERRMEM);
  lua_settop(L, 0);

  tu_section("memory errors while loading and while creating tables in C");
  {
    size_t big = 2 * headroom;         /* a string constant over the limit */
    char *src = (char *)malloc(big + 64);
    size_t n;
    strcpy(src, "return '");
    n = strlen(src);
    memset(src + n, 'y', big);
    strcpy(src + n + big, "'");
    st = luaL_loadstring(L, src);
    CHECK_INT(st, LUA_ERRMEM);
    free(src);
    lua_settop(L, 0);
  }
  {
    ok = 1;
    for (i = 0; i < 3; i++) {
      st = luaL_loadstring(L, "local t = {} for i = 1, 1e8 do t[#t + 1] = 'entry' .. i end");
      if (st == 0) st = lua_pcall(L, 0, 0, 0);   /* (luaL_dostring only gives 0/1) */
      if (st != LUA_ERRMEM) {
        ok = 0;
        printf("  info: round %d: status %d: %s\n", i, st, lua_tostring(L, -1));
      }
      lua_settop(L, 0);
      lua_gc(L, LUA_GCCOLLECT, 0);
    }
    CHECK(ok);                            /* repeatable */
  }

  tu_section("memory errors in coroutines while the main thread is unprotected");
  {
    /* lua_resume from C: the coroutine's memory error is its status. */
    lua_State *co = lua_newthread(L);
    CHECK_INT(luaL_loadstring(co, "local t = {} for i = 1, 1e8 do t[i] = {i} end"), 0);
    CHECK_INT(lua_resume(co, 0), LUA_ERRMEM);
    CHECK_STR(lua_tostring(co, -1), "not enough memory");
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT, 0);
    /* lua_call without protection: coroutine.resume catches the error
    ** (the process used to exit, taking the main thread's lack of
    ** protection for the running coroutine's). */
    CHECK_INT(luaL_loadstring(L, "local co = coroutine.create(function()\n"
                                 "  local t = {} for i = 1, 1e8 do t[i] = {i} end end)\n"
                                 "return coroutine.resume(co)"), 0);
    lua_call(L, 0, 2);
    CHECK(!lua_toboolean(L, -2));
    CHECK_STR(lua_tostring(L, -1), "not enough memory");
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT, 0);
    /* lua_pcall on a coroutine thread from C. */
    co = lua_newthread(L);
    CHECK_INT(luaL_loadstring(co, "local s = 'x' for i = 1, 40 do s = s .. s end"), 0);
    CHECK_INT(lua_pcall(co, 0, 0, 0), LUA_ERRMEM);
    CHECK_STR(lua_tostring(co, -1), "not enough memory");
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT, 0);
  }

  tu_section("raising the limit makes the same work succeed");
  m.limit = 1LL << 40;
  CHECK_INT(luaL_dostring(L, "local t = {} for i = 1, 100000 do t[i] = {i} end return #t"), 0);
  CHECK_INT(lua_tointeger(L, -1), 100000);
  lua_settop(L, 0);

  lua_close(L);
  CHECK_INT(m.outstanding, 0);
  return tu_finish("allocfail");
}
