/* lua_newstate(f, ud): the state's memory comes from f. This program also
** watches the C library's allocator (by defining malloc & co. here, which
** the library's calls resolve to) while Lua code runs:
**  - nothing allocated there is kept: each call gives back all of it, so
**    everything the state holds is in f's blocks (counted in alloc.c);
**  - a workload of tables, closures, coroutines, metatables and userdata,
**    and the collector's own work, make no system allocation at all.
** The remaining system allocations (scratch buffers while building
** strings, error unwinding, the parser) are counted and printed for
** information. */
#include "testutil.h"

extern void *__libc_malloc(size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_calloc(size_t, size_t);
extern void __libc_free(void *);

static int watching = 0;
static long sys_allocs = 0, sys_frees = 0;

void *malloc(size_t n)
{
  if (watching) sys_allocs++;
  return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
  if (watching) sys_allocs++;
  return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n)
{
  if (watching) {
    if (!p) sys_allocs++;
    else if (n == 0) sys_frees++;
  }
  return __libc_realloc(p, n);
}
void free(void *p)
{
  if (watching && p) sys_frees++;
  __libc_free(p);
}

typedef struct Counter { long long outstanding; } Counter;
#define HDR 16
static void *state_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  Counter *c = (Counter *)ud;
  char *block = ptr ? (char *)ptr - HDR : NULL;
  int was = watching;
  void *r = NULL;
  (void)osize;
  watching = 0;                  /* our own blocks are not system ones */
  if (nsize == 0) {
    if (block) { c->outstanding -= (long long)*(size_t *)block; __libc_free(block); }
  } else {
    char *nb = (char *)__libc_realloc(block, nsize + HDR);
    if (nb) {
      if (block) c->outstanding -= (long long)*(size_t *)nb;
      *(size_t *)nb = nsize;
      c->outstanding += (long long)nsize;
      r = nb + HDR;
    }
  }
  watching = was;
  return r;
}

/* Runs code in L while watching; returns the number of system allocations. */
static long watched(lua_State *L, const char *code, long *unfreed)
{
  long a0, f0, n;
  int st;
  if (luaL_loadstring(L, code) != 0) {
    printf("  info: %s\n", lua_tostring(L, -1));
    lua_settop(L, 0);
    *unfreed = -1;
    return -1;
  }
  a0 = sys_allocs; f0 = sys_frees;
  st = lua_pcall(L, 0, 0, 0);
  *unfreed = (sys_allocs - a0) - (sys_frees - f0);
  n = sys_allocs - a0;
  if (st != 0) printf("  info: error: %s\n", lua_tostring(L, -1));
  lua_settop(L, 0);
  return st == 0 ? n : -1;
}

static const char *quiet_workload =
  "local t = {}\n"
  "for i = 1, 2000 do t[i] = {i, i * 2, x = i} end\n"
  "local mt = {__index = function(t, k) return k end, __add = function(a, b) return 1 end}\n"
  "local o = setmetatable({}, mt)\n"
  "local s = 0\n"
  "for i = 1, 1000 do s = s + o[i] + (o + o) end\n"
  "local fs = {}\n"
  "for i = 1, 500 do fs[i] = function() return i end end\n"
  "for i = 1, 500 do s = s + fs[i]() end\n"
  "for i = 1, 50 do\n"
  "  local co = coroutine.create(function(a) local b = coroutine.yield(a) return b end)\n"
  "  coroutine.resume(co, 1) coroutine.resume(co, 2)\n"
  "end\n"
  "local u = newproxy(true)\n"
  "t.k = 'constant string' t.u = u\n"
  "for k, v in pairs(t) do s = s + 1 end\n";

int main(void)
{
  Counter c;
  lua_State *L;
  long n, unfreed;
  memset(&c, 0, sizeof c);

  tu_section("a state made with lua_newstate, watched from creation to close");
  watching = 1;
  L = lua_newstate(state_alloc, &c);
  CHECK(L != NULL);
  if (!L) return tu_finish("sysalloc");
  luaL_openlibs(L);

  tu_section("no system allocation for tables, closures, coroutines, metatables");
  lua_gc(L, LUA_GCSTOP, 0);
  n = watched(L, quiet_workload, &unfreed);
  CHECK_INT(n, 0);
  CHECK_INT(unfreed, 0);
  lua_gc(L, LUA_GCRESTART, 0);
  tu_section("... nor for the collector's work, incremental steps and full cycles");
  n = watched(L, quiet_workload, &unfreed);
  CHECK_INT(n, 0);
  n = watched(L, "local t = {} for i = 1, 30000 do t[i] = {i} end t = nil collectgarbage()\n"
                 "setmetatable({}, {__mode = 'k'}) collectgarbage('step', 100)", &unfreed);
  CHECK_INT(n, 0);

  tu_section("whatever else is allocated from the system is given back");
  {
    static const char *const codes[] = {
      "local t = {} for i = 1, 20000 do t[i] = {i} end collectgarbage()",
      "local s = '' for i = 1, 2000 do s = s .. i .. ',' end",
      "local t = {} for i = 1, 2000 do t[i] = tostring(i) .. string.format('%5.2f', i) end",
      "for i = 1, 200 do pcall(error, 'x') pcall(function() local x; return x.y end) end",
      "local f = loadstring('local a, b = 1, 2 return a + b') for i = 1, 100 do f() end",
      "local t = {} for i = 1, 1000 do t[i] = ('x'):rep(i % 50) end table.sort(t) table.concat(t)",
      NULL
    };
    int i, all_given_back = 1;
    for (i = 0; codes[i]; i++) {
      n = watched(L, codes[i], &unfreed);
      printf("  info: %ld system allocations: %s\n", n, codes[i]);
      if (unfreed != 0) {
        all_given_back = 0;
        printf("  info: %ld not given back\n", unfreed);
      }
    }
    CHECK(all_given_back);
  }

  tu_section("lua_close gives everything back");
  lua_close(L);
  watching = 0;
  CHECK_INT(c.outstanding, 0);
  /* every system block taken since before lua_newstate is free again */
  CHECK_INT(sys_allocs - sys_frees, 0);
  printf("  info: %ld system allocations in all\n", sys_allocs);
  return tu_finish("sysalloc");
}
