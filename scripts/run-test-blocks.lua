-- Runs the `do --- name ... end` blocks of LuaJIT-style test files one by
-- one under pcall and reports each block's result.
--
--   luajit scripts/run-test-blocks.lua [--timeout S] [--args "..."] LUAJIT DIR FILE.lua...
--
-- The files are not ours (they are fetched into a scratch directory, see
-- doc/conformance.md); this script only rewrites them. The rewrite runs
-- under the luajit that runs this script (use the reference, so a parser
-- bug in the binary under test cannot change how blocks are cut). The
-- rewritten file keeps every line where it was: the opening line
-- `do --- name` becomes `__block("name", function()` and the block's
-- closing `end` (the first line that is exactly "end" after which the block
-- compiles on its own) becomes `end)`. Code outside blocks runs as before,
-- so blocks still share the file's locals and state, as in LuaJIT's own
-- runner. Each file then runs in DIR under LUAJIT (a new process per file;
-- a crash or timeout fails the remaining blocks of that file).
--
-- Output: one line per block, "PASS file: name" or "FAIL file: name: error",
-- then a summary per file ("file: P/N").

local timeout, extra_args = 60, ""
local argv = { ... }
while argv[1] and argv[1]:sub(1, 2) == "--" do
  local opt = table.remove(argv, 1)
  if opt == "--timeout" then
    timeout = tonumber(table.remove(argv, 1))
  elseif opt == "--args" then
    extra_args = table.remove(argv, 1)
  else
    error("unknown option " .. opt)
  end
end
local luajit, dir = argv[1], argv[2]
if not luajit or not dir or not argv[3] then
  io.stderr:write("usage: run-test-blocks.lua [--timeout S] [--args A] LUAJIT DIR FILE.lua...\n")
  os.exit(2)
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do lines[#lines + 1] = line end
  return lines
end

-- Returns the rewritten source and the list of block names in order.
local function rewrite(lines)
  local out, names = {}, {}
  local i = 1
  while i <= #lines do
    local line = lines[i]
    local name = line:match("^do%s*%-%-%-%s*(.-)%s*$")
    if name then
      local close
      for j = i + 1, #lines do
        if lines[j] == "end" then
          local chunk = table.concat(lines, "\n", i, j)
          if loadstring(chunk) then close = j; break end
        end
      end
      if not close then error("block '" .. name .. "' has no closing end") end
      names[#names + 1] = name
      out[#out + 1] = string.format("__block(%d, function()", #names)
      for j = i + 1, close - 1 do out[#out + 1] = lines[j] end
      out[#out + 1] = "end)"
      i = close + 1
    else
      out[#out + 1] = line
      i = i + 1
    end
  end
  return table.concat(out, "\n") .. "\n", names
end

-- Prepended on the first line (no newline, so line numbers stay the same).
local prologue = [[local __block = function(index, f) ]] ..
  [[io.stdout:write("BEGIN ", index, "\n"); io.stdout:flush(); ]] ..
  [[local ok, err = pcall(f); ]] ..
  [[if ok then io.stdout:write("PASS ", index, "\n") ]] ..
  [[else io.stdout:write("FAIL ", index, " ", (tostring(err):gsub("\n", " ")), "\n") end; ]] ..
  [[io.stdout:flush() end; ]]

local summary = {}
for k = 3, #argv do
  local file = argv[k]
  local source, names = rewrite(read_lines(dir .. "/" .. file))
  local rewritten = dir .. "/.blocks_" .. file:gsub("/", "_")
  local f = assert(io.open(rewritten, "w"))
  f:write(prologue, source)
  f:close()
  local cmd = string.format("cd '%s' && timeout %d %s %s '%s' 2>&1", dir, timeout,
    luajit, extra_args, rewritten:match("[^/]+$"))
  local p = assert(io.popen(cmd))
  local output = p:read("*a")
  p:close()
  os.remove(rewritten)
  local result, started, other = {}, nil, {}
  for line in output:gmatch("[^\n]+") do
    local status, index, err = line:match("^(%u+) (%d+) ?(.*)$")
    index = tonumber(index)
    if status == "BEGIN" then
      started = index
    elseif status == "PASS" then
      result[index] = true
    elseif status == "FAIL" then
      result[index] = err
    else
      other[#other + 1] = line
    end
  end
  local passed = 0
  for index, name in ipairs(names) do
    local r = result[index]
    if r == true then
      passed = passed + 1
      print("PASS " .. file .. ": " .. name)
    elseif r then
      print("FAIL " .. file .. ": " .. name .. ": " .. r)
    elseif started == index then
      print("FAIL " .. file .. ": " .. name .. ": process ended inside the block: " ..
        table.concat(other, " | "):sub(1, 300))
    else
      print("FAIL " .. file .. ": " .. name .. ": not run" ..
        (#other > 0 and (": " .. table.concat(other, " | "):sub(1, 300)) or ""))
    end
  end
  summary[#summary + 1] = string.format("%s: %d/%d", file, passed, #names)
end
print(table.concat(summary, "\n"))
