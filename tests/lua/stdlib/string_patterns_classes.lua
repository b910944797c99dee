-- Character classes over all 256 bytes (C locale): %a %c %d %l %p %s %u %w %x and complements, sets and ranges.
local function members(pat)
  local out = {}
  for i = 0, 255 do
    local c = string.char(i)
    if c:find("^" .. pat .. "$") then out[#out+1] = i end
  end
  return #out .. ":" .. table.concat(out, ",", 1, math.min(#out, 12))
end
for _, cls in ipairs({"%a", "%c", "%d", "%l", "%p", "%s", "%u", "%w", "%x", "%z", ".",
                      "%A", "%C", "%D", "%L", "%P", "%S", "%U", "%W", "%X", "%Z",
                      "[a-f]", "[^a-f]", "[%d%u]", "[%]]", "[]]", "[^]]", "[a-]", "[-a]", "[%-]", "[%a_]",
                      "[\128-\255]", "[%^]", "[^%^]", "[a%-z]", "%%", "%.", "[.]", "%g"}) do
  print(cls, members(cls))
end
