/* Each luaopen_* function opens its library when called through lua_call,
** as LuaJIT documents (luaL_openlibs does all of them). */
#include "testutil.h"

/* Exported by our library (the jit.* modules), not declared in lualib.h. */
extern int luaopen_jit_util(lua_State *L);
extern int luaopen_jit_profile(lua_State *L);

static int opened(lua_State *L, lua_CFunction open, const char *name, const char *field)
{
  int ok;
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  if (lua_pcall(L, 1, 1, 0) != 0) {
    printf("  info: %s: %s\n", name, lua_tostring(L, -1));
    lua_settop(L, 0);
    return 0;
  }
  ok = lua_istable(L, -1);
  if (ok && field) {
    lua_getfield(L, -1, field);
    ok = !lua_isnil(L, -1);
    lua_pop(L, 1);
  }
  lua_settop(L, 0);
  return ok;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  if (!L) return 1;

  tu_section("one library at a time on a bare state");
  CHECK(opened(L, luaopen_base, "", "pcall"));
  CHECK(opened(L, luaopen_package, LUA_LOADLIBNAME, "loaders"));
  CHECK(opened(L, luaopen_table, LUA_TABLIBNAME, "concat"));
  CHECK(opened(L, luaopen_io, LUA_IOLIBNAME, "write"));
  CHECK(opened(L, luaopen_os, LUA_OSLIBNAME, "time"));
  CHECK(opened(L, luaopen_string, LUA_STRLIBNAME, "format"));
  CHECK(opened(L, luaopen_math, LUA_MATHLIBNAME, "floor"));
  CHECK(opened(L, luaopen_debug, LUA_DBLIBNAME, "traceback"));
  CHECK(opened(L, luaopen_bit, LUA_BITLIBNAME, "band"));
  CHECK(opened(L, luaopen_jit, LUA_JITLIBNAME, "version"));
  CHECK(opened(L, luaopen_ffi, LUA_FFILIBNAME, NULL));
  CHECK(opened(L, luaopen_string_buffer, "string.buffer", "new"));
  CHECK(opened(L, luaopen_jit_util, "jit.util", NULL));
  CHECK(opened(L, luaopen_jit_profile, "jit.profile", "start"));

  tu_section("the opened libraries work");
  CHECK_LUA(L, "return table.concat({string.format('%d', math.floor(2.5)), bit.band(7, 3)}, ',') == '2,3'");
  CHECK_LUA(L, "return type(os.time()) == 'number' and type(io.write) == 'function'");
  CHECK_LUA(L, "return debug.traceback('x'):sub(1, 1) == 'x' and type(jit.version) == 'string'");
  CHECK_LUA(L, "return require('string.buffer').new():put('a', 1):tostring() == 'a1'");

  lua_close(L);
  return tu_finish("openlibs");
}
