/* luaL_Buffer: building strings piecewise, across the internal buffer's
** size, interleaved with values on the stack; plus luaL_gsub. */
#include "testutil.h"

/* Builds "0,1,2,...,n-1," with a luaL_Buffer inside a C function. */
static int join_numbers(lua_State *L)
{
  luaL_Buffer b;
  int i, n = (int)luaL_checkinteger(L, 1);
  luaL_buffinit(L, &b);
  for (i = 0; i < n; i++) {
    lua_pushfstring(L, "%d,", i);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  return 1;
}

/* Upper-cases its argument through luaL_prepbuffer/luaL_addsize. */
static int upper(lua_State *L)
{
  size_t len, i, done = 0;
  const char *s = luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (done < len) {
    char *p = luaL_prepbuffer(&b);
    size_t chunk = len - done < LUAL_BUFFERSIZE ? len - done : LUAL_BUFFERSIZE;
    for (i = 0; i < chunk; i++) {
      char c = s[done + i];
      p[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    luaL_addsize(&b, chunk);
    done += chunk;
  }
  luaL_pushresult(&b);
  return 1;
}

int main(void)
{
  lua_State *L = luaL_newstate();
  luaL_Buffer b;
  size_t len, i;
  const char *s;
  char *big;
  int ok;
  if (!L) return 1;
  luaL_openlibs(L);

  tu_section("layout facts C code relies on");
  CHECK(LUAL_BUFFERSIZE > 0);
  CHECK(sizeof(b.buffer) == LUAL_BUFFERSIZE);

  tu_section("small strings");
  lua_pushstring(L, "below");            /* something already on the stack */
  luaL_buffinit(L, &b);
  CHECK(b.L == L);
  luaL_addchar(&b, 'a');
  luaL_addstring(&b, "bcd");
  luaL_addlstring(&b, "e\0f", 3);
  luaL_putchar(&b, 'g');
  luaL_addlstring(&b, "", 0);
  luaL_pushresult(&b);
  s = lua_tolstring(L, -1, &len);
  CHECK_INT(len, 8);
  CHECK(memcmp(s, "abcde\0fg", 8) == 0);
  CHECK_INT(lua_gettop(L), 2);
  CHECK_STR(lua_tostring(L, 1), "below");
  lua_settop(L, 0);
  luaL_buffinit(L, &b);
  luaL_pushresult(&b);
  CHECK_STR(lua_tostring(L, -1), "");
  lua_settop(L, 0);

  tu_section("many characters, beyond the buffer size");
  luaL_buffinit(L, &b);
  for (i = 0; i < 3 * (size_t)LUAL_BUFFERSIZE + 17; i++) luaL_addchar(&b, (char)('a' + i % 26));
  luaL_pushresult(&b);
  s = lua_tolstring(L, -1, &len);
  CHECK_INT(len, 3 * (size_t)LUAL_BUFFERSIZE + 17);
  ok = 1;
  for (i = 0; i < len; i++) if (s[i] != (char)('a' + i % 26)) ok = 0;
  CHECK(ok);
  CHECK_INT(lua_gettop(L), 1);
  lua_settop(L, 0);

  tu_section("large lstring pieces");
  big = (char *)malloc(100000);
  for (i = 0; i < 100000; i++) big[i] = (char)('0' + i % 10);
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, "<", 1);
  luaL_addlstring(&b, big, 100000);
  luaL_addlstring(&b, big, 5);
  luaL_addstring(&b, ">");
  luaL_pushresult(&b);
  s = lua_tolstring(L, -1, &len);
  CHECK_INT(len, 100007);
  CHECK(s[0] == '<' && s[1] == '0' && s[100000] == '9' && s[100001] == '0' && s[100006] == '>');
  free(big);
  lua_settop(L, 0);

  tu_section("addvalue with strings and numbers");
  luaL_buffinit(L, &b);
  lua_pushstring(L, "x=");
  luaL_addvalue(&b);
  lua_pushinteger(L, 42);
  luaL_addvalue(&b);
  lua_pushlstring(L, "\0z", 2);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  s = lua_tolstring(L, -1, &len);
  CHECK_INT(len, 6);
  CHECK(memcmp(s, "x=42\0z", 6) == 0);
  lua_settop(L, 0);

  tu_section("buffers used inside C functions called from Lua");
  lua_register(L, "join_numbers", join_numbers);
  lua_register(L, "upper", upper);
  CHECK_LUA(L, "return join_numbers(5) == '0,1,2,3,4,'");
  CHECK_LUA(L, "local s = join_numbers(5000) return #s == 23890 and s:sub(-5) == '4999,'");
  CHECK_LUA(L, "return upper('hello, World') == 'HELLO, WORLD'");
  CHECK_LUA(L, "local s = string.rep('abc', 10000) return upper(s) == string.rep('ABC', 10000)");
  CHECK_LUA(L, "return upper('') == ''");

  tu_section("luaL_gsub");
  CHECK_STR(luaL_gsub(L, "a.b.c", ".", "::"), "a::b::c");
  CHECK_STR(luaL_gsub(L, "aaa", "aa", "b"), "ba");
  CHECK_STR(luaL_gsub(L, "none", "x", "y"), "none");
  CHECK_STR(luaL_gsub(L, "", "x", "y"), "");
  CHECK_INT(lua_gettop(L), 4);           /* each result stays on the stack */
  lua_settop(L, 0);

  lua_close(L);
  return tu_finish("buffer");
}
