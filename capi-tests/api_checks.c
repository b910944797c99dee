/* API misuse that would make the library read or write outside the running
** function's part of the stack (or treat a pseudo-index as a stack slot):
** LuaJIT checks these only in assertion builds and otherwise corrupts its
** frames. Our library stops with "C API misuse" instead; each case runs in
** a child process, which must die of SIGABRT with that message. */
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int cfunc(lua_State *L)
{
  (void)L;
  return 0;
}

/* Each misuse runs in a fresh state with two values pushed. */
static void misuse(int which)
{
  lua_State *L = luaL_newstate();
  lua_State *L1;
  if (!L) _exit(90);
  lua_pushinteger(L, 1);
  lua_pushinteger(L, 2);
  switch (which) {
  case 0: lua_call(L, 5, 0); break;                   /* 6 values needed */
  case 1: lua_pcall(L, 5, 0, 0); break;
  case 2: lua_pushcclosure(L, cfunc, 3); break;       /* 3 upvalues */
  case 3: lua_settop(L, 0); lua_settable(L, LUA_REGISTRYINDEX); break;
  case 4: lua_settop(L, 0); lua_setfield(L, LUA_REGISTRYINDEX, "x"); break;
  case 5: lua_concat(L, 4); break;
  case 6: lua_remove(L, LUA_REGISTRYINDEX); break;     /* not a stack slot */
  case 7: lua_insert(L, LUA_GLOBALSINDEX); break;
  case 8: lua_pcall(L, 0, 0, LUA_REGISTRYINDEX); break;  /* handler slot */
  case 9: L1 = lua_newthread(L); lua_xmove(L, L1, 4); break;
  case 10: lua_settop(L, 0); lua_rawseti(L, LUA_REGISTRYINDEX, 1); break;
  case 11: lua_settop(L, 0); lua_setmetatable(L, LUA_REGISTRYINDEX); break;
  case 12: lua_settop(L, -4); break;                   /* below the base */
  }
  _exit(0);   /* the misuse went unnoticed */
}

static const char *const names[] = {
  "lua_call with too few values", "lua_pcall with too few values",
  "lua_pushcclosure with too few upvalues", "lua_settable on an empty stack",
  "lua_setfield on an empty stack", "lua_concat of more values than there are",
  "lua_remove of a pseudo-index", "lua_insert at a pseudo-index",
  "lua_pcall with a pseudo-index handler", "lua_xmove of more values than there are",
  "lua_rawseti on an empty stack", "lua_setmetatable on an empty stack",
  "lua_settop below the base",
};

/* Runs misuse `which` in a child: 1 if it died of SIGABRT saying
** "C API misuse", 0 otherwise. */
static int aborts_with_message(int which)
{
  int fds[2], ws;
  char buf[4096];
  size_t n = 0;
  ssize_t k;
  pid_t pid;
  if (pipe(fds) != 0) return 0;
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 2);
    misuse(which);
  }
  close(fds[1]);
  while (n < sizeof buf - 1 && (k = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
    n += (size_t)k;
  buf[n] = 0;
  close(fds[0]);
  if (pid < 0 || waitpid(pid, &ws, 0) != pid) return 0;
  return WIFSIGNALED(ws) && WTERMSIG(ws) == SIGABRT && strstr(buf, "C API misuse") != NULL;
}

int main(void)
{
  int i, n = (int)(sizeof names / sizeof names[0]);
  tu_section("misuse stops the process with a message");
  /* A library without these checks (stock LuaJIT) corrupts memory instead. */
  if (!aborts_with_message(0)) {
    tu_skip("this library does not check the API's stack use (stock LuaJIT)");
    return tu_finish("api_checks");
  }
  for (i = 0; i < n; i++) {
    char what[200];
    snprintf(what, sizeof what, "%s aborts", names[i]);
    tu_report(aborts_with_message(i), what, __FILE__, __LINE__);
  }
  return tu_finish("api_checks");
}
