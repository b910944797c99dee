/* lua_newstate with the caller's allocator: every byte the state takes goes
** through it and is given back by lua_close. */
#include "testutil.h"

typedef struct Counter {
  long long outstanding;   /* bytes currently allocated */
  long long peak;
  long allocs, frees, reallocs;
  int bad_osize;           /* frees/reallocs whose osize disagreed */
} Counter;

/* Each block carries a header with its size so that osize can be checked. */
#define HDR 16
static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  Counter *c = (Counter *)ud;
  char *block = ptr ? (char *)ptr - HDR : NULL;
  if (block && *(size_t *)block != osize) c->bad_osize++;
  if (nsize == 0) {
    if (block) {
      c->frees++;
      c->outstanding -= (long long)*(size_t *)block;
      free(block);
    }
    return NULL;
  } else {
    char *nb = (char *)realloc(block, nsize + HDR);
    if (!nb) return NULL;
    if (block) {
      c->reallocs++;
      c->outstanding -= (long long)*(size_t *)nb;
    } else {
      c->allocs++;
    }
    *(size_t *)nb = nsize;
    c->outstanding += (long long)nsize;
    if (c->outstanding > c->peak) c->peak = c->outstanding;
    return nb + HDR;
  }
}

/* A second allocator layered on the first, to test lua_setallocf. */
static long wrapped_calls = 0;
static void *wrapping_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  wrapped_calls++;
  return counting_alloc(ud, ptr, osize, nsize);
}

int main(void)
{
  Counter c;
  lua_State *L;
  lua_Alloc f;
  void *ud = NULL;
  long long before, with_big;
  int kb, b;
  memset(&c, 0, sizeof c);

  tu_section("creating a state");
  L = lua_newstate(counting_alloc, &c);
  CHECK(L != NULL);
  if (!L) return tu_finish("alloc");
  CHECK(c.allocs > 0);
  CHECK(c.outstanding > 0);
  f = lua_getallocf(L, &ud);
  CHECK(f == counting_alloc);
  CHECK(ud == &c);

  tu_section("running code: usage grows and is accounted for");
  luaL_openlibs(L);
  before = c.outstanding;
  RUN(L, "big = {} for i = 1, 100000 do big[i] = tostring(i) .. 'x' end");
  CHECK(c.outstanding > before + 1000000);
  with_big = c.outstanding;
  kb = lua_gc(L, LUA_GCCOUNT, 0);
  b = lua_gc(L, LUA_GCCOUNTB, 0);
  CHECK(b >= 0 && b < 1024);
  /* the GC's count and ours agree to within a little bookkeeping */
  CHECK((long long)kb * 1024 + b <= c.outstanding + 65536);
  CHECK((long long)kb * 1024 + b >= c.outstanding / 2);
  RUN(L, "big = nil");
  lua_gc(L, LUA_GCCOLLECT, 0);
  CHECK(c.outstanding < with_big / 2);   /* (the string table keeps its size) */
  CHECK_INT(c.bad_osize, 0);

  tu_section("lua_setallocf swaps the allocator");
  lua_setallocf(L, wrapping_alloc, &c);
  f = lua_getallocf(L, NULL);
  CHECK(f == wrapping_alloc);
  RUN(L, "local t = {} for i = 1, 1000 do t[i] = {i} end");
  CHECK(wrapped_calls > 0);
  lua_setallocf(L, counting_alloc, &c);

  tu_section("strings, userdata, coroutines, closures all released by lua_close");
  RUN(L, "keep = {}\n"
         "for i = 1, 1000 do\n"
         "  keep[#keep + 1] = string.rep('s', i)\n"
         "  keep[#keep + 1] = coroutine.create(function() coroutine.yield(i) end)\n"
         "  coroutine.resume(keep[#keep])\n"
         "  keep[#keep + 1] = function() return i end\n"
         "end\n"
         "local ffi = require('ffi')\n"
         /* (our ffi module has no ffi.new yet: the FFI is not implemented) */
         "if ffi.new then keep.cdata = ffi.new('char[?]', 100000) end\n"
         "local buf = require('string.buffer').new()\n"
         "buf:put(string.rep('b', 50000)); keep.buf = buf");
  lua_newuserdata(L, 12345);
  lua_setglobal(L, "ud");
  RUN(L, "setmetatable(keep, {__gc = function() end})");
  lua_close(L);
  CHECK_INT(c.outstanding, 0);
  CHECK_INT(c.allocs - c.frees, 0);
  CHECK_INT(c.bad_osize, 0);
  printf("  info: peak %lld bytes, %ld allocs, %ld reallocs\n", c.peak, c.allocs, c.reallocs);

  tu_section("many states, one after the other");
  {
    int i, all_zero = 1;
    for (i = 0; i < 50; i++) {
      memset(&c, 0, sizeof c);
      L = lua_newstate(counting_alloc, &c);
      if (!L) { all_zero = 0; break; }
      luaL_openlibs(L);
      luaL_dostring(L, "local s = '' for i = 1, 100 do s = s .. i end");
      lua_close(L);
      if (c.outstanding != 0) all_zero = 0;
    }
    CHECK(all_zero);
  }

  return tu_finish("alloc");
}
