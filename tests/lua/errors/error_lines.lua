-- Which line is reported for errors in multi-line statements and expressions.
local function try(f) print(select(2, pcall(f))) end
local t = {}
try(function()
  local x = t
    .a
    .b
end)
try(function()
  return 1 +
    {}
end)
try(function()
  local s = "a" ..
    "b" ..
    t.missing ..
    "c"
end)
try(function()
  undefined_function(
    1,
    2
  )
end)
try(function()
  local v = t.x
  return v
    .field
end)
try(function()
  error("explicit on line " .. debug.getinfo(1, "l").currentline)
end)
