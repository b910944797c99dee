-- debug.debug() with stdin at end of file: prints its prompt and returns.
print(select("#", debug.debug()))
print("after")
