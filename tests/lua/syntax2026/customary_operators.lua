-- `!`, `&&`, `||` and `!=`: other spellings of `not`, `and`, `or`, `~=`,
-- with the same priorities and short-circuit evaluation.
local function show(...) print(...) end
local t, f, n = true, false, nil
show(!t, !f, !n, !0, !"", !!t, !!n, not !t)
show(t && 1, f && 1, n && 1, 1 && 2, t || 1, f || 1, n || f, 0 || 1)
show(1 != 2, 1 != 1, "a" != "a", n != f, 1 ~= 2 == (1 != 2))
show(1 || 2 && 3, (1 || 2) && 3, f || t && n, f && t || 4, !f && 5)
-- Mixed with the keyword forms.
show(t and f || 1, t && f or 2, not t || f, !(t and f))
-- Short circuit: the right operand is not evaluated.
local calls = 0
local function side(v) calls = calls + 1 return v end
show(f && side(1), t || side(2), calls)
show(t && side(3), f || side(4), calls)
-- In conditions (jumps, no values).
if !n && 1 != 2 then print("branch 1") end
while f || !t do print("never") end
local i = 0
repeat i = i + 1 until i >= 3 && i != 4
print(i)
-- `!` binds as tight as `not` and `-`.
show(!1 == false, ! 1 == false, !nil == true, -2 ^ 2, !f and 1)
-- Comparisons with !=, the same instructions as ~=.
local a, b = 3, "3"
show(a != b, a != 3, b != "3", a != nil, nil != nil)
