-- Uncaught number error value: printed as a string.
io.write("out\n")
error(42)
