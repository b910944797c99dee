/*
** lualib.h -- names and entry points of the standard libraries.
**
** Part of a Rust reimplementation of LuaJIT 2.1; matches LuaJIT's lualib.h.
*/

#ifndef _LUALIB_H
#define _LUALIB_H

#include "lua.h"

/* Registry name of the metatable shared by io library file handles. */
#define LUA_FILEHANDLE	"FILE*"

/* Global names under which luaL_openlibs installs each library. */
#define LUA_COLIBNAME	"coroutine"
#define LUA_MATHLIBNAME	"math"
#define LUA_STRLIBNAME	"string"
#define LUA_TABLIBNAME	"table"
#define LUA_IOLIBNAME	"io"
#define LUA_OSLIBNAME	"os"
#define LUA_LOADLIBNAME	"package"
#define LUA_DBLIBNAME	"debug"
#define LUA_BITLIBNAME	"bit"
#define LUA_JITLIBNAME	"jit"
#define LUA_FFILIBNAME	"ffi"

/* Each opener builds its library table and returns 1. Call them through
** lua_call (or lua_cpcall), not directly, so that they run in a Lua frame.
** luaopen_base also opens the coroutine library. */
LUALIB_API int luaopen_base(lua_State *L);
LUALIB_API int luaopen_math(lua_State *L);
LUALIB_API int luaopen_string(lua_State *L);
LUALIB_API int luaopen_table(lua_State *L);
LUALIB_API int luaopen_io(lua_State *L);
LUALIB_API int luaopen_os(lua_State *L);
LUALIB_API int luaopen_package(lua_State *L);
LUALIB_API int luaopen_debug(lua_State *L);
LUALIB_API int luaopen_bit(lua_State *L);
LUALIB_API int luaopen_jit(lua_State *L);
LUALIB_API int luaopen_ffi(lua_State *L);
LUALIB_API int luaopen_string_buffer(lua_State *L);

/* Opens every library above into the globals of L. */
LUALIB_API void luaL_openlibs(lua_State *L);

/* A no-op unless luaconf.h was told to use assert(). */
#ifndef lua_assert
#define lua_assert(x)	((void)0)
#endif

#endif
