//! `jit.util`: introspection of functions and prototypes (the functions
//! `jit.bc`, `jit.v`, `jit.dump` and `jit.p` build on). There is no trace
//! compiler, so the trace functions find no trace and return nothing.

use super::*;
use crate::bytecode::opmodes::{modes, Mode};
use crate::bytecode::{bc_op_raw, Op, PROTO_CHILD, PROTO_VARARG};
use crate::capi::core::*;
use crate::func::{GcFunc, GcProto};
use crate::mem::{CollectFallible, ToVecFallible};
use crate::state::State;
use crate::string::str_bytes;
use std::os::raw::c_int;

/// The metamethod number a mode word carries for opcodes that call none:
/// LuaJIT's count of metamethods, ours (`crate::meta::MM_N`) plus
/// `__new`, `__pairs` and `__ipairs`, which no opcode calls. The others
/// share LuaJIT's numbers.
const MM_NONE: u32 = 22;

fn mode_number(m: Mode) -> u32 {
    // The enum follows LuaJIT's BCMode order (none, dst, base, var, rbase,
    // uv, lit, lits, pri, num, str, tab, func, jump, cdata).
    m as u32
}

/// The mode word of an opcode as LuaJIT encodes it: A mode in bits 0-2,
/// B mode in bits 3-6, C/D mode in bits 7-10, metamethod from bit 11.
pub fn mode_word(op: Op) -> u32 {
    let m = modes(op);
    mode_number(m.a)
        | mode_number(m.b) << 3
        | mode_number(m.cd) << 7
        | op.record().metamethod.map_or(MM_NONE, |mm| mm as u32) << 11
}

/// What argument 1 names: a Lua prototype (a Lua function's or a
/// prototype value, as funck returns for children) or a C function. Both
/// are live while argument 1 stays in its slot (for the whole call); no
/// reference into them is held across a call that could run Lua code
/// (jit.off may change a prototype's flags).
enum Target {
    Lua(*mut GcProto),
    C(*mut GcFunc),
}

fn check_target(l: State) -> Target {
    let v = value_at(l, 1);
    if v.is(TID_PROTO) {
        return Target::Lua(v.as_ptr());
    }
    if !v.is_func() {
        type_error(l, 1, "function");
    }
    let f = v.as_ptr::<GcFunc>();
    // SAFETY: argument 1, a function (checked), live in its slot.
    unsafe {
        if (*f).is_lua() {
            Target::Lua((*f).proto)
        } else {
            Target::C(f)
        }
    }
}

/// The prototype at argument 1. C functions are rejected with LuaJIT's
/// own message, "function expected, got function".
fn check_lua_proto(l: State) -> *mut GcProto {
    match check_target(l) {
        Target::Lua(pt) => pt,
        Target::C(_) => type_error(l, 1, "function"),
    }
}

/// Integer argument with LuaJIT's truncation of fractional numbers.
fn check_i32(l: State, n: c_int) -> i32 {
    check_num(l, n) as i64 as i32
}

fn set_num(l: State, name: &str, n: f64) {
    push_num(l, n);
    set_field(l, -2, name);
}

fn set_bool(l: State, name: &str, b: bool) {
    push_bool(l, b);
    set_field(l, -2, name);
}

fn set_bytes(l: State, name: &str, s: &[u8]) {
    push_str(l, s);
    set_field(l, -2, name);
}

/// Line of instruction `pc`: 0 without line information.
fn line_of(pt: &GcProto, pc: u32) -> u32 {
    if pt.lineinfo.is_null() || pc >= pt.sizebc {
        0
    } else {
        // SAFETY: lineinfo has sizebc entries.
        unsafe { *pt.lineinfo.add(pc as usize) }
    }
}

/// A pointer as C's `%p` prints it on Linux.
fn pointer_text(addr: usize) -> String {
    format!("{:#x}", addr)
}

/// `loc` of a prototype at instruction `pc`: the file's base name for
/// `@file` chunks, the text after `=`, a quoted source string, or the
/// prototype's address for long source strings; then `:line`.
///
/// # Safety
/// `pt` is a live prototype.
unsafe fn proto_location(pt: *mut GcProto, pc: u32) -> Vec<u8> {
    // SAFETY: the caller's contract; the borrow ends with this function,
    // which runs no Lua code.
    let p = unsafe { &*pt };
    // SAFETY: a live prototype's chunk name is a live string.
    let full = unsafe { str_bytes(p.chunkname) };
    let line = line_of(p, pc);
    // The reference formats the name as a C string: it ends at a NUL.
    let cstr =
        |s: &[u8]| -> Vec<u8> { s.iter().copied().take_while(|&c| c != 0).collect_fallible() };
    let out = if full.first() == Some(&b'@') {
        let s = cstr(&full[1..]);
        let start = (1..s.len())
            .rev()
            .find(|&i| s[i] == b'/' || s[i] == b'\\')
            .map_or(0, |i| i + 1);
        s[start..].to_vec_fallible()
    } else if full.len() > 40 {
        pointer_text(pt as usize).into_bytes()
    } else if full.first() == Some(&b'=') {
        cstr(&full[1..])
    } else {
        let mut q = crate::mem::FallibleVec::from_slice(b"\"");
        q.extend_from_slice(&cstr(full));
        q.push(b'"');
        q.into_vec()
    };
    let mut out = crate::mem::FallibleVec::from(out);
    out.extend_from_slice(format!(":{}", line).as_bytes());
    out.into_vec()
}

/// funcinfo(func [, pc]): a table describing a Lua or C function.
extern "C-unwind" fn util_funcinfo(l: State) -> c_int {
    let target = check_target(l);
    let pc = opt_num(l, 2, 0.0) as i64 as i32 as u32;
    lua_createtable(l, 0, 16);
    if let Target::Lua(pt) = target {
        // SAFETY: the prototype of argument 1 (Target); the borrow ends
        // before anything is stored into the result table.
        let (nums, currentline, flags, chunkname) = unsafe {
            let p = &*pt;
            let nums = [
                ("linedefined", p.firstline as f64),
                (
                    "lastlinedefined",
                    p.firstline.wrapping_add(p.numline) as i32 as f64,
                ),
                ("stackslots", p.framesize as f64),
                ("params", p.numparams as f64),
                ("bytecodes", p.sizebc as f64),
                ("gcconsts", p.sizekgc as f64),
                ("nconsts", p.sizekn as f64),
                ("upvalues", p.sizeuv as f64),
            ];
            let currentline = (pc < p.sizebc).then(|| line_of(p, pc));
            (nums, currentline, p.flags, p.chunkname)
        };
        for (name, n) in nums {
            set_num(l, name, n);
        }
        if let Some(line) = currentline {
            set_num(l, "currentline", line as f64);
        }
        set_bool(l, "isvararg", flags & PROTO_VARARG != 0);
        set_bool(l, "children", flags & PROTO_CHILD != 0);
        // SAFETY: the prototype's chunk name, a live string (the prototype
        // is live); copied by push_str before the collector can run.
        set_bytes(l, "source", unsafe { str_bytes(chunkname) });
        // SAFETY: the prototype of argument 1.
        set_bytes(l, "loc", &unsafe { proto_location(pt, pc) });
        push_value(
            l,
            TValue::gcobj(TID_PROTO, pt as *const crate::gc::GcHeader),
        );
        set_field(l, -2, "proto");
    } else if let Target::C(f) = target {
        // SAFETY: argument 1, a C function (Target), read by value.
        let (addr, ffid, nup) =
            unsafe { ((*f).f.map_or(0, |c| c as usize), (*f).ffid, (*f).nupvalues) };
        set_num(l, "ffid", ffid as f64);
        set_num(l, "addr", addr as f64);
        set_num(l, "upvalues", nup as f64);
    }
    1
}

/// funcbc(func, pc): the instruction at pc (as a signed 32-bit number) and
/// its mode word; nothing past the end.
extern "C-unwind" fn util_funcbc(l: State) -> c_int {
    let pt = check_lua_proto(l);
    let pc = check_i32(l, 2);
    // SAFETY: the prototype of argument 1 (Target): its bc holds sizebc
    // instructions, and 0 <= pc < sizebc (checked).
    let ins = unsafe {
        if pc < 0 || pc as u32 >= (*pt).sizebc {
            return 0;
        }
        *(*pt).bc.add(pc as usize)
    };
    push_num(l, ins as i32 as f64);
    match Op::from_u8(bc_op_raw(ins)) {
        Some(op) => push_num(l, mode_word(op) as f64),
        None => push_num(l, 0.0),
    }
    2
}

/// funck(func, idx): GC constant ~idx for negative idx, number constant
/// idx otherwise; nothing when out of range.
extern "C-unwind" fn util_funck(l: State) -> c_int {
    let pt = check_lua_proto(l);
    let idx = check_i32(l, 2);
    // SAFETY: the prototype of argument 1 (Target): kgc holds sizekgc and
    // knum sizekn constants, and the index is checked against them.
    let k = unsafe {
        if idx < 0 {
            let d = !idx as u32;
            (d < (*pt).sizekgc).then(|| *(*pt).kgc.add(d as usize))
        } else {
            ((idx as u32) < (*pt).sizekn).then(|| *(*pt).knum.add(idx as usize))
        }
    };
    match k {
        Some(v) => {
            push_value(l, v);
            1
        }
        None => 0,
    }
}

/// funcuvname(func, idx): the name of upvalue idx ("" when stripped).
extern "C-unwind" fn util_funcuvname(l: State) -> c_int {
    let pt = check_lua_proto(l);
    let idx = check_i32(l, 2);
    // SAFETY: the prototype of argument 1 (Target), read by value.
    let (sizeuv, uvnames) = unsafe { ((*pt).sizeuv, (*pt).uvnames) };
    if idx < 0 || idx as u32 >= sizeuv as u32 {
        return 0;
    }
    if uvnames.is_null() {
        push_str(l, b"");
    } else {
        // SAFETY: uvnames holds sizeuv names, live strings of the prototype;
        // 0 <= idx < sizeuv (checked); copied by push_str at once.
        push_str(l, unsafe { str_bytes(*uvnames.add(idx as usize)) });
    }
    1
}

/// The trace functions: there are no traces, so every lookup finds nothing.
extern "C-unwind" fn util_no_trace(l: State) -> c_int {
    let _ = check_i32(l, 1);
    0
}

/// Exit stubs LuaJIT's x64 backend provides (16 groups of 32).
const EXIT_STUBS: i32 = 512;
const EXIT_STUBS_PER_GROUP: i32 = 32;
/// Exit stub size in bytes (x64).
const EXIT_STUB_SIZE: i32 = 4;
/// Number of IR call targets (LuaJIT's IRCALL__MAX).
const IR_CALLS: i32 = crate::vmdef::IR_CALL_NAMES.len() as i32;

/// traceexitstub(exitno): the stub address. No machine code is ever
/// allocated here, so each group of stubs sits at offsets from a null
/// base, as in LuaJIT with the JIT off.
extern "C-unwind" fn util_traceexitstub(l: State) -> c_int {
    let n = check_i32(l, 1);
    if (0..EXIT_STUBS).contains(&n) {
        push_num(l, ((n % EXIT_STUBS_PER_GROUP) * EXIT_STUB_SIZE) as f64);
        return 1;
    }
    0
}

/// ircalladdr(idx): the address of IR call target idx. There are no IR
/// calls here; the address of this function stands in for each of them.
extern "C-unwind" fn util_ircalladdr(l: State) -> c_int {
    let n = check_i32(l, 1);
    if (0..IR_CALLS).contains(&n) {
        push_num(l, util_ircalladdr as *const () as usize as f64);
        return 1;
    }
    0
}

/// traceir/tracek/tracesnap(tr, idx): no traces exist; both arguments
/// are still checked.
extern "C-unwind" fn util_no_trace_at(l: State) -> c_int {
    let _ = check_i32(l, 1);
    let _ = check_i32(l, 2);
    0
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_jit_util(l: State) -> c_int {
    // LuaJIT's builtin ids, so tostring() of each function reads alike.
    let funcs: [(&str, CFn, FastFunc); 11] = [
        ("funcinfo", util_funcinfo, FastFunc::JitUtilFuncinfo),
        ("funcbc", util_funcbc, FastFunc::JitUtilFuncbc),
        ("funck", util_funck, FastFunc::JitUtilFunck),
        ("funcuvname", util_funcuvname, FastFunc::JitUtilFuncuvname),
        ("traceinfo", util_no_trace, FastFunc::JitUtilTraceinfo),
        ("traceir", util_no_trace_at, FastFunc::JitUtilTraceir),
        ("tracek", util_no_trace_at, FastFunc::JitUtilTracek),
        ("tracesnap", util_no_trace_at, FastFunc::JitUtilTracesnap),
        ("tracemc", util_no_trace, FastFunc::JitUtilTracemc),
        (
            "traceexitstub",
            util_traceexitstub,
            FastFunc::JitUtilTraceexitstub,
        ),
        ("ircalladdr", util_ircalladdr, FastFunc::JitUtilIrcalladdr),
    ];
    lua_createtable(l, 0, funcs.len() as c_int);
    for (name, f, ffid) in funcs {
        push_cfunc(l, f, ffid);
        set_field(l, -2, name);
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::NUM_OPS;

    /// Mode words observed from today's LuaJIT 2.1's funcbc, opcode by
    /// opcode (the same as Debian's 2022 LuaJIT's up to JMP; then the bit
    /// operators BNOT..BSAR; then the function headers, renumbered).
    const REFERENCE: [u32; NUM_OPS] = [
        12675, 12675, 14723, 14723, 8579, 8579, 9475, 9475, 9347, 9347, 9219, 9219, 45441, 45441,
        45440, 45440, 45827, 45827, 45441, 45441, 33153, 10625, 21657, 23705, 25753, 27801, 29849,
        21657, 23705, 25753, 27801, 29849, 20889, 22937, 24985, 27033, 29081, 31129, 16929, 46337,
        46849, 45953, 46209, 46081, 45314, 45697, 45445, 46341, 46213, 46085, 46724, 5633, 4865,
        5505, 1281, 3331, 409, 1305, 793, 409, 2459, 3355, 2843, 3202, 2459, 19250, 19250, 19202,
        19202, 19250, 19250, 45874, 46722, 45826, 45828, 45828, 45828, 46722, 46722, 46722, 46722,
        45826, 46722, 46722, 45826, 46724, 46724, 45828, 46724, 45441, 45465, 45465, 45465, 45465,
        45465, 45465, 45060, 45060, 45828, 45060, 45060, 45828, 45060, 45060,
    ];

    #[test]
    fn mode_words_match_reference() {
        for (i, &want) in REFERENCE.iter().enumerate() {
            let op = Op::from_u8(i as u8).unwrap();
            assert_eq!(mode_word(op), want, "{}", op.name());
        }
    }
}
