/* Allocation failure at every allocation site: an allocator that refuses
** exactly the Nth request (and, in a second pass, every request from the
** Nth on), for every N over lua_newstate and over a whole run of a script
** that touches most of the VM (strings, tables, closures, coroutines, the
** parser, string.dump, string.buffer, metamethods, finalizers, the FFI).
**
** Each run happens in a child process, so that a crash names its N. A run
** must end with status 0 or LUA_ERRMEM and the message "not enough
** memory", and lua_close must free every block the state took, also after
** the failure. lua_newstate must return NULL (having freed everything) or
** a working state. */
#include "testutil.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Counting {
  long long outstanding;  /* bytes held by the state */
  long long blocks;       /* blocks held by the state */
  long requests;          /* allocations and growing reallocations so far */
  long fail_at;           /* refuse request number fail_at (0: never) */
  int persistent;         /* ... and every later one */
} Counting;

#define HDR 16
static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  Counting *m = (Counting *)ud;
  char *block = ptr ? (char *)ptr - HDR : NULL;
  size_t old = block ? *(size_t *)block : 0;
  char *nb;
  (void)osize;
  if (nsize == 0) {
    if (block) {
      m->outstanding -= (long long)old;
      m->blocks--;
      free(block);
    }
    return NULL;
  }
  if (nsize > old) {  /* shrinking must always succeed */
    m->requests++;
    if (m->fail_at != 0 &&
        (m->requests == m->fail_at || (m->persistent && m->requests > m->fail_at)))
      return NULL;
  }
  nb = (char *)realloc(block, nsize + HDR);
  if (!nb) return NULL;
  *(size_t *)nb = nsize;
  m->outstanding += (long long)nsize - (long long)old;
  if (!block) m->blocks++;
  return nb + HDR;
}

static const char *script =
  "local ffi = require('ffi')\n"
  "local buffer = require('string.buffer')\n"
  "local parts = {}\n"
  "for i = 1, 60 do parts[#parts + 1] = 'item' .. i .. ':' .. i * 1.5 end\n"
  "local s = table.concat(parts, ',')\n"
  "local t = {}\n"
  "for w in s:gmatch('[^,]+') do t[w] = #w end\n"
  "local n = 0 for k, v in pairs(t) do n = n + v end\n"
  "s = s:gsub('item', 'x'):rep(3, '|'):upper():lower():reverse()\n"
  "s = string.format('%s %5.2f %d %q', s:sub(1, 40), 3.25, n, 'q\\n')\n"
  "local function counter() local c = 0 return function() c = c + 1 return c end end\n"
  "local f = counter() for i = 1, 10 do f() end\n"
  "local co = coroutine.wrap(function(a) for i = 1, 5 do a = coroutine.yield(a .. i) end end)\n"
  "for i = 1, 5 do co('c') end\n"
  "local chunk = 'local a, b = ... return function(x) return a * x + b, {x, a, b, k = \"v\"} end'\n"
  "local g = assert(loadstring(chunk))(2, 3)\n"
  "local dumped = string.dump(g)\n"
  "local g2 = assert(loadstring(dumped))\n"
  "local mt = {__index = function(t, k) return k .. '!' end,\n"
  "            __concat = function(a, b) return 'cat' end}\n"
  "local obj = setmetatable({}, mt)\n"
  "local x = obj.key .. (obj .. 'z')\n"
  "local p = newproxy(true)\n"
  "getmetatable(p).__gc = function() x = x .. 'gc' end\n"
  "p = nil\n"
  "local ok, e = pcall(error, {code = 1})\n"
  "local ok2, e2 = pcall(function() local z = nil; return z.field end)\n"
  "local sb = buffer.new()\n"
  "sb:put('a', 1, 2.5):putf('%d-%s', 7, 'x')\n"
  "local enc = buffer.encode({1, 2, {three = 3}, 'four'})\n"
  "local dec = buffer.decode(enc)\n"
  "table.sort(parts)\n"
  "local u = {unpack(parts, 1, 20)}\n"
  "ffi.cdef('typedef struct { int a; double b[4]; } alloc_pt;')\n"
  "local arr = ffi.new('alloc_pt[?]', 8)\n"
  "arr[3].b[2] = 1.5\n"
  "local big = ffi.new('int64_t', 5) + 7\n"
  "collectgarbage()\n"
  "local weak = setmetatable({}, {__mode = 'k'})\n"
  "for i = 1, 200 do local k = {i} weak[k] = ('v'):rep(i % 7) end\n"
  "local strs = {}\n"
  "for i = 1, 300 do strs[i] = tostring(i * 7.25) .. string.char(65 + i % 26) end\n"
  "local hash = {}\n"
  "for i = 1, 150 do hash['k' .. i] = i; hash[i * 0.5] = i end\n"
  "for i = 1, 100, 3 do hash['k' .. i] = nil end\n"
  "table.insert(parts, 1, 'first') table.remove(parts, 5)\n"
  "local function deep(k, ...) if k == 0 then return select('#', ...) end\n"
  "  return deep(k - 1, k, ...) end\n"
  "local depth = deep(120)\n"
  "local co2 = coroutine.create(function(...) local t = {...}\n"
  "  for i = 1, 30 do t[#t + 1] = coroutine.yield(#t) end return t end)\n"
  "for i = 1, 31 do coroutine.resume(co2, i) end\n"
  "local src = {'local t = {'}\n"
  "for i = 1, 80 do src[#src + 1] = ('[%q] = %d, %g,'):format('key' .. i, i, i / 3) end\n"
  "src[#src + 1] = '} local s = [[long ' .. ('x'):rep(300) .. ']] goto done ::done:: return t, s'\n"
  "local tt = assert(loadstring(table.concat(src, '\\n'), '=gen'))()\n"
  "for i = 1, 40 do\n"
  "  local u = newproxy(true)\n"
  "  getmetatable(u).__gc = function(o) strs[#strs + 1] = 'fin' .. i end\n"
  "end\n"
  "collectgarbage('step', 50)\n"
  "local b2 = buffer.new(16)\n"
  "for i = 1, 60 do b2:put(strs[i]) end\n"
  "local got = b2:get(100) .. b2:tostring()\n"
  "local date = os.date('!%Y-%m-%d %H:%M:%S', 86400 * 365)\n"
  "local bits = bit.tohex(bit.bxor(0x1234, 0xff)) .. bit.band(7, 3)\n"
  "local cb = ffi.cast('int (*)(int)', function(v) return v * 2 end)\n"
  "local doubled = cb(21) cb:free()\n"
  "collectgarbage()\n"
  "local tb = debug.traceback('msg', 1)\n"
  "return #s + n + #dumped + #tostring(big) + #tb\n";

static int pmain(lua_State *L)
{
  luaL_openlibs(L);
  if (luaL_loadstring(L, script) != 0) lua_error(L);
  lua_call(L, 0, 1);
  return 0;
}

/* Outcomes of one run (a child's exit status). */
enum {
  RUN_OK = 0,            /* finished, or stopped by a memory error */
  RUN_NO_STATE = 3,      /* lua_newstate returned NULL (1 is exit(1)) */
  RUN_BAD_STATUS = 10,   /* a status other than 0 and LUA_ERRMEM */
  RUN_BAD_MESSAGE = 11,  /* LUA_ERRMEM without "not enough memory" */
  RUN_LEAK = 12          /* blocks left after lua_close */
};

static int run_script(Counting *m, int verbose)
{
  lua_State *L = lua_newstate(counting_alloc, m);
  int st, rc = RUN_OK;
  if (!L) return m->blocks == 0 ? RUN_NO_STATE : RUN_LEAK;
  st = lua_cpcall(L, pmain, NULL);
  if (st == LUA_ERRMEM) {
    const char *msg = lua_tostring(L, -1);
    if (!msg || strcmp(msg, "not enough memory") != 0) rc = RUN_BAD_MESSAGE;
  } else if (st == LUA_ERRRUN) {
    /* A memory error that Lua code caught and raised again: the script's
    ** assert(loadstring(...)) turns load's (nil, "not enough memory")
    ** into a runtime error with a position, in LuaJIT too. */
    const char *msg = lua_tostring(L, -1);
    size_t n = msg ? strlen(msg) : 0, k = strlen("not enough memory");
    if (n < k || strcmp(msg + n - k, "not enough memory") != 0) rc = RUN_BAD_STATUS;
  } else if (st != 0) {
    rc = RUN_BAD_STATUS;
  }
  if (verbose && st != 0) printf("  info: status %d: %s\n", st, lua_tostring(L, -1));
  lua_close(L);
  if (rc == RUN_OK && (m->blocks != 0 || m->outstanding != 0)) rc = RUN_LEAK;
  return rc;
}

/* Runs `what` in a child with the Nth request refused; returns the
** child's outcome, or 100 + signal if it died by a signal. */
static int run_failing_at(long n, int persistent, int (*what)(Counting *, int))
{
  pid_t pid;
  int ws;
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    Counting m;
    memset(&m, 0, sizeof m);
    m.fail_at = n;
    m.persistent = persistent;
    _exit(what(&m, 0));
  }
  if (pid < 0 || waitpid(pid, &ws, 0) != pid) return 99;
  if (WIFSIGNALED(ws)) return 100 + WTERMSIG(ws);
  return WEXITSTATUS(ws);
}

static int new_state_only(Counting *m, int verbose)
{
  lua_State *L = lua_newstate(counting_alloc, m);
  (void)verbose;
  if (!L) return m->blocks == 0 ? RUN_NO_STATE : RUN_LEAK;
  /* A state that opened must work (or report memory errors). */
  m->fail_at = 0;
  if (luaL_dostring(L, "return 1 + 1") != 0) return RUN_BAD_STATUS;
  lua_close(L);
  return m->blocks == 0 ? RUN_OK : RUN_LEAK;
}

/* Sweeps N over 1..total by `stride`; returns the number of bad runs. */
static int sweep(const char *what, long total, long stride, int persistent,
                 int (*fn)(Counting *, int), int *opened)
{
  long n;
  int bad = 0;
  for (n = 1; n <= total; n += stride) {
    int r = run_failing_at(n, persistent, fn);
    if (r == RUN_OK) {
      if (opened) *opened = 1;
      continue;
    }
    if (r == RUN_NO_STATE) continue;
    if (bad < 10)
      printf("  info: %s, request %ld refused%s: outcome %d%s\n", what, n,
             persistent ? " (and all later ones)" : "", r,
             r > 100 ? " (killed by a signal)" : "");
    bad++;
  }
  return bad;
}

int main(void)
{
  Counting m;
  long total, newstate_total, stride;
  int opened = 0;
  int under_valgrind = getenv("CAPI_TESTS_UNDER_VALGRIND") != NULL;

  /* ALLOCFAIL_N=n [ALLOCFAIL_PERSISTENT=1]: one script run in this
  ** process, for debugging a failing N. */
  if (getenv("ALLOCFAIL_N")) {
    int r;
    memset(&m, 0, sizeof m);
    m.fail_at = atol(getenv("ALLOCFAIL_N"));
    m.persistent = getenv("ALLOCFAIL_PERSISTENT") != NULL;
    r = run_script(&m, 1);
    printf("outcome %d, %lld blocks left\n", r, m.blocks);
    return r;
  }

  tu_section("a complete run, counting the allocation requests");
  memset(&m, 0, sizeof m);
  CHECK_INT(run_script(&m, 1), RUN_OK);
  total = m.requests;
  printf("  info: %ld requests\n", total);
  CHECK(total > 500);
  memset(&m, 0, sizeof m);
  CHECK_INT(new_state_only(&m, 1), RUN_OK);
  newstate_total = m.requests;

  tu_section("lua_newstate with request N refused, for every N until it opens");
  CHECK_INT(sweep("lua_newstate", newstate_total, 1, 0, new_state_only, &opened), 0);
  CHECK_INT(sweep("lua_newstate", newstate_total, 1, 1, new_state_only, NULL), 0);
  CHECK(opened);

  /* Every N (every 50th under valgrind, which is slow at this). */
  stride = under_valgrind ? 50 : 1;
  tu_section("a whole script run with request N refused, for every N");
  CHECK_INT(sweep("script", total + 10, stride, 0, run_script, NULL), 0);
  tu_section("a whole script run with every request from N on refused");
  CHECK_INT(sweep("script", total + 10, under_valgrind ? 150 : 3, 1, run_script, NULL), 0);
  return tu_finish("allocfail_nth");
}
