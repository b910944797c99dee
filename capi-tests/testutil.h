/*
** Tiny check harness shared by the C API tests. Each test program prints
** one line per check and exits non-zero if any check failed.
*/
#ifndef CAPI_TESTUTIL_H
#define CAPI_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"
#include "luajit.h"

#if defined(__GNUC__)
#define TU_UNUSED __attribute__((unused))
#else
#define TU_UNUSED
#endif

static int tu_checks = 0;
static int tu_failures = 0;

static TU_UNUSED int tu_report(int ok, const char *what, const char *file, int line)
{
  tu_checks++;
  if (ok) {
    printf("  ok    %s\n", what);
  } else {
    tu_failures++;
    printf("  FAIL  %s  (%s:%d)\n", what, file, line);
  }
  fflush(stdout);
  return ok;
}

#define CHECK(cond) tu_report(!!(cond), #cond, __FILE__, __LINE__)

#define CHECK_INT(actual, expected) do { \
    long long a_ = (long long)(actual), e_ = (long long)(expected); \
    char m_[512]; \
    snprintf(m_, sizeof m_, "%s == %s (got %lld, want %lld)", #actual, #expected, a_, e_); \
    tu_report(a_ == e_, m_, __FILE__, __LINE__); \
  } while (0)

#define CHECK_NUM(actual, expected) do { \
    double a_ = (double)(actual), e_ = (double)(expected); \
    char m_[512]; \
    snprintf(m_, sizeof m_, "%s == %s (got %.17g, want %.17g)", #actual, #expected, a_, e_); \
    tu_report(a_ == e_, m_, __FILE__, __LINE__); \
  } while (0)

#define CHECK_STR(actual, expected) do { \
    const char *a_ = (actual), *e_ = (expected); \
    char m_[1024]; \
    snprintf(m_, sizeof m_, "%s == \"%.300s\" (got %s%.300s%s)", #actual, e_, \
             a_ ? "\"" : "", a_ ? a_ : "NULL", a_ ? "\"" : ""); \
    tu_report(a_ != NULL && strcmp(a_, e_) == 0, m_, __FILE__, __LINE__); \
  } while (0)

/* Checks that the string contains the fragment. */
#define CHECK_CONTAINS(actual, fragment) do { \
    const char *a_ = (actual), *f_ = (fragment); \
    char m_[1024]; \
    snprintf(m_, sizeof m_, "%s contains \"%.300s\" (got %s%.300s%s)", #actual, f_, \
             a_ ? "\"" : "", a_ ? a_ : "NULL", a_ ? "\"" : ""); \
    tu_report(a_ != NULL && strstr(a_, f_) != NULL, m_, __FILE__, __LINE__); \
  } while (0)

/* Prints a section header. */
/* Repetition counts for loops that only add confidence: a tenth (at least
** 1) when capi-tests/run --valgrind runs the program, to keep that fast. */
static TU_UNUSED int tu_scale(int n)
{
  if (getenv("CAPI_TESTS_UNDER_VALGRIND")) return n / 10 > 0 ? n / 10 : 1;
  return n;
}

static TU_UNUSED void tu_section(const char *name)
{
  printf("%s\n", name);
  fflush(stdout);
}

/* Runs Lua source in L; on error reports it as a failed check. Returns the
** number of results left on the stack, or -1 on error. */
static TU_UNUSED int tu_run(lua_State *L, const char *code, int nresults, const char *file, int line)
{
  int top = lua_gettop(L);
  int st = luaL_loadbuffer(L, code, strlen(code), "=test");
  if (st == 0) st = lua_pcall(L, 0, nresults, 0);
  if (st != 0) {
    char m_[1024];
    snprintf(m_, sizeof m_, "running Lua code failed (status %d): %s", st,
             lua_tostring(L, -1) ? lua_tostring(L, -1) : "(non-string error)");
    tu_report(0, m_, file, line);
    lua_settop(L, top);
    return -1;
  }
  return lua_gettop(L) - top;
}
#define RUN(L, code) tu_run((L), (code), 0, __FILE__, __LINE__)
#define RUN_N(L, code, n) tu_run((L), (code), (n), __FILE__, __LINE__)

/* Runs a Lua expression/chunk that must return true. */
#define CHECK_LUA(L, code) do { \
    int n_ = tu_run((L), (code), 1, __FILE__, __LINE__); \
    if (n_ >= 0) { \
      tu_report(lua_toboolean((L), -1), "Lua: " code, __FILE__, __LINE__); \
      lua_pop((L), 1); \
    } \
  } while (0)

/* Prints the summary capi-tests/run reads. A program that ran no check
** fails: it tested nothing. */
static TU_UNUSED int tu_finish(const char *name)
{
  printf("%s: %d checks, %d failed\n", name, tu_checks, tu_failures);
  if (tu_checks == 0) printf("FAIL: no check ran\n");
  return (tu_failures || tu_checks == 0) ? 1 : 0;
}

/* For a library that lacks an optional extension (stock LuaJIT has none of
** OpenResty's): says what is skipped. capi-tests/run fails a test that
** skips on our own library or under CI=true. */
static TU_UNUSED void tu_skip(const char *what)
{
  printf("SKIP: %s\n", what);
  fflush(stdout);
}

#endif
