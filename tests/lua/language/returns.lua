-- Multiple returns: truncation and extension in every position.
local function none() end
local function one() return 1 end
local function two() return 1, 2 end
local function many() return 1, 2, 3, 4, 5 end
print(none()); print(one()); print(two()); print(many())
print((many()))
print(many(), many())
print(({many(), many()})[7] == nil, #{many(), many()}, #{(many())})
local t = {many(), many(), x = many()}
print(#t, t.x)
print(select('#', none()), select('#', (none())))
local a, b, c, d, e, f = many()
print(a, b, c, d, e, f)
local function wrap(...) return ... end
print(select('#', wrap(none())), select('#', wrap(nil, nil)))
print(string.format("%s %s", two()))
print(pcall(two))
print(tostring(nil), pcall(tostring, none()))
print(pcall(tostring))
local function rec(n) if n == 0 then return end return n, rec(n - 1) end
print(rec(5))
print(pcall(type, none()))
