local function chk(src) local f, e = loadstring(src); print(f and "ok" or e) end
-- Miscellaneous syntax: semicolons, parenthesised calls, string/table call sugar, comments.
local a = 1; print(a);
chk(";")
chk("local b = 1;;")
print "string call"
print [[long string call]]
local function id(t) return t end
print(id{1, 2, 3}[2], #id{}, id"x", type(id{}))
local t = {f = function(s) return s end}
print(t.f"sugar", t.f{1}[1])
local s = ("%s"):format "fmt"
print(s)
-- return must be last statement of a block
chk("return 1; print(2)")
print(loadstring("do return end print(1)") ~= nil)
-- ambiguous syntax: function call x new statement on next line (LuaJIT reports it)
chk("local a = f\n(g)()")
-- assignment to non-lvalue
chk("1 = 2")
chk("f() = 1")
chk("x =")
chk("local = 1")
chk("for i = 1 do end")
chk("if x then")
chk("x = }")
chk("local function end")
chk("return ...")
chk("function f() return ... end")
chk("x = 1 1")
chk("break")
chk("a.b:c = 1")
chk("local t = {} t.x, t.y = 1")
chk("f(")
chk("(1)")
