----------------------------------------------------------------------------
-- jit.p: the profiler front end (luajit -jp[=options[,output]]).
--
--   local p = require("jit.p")
--   p.start([options [, output]])  ...  p.stop()
--
-- Options:
--   f  stack dump: function name, else module:line (the default)
--   F  stack dump: like f, but always with the module
--   l  stack dump: module:line
--   <n> / -<n>  stack depth, callee < caller / caller > callee (default 1)
--   s  split the stack dump after the first level (depth at least 2)
--   p  full paths in module names
--   v  VM states     z  zones (see jit.zone)   (first in the options: primary key)
--   r  raw sample counts instead of percentages
--   a  annotate excerpts of the source files   A  annotate whole files
--   G  raw output for graphical tools: "stack count" per line
--   m<n>  minimum percentage shown (default 3)
--   i<n>  sampling interval in milliseconds (default 10)
-- The output goes to the file named by output, or LUAJIT_PROFILEFILE, or
-- stdout.
----------------------------------------------------------------------------

local profile = require("jit.profile")
local vmdef = require("jit.vmdef")

local format, gsub, match, sub, find = string.format, string.gsub, string.match, string.sub, string.find
local sort, concat = table.sort, table.concat
local floor = math.floor
local stdout = io.stdout

local VM_STATES = {
  N = "Compiled", I = "Interpreted", C = "C code", G = "Garbage Collector", J = "JIT Compiler",
}

-- The active run, or nil.
local run

local function builtin_names(s)
  return (gsub(s, "%[builtin#(%d+)%]", function(n)
    return vmdef.ffnames[tonumber(n)]
  end))
end

local function count(t, k, n)
  t[k] = (t[k] or 0) + n
end

local function on_samples(thread, samples, vmstate)
  local r = run
  r.total = r.total + samples
  local state
  if r.states == "v" then
    state = VM_STATES[vmstate] or vmstate
  elseif r.states == "z" then
    state = r.zone:get() or "(none)"
  end
  local stack, rest
  if r.fmt then
    stack = builtin_names(profile.dumpstack(thread, r.fmt, r.depth))
    if r.split then
      local first, others = match(stack, "^(.-) [<>] (.*)$")
      if first then stack, rest = first, others end
    end
  end
  if r.annotate then
    local file, line = match(stack, "^(.*):(%d+)$")
    if file then
      local lines = r.files[file] or {}
      r.files[file] = lines
      count(lines, tonumber(line), samples)
    end
    return
  end
  local key1, key2
  if state and (not stack or r.state_first) then
    key1, key2 = state, stack
  else
    key1, key2 = stack, rest or state
  end
  count(r.counts, key1, samples)
  if key2 then
    local sub2 = r.sub[key1] or {}
    r.sub[key1] = sub2
    count(sub2, key2, samples)
  end
end

-- Keys of t, most samples first (ties by name).
local function by_count(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys, function(a, b)
    if t[a] ~= t[b] then return t[a] > t[b] end
    return tostring(a) < tostring(b)
  end)
  return keys
end

local function percent(n, total)
  return floor(n * 100 / total + 0.5)
end

local function report_counts(r, out)
  local total = r.total
  local marker = r.state_first and "--" or (r.depth < 0 and "->" or "<-")
  for _, k in ipairs(by_count(r.counts)) do
    local n = r.counts[k]
    local pct = percent(n, total)
    if pct < r.minpct then break end
    if r.raw then
      out:write(format("%5d  %s\n", n, k))
    else
      out:write(format("%2d%%  %s\n", pct, k))
    end
    local sub2 = r.sub[k]
    if sub2 then
      for _, k2 in ipairs(by_count(sub2)) do
        local n2 = sub2[k2]
        local pct2 = percent(n2, n)
        if pct2 >= r.minpct then
          if r.raw then
            out:write(format("  %s %5d  %s\n", marker, n2, k2))
          else
            out:write(format("  %s %2d%%  %s\n", marker, pct2, k2))
          end
        end
      end
    end
  end
end

local function report_graph(r, out)
  local keys = {}
  for k in pairs(r.counts) do keys[#keys + 1] = k end
  sort(keys)
  for _, k in ipairs(keys) do
    out:write(k, " ", r.counts[k], "\n")
  end
end

local CONTEXT = 3

local function report_annotated(r, out)
  local names = {}
  for name in pairs(r.files) do names[#names + 1] = name end
  sort(names)
  for _, name in ipairs(names) do
    local hits = r.files[name]
    local fp = io.open(name)
    if fp then
      local lines = {}
      for l in fp:lines() do lines[#lines + 1] = l end
      fp:close()
      out:write(format("\n====== %s ======\n", name))
      local show = {}
      for ln, n in pairs(hits) do
        if percent(n, r.total) >= r.minpct or r.whole then
          for i = ln - CONTEXT, ln + CONTEXT do show[i] = true end
        end
      end
      local shown_prev = false
      for i, text in ipairs(lines) do
        if r.whole or show[i] then
          if not r.whole and not shown_prev then
            out:write(format("@@ %d @@\n", i))
          end
          local n = hits[i]
          local pct = n and percent(n, r.total)
          if n and (r.raw or pct >= r.minpct) then
            if r.raw then
              out:write(format("%5d | %s\n", n, text))
            else
              out:write(format("%4d%% | %s\n", pct, text))
            end
          else
            out:write("      | ", text, "\n")
          end
          shown_prev = true
        else
          shown_prev = false
        end
      end
    end
  end
end

local function stop()
  local r = run
  if not r then return end
  run = nil
  profile.stop()
  local out = r.out
  if r.total == 0 then
    out:write("[No samples collected]\n")
  elseif r.annotate then
    report_annotated(r, out)
  elseif r.graph then
    report_graph(r, out)
  else
    report_counts(r, out)
  end
  if out ~= stdout then out:close() else out:flush() end
end

local function start(mode, outfile)
  if run then stop() end
  mode = mode or ""
  local r = {
    total = 0, counts = {}, sub = {}, files = {},
    minpct = tonumber(match(mode, "m(%d+)")) or 3,
    interval = tonumber(match(mode, "i(%d+)")),
    raw = find(mode, "r", 1, true) ~= nil,
    depth = 1,
  }
  -- Strip the numeric options before looking for the others.
  local flags = gsub(gsub(mode, "[mi]%d+", ""), "%-?%d+", function(d)
    r.depth = tonumber(d)
    return ""
  end)
  local scope_at = find(flags, "[fFl]")
  local states_at = find(flags, "[vz]")
  if states_at then
    r.states = sub(flags, states_at, states_at)
    r.state_first = not scope_at or states_at < scope_at
    if r.states == "z" then r.zone = require("jit.zone") end
  end
  local scope = scope_at and sub(flags, scope_at, scope_at) or (not states_at and "f" or nil)
  if find(flags, "s", 1, true) then
    r.split = true
    if r.depth == 1 then r.depth = 2 end
    if r.depth == -1 then r.depth = -2 end
  end
  local keep_path = find(flags, "p", 1, true) and "p" or ""
  if find(flags, "[aA]") then
    r.annotate = true
    r.whole = find(flags, "A", 1, true) ~= nil
    r.fmt = "pl"
    r.depth = 1
  elseif find(flags, "G", 1, true) and not states_at then
    r.graph = true
    r.fmt = keep_path .. (scope or "f") .. "Z;"
    r.depth = -100
  elseif scope then
    r.fmt = keep_path .. scope .. (r.depth >= 0 and "Z < " or "Z > ")
  end
  outfile = outfile or os.getenv("LUAJIT_PROFILEFILE")
  if outfile and outfile ~= "-" then
    r.out = assert(io.open(outfile, "w"))
  else
    r.out = stdout
  end
  run = r
  -- Report when the state closes if the program never calls stop().
  local sentinel = newproxy(true)
  getmetatable(sentinel).__gc = function() if run == r then stop() end end
  r.sentinel = sentinel
  local pmode = (scope == "l" or r.annotate) and "l" or "f"
  if r.interval then pmode = pmode .. "i" .. r.interval end
  profile.start(pmode, on_samples)
end

return {
  start = start,
  stop = stop,
}
