-- A package loaded through the ?/init.lua path template.
return {name = "pkg", arg = ...}
