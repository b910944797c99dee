----------------------------------------------------------------------------
-- jit.bcsave: save or list bytecode (what `luajit -b` runs).
--
--   luajit -b[options] input output
--   require("jit.bcsave").start(options..., input, output)
--
-- Output types: raw bytecode, C source (c, cc), C header (h) and ELF
-- object files (obj, o) for x64 and arm64 that define luaJIT_BC_<name>.
-- As today's LuaJIT 2.1: -W writes 32-bit (non-GC64) bytecode, -X 64-bit
-- (GC64, the native format), -d deterministic bytecode (template tables
-- sorted), -F name overrides the file name the chunk is loaded under; the
-- file type cc is C source too.
----------------------------------------------------------------------------

local jit = require("jit")

local format, sub, byte, char, rep = string.format, string.sub, string.byte, string.char, string.rep
local concat = table.concat
local stdout, stderr = io.stdout, io.stderr

local SYMBOL_PREFIX = "luaJIT_BC_"

local function usage()
  stderr:write([[
Save LuaJIT bytecode: luajit -b[options] input output
  -l        Only list bytecode.
  -s        Strip debug info (default).
  -g        Keep debug info.
  -W        Generate 32 bit (non-GC64) bytecode.
  -X        Generate 64 bit (GC64) bytecode.
  -d        Generate bytecode in deterministic manner.
  -n name   Set module name (default: auto-detect from input name).
  -t type   Set output file type (default: auto-detect from output name).
  -a arch   Override architecture for object files (default: native).
  -o os     Override OS for object files (default: native).
  -F name   Override filename (default: input filename).
  -e chunk  Use chunk string as input.
  --        Stop handling options.
  -         Use stdin as input and/or stdout as output.

File types: c cc h obj o raw (default)
]])
  os.exit(1)
end

-- Report a fatal problem the way luajit does and exit.
local function fail(msg)
  stderr:write("luajit: ", msg, "\n")
  os.exit(1)
end

local function check(ok, msg)
  if not ok then fail(msg) end
  return ok
end

----------------------------------------------------------------------------
-- Input and output.

-- The chunk to save or list. ctx.mode is the load mode: "bt" and W (32-bit
-- bytecode, which gives a prototype that can be dumped but not run).
local function load_input(ctx, input)
  local f, err
  if ctx.chunk then
    f, err = loadstring(ctx.chunk, nil, ctx.mode)
  elseif ctx.filename then
    local s
    if input == "-" then
      s = io.stdin:read("*a")
    else
      local fp = io.open(input, "rb")
      if not fp then fail("cannot open " .. input) end
      s = fp:read("*a")
      fp:close()
    end
    f, err = load(s, "@" .. ctx.filename, ctx.mode)
  elseif input == "-" then
    f, err = load(function()
      local s = io.stdin:read(4096)
      return s
    end, "=stdin", ctx.mode)
  else
    f, err = loadfile(input, ctx.mode)
  end
  if not f then fail(err) end
  return f
end

local function open_output(output, binary)
  if output == "-" then return stdout end
  local fp, err = io.open(output, binary and "wb" or "w")
  if not fp then fail("cannot open " .. output .. ": " .. tostring(err)) end
  return fp
end

local function close_output(fp)
  if fp == stdout then
    fp:flush()
  else
    local ok, err = fp:close()
    if not ok then fail("cannot write output file: " .. tostring(err)) end
  end
end

----------------------------------------------------------------------------
-- Names, types, architectures.

-- The module name from a file name: base name, last extension dropped,
-- '.' and '-' turned into '_'.
local function module_name_of(path)
  if type(path) ~= "string" then return nil end
  local base = path:match("[^/\\]+$") or path
  base = base:match("^(.*)%.[^.]*$") or base
  base = base:match("^[%w_.%-]+")
  if not base then return nil end
  return (base:gsub("[.%-]", "_"))
end

local function checked_module_name(name)
  check(name and name:match("^[%w_.%-]+$"), "bad module name")
  return (name:gsub("[.%-]", "_"))
end

local FILE_TYPES = { raw = "raw", c = "c", cc = "cc", h = "h", o = "obj", obj = "obj" }

local function type_of_output(output)
  local ext = type(output) == "string" and output:match("%.(%a+)$")
  if ext then
    ext = ext:lower()
    if ext == "c" or ext == "cc" or ext == "h" then return ext end
    if ext == "o" or ext == "obj" then return "obj" end
  end
  return "raw"
end

-- Architectures LuaJIT knows; we write ELF objects for the 64-bit ones.
local ARCHES = {
  x64 = { machine = 62, bits = 64, le = true },
  arm64 = { machine = 183, bits = 64, le = true },
  x86 = true, arm = true, arm64be = true, ppc = true, mips = true, mipsel = true,
  mips64 = true, mips64el = true, mips64r6 = true, mips64r6el = true,
}
local OSES = { linux = true, windows = true, osx = true, freebsd = true, netbsd = true,
  openbsd = true, dragonfly = true, solaris = true, other = true }

----------------------------------------------------------------------------
-- Writers.

local function write_raw(ctx, output, s)
  local fp = open_output(output, true)
  fp:write(s)
  close_output(fp)
end

-- The bytes as decimal numbers, a line break after every line of about 78
-- characters.
local function byte_lines(s)
  local lines, line, n = {}, {}, 0
  for i = 1, #s do
    local t = tostring(byte(s, i))
    if n + #t + 1 > 78 then
      lines[#lines + 1] = concat(line, ",") .. ","
      line, n = {}, 0
    end
    line[#line + 1] = t
    n = n + #t + 1
  end
  lines[#lines + 1] = concat(line, ",")
  return concat(lines, "\n")
end

local function write_c(ctx, output, s)
  local fp = open_output(output, false)
  local sym = SYMBOL_PREFIX .. ctx.modname
  if ctx.type == "c" then
    fp:write('#ifdef __cplusplus\nextern "C"\n#endif\n#ifdef _WIN32\n__declspec(dllexport)\n#endif\n')
    fp:write("const unsigned char ", sym, "[] = {\n")
  elseif ctx.type == "cc" then
    -- C source as today's LuaJIT writes it (for C or C++): the symbol is
    -- exported with default visibility.
    fp:write('#ifdef __cplusplus\nextern "C"\n#endif\n#ifdef _WIN32\n__declspec(dllexport)\n',
      '#elif (defined(__ELF__) || defined(__MACH__) || defined(__psp2__)) && ',
      '!((defined(__sun__) && defined(__svr4__)) || defined(__CELLOS_LV2__))\n',
      '__attribute__((visibility("default")))\n#endif\n')
    fp:write("const unsigned char ", sym, "[] = {\n")
  else
    fp:write("#define ", sym, "_SIZE ", #s, "\n")
    fp:write("static const unsigned char ", sym, "[] = {\n")
  end
  fp:write(byte_lines(s), "\n};\n")
  close_output(fp)
end

-- Little-endian integers of 1, 2, 4 and 8 bytes.
local function u8(n) return char(n % 256) end
local function u16(n) return char(n % 256, math.floor(n / 256) % 256) end
local function u32(n) return u16(n % 65536) .. u16(math.floor(n / 65536)) end
local function u64(n) return u32(n % 4294967296) .. u32(math.floor(n / 4294967296)) end

-- An ELF64 relocatable object: .symtab, .shstrtab, .strtab, .rodata (the
-- bytecode) and an empty .note.GNU-stack, with one global data symbol.
local function elf64_object(machine, sym, data)
  local shstrtab = "\0.symtab\0.shstrtab\0.strtab\0.rodata\0.note.GNU-stack\0"
  local strtab = "\0" .. sym .. "\0"
  local nsect = 6
  local ehsize, shentsize, symentsize = 64, 64, 24
  local symtab_off = ehsize + nsect * shentsize
  local symtab_size = 2 * symentsize
  local shstrtab_off = symtab_off + symtab_size
  local strtab_off = shstrtab_off + #shstrtab
  local rodata_off = strtab_off + #strtab
  local note_off = rodata_off + #data
  local header = concat({
    "\127ELF", u8(2), u8(1), u8(1), u8(0), rep("\0", 8),
    u16(1), u16(machine), u32(1), u64(0), u64(0), u64(ehsize), u32(0),
    u16(ehsize), u16(0), u16(0), u16(shentsize), u16(nsect), u16(2),
  })
  local function section(name, stype, flags, off, size, link, info, align, entsize)
    return concat({ u32(name), u32(stype), u64(flags), u64(0), u64(off), u64(size),
      u32(link), u32(info), u64(align), u64(entsize) })
  end
  local sections = concat({
    rep("\0", shentsize),
    section(1, 2, 0, symtab_off, symtab_size, 3, 1, 8, symentsize),
    section(9, 3, 0, shstrtab_off, #shstrtab, 0, 0, 1, 0),
    section(19, 3, 0, strtab_off, #strtab, 0, 0, 1, 0),
    section(27, 1, 2, rodata_off, #data, 0, 0, 1, 0),
    section(35, 1, 0, note_off, 0, 0, 0, 1, 0),
  })
  local symbols = rep("\0", symentsize) ..
    concat({ u32(1), u8(0x11), u8(0), u16(4), u64(0), u64(#data) })
  return header .. sections .. symbols .. shstrtab .. strtab .. data
end

local function write_obj(ctx, output, s)
  local arch = ARCHES[ctx.arch]
  check(type(arch) == "table" and ctx.os == "linux",
    "object files for " .. ctx.arch .. "/" .. ctx.os .. " are not supported")
  local fp = open_output(output, true)
  fp:write(elf64_object(arch.machine, SYMBOL_PREFIX .. ctx.modname, s))
  close_output(fp)
end

----------------------------------------------------------------------------
-- Driver.

local function list(ctx, input, output)
  local f = load_input(ctx, input)
  local fp = open_output(output or "-", false)
  require("jit.bc").dump(f, fp, true)
  close_output(fp)
end

local function save(ctx, input, output)
  local f = load_input(ctx, input)
  local s = string.dump(f, (ctx.strip and "s" or "") .. (ctx.deterministic and "d" or ""))
  local t = ctx.type or type_of_output(output)
  ctx.type = t
  if t == "raw" then
    write_raw(ctx, output, s)
    return
  end
  if not ctx.modname then
    ctx.modname = check(module_name_of(ctx.chunk and nil or input ~= "-" and input or nil),
      "cannot derive module name, use -n name")
  end
  if t == "obj" then
    write_obj(ctx, output, s)
  else
    write_c(ctx, output, s)
  end
end

local function start(...)
  local args = { ... }
  local ctx = { strip = true, arch = jit.arch, os = string.lower(jit.os), mode = "bt" }
  local listing = false
  local n = 1
  while n <= #args do
    local a = args[n]
    if type(a) ~= "string" or sub(a, 1, 1) ~= "-" or a == "-" then break end
    table.remove(args, n)
    if a == "--" then break end
    for i = 2, #a do
      local opt = sub(a, i, i)
      if opt == "l" then
        listing = true
      elseif opt == "s" then
        ctx.strip = true
      elseif opt == "g" then
        ctx.strip = false
      elseif opt == "W" then
        ctx.mode = "btW"
      elseif opt == "X" then
        ctx.mode = "bt"
      elseif opt == "d" then
        ctx.deterministic = true
      else
        local value = args[n]
        if value == nil then usage() end
        table.remove(args, n)
        if opt == "e" then
          if i ~= #a then usage() end
          ctx.chunk = value
        elseif opt == "n" then
          ctx.modname = checked_module_name(value)
        elseif opt == "t" then
          ctx.type = check(FILE_TYPES[value], "unknown file type")
        elseif opt == "a" then
          check(ARCHES[value], "unknown architecture")
          ctx.arch = value
        elseif opt == "o" then
          check(OSES[value], "unknown OS name")
          ctx.os = value
        elseif opt == "F" then
          ctx.filename = value
        else
          usage()
        end
      end
    end
  end
  if listing then
    if ctx.chunk then
      if #args > 1 then usage() end
      list(ctx, nil, args[1])
    else
      if #args == 0 or #args > 2 then usage() end
      list(ctx, args[1], args[2])
    end
  else
    if ctx.chunk then
      if #args ~= 1 then usage() end
      save(ctx, nil, args[1])
    else
      if #args ~= 2 then usage() end
      save(ctx, args[1], args[2])
    end
  end
end

return { start = start }
