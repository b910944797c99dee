-- module() without seeall: globals are not visible afterwards.
module(...)
seen_print = print
