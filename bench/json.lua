-- JSON encoder and decoder written in Lua, round-tripping a generated document
-- of SIZE records (string scanning, escaping with gsub, table construction).
-- Usage: json.lua SIZE [ITERATIONS]
local byte, char, sub, find, format, gsub = string.byte, string.char, string.sub, string.find,
  string.format, string.gsub
local concat, sort = table.concat, table.sort
local floor = math.floor

---------------------------------------------------------------- encoder
local ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
                  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escape_char(c)
  return ESCAPES[c] or format("\\u%04x", byte(c))
end

-- Tables with a positive [1] (or marked empty arrays) are arrays; keys of objects
-- are emitted sorted so the output does not depend on hash order.
local EMPTY_ARRAY = {}
-- Decoded JSON null (nil cannot be stored in a table).
local NULL = {}

local function encode_into(out, value)
  local kind = type(value)
  if kind == "string" then
    out[#out + 1] = '"' .. gsub(value, '[%c"\\]', escape_char) .. '"'
  elseif kind == "number" then
    if value == floor(value) and value > -1e15 and value < 1e15 then
      out[#out + 1] = format("%d", value)
    else
      out[#out + 1] = format("%.14g", value)
    end
  elseif kind == "boolean" then
    out[#out + 1] = value and "true" or "false"
  elseif value == nil or value == NULL then
    out[#out + 1] = "null"
  elseif value == EMPTY_ARRAY or value[1] ~= nil then
    out[#out + 1] = "["
    for i = 1, #value do
      if i > 1 then out[#out + 1] = "," end
      encode_into(out, value[i])
    end
    out[#out + 1] = "]"
  else
    local keys = {}
    for k in pairs(value) do keys[#keys + 1] = k end
    sort(keys)
    out[#out + 1] = "{"
    for i = 1, #keys do
      local k = keys[i]
      if i > 1 then out[#out + 1] = "," end
      encode_into(out, k)
      out[#out + 1] = ":"
      encode_into(out, value[k])
    end
    out[#out + 1] = "}"
  end
end

local function encode(value)
  local out = {}
  encode_into(out, value)
  return concat(out)
end

---------------------------------------------------------------- decoder
local decode_at

local function skip_space(s, pos)
  return find(s, "[^ \t\r\n]", pos) or #s + 1
end

local UNESCAPES = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local function decode_string(s, pos)
  -- pos points just after the opening quote.
  local parts = {}
  while true do
    local stop = find(s, '["\\]', pos)
    if stop == nil then error("unterminated string") end
    if stop > pos then parts[#parts + 1] = sub(s, pos, stop - 1) end
    if byte(s, stop) == 34 then return concat(parts), stop + 1 end
    local e = sub(s, stop + 1, stop + 1)
    if e == "u" then
      local code = tonumber(sub(s, stop + 2, stop + 5), 16)
      if code == nil or code > 255 then error("unsupported \\u escape") end
      parts[#parts + 1] = char(code)
      pos = stop + 6
    else
      parts[#parts + 1] = UNESCAPES[e] or e
      pos = stop + 2
    end
  end
end

function decode_at(s, pos)
  pos = skip_space(s, pos)
  local c = byte(s, pos)
  if c == 123 then -- {
    local object = {}
    pos = skip_space(s, pos + 1)
    if byte(s, pos) == 125 then return object, pos + 1 end
    while true do
      if byte(s, pos) ~= 34 then error("expected key at " .. pos) end
      local key
      key, pos = decode_string(s, pos + 1)
      pos = skip_space(s, pos)
      if byte(s, pos) ~= 58 then error("expected ':' at " .. pos) end
      local value
      value, pos = decode_at(s, pos + 1)
      object[key] = value
      pos = skip_space(s, pos)
      local d = byte(s, pos)
      if d == 125 then return object, pos + 1 end
      if d ~= 44 then error("expected ',' or '}' at " .. pos) end
      pos = skip_space(s, pos + 1)
    end
  elseif c == 91 then -- [
    local array = {}
    pos = skip_space(s, pos + 1)
    if byte(s, pos) == 93 then return EMPTY_ARRAY, pos + 1 end
    local n = 0
    while true do
      local value
      value, pos = decode_at(s, pos)
      n = n + 1
      array[n] = value
      pos = skip_space(s, pos)
      local d = byte(s, pos)
      if d == 93 then return array, pos + 1 end
      if d ~= 44 then error("expected ',' or ']' at " .. pos) end
      pos = pos + 1
    end
  elseif c == 34 then
    return decode_string(s, pos + 1)
  elseif c == 116 and sub(s, pos, pos + 3) == "true" then
    return true, pos + 4
  elseif c == 102 and sub(s, pos, pos + 4) == "false" then
    return false, pos + 5
  elseif c == 110 and sub(s, pos, pos + 3) == "null" then
    return NULL, pos + 4
  else
    local _, stop = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if stop == nil then error("unexpected character at " .. pos) end
    return tonumber(sub(s, pos, stop)), stop + 1
  end
end

local function decode(s)
  local value, pos = decode_at(s, 1)
  pos = skip_space(s, pos)
  if pos <= #s then error("trailing garbage at " .. pos) end
  return value
end

---------------------------------------------------------------- document
local WORDS = { "alpha", "beta", "gamma", "delta", "tab\there", "quote\"d", "back\\slash",
                "new\nline", "caf\233", "zeta", "eta", "theta" }

local function generate(records)
  local seed = 99
  local function random(n)
    seed = (seed * 16807) % 2147483647
    return seed % n + 1
  end
  local list = {}
  for i = 1, records do
    local tags = {}
    for j = 1, random(4) - 1 do tags[j] = WORDS[random(#WORDS)] end
    if #tags == 0 then tags = EMPTY_ARRAY end
    list[i] = {
      id = i,
      name = WORDS[random(#WORDS)] .. " " .. i,
      score = random(100000) / 64,
      active = random(2) == 1,
      parent = random(3) == 1 and NULL or random(records),
      tags = tags,
      position = { x = random(1000) - 500, y = random(1000) / 8, z = -random(50) },
    }
  end
  return { version = 3, generator = "bench/json.lua", records = list }
end

local function run(records)
  local document = generate(records)
  local text = encode(document)
  local again = encode(decode(text))
  if again ~= text then error("json round trip changed the document") end
  local hash = 0
  for i = 1, #text, 7 do hash = (hash * 31 + byte(text, i)) % 2147483647 end
  return format("%d %d", #text, hash)
end

local size = tonumber(arg and arg[1]) or 25000

local iterations = tonumber(arg and arg[2])
if iterations then
  for i = 1, iterations do
    local t0 = os.clock()
    local sum = run(size)
    print(string.format("iteration %d %.6f checksum %s", i, os.clock() - t0, sum))
  end
else
  print("checksum " .. run(size))
end
