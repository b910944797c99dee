-- Where strings and numbers convert implicitly and where they do not.
local t = {}
t["1"] = "string key"; t[1] = "number key"
print(t["1"], t[1], t[1.0])
print(("10"):rep(2), (10 .. ""):rep(2), ("5" * "2"))
print(math.max("3", 2), string.rep(3, "2"), ("x"):rep("3"))
print(pcall(function() return ("5") < 6 end))
print("abc" == "abc", "1" == "1.0", 1 == 1.0)
print(tostring(10) == "10", tonumber("10") == 10, tostring(1e15), tostring(-0.0))
print(string.len(123), string.upper(1.5), string.byte(9))
print(#(1 .. 2), ("%d"):format("42"))
print(select("#", ("a b c"):gsub(" ", "")), ("abc"):sub("2"))
for i = "1", 2 do io.write(i, " ") end print()
print(pcall(function() return {} .. "" end))
