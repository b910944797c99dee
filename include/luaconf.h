/*
** luaconf.h -- build-time configuration of the Lua 5.1 / LuaJIT 2.1 C API.
**
** Part of a Rust reimplementation of LuaJIT 2.1. The values below are part
** of the binary interface shared with LuaJIT: C code compiled against this
** header must work with LuaJIT's library and the other way round.
*/

#ifndef luaconf_h
#define luaconf_h

#ifndef WINVER
#define WINVER 0x0501
#endif
#include <limits.h>
#include <stddef.h>

/* ------------------------------------------------------------------------
** Search paths used by require() when LUA_PATH / LUA_CPATH are not set.
** ---------------------------------------------------------------------- */
#if defined(_WIN32)
/* A '!' in a Windows path stands for the directory of the executable. */
#define LUA_LDIR	"!\\lua\\"
#define LUA_CDIR	"!\\"
#define LUA_PATH_DEFAULT \
  ".\\?.lua;" LUA_LDIR "?.lua;" LUA_LDIR "?\\init.lua;"
#define LUA_CPATH_DEFAULT \
  ".\\?.dll;" LUA_CDIR "?.dll;" LUA_CDIR "loadall.dll"
#else
/* Library directory names; a distribution overrides them with -D. */
#ifndef LUA_MULTILIB
#define LUA_MULTILIB	"lib"
#endif
#ifndef LUA_LMULTILIB
#define LUA_LMULTILIB	"lib"
#endif
#define LUA_LROOT	"/usr/local"
#define LUA_LUADIR	"/lua/5.1/"
#define LUA_LJDIR	"/luajit-2.1.0-beta3/"

/* LUA_ROOT (the install prefix) adds a second set of directories. */
#ifdef LUA_ROOT
#define LUA_JROOT	LUA_ROOT
#define LUA_RLDIR	LUA_ROOT "/share" LUA_LUADIR
#define LUA_RCDIR	LUA_ROOT "/" LUA_MULTILIB LUA_LUADIR
#define LUA_RLPATH	";" LUA_RLDIR "?.lua;" LUA_RLDIR "?/init.lua"
#define LUA_RCPATH	";" LUA_RCDIR "?.so"
#else
#define LUA_JROOT	LUA_LROOT
#define LUA_RLPATH
#define LUA_RCPATH
#endif

#define LUA_JPATH	";" LUA_JROOT "/share" LUA_LJDIR "?.lua"
#define LUA_LLDIR	LUA_LROOT "/share" LUA_LUADIR
#define LUA_LCDIR	LUA_LROOT "/" LUA_LMULTILIB LUA_LUADIR
#define LUA_LLPATH	";" LUA_LLDIR "?.lua;" LUA_LLDIR "?/init.lua"
#define LUA_LCPATH1	";" LUA_LCDIR "?.so"
#define LUA_LCPATH2	";" LUA_LCDIR "loadall.so"

#define LUA_PATH_DEFAULT	"./?.lua" LUA_JPATH LUA_LLPATH LUA_RLPATH
#define LUA_CPATH_DEFAULT	"./?.so" LUA_LCPATH1 LUA_RCPATH LUA_LCPATH2
#endif

/* Environment variables consulted by the package library and the
** standalone interpreter. */
#define LUA_PATH	"LUA_PATH"
#define LUA_CPATH	"LUA_CPATH"
#define LUA_INIT	"LUA_INIT"

/* Characters with a special meaning inside search paths. */
#if defined(_WIN32)
#define LUA_DIRSEP	"\\"
#else
#define LUA_DIRSEP	"/"
#endif
#define LUA_PATHSEP	";"
#define LUA_PATH_MARK	"?"
#define LUA_EXECDIR	"!"
#define LUA_IGMARK	"-"
/* The same five strings, newline-separated, as package.config exposes them. */
#define LUA_PATH_CONFIG \
  LUA_DIRSEP "\n" LUA_PATHSEP "\n" LUA_PATH_MARK "\n" \
  LUA_EXECDIR "\n" LUA_IGMARK "\n"

/* How names are quoted inside error messages. */
#define LUA_QL(x)	"'" x "'"
#define LUA_QS		LUA_QL("%s")

/* Limits and tuning knobs. */
#define LUAI_MAXSTACK	65500	/* stack slots of one coroutine */
#define LUAI_MAXCSTACK	8000	/* stack slots one C function may claim */
#define LUAI_GCPAUSE	200	/* wait until memory use doubled (percent) */
#define LUAI_GCMUL	200	/* collector speed relative to allocation */
#define LUA_MAXCAPTURES	32	/* captures in one string pattern */

/* Settings read only by the standalone interpreter's own source. */
#if defined(luajit_c)
#define LUA_PROGNAME	"luajit"
#define LUA_PROMPT	"> "
#define LUA_PROMPT2	">> "
#define LUA_MAXINPUT	512
#endif

/* ------------------------------------------------------------------------
** Everything below fixes the Lua 5.1 ABI. Do not change any of it.
** ---------------------------------------------------------------------- */
#define LUA_INTEGER	ptrdiff_t
#define LUA_IDSIZE	60	/* bytes in lua_Debug.short_src */
/*
** Bytes in the on-stack array of luaL_Buffer. Lua 5.1 tied this to BUFSIZ;
** where BUFSIZ is huge the size is capped at 8K so that buffers on the C
** stack stay small, which is what LuaJIT does too.
*/
#define LUAL_BUFFERSIZE	(BUFSIZ > 16384 ? 8192 : BUFSIZ)

/* Kept for source compatibility with PUC Lua's luaconf.h. A lua_Number is
** always a C double here. */
#define LUA_NUMBER_DOUBLE
#define LUA_NUMBER		double
#define LUAI_UACNUMBER		double
#define LUA_NUMBER_SCAN		"%lf"
#define LUA_NUMBER_FMT		"%.14g"
#define lua_number2str(s, n)	sprintf((s), LUA_NUMBER_FMT, (n))
#define LUAI_MAXNUMBER2STR	32
#define LUA_INTFRMLEN		"l"
#define LUA_INTFRM_T		long

/* Storage class of the exported API functions. */
#if defined(LUA_BUILD_AS_DLL)
#if defined(LUA_CORE) || defined(LUA_LIB)
#define LUA_API		__declspec(dllexport)
#else
#define LUA_API		__declspec(dllimport)
#endif
#else
#define LUA_API		extern
#endif

#define LUALIB_API	LUA_API

/* Optional assertion hooks for code that wants them. */
#if defined(LUA_USE_ASSERT) || defined(LUA_USE_APICHECK)
#include <assert.h>
#endif
#ifdef LUA_USE_ASSERT
#define lua_assert(x)		assert(x)
#endif
#ifdef LUA_USE_APICHECK
#define luai_apicheck(L, o)	{ (void)L; assert(o); }
#else
#define luai_apicheck(L, o)	{ (void)L; }
#endif

#endif
