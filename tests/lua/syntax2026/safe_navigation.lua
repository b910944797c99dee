-- Safe navigation ?. : when the value before it is nil, the rest of the
-- chain up to the next ?. or the end is skipped and the result is nil.
-- (Only nil stops it; false is indexed.)
local function show(...) print(select("#", ...), ...) end
local t = { a = { b = { c = 42 } }, f = function(...) return "f", ... end,
            list = { 10, 20, 30 }, obj = { v = 5, get = function(self, d) return self.v + (d or 0) end } }
local n = nil
show(t?.a?.b?.c, n?.a, n?.a?.b, t?.x?.y, t.a?.b.c)
show(t?.list?.[2], n?.[1], t?.["a"]?.b?.c)
-- Calls: a?.(...) calls only a non-nil value; all results are kept.
show(t.f?.(1, 2), n?.(1, 2), t?.f(3))
show(t.g?.(1))
show(t.obj?.:get(1), t.nobj?.:get(1))
-- obj:method?.() calls only a method that exists.
show(t.obj:get?.(2), t.obj:missing?.(2))
-- The chain stops at the first nil: later indexing is not done. A suffix
-- after a plain . or [] still indexes the intermediate value.
print(pcall(function() return n?.a.b end))
print(pcall(function() return t.x?.y.z end))
print(pcall(function() return t?.x.y end))
-- false is not nil.
print(pcall(function() local f = false return f?.x end))
-- As statements: a nil stops the call or the assignment.
local calls = 0
local h = { inc = function() calls = calls + 1 end }
h?.inc(); n?.inc(); h.inc?.(); h.none?.(); h?.none?.()
print(calls)
local target = {}
target?.x = 1
n?.x = 2
target?.y = {}
target?.y.z = 3
n?.y.z = 4
print(target.x, target.y.z)
-- Multiple results of a safe call in assignments and returns.
local function multi() return 1, 2, 3 end
local m = { multi = multi }
local a, b, c = m?.multi()
print(a, b, c)
a, b, c = n?.multi()
print(a, b, c)
local function ret(x) return x?.multi() end
print(ret(m))
print(ret(nil))
print(select("#", ret(nil)))
local p, q = n?.multi(), "after"
print(p, q)
-- In table constructors and argument lists only the first result counts.
local tt = { m?.multi(), n?.multi() }
print(#tt, tt[1])
print(m?.multi(), m?.multi())
-- With ?? and ?:
print(n?.a ?? "default", t?.a?.b?.c ?? 0, n?.x ? 1 : 2)
-- Deep chains.
local deep = { x = { y = { z = { w = "deep" } } } }
print(deep?.x?.y?.z?.w, deep?.x?.q?.z?.w, deep.x.y?.z.w)
-- Upvalues, globals and numbers in keys.
G_nav = { [1] = { [2] = "g" } }
print(G_nav?.[1]?.[2], G_nav?.[2]?.[1], undefined_nav?.x)
-- Safe navigation on strings uses the string metatable.
local s = "abc"
print(s?.upper(s), s:upper?.(), s?.:len())
