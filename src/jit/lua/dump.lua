----------------------------------------------------------------------------
-- jit.dump: trace dumps (luajit -jdump[=options[,output]]).
--
--   require("jit.dump").on([options [, output]])  /  .off()  /  .start(...)
--
-- Options: t trace events, b recorded bytecode, i IR, r IR with register
-- allocation, s snapshots, m machine code, x trace exits, X exits with
-- registers, a all of the above; + adds to the defaults (tbimrs without
-- m); A ANSI colours, H HTML, T plain text. The output goes to the named
-- file, or LUAJIT_DUMPFILE, or stdout ("-").
-- Without a trace compiler no trace event fires: only the HTML header
-- (option H) is ever written.
----------------------------------------------------------------------------

local jit = require("jit")
local util = require("jit.util")
local vmdef = require("jit.vmdef")
local bc = require("jit.bc")

local funcinfo, traceinfo = util.funcinfo, util.traceinfo
local format, gsub, find = string.format, string.gsub, string.find
local stdout, stderr = io.stdout, io.stderr

local HTML_HEADER = [==[
<style type="text/css">
background { background: #ffffff; color: #000000; }
pre.ljdump {
font-size: 10pt;
background: #f0f4ff;
color: #000000;
border: 1px solid #bfcfff;
padding: 0.5em;
margin-left: 2em;
margin-right: 2em;
}
span.irt_str { color: #00a000; }
span.irt_thr, span.irt_fun { color: #404040; font-weight: bold; }
span.irt_tab { color: #c00000; }
span.irt_udt, span.irt_lud { color: #00c0c0; }
span.irt_num { color: #4040c0; }
span.irt_int, span.irt_i8, span.irt_u8, span.irt_i16, span.irt_u16 { color: #b040b0; }
span.irt_extra { font-style: italic; }
</style>
]==]

local out, active, html
local recording_depth = {}

local function escape_html(s)
  return (gsub(s, "[<>&]", { ["<"] = "&lt;", [">"] = "&gt;", ["&"] = "&amp;" }))
end

local function write(s)
  if html then s = escape_html(s) end
  out:write(s)
end

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

local function error_text(err, info)
  if type(err) == "number" then
    local text = vmdef.traceerr[err]
    if type(info) == "function" then info = location(info) end
    if text and find(text, "%%d") then info = tonumber(info) or 0 end
    return text and format(text, info) or tostring(err)
  end
  return tostring(err)
end

local function on_trace(what, tr, func, pc, otr, oex)
  if what == "start" then
    if active.t then
      local from = otr and format(" %d/%s", otr, oex == -1 and "stitch" or oex) or ""
      write(format("---- TRACE %d start%s %s\n", tr, from, location(func, pc)))
    end
    recording_depth = {}
  elseif what == "stop" then
    if active.t then
      local info = traceinfo(tr) or {}
      local link, kind = info.link, info.linktype
      if kind == "interpreter" then
        write(format("---- TRACE %d stop -> interpreter\n", tr))
      elseif kind == "stitch" then
        write(format("---- TRACE %d stop -> stitch\n", tr))
      elseif link == tr or link == 0 then
        write(format("---- TRACE %d stop -> %s\n", tr, kind))
      elseif kind == "root" then
        write(format("---- TRACE %d stop -> %d\n", tr, link))
      else
        write(format("---- TRACE %d stop -> %d %s\n", tr, link, kind))
      end
      write("\n")
    end
  elseif what == "abort" then
    if active.t then
      write(format("---- TRACE %d abort %s -- %s\n\n", tr, location(func, pc), error_text(otr, oex)))
    end
  elseif what == "flush" then
    if active.t then write("---- TRACE flush\n\n") end
  end
  out:flush()
end

local function on_record(tr, func, pc, depth)
  if not active.b then return end
  local prefix = string.rep(" .", depth)
  local fi = funcinfo(func, pc)
  if fi.loc then
    local line = bc.line(func, pc, prefix)
    if line and pc == 0 then
      -- The function header: name the function being entered.
      line = line:sub(1, -2) .. "         ; " .. fi.loc .. "\n"
    end
    if line then
      write(line)
      -- Comparisons and tests are recorded together with their jump.
      local ins = util.funcbc(func, pc)
      if pc > 0 and ins and ins % 256 < 16 then
        local jump = bc.line(func, pc + 1, prefix)
        if jump then write(jump) end
      end
    end
  else
    write(format("%04d %s %-6s %3s %3s      ; %s\n", 0, prefix, "FUNCC", "", "", location(func, pc)))
  end
end

local function on_texit(tr, ex, ngpr, nfpr)
  if active.x or active.X then
    write(format("---- TRACE %d exit %d\n", tr, ex))
  end
end

local function off()
  if not out then return end
  jit.attach(on_trace)
  jit.attach(on_record)
  jit.attach(on_texit)
  if out ~= stdout and out ~= stderr then out:close() end
  out, active, html = nil, nil, nil
end

local function on(opt, outfile)
  if out then off() end
  opt = opt or ""
  local flags = {}
  local defaults = "tbimrs"
  if opt == "" or find(opt, "^%+") then
    for c in defaults:gmatch(".") do flags[c] = true end
  end
  for c in opt:gmatch("[%a]") do flags[c] = true end
  if flags.a then
    for c in ("tbimrsxX"):gmatch(".") do flags[c] = true end
  end
  active = flags
  outfile = outfile or os.getenv("LUAJIT_DUMPFILE")
  if not outfile or outfile == "-" then
    out = stdout
  else
    out = assert(io.open(outfile, "w"))
  end
  html = flags.H and true or nil
  if html then
    out:write(HTML_HEADER)
    out:flush()
  end
  jit.attach(on_trace, "trace")
  if flags.b then jit.attach(on_record, "record") end
  if flags.x or flags.X then jit.attach(on_texit, "texit") end
end

return {
  on = on,
  off = off,
  start = on,
}
