-- load(reader): the reader is called only as the lexer needs more input,
-- so a syntax error stops the reading; reader errors and bad results come
-- back from load at the moment they happen.

-- A reader over a list of pieces that counts its calls.
local function reader(pieces, gc)
  local i, calls = 0, 0
  local function rd()
    calls = calls + 1
    i = i + 1
    if gc then collectgarbage() end
    return pieces[i]
  end
  return rd, function() return calls end
end

local function try(label, pieces, ...)
  local rd, calls = reader(pieces)
  local f, err = load(rd, ...)
  print(label, type(f), err, calls())
  return f
end

-- Syntax errors early and late: later pieces are never asked for.
try("early error", {"x = ", "1 +", " $ ", "y = 2", "z = 3"})
try("late error", {"local a = 1\n", "local b = 2\n", "return a +", " b b\n", "never"})
try("error in first", {"?", "never"})
try("ok", {"return ", "1"})
try("empty string ends", {"return 1", "", "error('x')"})
try("nil ends", {"return 1", nil, "error('x')"})
try("empty first", {"", "return 1"})
try("nothing", {})
-- The lexer reads one character past a token only when it needs to.
try("unfinished", {"return 'abc", "never"})
try("eof in comment", {"--[[ abc", " def"})

-- Pieces split inside tokens.
local src = [===[
local t = {}
t[#t+1] = [[long
string]] .. [=[ with ]] inside ]=]
t[#t+1] = 0x1F + 3.25e2 + .5 + 1e-2 + 0xA.8p1
t[#t+1] = "esc\t\"\65\066\x41\z
           \u{48}\u{20AC}\
next" .. 'single\'s'
--[==[ long
comment ]] ]=] ]==] t[#t+1] = "after long comment"
-- line comment
t[#t+1] = 1 ~= 2 and 3 <= 4 and 5 >= 4 and 6 == 6 and "ops" .. "..."
goto skip
t[#t+1] = "skipped"
::skip::
local function v(...) return select('#', ...) end
t[#t+1] = v(1, 2, 3)
return table.concat(t, "|")
]===]
local whole = assert(load(src))()
print(whole)
local split_ok = 0
for cut = 0, #src do
  local f, err = load((reader({src:sub(1, cut), src:sub(cut + 1)})))
  if f and f() == whole then
    split_ok = split_ok + 1
  else
    print("split at", cut, err)
  end
end
print("two-piece splits that work", split_ok, #src + 1)
local chars = {}
for i = 1, #src do chars[i] = src:sub(i, i) end
local rd, calls = reader(chars)
local f = assert(load(rd, "=chars"))
print("one-char pieces", f() == whole, calls())
-- Error position and near-token with one-char pieces.
local bad = "local x = 1\nlocal y = [[abc]] .. 0x1G\nreturn x"
chars = {}
for i = 1, #bad do chars[i] = bad:sub(i, i) end
rd, calls = reader(chars)
print("one-char error", load(rd, "=bad"))
print("calls", calls(), "of", #bad)
print("same as string", loadstring(bad, "=bad"))

-- Number pieces are converted to strings; other values are errors.
try("number piece", {"return ", 12, ".5"})
print(pcall(function() return try("table piece", {"return 1", {}, "never"}) end))
print(pcall(function() return try("boolean piece", {true}) end))
print(pcall(function() return try("function piece", {"return", print}) end))

-- A reader that raises an error: load returns nil and the error value.
local function thrower(v, after)
  local n = 0
  return function()
    n = n + 1
    if n > after then error(v, 0) end
    return "local a = 1 "
  end, function() return n end
end
for _, v in ipairs({"boom", 42, false}) do
  local rd, n = thrower(v, 2)
  local f, e = load(rd)
  print("reader error", f, type(e), e, n())
end
local t = {}
local rd2 = thrower(t, 0)
local f2, e2 = load(rd2)
print("table error value kept", f2, e2 == t)
local rd3 = function() error("with position") end
print("error with position", load(rd3))
-- xpcall's handler sees a reader's error (the loader keeps the handler),
-- but not syntax errors or the mode check.
print(xpcall(function() return load(function() error("x", 0) end) end,
  function(m) return "handled: " .. tostring(m) end))
print(xpcall(function() return load(function() return {} end) end,
  function(m) return "handled: " .. tostring(m) end))
print(xpcall(function() return load((reader({"x x"}))) end,
  function(m) return "handled: " .. tostring(m) end))

-- Mode checks look at the first piece only.
try("mode b, text", {"return 1", "never"}, "=m", "b")
try("mode t, text", {"return 1"}, "=m", "t")
local dump = string.dump(function(a, b) local s = "str" .. a return s, b, 1.5 end)
try("mode t, binary", {dump, "never"}, "=m", "t")
try("mode b, binary", {dump}, "=m", "b")

-- Binary chunks fed in pieces of every size.
for _, size in ipairs({1, 2, 3, 5, 7, 16, #dump - 1, #dump, #dump + 1}) do
  local ps = {}
  for i = 1, #dump, size do ps[#ps + 1] = dump:sub(i, i + size - 1) end
  local rd, calls = reader(ps)
  local f, err = load(rd, "=bin")
  print("binary pieces", size, f and select(3, f("x", 2)) or err, calls())
end
try("binary + junk same piece", {dump .. "junk"})
local rdj, cj = reader({dump, "junk"})
print("binary + junk next piece", type((load(rdj))), cj())
try("truncated binary", {dump:sub(1, 20), dump:sub(21, 30)})
try("bytecode after # line", {"#!/bin/sh\n", dump})

-- A leading # line is skipped even when it spans pieces.
try("# line", {"#!", "/usr/bin/lua", "jit\n", "return 1"})
local f3 = try("# line then code", {"# x\nreturn ", "'y'"})
print(f3())
-- A byte order mark is skipped only when it arrives in one piece.
try("bom", {"\239\187\191return 1"})
try("split bom", {"\239", "\187\191return 1"})

-- collectgarbage() inside the reader while the parser holds pieces.
local big = {}
for i = 1, 200 do
  big[#big + 1] = ("local v%d = %q .. [[x%d]]\n"):format(i % 150, ("s"):rep(i % 17), i)
end
big[#big + 1] = "return v1 .. v99"
local text = table.concat(big)
chars = {}
for i = 1, #text, 7 do chars[#chars + 1] = text:sub(i, i + 6) end
local rdg, cg = reader(chars, true)
local fg = assert(load(rdg, "=gc"))
print("gc in reader", fg(), cg())
local rdb, cb = reader({dump:sub(1, 10), dump:sub(11, 40), dump:sub(41)}, true)
print("gc in binary reader", select(3, assert(load(rdb))("z", 0)), cb())
