-- os.exit(n) flushes C stdio (buffered io.write and print output) and exits with n.
io.write("buffered without newline; ")
print("printed")
io.stderr:write("to stderr\n")
io.stdout:setvbuf("full")
io.write("still in the buffer at exit\n")
os.exit(3)
print("not reached")
