-- string.sub index normalisation and string.rep with separators.
local s = "hello world"
local cases = {{1, 5}, {7}, {-5}, {-5, -2}, {0}, {0, 3}, {3, 2}, {-100, 3}, {5, 100}, {12}, {-1, -1}, {2.7, 4.2}, {"2", "3"}}
for _, c in ipairs(cases) do io.write("[", s:sub(c[1], c[2]), "] ") end print()
print(("x"):rep(5), ("ab"):rep(3, ","), ("x"):rep(0), ("x"):rep(-1), ("x"):rep(1, ","), (""):rep(5), ("ab"):rep(2, ""))
print(#("abc"):rep(1000), #(""):rep(1000000), ("a"):rep(3, "\0"):byte(1, -1))
print(pcall(string.sub))
print(string.sub("abc", 2), string.sub(123, 2))
