-- Uncaught error object with __tostring.
error(setmetatable({}, {__tostring = function() return "custom error object" end}))
