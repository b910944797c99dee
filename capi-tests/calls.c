/* Calling functions: lua_call, lua_pcall with result counts and message
** handlers, lua_cpcall, C functions called from Lua, multiple results. */
#include "testutil.h"

static int add_all(lua_State *L)
{
  int i, n = lua_gettop(L);
  lua_Number sum = 0;
  for (i = 1; i <= n; i++) sum += luaL_checknumber(L, i);
  lua_pushnumber(L, sum);
  lua_pushinteger(L, n);
  return 2;
}

static int return_many(lua_State *L)
{
  int i, n = (int)luaL_checkinteger(L, 1);
  luaL_checkstack(L, n, "too many");
  for (i = 1; i <= n; i++) lua_pushinteger(L, i);
  return n;
}

/* Returns only some of what is on its stack: the top ones count. */
static int return_top_two(lua_State *L)
{
  lua_pushstring(L, "junk");
  lua_pushstring(L, "a");
  lua_pushstring(L, "b");
  return 2;
}

/* Calls its first argument (a function) with the rest, returns all results. */
static int call_it(lua_State *L)
{
  int base = 0;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L) - base;
}

static int cpcall_ud_seen = 0;
static int cpcall_body(lua_State *L)
{
  int *p = (int *)lua_touserdata(L, 1);
  CHECK_INT(lua_gettop(L), 1);
  CHECK(lua_islightuserdata(L, 1));
  cpcall_ud_seen = *p;
  lua_pushstring(L, "ignored result");
  return 1;
}
static int cpcall_fail(lua_State *L)
{
  return luaL_error(L, "cpcall failed with %d", (int)(*(int *)lua_touserdata(L, 1)));
}

/* Message handler: decorates the error. */
static int handler(lua_State *L)
{
  lua_pushfstring(L, "handled<%s>", lua_tostring(L, 1));
  return 1;
}

static int error_in_handler(lua_State *L)
{
  return luaL_error(L, "the handler itself failed");
}

int main(void)
{
  lua_State *L = luaL_newstate();
  int st, v = 1234;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("lua_call with fixed and variable result counts");
  lua_pushcfunction(L, add_all);
  lua_pushnumber(L, 1.5);
  lua_pushinteger(L, 2);
  lua_pushinteger(L, 3);
  lua_call(L, 3, 2);
  CHECK_INT(lua_gettop(L), 2);
  CHECK_NUM(lua_tonumber(L, 1), 6.5);
  CHECK_INT(lua_tointeger(L, 2), 3);
  lua_settop(L, 0);
  lua_pushcfunction(L, add_all);
  lua_call(L, 0, 5);                    /* missing results become nil */
  CHECK_INT(lua_gettop(L), 5);
  CHECK_NUM(lua_tonumber(L, 1), 0);
  CHECK(lua_isnil(L, 3) && lua_isnil(L, 5));
  lua_settop(L, 0);
  lua_pushcfunction(L, return_many);
  lua_pushinteger(L, 30);
  lua_call(L, 1, LUA_MULTRET);
  CHECK_INT(lua_gettop(L), 30);
  CHECK_INT(lua_tointeger(L, 30), 30);
  lua_settop(L, 0);
  lua_pushcfunction(L, return_many);
  lua_pushinteger(L, 30);
  lua_call(L, 1, 0);
  CHECK_INT(lua_gettop(L), 0);
  lua_pushcfunction(L, return_top_two);
  lua_call(L, 0, LUA_MULTRET);
  CHECK_INT(lua_gettop(L), 2);
  CHECK_STR(lua_tostring(L, 1), "a");
  CHECK_STR(lua_tostring(L, 2), "b");
  lua_settop(L, 0);

  tu_section("calling Lua functions from C");
  RUN(L, "function lua_add(a, b) return a + b, a * b end\n"
         "function varargs(...) return select('#', ...), ... end");
  lua_getglobal(L, "lua_add");
  lua_pushinteger(L, 6);
  lua_pushinteger(L, 7);
  lua_call(L, 2, 2);
  CHECK_INT(lua_tointeger(L, 1), 13);
  CHECK_INT(lua_tointeger(L, 2), 42);
  lua_settop(L, 0);
  lua_getglobal(L, "varargs");
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushinteger(L, 3);
  lua_call(L, 3, LUA_MULTRET);
  CHECK_INT(lua_gettop(L), 4);
  CHECK_INT(lua_tointeger(L, 1), 3);
  CHECK_INT(lua_tointeger(L, 4), 3);
  lua_settop(L, 0);

  tu_section("C functions called from Lua");
  lua_register(L, "add_all", add_all);
  lua_register(L, "return_many", return_many);
  lua_register(L, "call_it", call_it);
  CHECK_LUA(L, "local s, n = add_all(1, 2, 3, 4) return s == 10 and n == 4");
  CHECK_LUA(L, "return select('#', return_many(100)) == 100");
  CHECK_LUA(L, "local t = {return_many(5)} return #t == 5 and t[5] == 5");
  CHECK_LUA(L, "return select('#', call_it(return_many, 7)) == 7");
  CHECK_LUA(L, "return call_it(function(a, b) return a .. b end, 'x', 'y') == 'xy'");
  CHECK_LUA(L, "local co = coroutine.wrap(function() return add_all(1, 1) end) return co() == 2");
  /* deep Lua -> C -> Lua recursion within limits */
  CHECK_LUA(L, "local function f(n) if n == 0 then return 0 end return 1 + call_it(f, n - 1) end\n"
               "return f(100) == 100");

  tu_section("lua_pcall success and failure");
  lua_getglobal(L, "lua_add");
  lua_pushinteger(L, 1);
  lua_pushinteger(L, 2);
  st = lua_pcall(L, 2, 1, 0);
  CHECK_INT(st, 0);
  CHECK_INT(lua_gettop(L), 1);
  CHECK_INT(lua_tointeger(L, 1), 3);
  lua_settop(L, 0);
  lua_getglobal(L, "lua_add");
  lua_pushinteger(L, 1);
  lua_newtable(L);
  st = lua_pcall(L, 2, 1, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_INT(lua_gettop(L), 1);          /* just the error message */
  CHECK_CONTAINS(lua_tostring(L, 1), "attempt to perform arithmetic on");
  lua_settop(L, 0);
  st = luaL_loadstring(L, "error({code = 42})");
  CHECK_INT(st, 0);
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK(lua_istable(L, -1));            /* non-string error values survive */
  lua_getfield(L, -1, "code");
  CHECK_INT(lua_tointeger(L, -1), 42);
  lua_settop(L, 0);
  luaL_loadstring(L, "error()");
  CHECK_INT(lua_pcall(L, 0, 0, 0), LUA_ERRRUN);
  CHECK(lua_isnil(L, -1));
  lua_settop(L, 0);

  tu_section("lua_pcall with a message handler");
  lua_pushcfunction(L, handler);        /* 1 */
  luaL_loadstring(L, "error('boom', 0)");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "handled<boom>");
  CHECK_INT(lua_gettop(L), 2);
  lua_settop(L, 0);
  luaL_loadstring(L, "error('boom', 0)");  /* 1 */
  lua_pushcfunction(L, handler);            /* 2 */
  lua_insert(L, 1);
  st = lua_pcall(L, 0, 0, -2);              /* negative handler index */
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "handled<boom>");
  lua_settop(L, 0);
  RUN(L, "function with_tb() local ok, e = xpcall(function() error('deep') end, debug.traceback) return e end");
  lua_getglobal(L, "with_tb");
  lua_call(L, 0, 1);
  CHECK_CONTAINS(lua_tostring(L, -1), "stack traceback:");
  lua_settop(L, 0);
  lua_pushcfunction(L, error_in_handler);
  luaL_loadstring(L, "error('first')");
  st = lua_pcall(L, 0, 0, 1);
  CHECK_INT(st, LUA_ERRERR);            /* error while handling an error */
  lua_settop(L, 0);

  tu_section("lua_cpcall");
  st = lua_cpcall(L, cpcall_body, &v);
  CHECK_INT(st, 0);
  CHECK_INT(cpcall_ud_seen, 1234);
  CHECK_INT(lua_gettop(L), 0);          /* results are discarded */
  st = lua_cpcall(L, cpcall_fail, &v);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "cpcall failed with 1234");
  lua_settop(L, 0);

  tu_section("opening libraries one by one in a fresh state");
  {
    lua_State *L2 = luaL_newstate();
    lua_pushcfunction(L2, luaopen_base);
    lua_pushstring(L2, "");
    lua_call(L2, 1, 0);
    lua_pushcfunction(L2, luaopen_string);
    lua_pushstring(L2, LUA_STRLIBNAME);
    lua_call(L2, 1, 1);
    CHECK(lua_istable(L2, -1));
    lua_settop(L2, 0);
    lua_getglobal(L2, "print");
    CHECK(lua_isfunction(L2, -1));
    lua_getglobal(L2, "string");
    CHECK(lua_istable(L2, -1));
    lua_getglobal(L2, "math");
    CHECK(lua_isnil(L2, -1));
    lua_getglobal(L2, "coroutine");     /* opened by luaopen_base */
    CHECK(lua_istable(L2, -1));
    lua_settop(L2, 0);
    lua_pushcfunction(L2, luaopen_bit);
    lua_pushstring(L2, LUA_BITLIBNAME);
    lua_call(L2, 1, 1);
    lua_getfield(L2, -1, "band");
    CHECK(lua_isfunction(L2, -1));
    lua_close(L2);
  }
  CHECK_LUA(L, "return type(jit) == 'table' and type(bit) == 'table' and type(require('ffi')) == 'table'");
  CHECK_LUA(L, "return jit.version == 'LuaJIT 2.1.0-beta3'");
  CHECK_LUA(L, "local buf = require('string.buffer') return buf.new():put('a', 1):tostring() == 'a1'");

  lua_close(L);
  return tu_finish("calls");
}
