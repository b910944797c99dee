"""Python's lupa (Debian's python3-lupa, whose extension links
libluajit-5.1.so.2) driven against whichever libluajit-5.1.so.2 the dynamic
loader finds: tests/lupa/run points LD_LIBRARY_PATH at ours. Every check
prints one line; the script exits non-zero if any check fails."""
import sys
import lupa
from lupa import LuaRuntime, LuaError

failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
    print(("ok    " if ok else "FAIL  ") + what)


def raises(exc, f, *args):
    try:
        f(*args)
    except exc as e:
        return e
    return None


# which library is loaded
lua = LuaRuntime(unpack_returned_tuples=True)
check(lua.eval("jit ~= nil and jit.version") == "LuaJIT 2.1.0-beta3", "jit.version")
check(lupa.LuaRuntime is LuaRuntime, "module imports")

# several runtimes are independent
other = LuaRuntime()
lua.execute("shared = 1")
check(other.eval("shared") is None, "runtimes do not share globals")
runtimes = [LuaRuntime() for _ in range(20)]
for i, r in enumerate(runtimes):
    r.globals().n = i
check([r.eval("n * 2") for r in runtimes] == [2 * i for i in range(20)], "twenty runtimes")
del runtimes

# calling Lua from Python
check(lua.eval("1 + 2") == 3, "eval")
add = lua.eval("function(a, b) return a + b end")
check(add(2, 40) == 42, "call a Lua function")
check(lua.eval("function() return 1, 'two', nil end")() == (1, "two", None), "multiple results")
check(lua.execute("return string.rep('ab', 3)") == "ababab", "execute with return")
check(lua.eval("'caf\\195\\169'") == "café", "strings decode as UTF-8")
fib = lua.eval("""function(n)
  local a, b = 0, 1
  for i = 1, n do a, b = b, a + b end
  return a
end""")
check(fib(50) == 12586269025, "numbers keep their value")

# calling Python from Lua
g = lua.globals()
g.py_upper = lambda s: s.upper()
check(lua.eval("py_upper('shout')") == "SHOUT", "Lua calls a Python function")
g.py_sum = lambda *xs: sum(xs)
check(lua.eval("py_sum(1, 2, 3, 4)") == 10, "Python function with varargs")
lua_map = lua.eval("function(f, t) local r = {} for i, v in ipairs(t) do r[i] = f(v) end return r end")
squared = lua_map(lambda x: x * x, lua.table(1, 2, 3, 4))
check(list(squared.values()) == [1, 4, 9, 16], "Lua higher-order function with a Python callback")


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm2(self):
        return self.x * self.x + self.y * self.y


g.p = Point(3, 4)
check(lua.eval("p.x + p.y") == 7, "Python object attributes from Lua")
check(lua.eval("p.norm2()") == 25, "Python method from Lua")
check(lua.eval("python.eval('6 * 7')") == 42, "python.eval from Lua")

# tables both ways
t = lua.table(10, 20, 30, name="tbl")
check(len(t) == 3 and t[1] == 10 and t["name"] == "tbl", "lua.table")
check(lua.eval("function(t) return #t, t.name end")(t) == (3, "tbl"), "table passed to Lua")
t2 = lua.table_from({"a": 1, "b": 2})
check(sorted(t2.keys()) == ["a", "b"], "table_from a dict")
made = lua.eval("{x = 1, y = {z = 'deep'}, 5, 6}")
check(made.y.z == "deep" and made[1] == 5 and made[2] == 6, "nested Lua table in Python")
check(sorted(str(k) for k in made.keys()) == ["1", "2", "x", "y"], "keys of a Lua table")
made.x = 99
check(lua.eval("function(t) return t.x end")(made) == 99, "assigning into a Lua table from Python")
pylist = lua.eval("function(l) return l[0] + l[2] end")
check(pylist([5, 6, 7]) == 12, "Python list indexed from Lua")
big = lua.table_from(list(range(1, 10001)))
check(lua.eval("function(t) local s = 0 for i = 1, #t do s = s + t[i] end return s end")(big) == 50005000,
      "large table")

# errors both ways
e = raises(LuaError, lua.execute, "error('lua says no')")
check(e is not None and "lua says no" in str(e), "Lua error becomes LuaError")
e = raises(LuaError, lua.execute, "local x = nil; return x.field")
check(e is not None and "attempt to index" in str(e), "runtime error message")
e = raises(LuaError, lua.eval, "1 +")
check(e is not None, "syntax error raises")


def py_fails(msg):
    raise ValueError(msg)


g.py_fails = py_fails
e = raises(ValueError, lua.execute, "py_fails('python says no')")
check(e is not None and "python says no" in str(e), "Python exception through Lua back to Python")
ok, msg = lua.execute("return pcall(py_fails, 'caught in Lua')")
check(ok is False and "caught in Lua" in str(msg), "Lua pcall catches a Python exception")
check(lua.eval("select('#', pcall(error, {code = 7}))") == 2, "error with a table value")
e = raises(LuaError, lua.eval("function() error({code = 7}) end"))
check(e is not None, "table error object")
check(lua.eval("1 + 1") == 2, "runtime usable after errors")

# coroutines
gen = lua.eval("""coroutine.wrap(function(n)
  for i = 1, n do coroutine.yield(i * i) end
end)""")
check([gen(4), gen(), gen(), gen()] == [1, 4, 9, 16], "coroutine.wrap driven from Python")
co_fn = lua.eval("function(a) local b = coroutine.yield(a + 1) return b * 2 end")
co = co_fn.coroutine(10)
check(co.send(None) == 11, "coroutine started from Python")
check(co.send(21) == 42, "coroutine returns its result")
check(raises(StopIteration, co.send, 1) is not None, "a finished coroutine stops")
counter = lua.eval("function(n) for i = 1, n do coroutine.yield(i) end end")
check(list(counter.coroutine(5)) == [1, 2, 3, 4, 5], "coroutine as a Python iterator")
bad = lua.eval("function() coroutine.yield(1) error('in coroutine') end").coroutine()
check(next(bad) == 1, "first resume")
e = raises(LuaError, next, bad)
check(e is not None and "in coroutine" in str(e), "error inside a coroutine")
check(lua.eval("coroutine.resume(coroutine.create(function() return py_upper('co') end))") == (True, "CO"),
      "Python called from inside a coroutine")

print("lupa: %d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
