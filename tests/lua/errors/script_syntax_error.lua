-- The script itself fails to compile: stderr has the message, status 1.
print("never printed")
local x = = 1
