-- An uncaught error: message and traceback on stderr, exit status 1, earlier stdout kept.
print("before")
io.write("partial line")
local function fail() error("something went wrong") end
local function middle() fail() end
middle()
print("never")
