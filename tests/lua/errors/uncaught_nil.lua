-- Uncaught nil error value.
error(nil)
