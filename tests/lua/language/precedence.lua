-- Operator precedence and associativity.
print(2 + 3 * 4, (2 + 3) * 4, 2 ^ 3 ^ 2, -2 ^ 2, not 1 == 2, not (1 == 2))
print(1 .. 2 .. 3, "a" .. "b" == "ab", 1 + 2 .. "", 2 * 3 .. 4 ^ 2)
print(1 < 2 == true, "x" .. "y" < "xz", 1 + 1 < 3 and 4 or 5)
print(10 - 2 - 3, 100 / 10 / 2, 2 ^ -2, -3 % 5, -(3 % 5), #"abc" + 1, -#"ab")
print(1 or 2 and nil, (1 or 2) and nil, nil and 1 or 2, false or 1 and 2)
print(3 * -2, 3 - -2, - - -2, not nil and 1, #{1, 2} * 2, 2 ^ #"abc")
print(5 > 3 == true, ("a"):rep(2) .. "b")
