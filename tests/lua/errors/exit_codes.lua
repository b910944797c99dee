-- os.exit with an explicit code flushes stdout and sets the exit status.
io.write("buffered output without newline")
os.exit(3)
