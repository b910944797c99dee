/* The debug interface: lua_getstack, lua_getinfo, locals, and hooks. */
#include "testutil.h"

static lua_Debug saved;
static char saved_name[64], saved_what[16], saved_namewhat[16], saved_src[LUA_IDSIZE];
static int saved_line, saved_linedefined, saved_lastline, saved_nups, saved_ok;

/* Called from Lua: inspects its caller (level 1). */
static int inspect_caller(lua_State *L)
{
  lua_Debug ar;
  memset(&ar, 0, sizeof ar);
  saved_ok = lua_getstack(L, 1, &ar);
  if (!saved_ok) return 0;
  saved_ok = lua_getinfo(L, "nSlu", &ar);
  saved = ar;
  snprintf(saved_name, sizeof saved_name, "%s", ar.name ? ar.name : "(null)");
  snprintf(saved_namewhat, sizeof saved_namewhat, "%s", ar.namewhat ? ar.namewhat : "(null)");
  snprintf(saved_what, sizeof saved_what, "%s", ar.what ? ar.what : "(null)");
  memcpy(saved_src, ar.short_src, LUA_IDSIZE);
  saved_line = ar.currentline;
  saved_linedefined = ar.linedefined;
  saved_lastline = ar.lastlinedefined;
  saved_nups = ar.nups;
  return 0;
}

/* Inspects itself (level 0). */
static int inspect_self(lua_State *L)
{
  lua_Debug ar;
  if (!lua_getstack(L, 0, &ar)) return 0;
  lua_getinfo(L, "nSl", &ar);
  lua_pushstring(L, ar.what);
  lua_pushinteger(L, ar.currentline);
  lua_pushstring(L, ar.short_src);
  return 3;
}

/* Returns the names and values of the caller's locals, and doubles every
** number local through lua_setlocal. */
static int caller_locals(lua_State *L)
{
  lua_Debug ar;
  int i;
  const char *name;
  luaL_Buffer b;
  if (!lua_getstack(L, 1, &ar)) return 0;
  luaL_buffinit(L, &b);
  for (i = 1; (name = lua_getlocal(L, &ar, i)) != NULL; i++) {
    if (lua_type(L, -1) == LUA_TNUMBER) {
      lua_Number v = lua_tonumber(L, -1);
      lua_pop(L, 1);
      luaL_addstring(&b, name);
      luaL_addchar(&b, '=');
      lua_pushnumber(L, v);
      luaL_addvalue(&b);
      lua_pushnumber(L, v * 2);
      lua_setlocal(L, &ar, i);
    } else {
      lua_pop(L, 1);
      luaL_addstring(&b, name);
    }
    luaL_addchar(&b, ';');
  }
  luaL_pushresult(&b);
  return 1;
}

static int stack_depth(lua_State *L)
{
  lua_Debug ar;
  int level = 0;
  while (lua_getstack(L, level, &ar)) level++;
  lua_pushinteger(L, level);
  return 1;
}

static int line_events, call_events, ret_events, count_events, tail_events;
static int lines_seen[32];
static void hook(lua_State *L, lua_Debug *ar)
{
  switch (ar->event) {
  case LUA_HOOKLINE:
    line_events++;
    if (ar->currentline >= 0 && ar->currentline < 32) lines_seen[ar->currentline]++;
    break;
  case LUA_HOOKCALL: call_events++; break;
  case LUA_HOOKRET: ret_events++; break;
  case LUA_HOOKTAILRET: tail_events++; break;
  case LUA_HOOKCOUNT: count_events++; break;
  }
  (void)L;
}

static void erroring_hook(lua_State *L, lua_Debug *ar)
{
  lua_getinfo(L, "l", ar);
  if (ar->currentline == 3) luaL_error(L, "hook says stop");
}

static void reset_counts(void)
{
  line_events = call_events = ret_events = count_events = tail_events = 0;
  memset(lines_seen, 0, sizeof lines_seen);
}

int main(void)
{
  lua_State *L = luaL_newstate();
  lua_Debug ar;
  if (!L) return 1;
  luaL_openlibs(L);
  lua_register(L, "inspect_caller", inspect_caller);
  lua_register(L, "inspect_self", inspect_self);
  lua_register(L, "caller_locals", caller_locals);
  lua_register(L, "stack_depth", stack_depth);

  tu_section("lua_Debug layout as C code sees it");
  CHECK_INT(sizeof(ar.short_src), LUA_IDSIZE);
  CHECK_INT(LUA_IDSIZE, 60);

  tu_section("getinfo about a Lua caller");
  RUN(L, "\n"
         "function named_global(a, b)\n"
         "  local up = tostring\n"
         "  inspect_caller()\n"
         "  return up\n"
         "end\n"
         "named_global(1, 2)");
  CHECK_INT(saved_ok, 1);
  CHECK_STR(saved_what, "Lua");
  CHECK_STR(saved_name, "named_global");
  CHECK_STR(saved_namewhat, "global");
  CHECK_STR(saved_src, "test");
  CHECK_INT(saved_line, 4);
  CHECK_INT(saved_linedefined, 2);
  CHECK_INT(saved_lastline, 6);
  CHECK_INT(saved_nups, 0);
  CHECK_STR(saved.source, "=test");
  RUN(L, "local obj = {}\n"
         "function obj:method() inspect_caller() end\n"
         "obj:method()");
  CHECK_STR(saved_name, "method");
  CHECK_STR(saved_namewhat, "method");
  RUN(L, "local function loc() inspect_caller() end\n loc()");
  CHECK_STR(saved_name, "loc");
  CHECK_STR(saved_namewhat, "local");
  RUN(L, "local t = {f = function() inspect_caller() end}\n t.f()");
  CHECK_STR(saved_namewhat, "field");
  RUN(L, "inspect_caller()");                  /* the main chunk */
  CHECK_STR(saved_what, "main");
  CHECK_INT(saved_line, 1);
  {
    int n = RUN_N(L, "local w, l, s = inspect_self() return w, l, s", 3);
    if (n == 3) {
      CHECK_STR(lua_tostring(L, -3), "C");
      CHECK_INT(lua_tointeger(L, -2), -1);
      CHECK_STR(lua_tostring(L, -1), "[C]");
      lua_pop(L, 3);
    }
  }

  tu_section("short_src of long and string chunk names");
  luaL_loadbuffer(L, "inspect_caller()", 16, "@/a/very/long/path/that/certainly/does/not/fit/into/sixty/bytes/file.lua");
  lua_call(L, 0, 0);
  CHECK(strlen(saved_src) < LUA_IDSIZE);
  CHECK_CONTAINS(saved_src, "...");
  CHECK_CONTAINS(saved_src, "file.lua");
  luaL_loadstring(L, "inspect_caller()");
  lua_call(L, 0, 0);
  CHECK_STR(saved_src, "[string \"inspect_caller()\"]");

  tu_section("getinfo with '>' on a function value, and 'f'/'L'");
  RUN(L, "function three_lines()\n local x = 1\n return x\nend");
  lua_getglobal(L, "three_lines");
  CHECK(lua_getinfo(L, ">SL", &ar));
  CHECK_INT(lua_gettop(L), 1);                 /* only the activelines table */
  CHECK(lua_istable(L, -1));
  CHECK_STR(ar.what, "Lua");
  CHECK_INT(ar.linedefined, 1);
  CHECK_INT(ar.lastlinedefined, 4);
  lua_rawgeti(L, -1, 2);
  CHECK(lua_toboolean(L, -1));                 /* line 2 has code */
  lua_settop(L, 0);
  lua_pushcfunction(L, inspect_self);
  CHECK(lua_getinfo(L, ">S", &ar));
  CHECK_STR(ar.what, "C");
  CHECK_STR(ar.short_src, "[C]");
  CHECK_INT(ar.linedefined, -1);
  lua_settop(L, 0);
  CHECK(!lua_getstack(L, 50, &ar));            /* no such level */

  tu_section("locals");
  CHECK_LUA(L, "local alpha, beta, name = 1.5, 20, 's'\n"
               "local r = caller_locals()\n"
               "return r == 'alpha=1.5;beta=20;name;' and alpha == 3 and beta == 40");
  CHECK_LUA(L, "local function f(a, b) local r = caller_locals(); return r end return f(1, 2) == 'a=1;b=2;'");

  tu_section("stack levels");
  CHECK_LUA(L, "local function a() local d = stack_depth() return d end\n"
               "local function b() local d = a() return d end\n"
               "return b() - a() == 1");

  tu_section("line hook");
  reset_counts();
  CHECK_INT(lua_sethook(L, hook, LUA_MASKLINE, 0), 1);
  CHECK(lua_gethook(L) == hook);
  CHECK_INT(lua_gethookmask(L), LUA_MASKLINE);
  RUN(L, "local x = 0\n"
         "for i = 1, 3 do\n"
         "  x = x + i\n"
         "end\n"
         "return x");
  lua_sethook(L, NULL, 0, 0);
  CHECK(lua_gethook(L) == NULL);
  CHECK_INT(lua_gethookmask(L), 0);
  CHECK(lines_seen[1] >= 1);
  CHECK_INT(lines_seen[3], 3);
  CHECK(lines_seen[5] >= 1);
  CHECK(line_events >= 8);

  tu_section("call and return hooks");
  reset_counts();
  RUN(L, "function callee(n) return n end");
  lua_sethook(L, hook, LUA_MASKCALL | LUA_MASKRET, 0);
  RUN(L, "for i = 1, 10 do callee(i) end");
  lua_sethook(L, NULL, 0, 0);
  CHECK(call_events >= 10);
  CHECK(ret_events >= 10);
  CHECK_INT(line_events, 0);

  tu_section("count hook");
  reset_counts();
  RUN(L, "jit.off()");                        /* compiled code skips count hooks */
  lua_sethook(L, hook, LUA_MASKCOUNT, 100);
  CHECK_INT(lua_gethookcount(L), 100);
  CHECK_INT(lua_gethookmask(L), LUA_MASKCOUNT);
  RUN(L, "local x = 0 for i = 1, 10000 do x = x + i end");
  lua_sethook(L, NULL, 0, 0);
  CHECK(count_events >= 100);
  CHECK(count_events < 1000);
  RUN(L, "jit.on()");

  tu_section("an error raised by a hook is caught by pcall");
  lua_sethook(L, erroring_hook, LUA_MASKLINE, 0);
  luaL_loadstring(L, "local a = 1\nlocal b = 2\nlocal c = 3\nreturn a + b + c");
  CHECK_INT(lua_pcall(L, 0, 1, 0), LUA_ERRRUN);
  lua_sethook(L, NULL, 0, 0);
  CHECK_CONTAINS(lua_tostring(L, -1), "hook says stop");
  lua_settop(L, 0);
  CHECK_LUA(L, "return 1 + 1 == 2");           /* state still usable */

  tu_section("luaL_traceback");
  RUN(L, "function tb_inner() local co = coroutine.running() end");
  luaL_traceback(L, L, "message here", 0);
  CHECK_CONTAINS(lua_tostring(L, -1), "message here\nstack traceback:");
  lua_settop(L, 0);
  {
    lua_State *co = lua_newthread(L);
    luaL_loadstring(co, "local function deep() coroutine.yield() end deep()");
    CHECK_INT(lua_resume(co, 0), LUA_YIELD);
    luaL_traceback(L, co, NULL, 0);
    CHECK_CONTAINS(lua_tostring(L, -1), "stack traceback:");
    CHECK_CONTAINS(lua_tostring(L, -1), "deep");
    lua_settop(L, 0);
  }

  lua_close(L);
  return tu_finish("debug");
}
