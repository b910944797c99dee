-- A module that returns nothing: require stores true.
noreturn_ran = true
