----------------------------------------------------------------------------
-- jit.v: one line per trace event (luajit -jv[=output]).
--
--   require("jit.v").on([output])  /  .off()  /  .start([output])
--
-- The output goes to the named file, or LUAJIT_VERBOSEFILE, or stdout
-- ("-"). Lines read "[TRACE   1 file:line loop]", "[TRACE --- file:line --
-- reason at file:line]" and so on. Without a trace compiler no trace
-- event ever fires, so nothing is printed.
----------------------------------------------------------------------------

local jit = require("jit")
local util = require("jit.util")
local vmdef = require("jit.vmdef")

local funcinfo, traceinfo = util.funcinfo, util.traceinfo
local format, gsub = string.format, string.gsub
local stdout, stderr = io.stdout, io.stderr

local out
local started_at, started_from

-- A function and pc as a location: file:line, a builtin's name, or the
-- C function's address.
local function location(func, pc)
  local fi = funcinfo(func, pc)
  if fi.loc then
    return fi.loc
  elseif fi.ffid then
    return vmdef.ffnames[fi.ffid]
  elseif fi.addr then
    return format("C:%x", fi.addr)
  end
  return "(?)"
end

-- A trace error message with its argument filled in.
local function error_text(err, info)
  if type(err) == "number" then
    local text = vmdef.traceerr[err]
    if type(info) == "function" then info = location(info) end
    if text and text:find("%%d") then info = tonumber(info) or 0 end
    return text and format(text, info) or tostring(err)
  end
  return tostring(err)
end

local function on_trace(what, tr, func, pc, otr, oex)
  if what == "start" then
    started_at = location(func, pc)
    started_from = otr and format("(%d/%s) ", otr, oex == -1 and "stitch" or oex) or ""
  elseif what == "stop" then
    local info = traceinfo(tr) or {}
    local link, kind = info.link, info.linktype
    local line
    if kind == "interpreter" then
      line = format("[TRACE %3s %s%s -- fallback to interpreter]\n", tr, started_from, started_at)
    elseif kind == "stitch" then
      line = format("[TRACE %3s %s%s %s %s]\n", tr, started_from, started_at, kind, location(func, pc))
    elseif link == tr or link == 0 then
      line = format("[TRACE %3s %s%s %s]\n", tr, started_from, started_at, kind)
    elseif kind == "root" then
      line = format("[TRACE %3s %s%s -> %d]\n", tr, started_from, started_at, link)
    else
      line = format("[TRACE %3s %s%s -> %d %s]\n", tr, started_from, started_at, link, kind)
    end
    out:write(line)
  elseif what == "abort" then
    local msg = error_text(otr, oex)
    local at = location(func, pc)
    if at == started_at then
      out:write(format("[TRACE --- %s%s -- %s]\n", started_from, started_at, msg))
    else
      out:write(format("[TRACE --- %s%s -- %s at %s]\n", started_from, started_at, msg, at))
    end
  elseif what == "flush" then
    out:write("[TRACE flush]\n")
  end
  out:flush()
end

local function off()
  if out then
    jit.attach(on_trace)
    if out ~= stdout and out ~= stderr then out:close() end
    out = nil
  end
end

local function on(outfile)
  if out then off() end
  outfile = outfile or os.getenv("LUAJIT_VERBOSEFILE")
  if not outfile or outfile == "-" then
    out = stdout
  else
    out = assert(io.open(outfile, "w"))
  end
  jit.attach(on_trace, "trace")
end

return {
  on = on,
  off = off,
  start = on,
}
