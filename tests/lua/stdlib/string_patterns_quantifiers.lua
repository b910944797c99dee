-- Quantifiers *, +, -, ? ; backtracking; %b; %f; anchors inside patterns.
local function t(s, p) local r = {s:find(p)} ; for i = 1, #r do r[i] = tostring(r[i]) end print(s, p, table.concat(r, " ")) end
t("aaa", "a*"); t("aaa", "a+"); t("aaa", "a-"); t("aaa", "a?"); t("baaa", "a-$"); t("aab", "a-b")
t("", "a*"); t("", "a+"); t("xyz", "x?y?z?w?"); t("abcabc", "(abc)+"); t("ab", "a?ab")
t("(a(b)c)", "%b()"); t("((a)", "%b()"); t("no parens", "%b()"); t("<<>>", "%b<>")
t("THE END", "%f[%a]%a+"); t("hello world", "%f[%s]"); t("x", "%f[%z]"); t("aXb", "%f[%u]")
t("a^b", "a^b"); t("a$b", "a$b"); t("ab$", "b$"); t("ab", "^ab$"); t("a.b", "a.b"); t("axb", "a%.b")
t(("a"):rep(25), "a*a*a*a*a*b")  -- backtracking (kept small: the suite also runs emulated)
t("[key]", "%[(.-)%]"); t("2+2=4", "%d%+%d=%d"); t("tab\there", "%c")
t("foo.bar.baz", "(.+)%.(.+)"); t("foo.bar.baz", "(.-)%.(.+)")
t("1.5e10", "^[+-]?%d+%.?%d*[eE]?[+-]?%d*$")
