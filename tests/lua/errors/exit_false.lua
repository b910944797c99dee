-- os.exit(false) exits with status 1; os.exit(true) with 0.
print("exiting with false")
os.exit(false)
