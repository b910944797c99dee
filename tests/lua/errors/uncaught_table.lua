-- Uncaught non-string error objects.
print("start")
error({code = 1})
