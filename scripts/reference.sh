# Where the reference LuaJIT 2.1 (Debian's 2022 snapshot) is: the one place
# every test script asks. Bash scripts source this file; other scripts run it:
#     bash scripts/reference.sh luajit|include|libdir|root|exports
# prints the reference's executable, header directory, library directory,
# the root of its tree, or the directory of the brief's export lists
# (exit status 1, nothing printed, when there is none).
#
# The reference executable is, in this order:
#   1. $LUAJIT_REF (a luajit executable);
#   2. usr/bin/luajit of $LUAJIT_REF_ROOT, an unpacked package tree
#      (`dpkg -x` of luajit, libluajit-5.1-2 and libluajit-5.1-dev);
#   3. usr/bin/luajit of $REF_TREE_DEFAULT, the tree the build unpacks;
#   4. luajit on PATH.
# Headers and library come from the same tree as the executable
# (usr/include/luajit-2.1, usr/lib/<multiarch>/libluajit-5.1.so.2), following
# symbolic links, so that the three always belong together.
#
# The export lists (luajit-exports.txt, openresty-exports.txt) are looked
# up in $LUAJIT_EXPORTS_DIR, then ../shared beside the repository, then
# /work/shared (EXPORTS_DIR).
#
# A second, optional reference: today's LuaJIT 2.1 (the v2.1 branch as of
# 2026, `LuaJIT 2.1.<timestamp>`, built from its public repository outside
# this one), for what it added since Debian's snapshot (the syntax
# backported from LuaJIT 3.0, the new -b options). Nothing in `make test`
# needs it: the expected outputs recorded from it are checked in
# (tests/lua/syntax2026, tests/bytecode/syntax2026/ref). It is used to
# record them again and by tools (scripts/check-listings-2026 --record,
# tests/jit2026/run, scripts/fuzz-diff --syntax2026):
#   $LUAJIT_REF_2026      its luajit executable (e.g. <build>/src/luajit);
#   $LUAJIT_REF_2026_JIT  the directory of its jit/*.lua modules (default:
#                         jit/ or src/jit/ beside the executable).
#     bash scripts/reference.sh luajit2026|jit2026
#
# Also defines cannot_run, for suites whose reference or tool is missing.

_ref_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REF_TREE_DEFAULT=$_ref_repo/build/luajit-ref

ref_lookup() {
  REF_LUAJIT="" REF_INCLUDE="" REF_LIBDIR="" REF_ROOT=""
  local exe=""
  if [ -n "${LUAJIT_REF:-}" ]; then
    exe=$LUAJIT_REF
  elif [ -n "${LUAJIT_REF_ROOT:-}" ]; then
    exe=$LUAJIT_REF_ROOT/usr/bin/luajit
  elif [ -x "$REF_TREE_DEFAULT/usr/bin/luajit" ]; then
    exe=$REF_TREE_DEFAULT/usr/bin/luajit
  else
    exe=$(command -v luajit 2>/dev/null) || exe=""
  fi
  [ -n "$exe" ] && [ -x "$exe" ] || return 0
  REF_LUAJIT=$exe
  # The tree: what is left of the resolved path without usr/bin/NAME (or
  # bin/NAME for a /usr/local style prefix).
  local real root
  real=$(readlink -f "$exe")
  root=${real%/*}; root=${root%/bin}; root=${root%/usr}
  REF_ROOT=${root:-/}
  local inc lib
  for inc in "$root/usr/include/luajit-2.1" "$root/include/luajit-2.1"; do
    [ -f "$inc/lua.h" ] && { REF_INCLUDE=$inc; break; }
  done
  for lib in "$root"/usr/lib/*/libluajit-5.1.so.2 "$root"/usr/lib/libluajit-5.1.so.2 \
             "$root"/lib/*/libluajit-5.1.so.2 "$root"/lib/libluajit-5.1.so.2; do
    [ -e "$lib" ] && { REF_LIBDIR=${lib%/*}; break; }
  done
  return 0
}

exports_lookup() {
  EXPORTS_DIR=""
  local d
  for d in "${LUAJIT_EXPORTS_DIR:-}" "$_ref_repo/../shared" /work/shared; do
    if [ -n "$d" ] && [ -f "$d/luajit-exports.txt" ] && [ -f "$d/openresty-exports.txt" ]; then
      EXPORTS_DIR=$(cd "$d" && pwd)
      return 0
    fi
  done
  return 0
}

# cannot_run SUITE REASON: a suite that cannot run because a reference or a
# tool is missing. On a developer machine it is skipped with a note (status
# 0); under CI=true it fails (status 1): CI must not pass untested.
cannot_run() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL $1: $2 (under CI=true a missing reference or tool is a failure)"
    return 1
  fi
  echo "SKIP $1: $2"
  return 0
}

ref2026_lookup() {
  REF2026_LUAJIT="" REF2026_JIT=""
  local exe=${LUAJIT_REF_2026:-}
  [ -n "$exe" ] && [ -x "$exe" ] || return 0
  REF2026_LUAJIT=$exe
  local dir d
  dir=$(cd "$(dirname "$exe")" && pwd)
  for d in "${LUAJIT_REF_2026_JIT:-}" "$dir/jit" "$dir/src/jit"; do
    [ -n "$d" ] && [ -f "$d/bc.lua" ] && { REF2026_JIT=$(cd "$d" && pwd); break; }
  done
  return 0
}

ref_lookup
exports_lookup
ref2026_lookup

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case ${1:-} in
    luajit) [ -n "$REF_LUAJIT" ] && echo "$REF_LUAJIT" ;;
    include) [ -n "$REF_INCLUDE" ] && echo "$REF_INCLUDE" ;;
    libdir) [ -n "$REF_LIBDIR" ] && echo "$REF_LIBDIR" ;;
    root) [ -n "$REF_ROOT" ] && echo "$REF_ROOT" ;;
    exports) [ -n "$EXPORTS_DIR" ] && echo "$EXPORTS_DIR" ;;
    luajit2026) [ -n "$REF2026_LUAJIT" ] && echo "$REF2026_LUAJIT" ;;
    jit2026) [ -n "$REF2026_JIT" ] && echo "$REF2026_JIT" ;;
    *) echo "usage: scripts/reference.sh luajit|include|libdir|root|exports|luajit2026|jit2026" >&2; exit 2 ;;
  esac
fi
