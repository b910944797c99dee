-- os.exit with a bad argument raises an error (exit status 1 from the uncaught error).
print(pcall(os.exit, "x"))
print(pcall(os.exit, {}))
os.exit(nil, false) -- nil: EXIT_SUCCESS
