-- K-nucleotide: count k-mers in the third sequence of a fasta document that the
-- benchmark generates itself (string slicing, string-keyed hash tables).
-- Usage: knucleotide.lua N [ITERATIONS]
local char, concat, sub, upper = string.char, table.concat, string.sub, string.upper
local unpack = unpack or table.unpack

local REPEAT = "GGCCGAGTCAGATTACAGGTCCTAGGCATTGACCAGTTAAGCTGCATACGGATCCTTAGCAAGTC" ..
               "TTGAGGCCAATCGATCGGTACGATAGCCATGCTAGCTTACGGACTTCAAGATCGAGGTTCCCAA" ..
               "CGTAGTTCAGCTAGGCTATCCGTTGACACTGGAAGGTTCCGATAGCACTTGACGGTAACTAGCTG"

local IUB = {
  { "a", 0.27 }, { "c", 0.12 }, { "g", 0.12 }, { "t", 0.27 },
  { "B", 0.02 }, { "D", 0.02 }, { "H", 0.02 }, { "K", 0.02 },
  { "M", 0.02 }, { "N", 0.02 }, { "R", 0.02 }, { "S", 0.02 },
  { "V", 0.02 }, { "W", 0.02 }, { "Y", 0.02 },
}
local HOMO_SAPIENS = {
  { "a", 0.3029549426680 }, { "c", 0.1979883004921 },
  { "g", 0.1975473066391 }, { "t", 0.3015094502008 },
}

local WIDTH = 60

local function new_random(seed)
  return function(max)
    seed = (seed * 3877 + 29573) % 139968
    return max * seed / 139968
  end
end

local function emit_repeat(out, header, source, n)
  out[#out + 1] = header
  local doubled = source .. source
  local len, pos = #source, 1
  while n > 0 do
    local m = n < WIDTH and n or WIDTH
    out[#out + 1] = sub(doubled, pos, pos + m - 1)
    pos = pos + m
    if pos > len then pos = pos - len end
    n = n - m
  end
end

local function emit_random(out, header, table_, n, random, counts)
  out[#out + 1] = header
  local k = #table_
  local bytes, limits = {}, {}
  local acc = 0
  for i = 1, k do
    acc = acc + table_[i][2]
    limits[i] = acc
    bytes[i] = string.byte(table_[i][1])
  end
  limits[k] = 1.0
  local line = {}
  while n > 0 do
    local m = n < WIDTH and n or WIDTH
    for c = 1, m do
      local r = random(1.0)
      local i = 1
      while r >= limits[i] do i = i + 1 end
      line[c] = bytes[i]
      counts[i] = (counts[i] or 0) + 1
    end
    out[#out + 1] = char(unpack(line, 1, m))
    n = n - m
  end
end

-- Builds the whole fasta document; returns it with a checksum over the choices.
local function generate(n)
  local out, counts1, counts2 = {}, {}, {}
  local random = new_random(42)
  emit_repeat(out, ">ONE Homo sapiens alu", REPEAT, 2 * n)
  emit_random(out, ">TWO IUB ambiguity codes", IUB, 3 * n, random, counts1)
  emit_random(out, ">THREE Homo sapiens frequency", HOMO_SAPIENS, 5 * n, random, counts2)
  out[#out + 1] = ""
  local text = concat(out, "\n")
  local weighted = 0
  for i = 1, #IUB do weighted = weighted + i * (counts1[i] or 0) end
  for i = 1, #HOMO_SAPIENS do weighted = weighted + 100 * i * (counts2[i] or 0) end
  return text, weighted
end

-- Extracts the sequence following the line that starts with ">THREE".
local function extract_three(text)
  local lines, inside = {}, false
  for line in string.gmatch(text, "[^\n]+") do
    if sub(line, 1, 1) == ">" then
      if inside then break end
      inside = sub(line, 2, 6) == "THREE"
    elseif inside then
      lines[#lines + 1] = line
    end
  end
  return upper(concat(lines))
end

local function count_kmers(seq, k)
  local counts = {}
  for i = 1, #seq - k + 1 do
    local key = sub(seq, i, i + k - 1)
    counts[key] = (counts[key] or 0) + 1
  end
  return counts
end

-- Frequency table as "KEY count" entries sorted by count then key, hashed.
local function frequency_hash(seq, k)
  local counts = count_kmers(seq, k)
  local entries = {}
  for key, n in pairs(counts) do entries[#entries + 1] = { key, n } end
  table.sort(entries, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] < b[1]
  end)
  local hash = 0
  for i = 1, #entries do
    local key, n = entries[i][1], entries[i][2]
    for j = 1, #key do hash = (hash * 31 + string.byte(key, j)) % 2147483647 end
    hash = (hash * 31 + n) % 2147483647
  end
  return hash
end

local function run(n)
  local text = generate(n)
  local seq = extract_three(text)
  local parts = { #seq, frequency_hash(seq, 1), frequency_hash(seq, 2) }
  local probes = { "GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT" }
  for i = 1, #probes do
    local probe = probes[i]
    parts[#parts + 1] = count_kmers(seq, #probe)[probe] or 0
  end
  for i = 1, #parts do parts[i] = string.format("%d", parts[i]) end
  return concat(parts, " ")
end

local size = tonumber(arg and arg[1]) or 150000

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
