/* The C API functions with C variadic arguments (lua_pushfstring,
 * lua_pushvfstring, luaL_error). Stable Rust cannot define or consume C
 * variadics, so these few live in C and build on the rest of the API.
 * Only the conversions the Lua API documents are supported:
 * %% %s %d %f %p %c (plus LuaJIT's %u/%x are not part of it). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stddef.h>

typedef struct lua_State lua_State;
typedef double lua_Number;

extern void lua_pushlstring(lua_State *L, const char *s, size_t len);
extern void lua_pushstring(lua_State *L, const char *s);
extern void lua_pushnumber(lua_State *L, lua_Number n);
extern void lua_concat(lua_State *L, int n);
extern const char *lua_tolstring(lua_State *L, int idx, size_t *len);
extern int lua_checkstack(lua_State *L, int sz);
extern int lua_error(lua_State *L);
extern void luaL_where(lua_State *L, int lvl);
extern void ljrs_api_fatal(lua_State *L, const char *what);

const char *lua_pushvfstring(lua_State *L, const char *fmt, va_list argp)
{
  int pieces = 0;
  const char *p;
  while ((p = strchr(fmt, '%')) != NULL) {
    if (!lua_checkstack(L, 3)) ljrs_api_fatal(L, "lua_pushvfstring: stack overflow");
    if (p > fmt) { lua_pushlstring(L, fmt, (size_t)(p - fmt)); pieces++; }
    switch (p[1]) {
    case 's': {
      const char *s = va_arg(argp, const char *);
      lua_pushstring(L, s ? s : "(null)");
      break;
    }
    case 'c': {
      char c = (char)va_arg(argp, int);
      lua_pushlstring(L, &c, 1);
      break;
    }
    case 'd':
      lua_pushnumber(L, (lua_Number)va_arg(argp, int));
      break;
    case 'f':
      lua_pushnumber(L, (lua_Number)va_arg(argp, double));
      break;
    case 'p': {
      char buf[40];
      void *ptr = va_arg(argp, void *);
      int n = snprintf(buf, sizeof(buf), "%p", ptr);
      if (ptr == NULL) n = snprintf(buf, sizeof(buf), "NULL");
      lua_pushlstring(L, buf, (size_t)n);
      break;
    }
    case '%':
      lua_pushlstring(L, "%", 1);
      break;
    case '\0':
      lua_pushlstring(L, "%", 1);
      pieces++;
      fmt = p + 1;
      goto done;
    default: {
      char buf[2] = { '%', p[1] };
      lua_pushlstring(L, buf, 2);
      break;
    }
    }
    pieces++;
    fmt = p + 2;
  }
done:
  lua_pushstring(L, fmt);
  pieces++;
  if (pieces > 1) lua_concat(L, pieces);
  return lua_tolstring(L, -1, NULL);
}

const char *lua_pushfstring(lua_State *L, const char *fmt, ...)
{
  const char *s;
  va_list argp;
  va_start(argp, fmt);
  s = lua_pushvfstring(L, fmt, argp);
  va_end(argp);
  return s;
}

int luaL_error(lua_State *L, const char *fmt, ...)
{
  va_list argp;
  va_start(argp, fmt);
  luaL_where(L, 1);
  lua_pushvfstring(L, fmt, argp);
  va_end(argp);
  lua_concat(L, 2);
  return lua_error(L);
}
