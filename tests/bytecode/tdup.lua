-- Template tables with every kind of constant key and value.
local t1 = {1, 2, 3, 4.5, -6, "seven", true, false}
local t2 = {nil, nil, 3}
local t3 = {x = 1, y = 2.5, z = "s", w = true, v = false, u = -7, big = 2^40, neg = -1e-3}
local t4 = {[1] = "a", [2] = "b", [10] = "ten", [-1] = "m1", [0] = "zero", [0.5] = "half", [true] = 1, [false] = 0}
local t5 = {1, 2, x = 3, [100] = 4, [2^33] = 5, "z", [1e100] = 6}
local t6 = {2147483647, -2147483648, 2147483648, -2147483649, 1/0, -1/0}
local t7 = {[2147483648] = 1, [-2147483649] = 2, [-0.25] = 3}
local t8 = {{1}, {x = {y = 1}}, [3] = {}}
local t9 = {1, 2, 3, [4] = 4, [6] = 6, nil}
return t1, t2, t3, t4, t5, t6, t7, t8, t9
