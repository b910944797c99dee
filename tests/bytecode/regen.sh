#!/bin/sh
# Regenerate the reference dumps and listings with the reference luajit:
#   <name>.g.raw   string.dump(f)        (with debug info)
#   <name>.s.raw   string.dump(f, true)  (stripped)
#   <name>.list    the -bl listing (jit.bc.dump of the loaded file)
#   <name>.s.list  the listing of the stripped dump loaded as "=<name>"
#   hashk.r.raw    string.dump of hashk.g.raw loaded: the loader's own
#                  layout of template tables (hashk.lua has no string keys
#                  in them, so the order of their entries is deterministic)
# allops.g.raw / allops.s.raw (every opcode with odd operands) were written
# by our writer (WRITE_ALLOPS=1 cargo test --release --lib allops_sample);
# today's LuaJIT 2.1 ($LUAJIT_REF_2026, which knows the bit operator
# bytecodes BNOT..BSAR after JMP) loads and lists them here.
# Run from anywhere: sh tests/bytecode/regen.sh
cd "$(dirname "$0")" || exit 1
for f in *.lua; do
  case "$f" in reference_*.lua) continue ;; esac
  luajit reference_dump.lua "$f" "${f%.lua}" || exit 1
done
ref2026=${LUAJIT_REF_2026:?set LUAJIT_REF_2026 to a luajit built from today's v2.1 branch}
"$ref2026" reference_list.lua allops.g.raw > allops.list || exit 1
"$ref2026" reference_list.lua allops.s.raw "=allops" > allops.s.list || exit 1
luajit -e 'local d = io.open("hashk.g.raw","rb"):read("*a"); local f = assert(loadstring(d)); local h = io.open("hashk.r.raw","wb"); h:write(string.dump(f)); h:close()' || exit 1
for f in *.s.raw; do
  n="${f%.s.raw}"
  [ "$n" = allops ] && continue
  luajit reference_list.lua "$f" "=$n" > "$n.s.list" || exit 1
done
# closures.be.raw: closures.g.raw as a big-endian build writes it (made by
# our writer; the reference loads it and string.dump gives closures.g.raw).
# closures.lua has no hash-part templates, so its dumps are reproducible.
luajit -e 'local d = io.open("closures.be.raw","rb"):read("*a"); local f = assert(loadstring(d)); local g = io.open("closures.g.raw","rb"):read("*a"); assert(string.dump(f) == g, "closures.be.raw does not match")' || exit 1
