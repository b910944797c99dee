/* A pure C host for scripts/check-abi, linked statically against
** libluajit-5.1.a with LuaJIT's flags only. Run with LUA_CPATH pointing at
** the C++ module tests/abi/cxx_module.cpp: the module's C++ exceptions
** become the Lua error "C++ exception" at pcall, as with LuaJIT, although
** this program itself has no C++ runtime. */
#include <stdio.h>
#include <string.h>
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

static int checks = 0, failures = 0;
static void check(int ok, const char *what)
{
  checks++;
  if (!ok) failures++;
  printf("  %s  %s\n", ok ? "ok  " : "FAIL", what);
}

static const char script[] =
  "local m = require 'cxx_module'\n"
  "assert(m.adds(1, 2) == 3)\n"
  "local results = {}\n"
  "for i = 1, 100 do\n"
  "  local ok, e = pcall(m.throws)\n"
  "  if ok or e ~= 'C++ exception' then return 'pcall gave ' .. tostring(ok) .. ', ' .. tostring(e) end\n"
  "end\n"
  "local co = coroutine.wrap(function() coroutine.yield(pcall(m.throws)) end)\n"
  "local ok, e = co()\n"
  "if ok or e ~= 'C++ exception' then return 'in a coroutine: ' .. tostring(e) end\n"
  "return 'all caught'\n";

int main(void)
{
  lua_State *L = luaL_newstate();
  if (L == NULL) return 1;
  luaL_openlibs(L);
  int st = luaL_loadstring(L, script);
  check(st == 0, "the script compiles");
  if (st == 0) {
    st = lua_pcall(L, 0, 1, 0);
    const char *r = lua_tostring(L, -1);
    if (st != 0 || r == NULL || strcmp(r, "all caught") != 0)
      printf("        got: %s\n", r ? r : "(no message)");
    check(st == 0 && r != NULL && strcmp(r, "all caught") == 0,
          "C++ exceptions of a loaded module are caught by pcall");
  }
  lua_settop(L, 0);
  lua_getglobal(L, "cxx_module");
  lua_getfield(L, -1, "throws");
  st = lua_pcall(L, 0, 0, 0);
  check(st == LUA_ERRRUN && strcmp(lua_tostring(L, -1), "C++ exception") == 0,
        "lua_pcall from C catches a C++ exception");
  lua_close(L);
  printf("c_host: %d checks, %d failed\n", checks, failures);
  return failures != 0 || checks == 0;
}
