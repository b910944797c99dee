----------------------------------------------------------------------------
-- jit.bc: bytecode listings (what `luajit -bl` prints).
--
--   local bc = require("jit.bc")
--   bc.dump(func [, out [, all]])   -- list func (and with all, its children)
--   bc.line(func, pc [, prefix])    -- one instruction as text, or nothing
--   bc.targets(func)                -- set of jump targets
--   bc.start([outfile]) / bc.on / bc.off -- list each function as it is
--                                     compiled ("bc" events of jit.attach)
----------------------------------------------------------------------------

local jit = require("jit")
local util = require("jit.util")
local vmdef = require("jit.vmdef")

local funcinfo, funcbc, funck, funcuvname = util.funcinfo, util.funcbc, util.funck, util.funcuvname
local band, rshift = bit.band, bit.rshift
local sub, byte, format, gsub = string.sub, string.byte, string.format, string.gsub
local concat = table.concat
local stdout = io.stdout

-- Operand modes (low bits of the mode word funcbc returns).
local MODE_NONE, MODE_UV, MODE_LITS, MODE_NUM, MODE_STR, MODE_FUNC, MODE_JUMP = 0, 5, 7, 9, 10, 12, 13
local TWO52 = 2^52

local function opname(op)
  local name = sub(vmdef.bcnames, op * 6 + 1, op * 6 + 6)
  return (gsub(name, " +$", ""))
end

-- A string constant as the listing shows it: control characters escaped,
-- at most 40 characters of the escaped text, "~" marking a cut.
local escapes = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
local function quote(s)
  local esc = gsub(s, "[%c\127]", function(c)
    return escapes[c] or format("\\%03d", byte(c))
  end)
  if #s > 40 then
    return '"' .. sub(esc, 1, 40) .. '"~'
  end
  return '"' .. esc .. '"'
end

-- Comment for the C/D operand d of an instruction with C/D mode mc.
local function operand_comment(func, op, mc, d)
  if mc == MODE_STR then
    local k = funck(func, -d - 1)
    if type(k) == "string" then return quote(k) end
  elseif mc == MODE_NUM then
    local k = funck(func, d)
    if k ~= nil then
      if opname(op) == "TSETM" then k = k - TWO52 end
      return tostring(k)
    end
  elseif mc == MODE_FUNC then
    local k = funck(func, -d - 1)
    if k ~= nil then return funcinfo(k).loc end
  elseif mc == MODE_UV then
    return funcuvname(func, d)
  end
  return nil
end

-- One instruction at pc as text (with a trailing newline), or nil past the end.
local function bcline(func, pc, prefix)
  local ins, m = funcbc(func, pc)
  if not ins then return end -- (no value, as LuaJIT's jit.bc)
  local op = band(ins, 0xff)
  local ma, mb, mc = band(m, 7), band(rshift(m, 3), 15), band(rshift(m, 7), 15)
  local a = band(rshift(ins, 8), 0xff)
  local d = rshift(ins, 16)
  local head = format("%04d %s %-6s %3s ", pc, prefix or "  ", opname(op), ma == MODE_NONE and "" or a)
  if mc == MODE_JUMP then
    return format("%s=> %04d\n", head, pc + d - 0x7fff)
  end
  if mb ~= MODE_NONE then
    d = band(d, 0xff)
  elseif mc == MODE_NONE then
    return head .. "\n"
  end
  local comment = operand_comment(func, op, mc, d)
  if ma == MODE_UV then
    local ka = funcuvname(func, a) or ""
    comment = comment and ka .. " ; " .. comment or ka
  end
  if mb ~= MODE_NONE then
    local b = rshift(ins, 24)
    if comment then
      return format("%s%3d %3d  ; %s\n", head, b, d, comment)
    end
    return format("%s%3d %3d\n", head, b, d)
  end
  if comment then
    return format("%s%3d      ; %s\n", head, d, comment)
  end
  if mc == MODE_LITS and d > 32767 then d = d - 65536 end
  return format("%s%3d\n", head, d)
end

-- The set of instruction indices some jump lands on.
local function bctargets(func)
  local targets = {}
  local pc = 1
  while true do
    local ins, m = funcbc(func, pc)
    if not ins then break end
    if band(rshift(m, 7), 15) == MODE_JUMP then
      targets[pc + rshift(ins, 16) - 0x7fff] = true
    end
    pc = pc + 1
  end
  return targets
end

-- List func (after its children when all is set) to out.
local function bcdump(func, out, all)
  out = out or stdout
  local info = funcinfo(func)
  if all and info.children then
    for n = -1, -info.gcconsts, -1 do
      local k = funck(func, n)
      if type(k) == "proto" then bcdump(k, out, true) end
    end
  end
  local lines = { format("-- BYTECODE -- %s-%d\n", info.loc, info.lastlinedefined) }
  local targets = bctargets(func)
  local pc = 1
  while true do
    local s = bcline(func, pc, targets[pc] and "=>")
    if not s then break end
    lines[#lines + 1] = s
    pc = pc + 1
  end
  lines[#lines + 1] = "\n"
  out:write(concat(lines))
  out:flush()
end

-- Listing of every function the parser finishes, while active.
local listout

local function on_bc(func)
  bcdump(func, listout)
end

local function bclistoff()
  if listout then
    if listout ~= stdout then listout:close() end
    listout = nil
    jit.attach(on_bc)
  end
end

local function bcliston(outfile)
  if listout then bclistoff() end
  outfile = outfile or os.getenv("LUAJIT_LISTFILE")
  if not outfile or outfile == "-" then
    listout = stdout
  else
    listout = assert(io.open(outfile, "w"))
  end
  jit.attach(on_bc, "bc")
end

return {
  line = bcline,
  dump = bcdump,
  targets = bctargets,
  on = bcliston,
  off = bclistoff,
  start = bcliston,
}
