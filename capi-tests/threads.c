/* Independent states used at the same time from several OS threads. */
#include <pthread.h>
#include "testutil.h"

#define NTHREADS 4
#define ROUNDS 20

typedef struct Job {
  int id;
  int failures;
  long long result;
  char error[256];
} Job;

static int c_mix(lua_State *L)
{
  lua_Integer a = luaL_checkinteger(L, 1), b = luaL_checkinteger(L, 2);
  lua_pushinteger(L, (a * 31 + b) % 1000003);
  return 1;
}

static const char *workload =
  "local id, mix = ...\n"
  "local acc = id\n"
  "local t = {}\n"
  "for i = 1, 20000 do\n"
  "  acc = mix(acc, i)\n"
  "  t[i % 100 + 1] = tostring(acc) .. ':' .. id\n"
  "end\n"
  "local parts = {}\n"
  "for k, v in pairs(t) do parts[#parts + 1] = v end\n"
  "table.sort(parts)\n"
  "local co = coroutine.wrap(function() for i = 1, 100 do coroutine.yield(i) end end)\n"
  "local s = 0\n"
  "for i = 1, 100 do s = s + co() end\n"
  "local ok, e = pcall(error, 'thread ' .. id)\n"
  "assert(e == 'thread ' .. id)\n"
  "collectgarbage()\n"
  "return acc + s + #parts\n";

/* The expected result, computed the same way in C. */
static long long expected_for(int id)
{
  long long acc = id;
  int i;
  for (i = 1; i <= 20000; i++) acc = (acc * 31 + i) % 1000003;
  return acc + 5050 + 100;
}

static void *worker(void *arg)
{
  Job *job = (Job *)arg;
  int round;
  for (round = 0; round < tu_scale(ROUNDS); round++) {
    lua_State *L = luaL_newstate();
    if (!L) { job->failures++; snprintf(job->error, sizeof job->error, "no state"); continue; }
    luaL_openlibs(L);
    if (luaL_loadstring(L, workload) != 0) {
      job->failures++;
      snprintf(job->error, sizeof job->error, "%s", lua_tostring(L, -1));
    } else {
      lua_pushinteger(L, job->id);
      lua_pushcfunction(L, c_mix);
      if (lua_pcall(L, 2, 1, 0) != 0) {
        job->failures++;
        snprintf(job->error, sizeof job->error, "%s", lua_tostring(L, -1));
      } else {
        job->result = (long long)lua_tointeger(L, -1);
        if (job->result != expected_for(job->id)) {
          job->failures++;
          snprintf(job->error, sizeof job->error, "wrong result %lld", job->result);
        }
      }
    }
    lua_close(L);
  }
  return NULL;
}

/* One long-lived state per thread, all of them alive at the same time. */
typedef struct Pair { lua_State *L; int id; int ok; } Pair;
static void *use_own_state(void *arg)
{
  Pair *p = (Pair *)arg;
  int i;
  p->ok = 1;
  for (i = 0; i < 200; i++) {
    lua_getglobal(p->L, "step");
    lua_pushinteger(p->L, i);
    if (lua_pcall(p->L, 1, 1, 0) != 0 || lua_tointeger(p->L, -1) != (lua_Integer)(i + p->id)) p->ok = 0;
    lua_pop(p->L, 1);
  }
  return NULL;
}

/* The parser on a thread with a small stack (64 KiB): deep nesting stops
** with "chunk has too many syntax levels" instead of overflowing it. */
typedef struct SmallStackJob {
  lua_State *L;
  int levels;
  int status;
  char message[160];
} SmallStackJob;

static void *parse_nested(void *arg)
{
  SmallStackJob *job = arg;
  luaL_Buffer b;
  int i;
  luaL_buffinit(job->L, &b);
  luaL_addstring(&b, "return ");
  for (i = 0; i < job->levels; i++) luaL_addchar(&b, '(');
  luaL_addchar(&b, '1');
  for (i = 0; i < job->levels; i++) luaL_addchar(&b, ')');
  luaL_pushresult(&b);
  job->status = luaL_loadstring(job->L, lua_tostring(job->L, -1));
  snprintf(job->message, sizeof job->message, "%s",
           job->status ? lua_tostring(job->L, -1) : "ok");
  lua_settop(job->L, 0);
  return NULL;
}

static void check_small_stack_parse(int levels)
{
  pthread_attr_t attr;
  pthread_t t;
  SmallStackJob job;
  memset(&job, 0, sizeof job);
  job.L = luaL_newstate();
  job.levels = levels;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  CHECK_INT(pthread_create(&t, &attr, parse_nested, &job), 0);
  pthread_join(t, NULL);
  pthread_attr_destroy(&attr);
  printf("  info: %d levels on a 64 KiB stack: %s\n", levels, job.message);
  CHECK(job.status == 0 || (job.status == LUA_ERRSYNTAX &&
        strstr(job.message, "chunk has too many syntax levels") != NULL));
  lua_close(job.L);
}

int main(void)
{
  pthread_t th[NTHREADS];
  Job jobs[NTHREADS];
  Pair pairs[NTHREADS];
  int i;

  tu_section("each thread creates, uses and closes its own states");
  for (i = 0; i < NTHREADS; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].id = i + 1;
    CHECK_INT(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
  for (i = 0; i < NTHREADS; i++) {
    if (jobs[i].failures) printf("  info: thread %d: %s\n", i + 1, jobs[i].error);
    CHECK_INT(jobs[i].failures, 0);
    CHECK_INT(jobs[i].result, expected_for(i + 1));
  }

  tu_section("states created on the main thread, used concurrently elsewhere");
  for (i = 0; i < NTHREADS; i++) {
    pairs[i].L = luaL_newstate();
    pairs[i].id = i * 1000;
    luaL_openlibs(pairs[i].L);
    lua_pushinteger(pairs[i].L, pairs[i].id);
    lua_setglobal(pairs[i].L, "id");
    luaL_dostring(pairs[i].L, "function step(n) local t = {} for j = 1, 50 do t[j] = j .. '' end return n + id end");
  }
  for (i = 0; i < NTHREADS; i++) CHECK_INT(pthread_create(&th[i], NULL, use_own_state, &pairs[i]), 0);
  for (i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
  for (i = 0; i < NTHREADS; i++) {
    CHECK(pairs[i].ok);
    lua_close(pairs[i].L);
  }

  tu_section("the parser on a 64 KiB thread stack");
  check_small_stack_parse(100);
  check_small_stack_parse(190);

  return tu_finish("threads");
}
