/* Errors raised from C (lua_error, luaL_error, luaL_argerror and friends)
** unwind through C frames and are caught by lua_pcall and by Lua's pcall.
** The code after a raising call must never run, and the stack must be
** consistent afterwards. */
#include "testutil.h"

static int reached_after_error = 0;   /* bumped by code that must not run */
static int c_depth = 0;

static int raise_luaL_error(lua_State *L)
{
  luaL_error(L, "raised %s %d %f %c", "with", 42, 1.5, 'x');
  reached_after_error++;
  return 0;
}

static int raise_table(lua_State *L)
{
  lua_newtable(L);
  lua_pushinteger(L, 7);
  lua_setfield(L, -2, "code");
  lua_error(L);
  reached_after_error++;
  return 0;
}

static int raise_argerror(lua_State *L)
{
  luaL_argerror(L, 2, "custom problem");
  reached_after_error++;
  return 0;
}

static int wants_number(lua_State *L)
{
  lua_Number n = luaL_checknumber(L, 1);
  lua_pushnumber(L, n * 2);
  return 1;
}

static int wants_table(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  return 0;
}

static int wants_any(lua_State *L)
{
  luaL_checkany(L, 2);
  return 0;
}

static int wants_option(lua_State *L)
{
  static const char *const opts[] = { "alpha", "beta", NULL };
  lua_pushinteger(L, luaL_checkoption(L, 1, "beta", opts));
  return 1;
}

static int typerror_fn(lua_State *L)
{
  return luaL_typerror(L, 1, "widget");
}

static int method(lua_State *L)
{
  luaL_checknumber(L, 1);          /* self must be a number: it is not */
  return 0;
}

/* C frame in the middle: calls its argument (a Lua function) and records
** whether control came back. */
static int middle(lua_State *L)
{
  volatile int marker = 12345;
  c_depth++;
  lua_call(L, lua_gettop(L) - 1, 0);
  reached_after_error++;           /* the callee raises: never here */
  c_depth--;
  return marker;
}

/* Uses lua_pcall itself, in the middle of the stack. */
static int catches_inside(lua_State *L)
{
  int st;
  lua_pushcfunction(L, raise_luaL_error);
  st = lua_pcall(L, 0, 0, 0);
  lua_pushinteger(L, st);
  lua_insert(L, -2);
  return 2;                        /* status, message */
}

static int recurse_c(lua_State *L)
{
  lua_getglobal(L, "recurse_lua");
  lua_call(L, 0, 0);
  reached_after_error++;
  return 0;
}

static int where_fn(lua_State *L)
{
  luaL_where(L, 1);
  return 1;
}

static int my_panic(lua_State *L) { (void)L; return 0; }

int main(void)
{
  lua_State *L = luaL_newstate();
  int st, i, top;
  if (!L) return 1;
  luaL_openlibs(L);
  lua_register(L, "raise_luaL_error", raise_luaL_error);
  lua_register(L, "raise_table", raise_table);
  lua_register(L, "raise_argerror", raise_argerror);
  lua_register(L, "wants_number", wants_number);
  lua_register(L, "wants_table", wants_table);
  lua_register(L, "wants_any", wants_any);
  lua_register(L, "wants_option", wants_option);
  lua_register(L, "typerror_fn", typerror_fn);
  lua_register(L, "middle", middle);
  lua_register(L, "catches_inside", catches_inside);
  lua_register(L, "recurse_c", recurse_c);
  lua_register(L, "where_fn", where_fn);

  tu_section("errors from C caught by lua_pcall");
  lua_pushcfunction(L, raise_luaL_error);
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  /* called directly from C: no Lua position to prepend */
  CHECK_STR(lua_tostring(L, -1), "raised with 42 1.5 x");
  lua_settop(L, 0);
  lua_pushcfunction(L, raise_table);
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK(lua_istable(L, -1));
  lua_getfield(L, -1, "code");
  CHECK_INT(lua_tointeger(L, -1), 7);
  lua_settop(L, 0);
  lua_pushcfunction(L, raise_argerror);
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "bad argument #2 to '?' (custom problem)");
  lua_settop(L, 0);

  tu_section("errors from C caught by Lua pcall, with positions");
  CHECK_LUA(L, "local ok, e = pcall(raise_luaL_error)\n"
               "return ok == false and e == 'raised with 42 1.5 x'");
  CHECK_LUA(L, "local ok, e = pcall(function()\n"
               "  raise_luaL_error()\n"
               "end)\n"
               "return e == 'test:2: raised with 42 1.5 x'");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = raise_argerror(1, 2) end)\n"
               "return e == \"test:1: bad argument #2 to 'raise_argerror' (custom problem)\"");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = wants_number('abc') end)\n"
               "return e == \"test:1: bad argument #1 to 'wants_number' (number expected, got string)\"");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = wants_number() end)\n"
               "return e == \"test:1: bad argument #1 to 'wants_number' (number expected, got no value)\"");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = wants_table(1) end)\n"
               "return e == \"test:1: bad argument #1 to 'wants_table' (table expected, got number)\"");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = wants_any(1) end)\n"
               "return e == \"test:1: bad argument #2 to 'wants_any' (value expected)\"");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = wants_option('gamma') end)\n"
               "return e == \"test:1: bad argument #1 to 'wants_option' (invalid option 'gamma')\"");
  CHECK_LUA(L, "return wants_option() == 1 and wants_option('alpha') == 0");
  CHECK_LUA(L, "local ok, e = pcall(function() local x = typerror_fn({}) end)\n"
               "return e == \"test:1: bad argument #1 to 'typerror_fn' (widget expected, got table)\"");
  CHECK_LUA(L, "local ok, e = pcall(raise_table) return type(e) == 'table' and e.code == 7");
  lua_pushcfunction(L, method);
  lua_setglobal(L, "method_fn");
  CHECK_LUA(L, "local obj = {m = method_fn}\n"
               "local ok, e = pcall(function() obj:m() end)\n"
               "return e == \"test:2: calling 'm' on bad self (number expected, got table)\"");
  /* level 0 is the running C function, level 1 its Lua caller */
  CHECK_LUA(L, "return where_fn() == 'test:1: '");
  CHECK_LUA(L, "local function f()\n local s = where_fn(); return s end return f() == 'test:2: '");

  tu_section("unwinding through intermediate C frames");
  reached_after_error = 0;
  CHECK_LUA(L, "local ok, e = pcall(middle, function() error('from lua', 0) end)\n"
               "return not ok and e == 'from lua'");
  CHECK_LUA(L, "local ok, e = pcall(middle, raise_luaL_error) return e == 'raised with 42 1.5 x'");
  CHECK_LUA(L, "local ok, e = pcall(middle, middle, middle, function() local x = nil; return x.y end)\n"
               "return not ok and e:find('attempt to index') ~= nil");
  CHECK_INT(reached_after_error, 0);
  c_depth = 0;
  luaL_loadstring(L, "middle(middle, middle, middle, raise_argerror)");
  st = lua_pcall(L, 0, 0, 0);
  CHECK_INT(st, LUA_ERRRUN);
  CHECK_INT(reached_after_error, 0);
  CHECK_INT(c_depth, 4);               /* four C frames were abandoned */
  CHECK_INT(lua_gettop(L), 1);
  lua_settop(L, 0);
  CHECK_LUA(L, "local st, msg = catches_inside()\n"
               "return st == 2 and msg == 'raised with 42 1.5 x'");
  CHECK_LUA(L, "local ok, e = pcall(middle, function()\n"
               "  local ok2, e2 = pcall(middle, raise_table)\n"
               "  assert(not ok2 and e2.code == 7)\n"
               "  error('outer', 0)\n"
               "end)\n"
               "return e == 'outer'");

  tu_section("errors inside metamethods implemented in C");
  RUN(L, "bad = setmetatable({}, {__index = raise_luaL_error, __add = raise_table})");
  CHECK_LUA(L, "local ok, e = pcall(function() return bad.field end)\n"
               "return not ok and e:find('raised with 42', 1, true) ~= nil");
  CHECK_LUA(L, "local ok, e = pcall(function() return bad + 1 end)\n"
               "return not ok and e.code == 7");

  tu_section("C stack overflow through Lua -> C -> Lua recursion");
  RUN(L, "function recurse_lua() recurse_c() end");
  reached_after_error = 0;
  CHECK_LUA(L, "local ok, e = pcall(recurse_lua)\n"
               "return not ok and tostring(e):find('stack overflow') ~= nil");
  CHECK_INT(reached_after_error, 0);
  CHECK_LUA(L, "return (pcall(recurse_lua)) == false");   /* state still usable */

  tu_section("many errors do not leak stack or memory");
  top = lua_gettop(L);
  lua_gc(L, LUA_GCCOLLECT, 0);
  {
    int kb_before = lua_gc(L, LUA_GCCOUNT, 0);
    int rounds = tu_scale(20000);
    for (i = 0; i < rounds; i++) {
      lua_pushcfunction(L, (i & 1) ? raise_luaL_error : raise_table);
      st = lua_pcall(L, 0, 0, 0);
      if (st != LUA_ERRRUN) break;
      lua_pop(L, 1);
    }
    CHECK_INT(i, rounds);
    CHECK_INT(lua_gettop(L), top);
    lua_pushinteger(L, rounds);
    lua_setglobal(L, "rounds");
    RUN(L, "for i = 1, rounds do pcall(middle, raise_argerror) end");
    lua_gc(L, LUA_GCCOLLECT, 0);
    CHECK(lua_gc(L, LUA_GCCOUNT, 0) < kb_before + 64);
  }
  CHECK_INT(reached_after_error, 0);

  tu_section("lua_atpanic returns the previous handler");
  {
    lua_CFunction old = lua_atpanic(L, my_panic);
    CHECK(lua_atpanic(L, old) == my_panic);
  }

  lua_close(L);
  return tu_finish("errors");
}
