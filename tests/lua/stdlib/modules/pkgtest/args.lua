-- Reports the arguments require passes to a module chunk.
return {n = select("#", ...), name = (...)}
