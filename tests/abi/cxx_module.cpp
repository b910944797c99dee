// A Lua C module written in C++, for scripts/check-abi: loaded with require
// into a pure C program (tests/abi/c_host.c) that has no C++ runtime of its
// own, it brings libstdc++ along, and its exceptions must still become Lua
// errors at pcall.
#include <stdexcept>
#include "lua.hpp"

static int throws(lua_State *L)
{
  (void)L;
  throw std::runtime_error("from the C++ module");
}

static int adds(lua_State *L)
{
  lua_pushnumber(L, luaL_checknumber(L, 1) + luaL_checknumber(L, 2));
  return 1;
}

extern "C" int luaopen_cxx_module(lua_State *L)
{
  static const luaL_Reg funcs[] = {{"throws", throws}, {"adds", adds}, {NULL, NULL}};
  luaL_register(L, "cxx_module", funcs);
  return 1;
}
