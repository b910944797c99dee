-- Text processing: build a document from generated words, then run gsub with
-- string, table and function replacements, gmatch word counts, find with
-- captures, format, upper/lower, rep and reverse.
-- Usage: strings.lua SIZE [ITERATIONS]
local format, gsub, gmatch, find, sub, upper, lower, rep, byte =
  string.format, string.gsub, string.gmatch, string.find, string.sub, string.upper,
  string.lower, string.rep, string.byte
local concat = table.concat

local SYLLABLES = { "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "an", "el", "or", "ux" }

local function build_text(lines)
  local seed = 4242
  local function random(n)
    seed = (seed * 16807) % 2147483647
    return seed % n + 1
  end
  local out = {}
  for i = 1, lines do
    local words = {}
    for w = 1, random(8) + 4 do
      local parts = {}
      for p = 1, random(3) do parts[p] = SYLLABLES[random(#SYLLABLES)] end
      local word = concat(parts)
      if w == 1 then word = upper(sub(word, 1, 1)) .. sub(word, 2) end
      words[w] = word
    end
    out[i] = format("%05d: %s. value=%d, ratio=%.3f;", i, concat(words, " "), random(10000),
                    random(1000) / 7)
  end
  return concat(out, "\n")
end

local REPLACEMENTS = { ka = "KA", lo = "LOW", ux = "" }

local function run(lines)
  local text = build_text(lines)
  local checksum = #text
  -- Plain replacement with a count.
  local t1, n1 = gsub(text, "an", "AN")
  -- Table replacement on captured syllables.
  local t2, n2 = gsub(t1, "(%l%l)", REPLACEMENTS)
  -- Function replacement on numbers.
  local t3, n3 = gsub(t2, "value=(%d+)", function(v) return "v" .. (tonumber(v) * 3) end)
  -- Positional captures and anchored patterns on each line.
  local tens = 0
  for line in gmatch(t3, "[^\n]+") do
    local _, _, number, first = find(line, "^(%d+): (%a+)")
    if number then tens = tens + tonumber(number) % 10 + #first end
  end
  -- Word frequencies (summed in an order-independent way).
  local counts, distinct = {}, 0
  for word in gmatch(lower(text), "%a+") do
    local c = counts[word]
    if c == nil then distinct = distinct + 1; counts[word] = 1 else counts[word] = c + 1 end
  end
  local weighted = 0
  for word, c in pairs(counts) do weighted = (weighted + c * #word * byte(word, 1)) % 2147483647 end
  -- Incremental string building, reversal and repetition.
  local pieces = {}
  for i = 1, lines do pieces[#pieces + 1] = rep("ab", i % 5) .. string.reverse(format("%d", i)) end
  local joined = concat(pieces, ",")
  local escaped = gsub(joined, "[%p]", "%%%0")
  checksum = checksum + #t1 + n1 + #t2 + n2 + #t3 + n3 + tens + distinct + weighted + #escaped
  return format("%d %d %d %d", checksum % 2147483647, n2, distinct, weighted)
end

local size = tonumber(arg and arg[1]) or 70000

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
