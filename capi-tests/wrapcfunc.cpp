// LUAJIT_MODE_WRAPCFUNC with the wrapper of LuaJIT's documentation (catch
// const char *, std::exception and ...): C++ exceptions thrown by C
// functions become Lua errors that pcall catches with their message, Lua
// errors raised inside a wrapped function may be caught by the wrapper's
// catch (...) (and then replaced by its own error), yields pass through,
// and the off state calls C functions directly again.
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include "lua.hpp"

static int checks = 0, failures = 0;
static void check(bool ok, const char *what, int line)
{
  checks++;
  if (!ok) failures++;
  std::printf("  %s  %s%s\n", ok ? "ok  " : "FAIL", what, ok ? "" : "  (failed)");
  if (!ok) std::printf("        at wrapcfunc.cpp:%d\n", line);
  std::fflush(stdout);
}
#define CHECK(c) check((c), #c, __LINE__)

static int wrapper_calls = 0;
static int wrapper_catch_all = 0;

// The wrapper as LuaJIT's "Lua/C API extensions" page shows it.
static int documented_wrapper(lua_State *L, lua_CFunction f)
{
  wrapper_calls++;
  try {
    return f(L);
  } catch (const char *s) {
    lua_pushstring(L, s);
  } catch (std::exception &e) {
    lua_pushstring(L, e.what());
  } catch (...) {
    wrapper_catch_all++;
    lua_pushliteral(L, "caught (...)");
  }
  return lua_error(L);
}

struct custom_error : std::runtime_error {
  explicit custom_error(const std::string &m) : std::runtime_error(m) {}
};

static int destroyed = 0;
struct Guard {
  ~Guard() { destroyed++; }
};

extern "C" {
static int throws_runtime_error(lua_State *L)
{
  Guard g;
  throw std::runtime_error(std::string("runtime: ") + luaL_optstring(L, 1, "none"));
}
static int throws_logic_error(lua_State *)
{
  throw std::out_of_range("index out of range in C++");
}
static int throws_custom(lua_State *)
{
  throw custom_error("custom subclass");
}
static int throws_bad_alloc(lua_State *)
{
  throw std::bad_alloc();
}
static int throws_c_string(lua_State *)
{
  throw "thrown const char *";
}
static int throws_int(lua_State *)
{
  throw 42;
}
static int raises_lua_error(lua_State *L)
{
  Guard g;
  return luaL_error(L, "plain Lua error %d", 7);
}
static int checks_integer(lua_State *L)
{
  lua_pushinteger(L, luaL_checkinteger(L, 1) * 2);
  return 1;
}
static int returns_two(lua_State *L)
{
  lua_pushinteger(L, 1);
  lua_pushstring(L, "two");
  return 2;
}
static int calls_back_into_lua(lua_State *L)
{
  // A Lua function called from a wrapped C function, which itself calls
  // a throwing C function: the inner wrapper converts the exception.
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  return 1;
}
// Its results after the resume are the values passed to the resume.
static int yields_two(lua_State *L)
{
  lua_pushinteger(L, 10);
  lua_pushinteger(L, 20);
  return lua_yield(L, 2);
}
}

static std::string run(lua_State *L, const char *code)
{
  if (luaL_dostring(L, code) != 0) {
    std::string e = lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)";
    lua_settop(L, 0);
    std::printf("        error: %s\n", e.c_str());
    return "error: " + e;
  }
  std::string r = lua_gettop(L) > 0 && lua_tostring(L, -1) ? lua_tostring(L, -1) : "";
  lua_settop(L, 0);
  return r;
}

int main()
{
  lua_State *L = luaL_newstate();
  if (!L) return 1;
  luaL_openlibs(L);
  lua_register(L, "throws_runtime_error", throws_runtime_error);
  lua_register(L, "throws_logic_error", throws_logic_error);
  lua_register(L, "throws_custom", throws_custom);
  lua_register(L, "throws_bad_alloc", throws_bad_alloc);
  lua_register(L, "throws_c_string", throws_c_string);
  lua_register(L, "throws_int", throws_int);
  lua_register(L, "raises_lua_error", raises_lua_error);
  lua_register(L, "checks_integer", checks_integer);
  lua_register(L, "returns_two", returns_two);
  lua_register(L, "calls_back_into_lua", calls_back_into_lua);
  lua_register(L, "yields_two", yields_two);

  std::printf("turning the wrapper on needs it as a light userdata at idx\n");
  CHECK(luaJIT_setmode(L, 0, LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_ON) == 0);
  lua_pushinteger(L, 1);
  CHECK(luaJIT_setmode(L, -1, LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_ON) == 0);
  lua_pop(L, 1);
  wrapper_calls = 0;
  CHECK(run(L, "return (returns_two())") == "1");
  CHECK(wrapper_calls == 0);
  lua_pushlightuserdata(L, (void *)documented_wrapper);
  CHECK(luaJIT_setmode(L, -1, LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_ON) == 1);
  lua_pop(L, 1);
  CHECK(lua_gettop(L) == 0);

  std::printf("results of wrapped C functions come through\n");
  wrapper_calls = 0;
  CHECK(run(L, "local a, b = returns_two() return a .. b .. select('#', returns_two())") == "1two2");
  CHECK(wrapper_calls == 2);
  CHECK(run(L, "return checks_integer(21)") == "42");

  std::printf("pcall gets the message of std::exception subclasses\n");
  destroyed = 0;
  CHECK(run(L, "local ok, e = pcall(throws_runtime_error, 'x') return tostring(ok) .. '|' .. e")
        == "false|runtime: x");
  CHECK(destroyed == 1);
  CHECK(run(L, "local ok, e = pcall(throws_logic_error) return tostring(ok) .. '|' .. e")
        == "false|index out of range in C++");
  CHECK(run(L, "local ok, e = pcall(throws_custom) return tostring(ok) .. '|' .. e")
        == "false|custom subclass");
  CHECK(run(L, "local ok, e = pcall(throws_bad_alloc) return tostring(ok) .. '|' .. e")
        == "false|std::bad_alloc");
  CHECK(run(L, "local ok, e = pcall(throws_c_string) return tostring(ok) .. '|' .. e")
        == "false|thrown const char *");
  wrapper_catch_all = 0;
  CHECK(run(L, "local ok, e = pcall(throws_int) return tostring(ok) .. '|' .. e")
        == "false|caught (...)");
  CHECK(wrapper_catch_all == 1);

  std::printf("the message is a plain string error: no position is added\n");
  CHECK(run(L, "local ok, e = pcall(function() local x = throws_custom() end) return e")
        == "custom subclass");
  CHECK(run(L, "local ok, e = xpcall(throws_custom, function(m) return 'handled: ' .. m end) return e")
        == "handled: custom subclass");

  std::printf("a Lua error inside a wrapped function meets the wrapper's catch (...)\n");
  destroyed = 0;
  wrapper_catch_all = 0;
  CHECK(run(L, "local ok, e = pcall(raises_lua_error) return tostring(ok) .. '|' .. e")
        == "false|caught (...)");
  CHECK(wrapper_catch_all == 1);
  CHECK(destroyed == 1);
  CHECK(run(L, "local ok, e = pcall(checks_integer, 'nope') return tostring(ok) .. '|' .. e")
        == "false|caught (...)");
  for (int i = 0; i < 200; i++) run(L, "pcall(raises_lua_error) pcall(throws_custom)");
  CHECK(run(L, "return checks_integer(5)") == "10");

  std::printf("wrapped functions calling Lua calling wrapped functions\n");
  // The inner wrapper turns the exception into a Lua error, which then
  // crosses the outer wrapped function: its catch (...) replaces it.
  CHECK(run(L, "local ok, e = pcall(calls_back_into_lua, function() return throws_custom() end)"
               " return tostring(ok) .. '|' .. e") == "false|caught (...)");
  CHECK(run(L, "local ok, e = pcall(calls_back_into_lua, function() return pcall(throws_custom) end)"
               " return tostring(ok) .. '|' .. tostring(e)") == "true|false");
  CHECK(run(L, "return calls_back_into_lua(function() return 'inner' end)") == "inner");
  CHECK(run(L, "local ok, e = pcall(calls_back_into_lua, function() error('from Lua') end)"
               " return tostring(ok) .. '|' .. e") == "false|caught (...)");

  std::printf("coroutines: errors inside, yields through the wrapper\n");
  CHECK(run(L, "local co = coroutine.create(function() throws_custom() end)"
               " local ok, e = coroutine.resume(co) return tostring(ok) .. '|' .. e .. '|' .. coroutine.status(co)")
        == "false|custom subclass|dead");
  CHECK(run(L, "local co = coroutine.wrap(function() local a, b = yields_two() return a + b end)"
               " local x, y = co() return x .. ',' .. y .. ',' .. co(1, 2)") == "10,20,3");

  std::printf("lua_pcall from C of a throwing C function\n");
  lua_pushcfunction(L, throws_custom);
  CHECK(lua_pcall(L, 0, 0, 0) == LUA_ERRRUN && std::strcmp(lua_tostring(L, -1), "custom subclass") == 0);
  lua_settop(L, 0);

  std::printf("turned off: C functions are called directly again\n");
  CHECK(luaJIT_setmode(L, 0, LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_OFF) == 1);
  wrapper_calls = 0;
  CHECK(run(L, "return checks_integer(4)") == "8");
  CHECK(run(L, "local ok, e = pcall(throws_custom) return tostring(ok) .. '|' .. e")
        == "false|C++ exception");
  CHECK(run(L, "local ok, e = pcall(raises_lua_error) return tostring(ok) .. '|' .. e")
        == "false|plain Lua error 7");
  CHECK(wrapper_calls == 0);
  CHECK(luaJIT_setmode(L, 0, LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_ON) == 0);
  CHECK(run(L, "return checks_integer(4)") == "8");
  CHECK(wrapper_calls == 0);

  std::printf("and on again\n");
  lua_pushlightuserdata(L, (void *)documented_wrapper);
  CHECK(luaJIT_setmode(L, 1, LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_ON) == 1);
  lua_pop(L, 1);
  CHECK(run(L, "local ok, e = pcall(throws_runtime_error, 'again') return e") == "runtime: again");
  CHECK(wrapper_calls == 1);

  lua_close(L);
  std::printf("wrapcfunc: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
