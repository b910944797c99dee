//! The `jit/vmdef.lua` module, rendered from the concept tables.
//!
//! `jit.bc`, `jit.v`, `jit.dump` and `jit.p` read LuaJIT's names for its
//! bytecodes, IR and builtins from `jit.vmdef`. We install it as a file, as
//! LuaJIT does (the Makefile's `jitlib` copies `src/jit/lua/*.lua`), and
//! that file is generated: [`render`] builds its text from the opcode table
//! (`bcnames`) and the fast-function table (`ffnames`), and the test below
//! fails when the checked-in `src/jit/lua/vmdef.lua` differs. After
//! changing a table, regenerate it with
//!
//! ```text
//! make vmdef        # UPDATE_VMDEF=1 cargo test --release --lib vmdef::
//! ```
//!
//! The IR names, IR fields, IR calls and trace errors belong to the trace
//! compiler, which does not exist yet; until its concept tables do, they
//! are the static lists below (LuaJIT 2.1's, in its numbering).

use crate::bytecode::OP_NAMES;
use crate::fastfunc::FF_NAMES;
use std::fmt::Write;

/// Width of a name in `bcnames` and `irnames`, which pack the names into
/// one string, each padded with spaces (`jit.bc` slices it by this width).
const PACKED_NAME_WIDTH: usize = 6;

/// Longest line of a wrapped name list.
const MAX_LINE: usize = 79;

/// IR opcodes (`irnames`).
const IR_NAMES: [&str; 101] = [
    "LT", "GE", "LE", "GT", "ULT", "UGE", "ULE", "UGT", "EQ", "NE", "ABC", "RETF", "NOP", "BASE",
    "PVAL", "GCSTEP", "HIOP", "LOOP", "USE", "PHI", "RENAME", "PROF", "KPRI", "KINT", "KGC",
    "KPTR", "KKPTR", "KNULL", "KNUM", "KINT64", "KSLOT", "BNOT", "BSWAP", "BAND", "BOR", "BXOR",
    "BSHL", "BSHR", "BSAR", "BROL", "BROR", "ADD", "SUB", "MUL", "DIV", "MOD", "POW", "NEG", "ABS",
    "LDEXP", "MIN", "MAX", "FPMATH", "ADDOV", "SUBOV", "MULOV", "AREF", "HREFK", "HREF", "NEWREF",
    "UREFO", "UREFC", "FREF", "TMPREF", "STRREF", "LREF", "ALOAD", "HLOAD", "ULOAD", "FLOAD",
    "XLOAD", "SLOAD", "VLOAD", "ALEN", "ASTORE", "HSTORE", "USTORE", "FSTORE", "XSTORE", "SNEW",
    "XSNEW", "TNEW", "TDUP", "CNEW", "CNEWI", "BUFHDR", "BUFPUT", "BUFSTR", "TBAR", "OBAR", "XBAR",
    "CONV", "TOBIT", "TOSTR", "STRTO", "CALLN", "CALLA", "CALLL", "CALLS", "CALLXS", "CARG",
];

/// Operations of the FPMATH IR instruction (`irfpm`).
const IR_FPM_NAMES: [&str; 7] = ["floor", "ceil", "trunc", "sqrt", "log", "log2", "other"];

/// Object fields the FLOAD/FREF IR instructions name (`irfield`).
const IR_FIELD_NAMES: [&str; 25] = [
    "str.len",
    "func.env",
    "func.pc",
    "func.ffid",
    "thread.env",
    "tab.meta",
    "tab.array",
    "tab.node",
    "tab.asize",
    "tab.hmask",
    "tab.nomm",
    "udata.meta",
    "udata.udtype",
    "udata.file",
    "sbuf.w",
    "sbuf.e",
    "sbuf.b",
    "sbuf.l",
    "sbuf.ref",
    "sbuf.r",
    "cdata.ctypeid",
    "cdata.ptr",
    "cdata.int",
    "cdata.int64",
    "cdata.int64_4",
];

/// IR call targets (`ircall`); `jit.util.ircalladdr` accepts their indices.
pub const IR_CALL_NAMES: [&str; 113] = [
    "lj_str_cmp",
    "lj_str_find",
    "lj_str_new",
    "lj_strscan_num",
    "lj_strfmt_int",
    "lj_strfmt_num",
    "lj_strfmt_char",
    "lj_strfmt_putint",
    "lj_strfmt_putnum",
    "lj_strfmt_putquoted",
    "lj_strfmt_putfxint",
    "lj_strfmt_putfnum_int",
    "lj_strfmt_putfnum_uint",
    "lj_strfmt_putfnum",
    "lj_strfmt_putfstr",
    "lj_strfmt_putfchar",
    "lj_buf_putmem",
    "lj_buf_putstr",
    "lj_buf_putchar",
    "lj_buf_putstr_reverse",
    "lj_buf_putstr_lower",
    "lj_buf_putstr_upper",
    "lj_buf_putstr_rep",
    "lj_buf_puttab",
    "lj_bufx_set",
    "lj_bufx_more",
    "lj_serialize_put",
    "lj_serialize_get",
    "lj_serialize_encode",
    "lj_serialize_decode",
    "lj_buf_tostr",
    "lj_tab_new_ah",
    "lj_tab_new1",
    "lj_tab_dup",
    "lj_tab_clear",
    "lj_tab_newkey",
    "lj_tab_keyindex",
    "lj_vm_next",
    "lj_tab_len",
    "lj_tab_len_hint",
    "lj_gc_step_jit",
    "lj_gc_barrieruv",
    "lj_mem_newgco",
    "lj_prng_u64d",
    "lj_vm_modi",
    "log10",
    "exp",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "fputc",
    "fwrite",
    "fflush",
    "lj_vm_floor",
    "lj_vm_ceil",
    "lj_vm_trunc",
    "sqrt",
    "log",
    "lj_vm_log2",
    "pow",
    "atan2",
    "ldexp",
    "lj_vm_tobit",
    "softfp_add",
    "softfp_sub",
    "softfp_mul",
    "softfp_div",
    "softfp_cmp",
    "softfp_i2d",
    "softfp_d2i",
    "lj_vm_sfmin",
    "lj_vm_sfmax",
    "lj_vm_tointg",
    "softfp_ui2d",
    "softfp_f2d",
    "softfp_d2ui",
    "softfp_d2f",
    "softfp_i2f",
    "softfp_ui2f",
    "softfp_f2i",
    "softfp_f2ui",
    "fp64_l2d",
    "fp64_ul2d",
    "fp64_l2f",
    "fp64_ul2f",
    "fp64_d2l",
    "fp64_d2ul",
    "fp64_f2l",
    "fp64_f2ul",
    "lj_carith_divi64",
    "lj_carith_divu64",
    "lj_carith_modi64",
    "lj_carith_modu64",
    "lj_carith_powi64",
    "lj_carith_powu64",
    "lj_cdata_newv",
    "lj_cdata_setfin",
    "strlen",
    "memcpy",
    "memset",
    "lj_vm_errno",
    "lj_carith_mul64",
    "lj_carith_shl64",
    "lj_carith_shr64",
    "lj_carith_sar64",
    "lj_carith_rol64",
    "lj_carith_ror64",
];

/// Trace abort messages (`traceerr`).
const TRACE_ERROR_MESSAGES: [&str; 35] = [
    "error thrown or hook called during recording",
    "trace too short",
    "trace too long",
    "trace too deep",
    "too many snapshots",
    "blacklisted",
    "retry recording",
    "NYI: bytecode %d",
    "leaving loop in root trace",
    "inner loop in root trace",
    "loop unroll limit reached",
    "bad argument type",
    "JIT compilation disabled for function",
    "call unroll limit reached",
    "down-recursion, restarting",
    "NYI: unsupported variant of FastFunc %s",
    "NYI: return to lower frame",
    "store with nil or NaN key",
    "missing metamethod",
    "looping index lookup",
    "NYI: mixed sparse/dense table",
    "symbol not in cache",
    "NYI: unsupported C type conversion",
    "NYI: unsupported C function type",
    "guard would always fail",
    "too many PHIs",
    "persistent type instability",
    "failed to allocate mcode memory",
    "machine code too long",
    "hit mcode limit (retrying)",
    "too many spill slots",
    "inconsistent register allocation",
    "NYI: cannot assemble IR instruction %d",
    "NYI: PHI shuffling too complex",
    "NYI: register coalescing too complex",
];

/// `names` padded to [`PACKED_NAME_WIDTH`] and concatenated, for `bcnames`
/// and `irnames`.
fn packed(names: &[&str]) -> String {
    let mut out = String::new();
    for name in names {
        debug_assert!(
            name.len() <= PACKED_NAME_WIDTH,
            "{name} is too long to pack"
        );
        let _ = write!(out, "{name:<PACKED_NAME_WIDTH$}");
    }
    out
}

/// `  key = { [0] = "a","b", ... },` with the names quoted for Lua, filled
/// into lines of at most [`MAX_LINE`] characters.
fn name_list(out: &mut String, key: &str, names: &[&str]) {
    const INDENT: &str = "    ";
    let _ = writeln!(out, "  {key} = {{");
    let mut line = format!("{INDENT}[0] = ");
    let mut line_has_names = false;
    for name in names {
        let item = format!("{},", lua_quoted(name));
        if line_has_names && line.len() + item.len() > MAX_LINE {
            let _ = writeln!(out, "{line}");
            line = INDENT.to_string();
        }
        line.push_str(&item);
        line_has_names = true;
    }
    let _ = writeln!(out, "{line}");
    let _ = writeln!(out, "  }},");
}

/// A Lua string literal for `s` (the names are plain ASCII; quotes and
/// backslashes are escaped all the same).
fn lua_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The text of `jit/vmdef.lua`.
pub fn render() -> String {
    let mut out = String::new();
    out.push_str(concat!(
        "-- Names of LuaJIT's bytecodes, IR instructions, IR fields, IR calls,\n",
        "-- trace errors and builtins, for the jit.* modules.\n",
        "-- Bytecode names are 6 characters each, in opcode order; IR names likewise.\n",
        "\n",
        "return {\n",
    ));
    let _ = writeln!(out, "  bcnames = \"{}\",", packed(&OP_NAMES));
    let _ = writeln!(out, "  irnames = \"{}\",", packed(&IR_NAMES));
    name_list(&mut out, "irfpm", &IR_FPM_NAMES);
    name_list(&mut out, "irfield", &IR_FIELD_NAMES);
    name_list(&mut out, "ircall", &IR_CALL_NAMES);
    name_list(&mut out, "traceerr", &TRACE_ERROR_MESSAGES);
    name_list(&mut out, "ffnames", &FF_NAMES);
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in module is what `render` produces. With UPDATE_VMDEF
    /// set, the test rewrites it instead (`make vmdef`).
    #[test]
    fn checked_in_vmdef_lua_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/jit/lua/vmdef.lua");
        let want = render();
        if std::env::var_os("UPDATE_VMDEF").is_some() {
            std::fs::write(path, &want).expect("write vmdef.lua");
            return;
        }
        let have = std::fs::read_to_string(path).expect("read vmdef.lua");
        if have != want {
            let line = have
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .map_or(have.lines().count().min(want.lines().count()), |i| i);
            panic!(
                "src/jit/lua/vmdef.lua is out of date (first difference at line {}); \
                 regenerate it with `make vmdef`",
                line + 1
            );
        }
    }

    #[test]
    fn packed_names_slice_back() {
        let s = packed(&OP_NAMES);
        assert_eq!(s.len(), OP_NAMES.len() * PACKED_NAME_WIDTH);
        assert_eq!(&s[6..12], "ISGE  ");
        assert_eq!(lua_quoted("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
