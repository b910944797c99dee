-- Part of a require cycle.
return require("cycle_b")
