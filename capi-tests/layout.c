/*
** The C API structs as the library fills and reads them, seen through the
** installed headers: every lua_Debug and luaL_Buffer field is found where
** the header puts it, in structs filled by C and in structs the library
** makes itself (the hook's lua_Debug), and the library writes nothing
** outside sizeof(struct). (src/layout.rs checks the same layouts at
** compile time; this checks the built library.)
*/
#include "testutil.h"

#define GUARD_BYTE 0x5a
#define GUARD_SIZE 64

/* A struct with guard bytes on both sides. */
#define GUARDED(type) struct { unsigned char before[GUARD_SIZE]; type s; unsigned char after[GUARD_SIZE]; }

static int guard_intact(const unsigned char *g)
{
  int i;
  for (i = 0; i < GUARD_SIZE; i++)
    if (g[i] != GUARD_BYTE) return 0;
  return 1;
}

static const char *const chunk =
  "local up = 0\n"                     /* line 1 */
  "function f(a)\n"                     /* line 2 */
  "  up = up + a\n"                     /* line 3 */
  "  return up\n"                       /* line 4 */
  "end\n";                              /* line 5 */

static void check_getinfo(lua_State *L)
{
  GUARDED(lua_Debug) g;
  memset(&g, GUARD_BYTE, sizeof g);
  g.s.event = 12345;
  lua_getglobal(L, "f");
  CHECK(lua_getinfo(L, ">nSlu", &g.s));
  CHECK_INT(g.s.event, 12345);
  CHECK_STR(g.s.what, "Lua");
  CHECK_STR(g.s.source, "=layout");
  CHECK_STR(g.s.short_src, "layout");
  CHECK_INT(g.s.currentline, -1);
  CHECK_INT(g.s.nups, 1);
  CHECK_INT(g.s.linedefined, 2);
  CHECK_INT(g.s.lastlinedefined, 5);
  CHECK(g.s.name == NULL);
  CHECK_STR(g.s.namewhat, "");
  CHECK(guard_intact(g.before));
  CHECK(guard_intact(g.after));
}

/* Lines the hook saw, read from the library's own lua_Debug. */
static int hook_lines[16], hook_nlines, hook_bad_event;

static void line_hook(lua_State *L, lua_Debug *ar)
{
  GUARDED(lua_Debug) g;
  if (ar->event != LUA_HOOKLINE) { hook_bad_event = 1; return; }
  if (hook_nlines < 16) hook_lines[hook_nlines++] = ar->currentline;
  /* The private part (i_ci) the library wrote lets lua_getinfo find the
  ** frame again, here from a copy inside C's own struct. */
  memset(&g, GUARD_BYTE, sizeof g);
  g.s = *ar;
  if (!lua_getinfo(L, "S", &g.s) || strcmp(g.s.what, "Lua") != 0 ||
      g.s.linedefined != 2 || !guard_intact(g.before) || !guard_intact(g.after))
    hook_bad_event = 1;
}

static void check_hook(lua_State *L)
{
  lua_sethook(L, line_hook, LUA_MASKLINE, 0);
  lua_getglobal(L, "f");
  lua_pushinteger(L, 7);
  CHECK_INT(lua_pcall(L, 1, 1, 0), 0);
  lua_sethook(L, NULL, 0, 0);
  CHECK_INT(lua_tointeger(L, -1), 7);
  lua_pop(L, 1);
  CHECK_INT(hook_bad_event, 0);
  CHECK_INT(hook_nlines, 2);
  CHECK_INT(hook_lines[0], 3);
  CHECK_INT(hook_lines[1], 4);
}

static void check_buffer(lua_State *L)
{
  GUARDED(luaL_Buffer) g;
  size_t i, len;
  const char *s;
  int ok = 1;
  memset(&g, GUARD_BYTE, sizeof g);
  luaL_buffinit(L, &g.s);
  CHECK(g.s.p == g.s.buffer);
  CHECK(g.s.L == L);
  CHECK_INT(g.s.lvl, 0);
  /* The macros write through p into buffer; the functions flush it. */
  luaL_addchar(&g.s, '<');
  luaL_addlstring(&g.s, "abc", 3);
  for (i = 0; i < 2 * (size_t)LUAL_BUFFERSIZE; i++) luaL_addchar(&g.s, (char)('a' + i % 26));
  lua_pushliteral(L, ">");
  luaL_addvalue(&g.s);
  luaL_pushresult(&g.s);
  s = lua_tolstring(L, -1, &len);
  CHECK_INT(len, 2 * (size_t)LUAL_BUFFERSIZE + 5);
  CHECK(memcmp(s, "<abc", 4) == 0 && s[len - 1] == '>');
  for (i = 0; i < 2 * (size_t)LUAL_BUFFERSIZE; i++)
    if (s[4 + i] != (char)('a' + i % 26)) ok = 0;
  CHECK(ok);
  lua_pop(L, 1);
  CHECK(guard_intact(g.before));
  CHECK(guard_intact(g.after));
}

int main(void)
{
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  CHECK_INT(luaL_loadbuffer(L, chunk, strlen(chunk), "=layout"), 0);
  CHECK_INT(lua_pcall(L, 0, 0, 0), 0);
  check_getinfo(L);
  check_hook(L);
  check_buffer(L);
  lua_close(L);
  return tu_finish("layout");
}
