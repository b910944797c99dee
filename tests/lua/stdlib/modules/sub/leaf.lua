-- A dotted module name maps to a directory.
return "leaf module " .. (...)
