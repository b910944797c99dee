/* Loading chunks through a reader (lua_load/lua_loadx), dumping functions
** through a writer (lua_dump), and the luaL_load* helpers. */
#include <fcntl.h>
#include <unistd.h>
#include "testutil.h"

/* Reader handing out a string piecewise, 'step' bytes at a time. */
typedef struct Pieces { const char *s; size_t len, pos, step; int calls; } Pieces;
static const char *pieces_reader(lua_State *L, void *ud, size_t *sz)
{
  Pieces *p = (Pieces *)ud;
  size_t n;
  (void)L;
  p->calls++;
  if (p->pos >= p->len) { *sz = 0; return NULL; }
  n = p->len - p->pos;
  if (n > p->step) n = p->step;
  *sz = n;
  p->pos += n;
  return p->s + p->pos - n;
}

/* Writer collecting bytes into a growing buffer. */
typedef struct Sink { char *data; size_t len, cap; int calls; int fail_after; } Sink;
static int sink_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
  Sink *s = (Sink *)ud;
  (void)L;
  s->calls++;
  if (s->fail_after && s->calls > s->fail_after) return 1;
  if (s->len + sz > s->cap) {
    s->cap = (s->len + sz) * 2 + 64;
    s->data = (char *)realloc(s->data, s->cap);
  }
  memcpy(s->data + s->len, p, sz);
  s->len += sz;
  return 0;
}

static int load_pieces(lua_State *L, const char *src, size_t len, size_t step, const char *name, const char *mode)
{
  Pieces p;
  p.s = src; p.len = len; p.pos = 0; p.step = step; p.calls = 0;
  return mode ? lua_loadx(L, pieces_reader, &p, name, mode)
              : lua_load(L, pieces_reader, &p, name);
}

/* Reader that reuses one buffer for every piece (the block is only valid
** until the next call), counts its calls, and can raise an error at a given
** call. */
typedef struct Reuse { const char *const *pieces; int calls; int fail_at; char buf[64]; } Reuse;
static const char *reuse_reader(lua_State *L, void *ud, size_t *sz)
{
  Reuse *r = (Reuse *)ud;
  const char *piece;
  r->calls++;
  if (r->calls == r->fail_at) {
    lua_pushstring(L, "reader failed");
    lua_error(L);
  }
  piece = r->pieces[r->calls - 1];
  if (!piece) { *sz = 0; return NULL; }
  *sz = strlen(piece);
  memcpy(r->buf, piece, *sz);
  return r->buf;
}

static int load_reuse(lua_State *L, Reuse *r, const char *const *pieces, int fail_at)
{
  r->pieces = pieces; r->calls = 0; r->fail_at = fail_at;
  memset(r->buf, 0, sizeof(r->buf));
  return lua_load(L, reuse_reader, r, "=reuse");
}

static int handler_mark(lua_State *L)
{
  lua_pushfstring(L, "handled: %s", lua_tostring(L, 1));
  return 1;
}

/* lua_load inside a protected call with a message handler. */
static int load_in_pcall(lua_State *L)
{
  Reuse *r = (Reuse *)lua_touserdata(L, 1);
  static const char *const pieces[] = {"return ", "1", NULL};
  lua_pushinteger(L, load_reuse(L, r, pieces, 2));
  return 2;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  const char *src = "local a, b = ...\nreturn (a or 1) * 10 + (b or 2), 'text'";
  Sink sink = {0, 0, 0, 0, 0};
  int st;
  char path[] = "/tmp/capi-loaddump-XXXXXX";
  int fd;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("lua_load with readers of various piece sizes");
  {
    size_t steps[] = {1, 2, 7, 1000};
    size_t k;
    for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
      st = load_pieces(L, src, strlen(src), steps[k], "=pieces", NULL);
      CHECK_INT(st, 0);
      CHECK(lua_isfunction(L, -1));
      lua_pushinteger(L, 4);
      lua_pushinteger(L, 5);
      lua_call(L, 2, 2);
      CHECK_INT(lua_tointeger(L, -2), 45);
      lua_settop(L, 0);
    }
  }
  st = load_pieces(L, "", 0, 1, "=empty", NULL);
  CHECK_INT(st, 0);                      /* empty chunk is valid */
  lua_call(L, 0, 0);
  CHECK_INT(lua_gettop(L), 0);

  tu_section("syntax errors and chunk names");
  st = load_pieces(L, "x = = 1", 7, 3, "=mychunk", NULL);
  CHECK_INT(st, LUA_ERRSYNTAX);
  CHECK_STR(lua_tostring(L, -1), "mychunk:1: unexpected symbol near '='");
  lua_settop(L, 0);
  st = luaL_loadbuffer(L, "\n\nreturn +", 10, "@file.lua");
  CHECK_INT(st, LUA_ERRSYNTAX);
  CHECK_STR(lua_tostring(L, -1), "file.lua:3: unexpected symbol near '+'");
  lua_settop(L, 0);
  st = luaL_loadstring(L, "error('x')");
  CHECK_INT(st, 0);
  CHECK_INT(lua_pcall(L, 0, 0, 0), LUA_ERRRUN);
  CHECK_STR(lua_tostring(L, -1), "[string \"error('x')\"]:1: x");
  lua_settop(L, 0);
  luaL_loadbuffer(L, "error('y')", 10, "=(custom)");
  lua_pcall(L, 0, 0, 0);
  CHECK_STR(lua_tostring(L, -1), "(custom):1: y");
  lua_settop(L, 0);
  st = luaL_loadstring(L, "for");
  CHECK_INT(st, LUA_ERRSYNTAX);
  lua_settop(L, 0);

  tu_section("lua_dump and reloading the bytecode");
  luaL_loadstring(L, src);
  st = lua_dump(L, sink_writer, &sink);
  CHECK_INT(st, 0);
  CHECK(sink.calls > 0);
  CHECK(sink.len > 4);
  CHECK(sink.len > 3 && memcmp(sink.data, "\033LJ", 3) == 0);
  CHECK_INT(lua_gettop(L), 1);           /* dump leaves the function */
  lua_settop(L, 0);
  st = luaL_loadbuffer(L, sink.data, sink.len, "=dumped");
  CHECK_INT(st, 0);
  lua_pushinteger(L, 1);
  lua_call(L, 1, 2);
  CHECK_INT(lua_tointeger(L, 1), 12);
  CHECK_STR(lua_tostring(L, 2), "text");
  lua_settop(L, 0);
  st = load_pieces(L, sink.data, sink.len, 3, "=dumped pieces", NULL);
  CHECK_INT(st, 0);
  lua_call(L, 0, 1);
  CHECK_INT(lua_tointeger(L, 1), 12);
  lua_settop(L, 0);
  CHECK_LUA(L, "local f = loadstring(string.dump(function(x) return x * 3 end)) return f(5) == 15");

  tu_section("lua_dump of a C function fails; a failing writer stops the dump");
  lua_pushcfunction(L, luaopen_base);
  sink.len = 0; sink.calls = 0;
  CHECK(lua_dump(L, sink_writer, &sink) != 0);
  lua_settop(L, 0);
  luaL_loadstring(L, "local t = {} for i = 1, 10 do t[i] = i end return t");
  sink.len = 0; sink.calls = 0; sink.fail_after = 1;
  CHECK(lua_dump(L, sink_writer, &sink) != 0);
  sink.fail_after = 0;
  lua_settop(L, 0);

  tu_section("mode argument: text only, binary only");
  luaL_loadstring(L, "return 7");
  sink.len = 0; sink.calls = 0;
  lua_dump(L, sink_writer, &sink);
  lua_settop(L, 0);
  st = load_pieces(L, sink.data, sink.len, 100, "=bin", "t");
  CHECK(st != 0);
  CHECK_STR(lua_tostring(L, -1), "attempt to load chunk with wrong mode");
  lua_settop(L, 0);
  st = load_pieces(L, "return 7", 8, 100, "=txt", "b");
  CHECK(st != 0);
  CHECK_STR(lua_tostring(L, -1), "attempt to load chunk with wrong mode");
  lua_settop(L, 0);
  CHECK_INT(load_pieces(L, sink.data, sink.len, 100, "=bin", "bt"), 0);
  CHECK_INT(luaL_loadbufferx(L, sink.data, sink.len, "=bin", "b"), 0);
  CHECK_INT(luaL_loadbufferx(L, "return 1", 8, "=t", "t"), 0);
  CHECK(luaL_loadbufferx(L, "return 1", 8, "=t", "b") != 0);
  lua_settop(L, 0);

  tu_section("luaL_loadfile");
  fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0) {
    const char *text = "#!/usr/bin/env luajit\nreturn 'from file', ...\n";
    CHECK((size_t)write(fd, text, strlen(text)) == strlen(text));
    close(fd);
    st = luaL_loadfile(L, path);
    CHECK_INT(st, 0);                    /* the #! line is skipped */
    lua_pushinteger(L, 3);
    lua_call(L, 1, 2);
    CHECK_STR(lua_tostring(L, 1), "from file");
    CHECK_INT(lua_tointeger(L, 2), 3);
    lua_settop(L, 0);
    CHECK_INT(luaL_loadfilex(L, path, "t"), 0);
    lua_settop(L, 0);
    CHECK(luaL_loadfilex(L, path, "b") != 0);
    lua_settop(L, 0);
    /* a binary file */
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK((size_t)write(fd, sink.data, sink.len) == sink.len);
    close(fd);
    CHECK_INT(luaL_loadfile(L, path), 0);
    lua_call(L, 0, 1);
    CHECK_INT(lua_tointeger(L, -1), 7);
    lua_settop(L, 0);
    CHECK_INT(luaL_dofile(L, path), 0);
    lua_settop(L, 0);
    unlink(path);
  }
  st = luaL_loadfile(L, "/nonexistent/dir/file.lua");
  CHECK_INT(st, LUA_ERRFILE);
  CHECK_STR(lua_tostring(L, -1), "cannot open /nonexistent/dir/file.lua: No such file or directory");
  lua_settop(L, 0);

  tu_section("luaL_dostring");
  CHECK_INT(luaL_dostring(L, "return 1, 2"), 0);
  CHECK_INT(lua_gettop(L), 2);
  lua_settop(L, 0);
  CHECK(luaL_dostring(L, "error('e')") != 0);
  lua_settop(L, 0);

  tu_section("lua_load pulls pieces as the lexer needs them");
  {
    Reuse r;
    static const char *const ok[] = {"local s = 'ab", "c\\", "065' return s .. [[", "x]", "]", NULL};
    static const char *const bad[] = {"local x = 1 ", "= 2 ", "return x", NULL};
    static const char *const more[] = {"return 1", "", "error('never')", NULL};
    static const char *const chars[] = {"r", "e", "t", "u", "r", "n", " ", "4", "2", NULL};
    st = load_reuse(L, &r, ok, 0);
    CHECK_INT(st, 0);
    CHECK_INT(r.calls, 6);
    CHECK_INT(lua_pcall(L, 0, 1, 0), 0);
    CHECK_STR(lua_tostring(L, -1), "abcAx");
    lua_settop(L, 0);
    st = load_reuse(L, &r, bad, 0);      /* stops at the error: no 3rd call */
    CHECK_INT(st, LUA_ERRSYNTAX);
    CHECK_STR(lua_tostring(L, -1), "reuse:1: unexpected symbol near '='");
    CHECK_INT(r.calls, 2);
    lua_settop(L, 0);
    st = load_reuse(L, &r, more, 0);     /* an empty block ends the chunk */
    CHECK_INT(st, 0);
    CHECK_INT(r.calls, 2);
    lua_settop(L, 0);
    st = load_reuse(L, &r, chars, 0);
    CHECK_INT(st, 0);
    CHECK_INT(r.calls, 10);
    CHECK_INT(lua_pcall(L, 0, 1, 0), 0);
    CHECK_INT(lua_tointeger(L, -1), 42);
    lua_settop(L, 0);
    /* A reader raising an error: lua_load returns its status and value. */
    st = load_reuse(L, &r, ok, 3);
    CHECK_INT(st, LUA_ERRRUN);
    CHECK_STR(lua_tostring(L, -1), "reader failed");
    CHECK_INT(r.calls, 3);
    CHECK_INT(lua_gettop(L), 1);
    lua_settop(L, 0);
    /* The message handler of the enclosing lua_pcall sees that error. */
    lua_pushcfunction(L, handler_mark);
    lua_pushcfunction(L, load_in_pcall);
    lua_pushlightuserdata(L, &r);
    CHECK_INT(lua_pcall(L, 1, 2, 1), 0);
    CHECK_INT(lua_tointeger(L, -1), LUA_ERRRUN);
    CHECK_STR(lua_tostring(L, -2), "handled: reader failed");
    lua_settop(L, 0);
  }

  free(sink.data);
  lua_close(L);
  return tu_finish("loaddump");
}
