-- Bytecode the loader accepts but that breaks what the parser guarantees
-- at run time: made from string.dump output with one instruction changed.
-- The reference runs these unchecked (and crashes or corrupts memory);
-- ours raises Lua errors. Run by tests/bytecode/bad/run.

-- The 4 bytes of an instruction (little-endian, as dumps of x86-64 and
-- ARM64 builds are).
local OP = { TNEW = 52, KSHORT = 41, MOV = 18, CALL = 66 }
local function ins_ad(op, a, d)
  return string.char(OP[op], a, d % 256, math.floor(d / 256))
end

-- Replace the one occurrence of instruction `from` by `to` in f's dump.
local function patched(f, from, to)
  local d = string.dump(f)
  local at = d:find(from, 1, true)
  assert(at and not d:find(from, at + 1, true), "instruction not found once")
  return d:sub(1, at - 1) .. to .. d:sub(at + 4)
end

local function try(name, dump, ...)
  local f, err = loadstring(dump, "=" .. name)
  if not f then
    print(name, "rejected", err)
    return
  end
  print(name, pcall(f, ...))
end

-- TSETM stores into the table its slot held: here a number instead.
-- 0001 TNEW 0 3 / 0002 VARG 1 0 0 / 0003 TSETM 1 0 / 0004 RET1 0 2
try("tsetm_into_number",
  patched(function(...) local t = {...} return t end,
    ins_ad("TNEW", 0, 3), ins_ad("KSHORT", 0, 7)), 1, 2)

-- The pairs() loop's hidden table slot overwritten inside the loop body:
-- ITERN must not take the number for a table.
-- 0005 ISNEXT 4 => 0008 / 0006 KSHORT 6 1 / 0007 GSET 6 "x" / 0008 ITERN 4 3 3
try("itern_table_slot_overwritten",
  patched(function() local t = {1, 2} for k, v in pairs(t) do x = 1 end end,
    ins_ad("KSHORT", 6, 1), ins_ad("KSHORT", 2, 1)))

-- A call whose argument count field is 0 (C = 1 + number of arguments).
-- 0001 GGET 0 0 "g" / 0002 CALL 0 1 1 / 0003 RET0 0 1
try("call_with_c_0",
  patched(function() g() end,
    string.char(OP.CALL, 0, 1, 1), string.char(OP.CALL, 0, 0, 1)))

-- A call on the slot of a local that a closure captured (its upvalue is
-- still open): the callee could overwrite its own function slot through
-- the upvalue.
-- 0001 KSHORT 0 1 / 0002 FNEW 1 0 / 0003 MOV 2 1 / 0004 CALL 2 1 1
local function patched2(f, a, b, c, d)
  local d1 = patched(f, a, b)
  local at = d1:find(c, 1, true)
  return d1:sub(1, at - 1) .. d .. d1:sub(at + 4)
end
try("call_on_captured_slot",
  patched2(function() local x = 1 local function h() x = {} end h() return x end,
    ins_ad("MOV", 2, 1), ins_ad("MOV", 0, 1),
    string.char(OP.CALL, 2, 1, 1), string.char(OP.CALL, 0, 1, 1)))

-- The unchanged functions still load and run.
try("unchanged_tsetm", string.dump(function(...) local t = {...} return #t end), 1, 2)
try("unchanged_upvalue",
  string.dump(function() local x = 1 local function h() x = 2 end h() return x end))
