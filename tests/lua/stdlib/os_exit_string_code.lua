-- os.exit with a numeric string and a large code (truncated to 8 bits by the OS).
print("exiting")
os.exit("258")
