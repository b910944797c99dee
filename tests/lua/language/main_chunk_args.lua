-- The main chunk: arg table, vararg main chunk, chunk-level locals and return value.
print(arg[0], #arg, select('#', ...), type(arg))
local info = debug.getinfo(1, "S")
print(info.what, info.source, info.short_src)
print(debug.getinfo(1, "u").isvararg, debug.getinfo(1, "u").nparams)
return "returned values are ignored"
