-- io.write and file:write format numbers like tostring (%.14g); print uses tostring.
io.write(1, " ", 1.5, " ", -0.0, " ", 1e100, " ", 2^53, " ", 1/3, " ", 1/0, " ", 100, "\n")
io.write(0.1 + 0.2, " ", 123456789012345678, " ", 1e-310, "\n")
print(1, 1.5, -0.0, 1e100, 2^53, 1/3, 1/0, 100)
io.write(string.format("%.14g", 0.1 + 0.2), "\n")
print(pcall(io.write, true))
print(pcall(io.write, nil))
io.write()
io.write("", "", "\n")
