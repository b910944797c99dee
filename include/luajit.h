/*
** luajit.h -- LuaJIT-specific C API: version, JIT control, profiler.
**
** Part of a Rust reimplementation of LuaJIT 2.1. The version macros keep
** LuaJIT's values because modules test them to detect LuaJIT.
*/

#ifndef _LUAJIT_H
#define _LUAJIT_H

#include "lua.h"

/* This library also provides OpenResty's extensions (see lua.h), and C code
** detects those through this macro. */
#define OPENRESTY_LUAJIT

#define LUAJIT_VERSION		"LuaJIT 2.1.0-beta3"
#define LUAJIT_VERSION_NUM	20100	/* major*10000 + minor*100 + patch */
#define LUAJIT_VERSION_SYM	luaJIT_version_2_1_0_beta3
#define LUAJIT_COPYRIGHT	"Copyright (C) 2005-2022 Mike Pall"
#define LUAJIT_URL		"https://luajit.org/"

/* luaJIT_setmode: the low byte of 'mode' selects what to change ... */
#define LUAJIT_MODE_MASK	0x00ff

enum {
  LUAJIT_MODE_ENGINE,		/* the whole JIT compiler */
  LUAJIT_MODE_DEBUG,		/* debug mode; idx is the level */
  LUAJIT_MODE_FUNC,		/* one function (idx: stack slot or level) */
  LUAJIT_MODE_ALLFUNC,		/* a function and all its sub-functions */
  LUAJIT_MODE_ALLSUBFUNC,	/* only the sub-functions */
  LUAJIT_MODE_TRACE,		/* flush one trace (idx: trace number) */
  LUAJIT_MODE_WRAPCFUNC = 0x10,	/* wrapper called around C functions */
  LUAJIT_MODE_MAX
};

/* ... and these bits, or'ed in, say what to do with it. */
#define LUAJIT_MODE_OFF		0x0000
#define LUAJIT_MODE_ON		0x0100
#define LUAJIT_MODE_FLUSH	0x0200

/* Returns 1 on success, 0 on failure. */
LUA_API int luaJIT_setmode(lua_State *L, int idx, int mode);

/* Sampling profiler (see LuaJIT's ext_profiler documentation). The callback
** runs at safe points with the number of samples taken and the VM state
** character ('N', 'I', 'C', 'G', 'J') that was current. */
typedef void (*luaJIT_profile_callback)(void *data, lua_State *L,
                                        int samples, int vmstate);
LUA_API void luaJIT_profile_start(lua_State *L, const char *mode,
                                  luaJIT_profile_callback cb, void *data);
LUA_API void luaJIT_profile_stop(lua_State *L);
LUA_API const char *luaJIT_profile_dumpstack(lua_State *L, const char *fmt,
                                             int depth, size_t *len);

#endif
