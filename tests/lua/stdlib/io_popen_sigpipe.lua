-- A child writing into a pipe nobody reads any more is killed by SIGPIPE:
-- the interpreter must not leave SIGPIPE ignored for its children.
local p = io.popen("sleep 0.2; echo lost; echo 'echo survived with status' $? >&2")
print(p:close())
print(os.execute("sh -c 'kill -PIPE $$'; echo after >&2"))
local q = io.popen("yes", "r")
print(#q:read(10))
print(q:close())
print("done")
