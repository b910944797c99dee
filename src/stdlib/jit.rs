//! The `jit` library. The trace compiler does not exist yet, so
//! `jit.status()` truthfully reports that nothing is compiled; the per
//! function modes are recorded in the prototypes' PROTO_NOJIT flag.

use super::*;
use crate::bytecode::PROTO_NOJIT;
use crate::capi::core::*;
use crate::func::{GcFunc, GcProto};
use crate::state::State;
use std::os::raw::{c_int, c_void};

pub const VERSION: &str = "LuaJIT 2.1.0-beta3";
pub const VERSION_NUM: f64 = 20100.0;

// luaJIT_setmode modes and flags (luajit.h).
const MODE_MASK: c_int = 0x00ff;
const MODE_ENGINE: c_int = 0;
const MODE_FUNC: c_int = 2;
const MODE_ALLFUNC: c_int = 3;
const MODE_ALLSUBFUNC: c_int = 4;
const MODE_TRACE: c_int = 5;
const MODE_WRAPCFUNC: c_int = 0x10;
const MODE_ON: c_int = 0x0100;
const MODE_FLUSH: c_int = 0x0200;

/// Set or clear "no compilation" on a prototype and, when asked, its
/// children (recursively).
///
/// # Safety
/// `pt` is a live prototype.
unsafe fn set_proto_mode(pt: *mut GcProto, on: bool, this: bool, children: bool) {
    // SAFETY: the caller's contract; fields written by value.
    unsafe {
        if this {
            if on {
                (*pt).flags &= !PROTO_NOJIT;
            } else {
                (*pt).flags |= PROTO_NOJIT;
            }
        }
    }
    if children {
        // SAFETY: a live prototype's kgc holds sizekgc constants; its
        // child prototypes live as long as it does.
        unsafe {
            for i in 0..(*pt).sizekgc as usize {
                let k = *(*pt).kgc.add(i);
                if k.is(TID_PROTO) {
                    set_proto_mode(k.as_ptr(), on, true, true);
                }
            }
        }
    }
}

/// The prototype a setmode call targets: the value is a Lua function or a
/// prototype.
fn target_proto(v: TValue) -> Option<*mut GcProto> {
    if v.is_func() {
        let f = v.as_ptr::<GcFunc>();
        // SAFETY: a function value the caller holds is live.
        unsafe { (*f).is_lua().then(|| (*f).proto) }
    } else if v.is(TID_PROTO) {
        Some(v.as_ptr())
    } else {
        None
    }
}

/// The Lua function calling the running C function (for `true` and idx 0).
fn calling_function(l: State) -> TValue {
    crate::debug::frame_at(l, 1).map_or(TValue::NIL, |f| f.func())
}

/// jit.on/off/flush([func|true [, true|false]]).
fn set_jit_mode(l: State, mode: c_int) -> c_int {
    let nargs = lua_gettop(l);
    let first = value_at(l, 1);
    if nargs == 0 || first.is_nil() {
        set_engine(l, mode);
        return 0;
    }
    let target = if first.is_func() || first.is(TID_PROTO) {
        first
    } else if first.0 == TValue::TRUE.0 {
        calling_function(l)
    } else if first.is_num() && mode & MODE_FLUSH != 0 {
        // jit.flush(tr): flush one trace; there are none.
        return 0;
    } else {
        type_error(l, 1, "function")
    };
    let Some(pt) = target_proto(target) else {
        type_error(l, 1, "function")
    };
    let all = value_at(l, 2);
    let which = if all.0 == TValue::TRUE.0 {
        MODE_ALLFUNC
    } else if all.is_false() {
        MODE_ALLSUBFUNC
    } else {
        MODE_FUNC
    };
    if mode & MODE_FLUSH == 0 {
        // SAFETY: the prototype of argument 1 or of the calling function,
        // both live.
        unsafe { apply_func_mode(pt, which, mode & MODE_ON != 0) };
    }
    0
}

/// # Safety
/// `pt` is a live prototype.
unsafe fn apply_func_mode(pt: *mut GcProto, which: c_int, on: bool) {
    // SAFETY: the caller's contract.
    unsafe {
        match which {
            MODE_FUNC => set_proto_mode(pt, on, true, false),
            MODE_ALLFUNC => set_proto_mode(pt, on, true, true),
            _ => set_proto_mode(pt, on, false, true),
        }
    }
}

fn set_engine(l: State, mode: c_int) {
    if mode & MODE_FLUSH == 0 {
        // SAFETY: a field of the live global state, written by value.
        unsafe { (*l.global_ptr()).jit_on = mode & MODE_ON != 0 };
    }
}

extern "C-unwind" fn jit_on(l: State) -> c_int {
    set_jit_mode(l, MODE_ON)
}

extern "C-unwind" fn jit_off(l: State) -> c_int {
    set_jit_mode(l, 0)
}

extern "C-unwind" fn jit_flush(l: State) -> c_int {
    set_jit_mode(l, MODE_FLUSH)
}

extern "C-unwind" fn jit_status(l: State) -> c_int {
    // SAFETY: a field of the live global state, read by value.
    push_bool(l, unsafe { (*l.global_ptr()).jit_on });
    let mut n = 1;
    for f in cpu_flags().into_iter().chain(OPT_FLAGS) {
        push_str(l, f.as_bytes());
        n += 1;
    }
    n
}

/// jit.attach(handler [, event]): there is no compiler, so no event ever
/// fires; the handler is only checked.
extern "C-unwind" fn jit_attach(l: State) -> c_int {
    check_type(l, 1, crate::value::LUA_TFUNCTION);
    0
}

/// Optimisation flags (in jit.status() order) and parameters LuaJIT knows.
const OPT_FLAGS: [&str; 10] = [
    "fold", "cse", "dce", "fwd", "dse", "narrow", "loop", "abc", "sink", "fuse",
];
const OPT_PARAMS: [&str; 15] = [
    "maxtrace",
    "maxrecord",
    "maxirconst",
    "maxside",
    "maxsnap",
    "minstitch",
    "hotloop",
    "hotexit",
    "tryside",
    "instunroll",
    "loopunroll",
    "callunroll",
    "recunroll",
    "sizemcode",
    "maxmcode",
];

/// Whether `s` is an optimisation level, flag or `param=value` LuaJIT accepts.
fn valid_opt(s: &[u8]) -> bool {
    if s.len() == 1 && s[0].is_ascii_digit() {
        return true;
    }
    let flag = if let Some(r) = s.strip_prefix(b"+").or_else(|| s.strip_prefix(b"-")) {
        r
    } else {
        s.strip_prefix(b"no").unwrap_or(s)
    };
    if OPT_FLAGS.iter().any(|f| f.as_bytes() == flag) {
        return true;
    }
    if let Some(eq) = s.iter().position(|&c| c == b'=') {
        let (name, value) = (&s[..eq], &s[eq + 1..]);
        return OPT_PARAMS.iter().any(|p| p.as_bytes() == name)
            && value.iter().all(u8::is_ascii_digit);
    }
    false
}

extern "C-unwind" fn jit_opt_start(l: State) -> c_int {
    let n = lua_gettop(l);
    for i in 1..=n {
        let s = check_str(l, i);
        if !valid_opt(&s) {
            let mut m = b"unknown or malformed optimization flag '".to_vec();
            m.extend_from_slice(&s);
            m.push(b'\'');
            error_bytes(l, &m);
        }
        if let Some(v) = s.strip_prefix(b"hotloop=") {
            let n = std::str::from_utf8(v)
                .ok()
                .and_then(|v| v.parse::<u32>().ok());
            // SAFETY: a leaf update of the hot counters (no Lua code, no
            // collector step); nothing else reaches the global state while
            // the reference is used.
            unsafe { l.global_mut() }
                .hot
                .set_hotloop(n.unwrap_or(0).min(u16::MAX as u32) as u16);
        }
    }
    0
}

/// jit.security(option): the security features LuaJIT was built with
/// (Debian's build reports 1 for each).
extern "C-unwind" fn jit_security(l: State) -> c_int {
    let opt = check_str(l, 1);
    match &*opt {
        b"prng" | b"strhash" | b"strid" | b"mcode" => {
            push_num(l, 1.0);
            1
        }
        _ => {
            let mut msg = b"invalid option '".to_vec();
            msg.extend_from_slice(&opt);
            msg.push(b'\'');
            crate::capi::aux::arg_error(l, 1, &msg)
        }
    }
}

/// Registry key of the state jit.prngstate reports.
const PRNG_STATE_KEY: &str = "_LJRS_JIT_PRNGSTATE";

/// jit.prngstate([state]) (OpenResty): returns the PRNG state of the trace
/// compiler and, given a number, replaces it. There is no trace compiler
/// here to consume it, so the state is only kept (per Lua state, in the
/// registry) and reported back; it starts at 0.
extern "C-unwind" fn jit_prngstate(l: State) -> c_int {
    let new = if arg_count(l) >= 1 && !value_at(l, 1).is_nil() {
        Some(check_num(l, 1))
    } else {
        None
    };
    get_field(l, LUA_REGISTRYINDEX, PRNG_STATE_KEY);
    let old = value_at(l, -1);
    let old = if old.is_num() { old.as_num() } else { 0.0 };
    if let Some(n) = new {
        push_num(l, (n as i64 as u32) as f64);
        set_field(l, LUA_REGISTRYINDEX, PRNG_STATE_KEY);
    }
    push_num(l, old);
    1
}

/// CPU features LuaJIT reports in jit.status() on this machine.
fn cpu_flags() -> Vec<&'static str> {
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("sse3") {
            v.push("SSE3");
        }
        if std::arch::is_x86_feature_detected!("sse4.1") {
            v.push("SSE4.1");
        }
        if std::arch::is_x86_feature_detected!("bmi2") {
            v.push("BMI2");
        }
    }
    #[cfg(target_arch = "aarch64")]
    v.push("ARMv8");
    v
}

pub fn arch() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "arm64"
    } else {
        "x64"
    }
}

/// luaJIT_setmode(L, idx, mode): the engine on/off/flush, per-function
/// modes (recorded in PROTO_NOJIT), trace flushes (no traces exist) and
/// the C function wrapper (GlobalState::wrapcf: while set, the
/// interpreter calls C functions as `wrapper(L, f)`).
/// Returns 1 on success, 0 when the mode or the target is invalid.
///
/// # Safety
/// With `LUAJIT_MODE_WRAPCFUNC | LUAJIT_MODE_ON`, a light userdata at
/// `idx` is the address of a wrapper function `int (*)(lua_State *,
/// lua_CFunction)`, which the VM then calls for every C function call.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaJIT_setmode(l: State, idx: c_int, mode: c_int) -> c_int {
    match mode & MODE_MASK {
        MODE_ENGINE => {
            set_engine(l, mode);
            1
        }
        m @ (MODE_FUNC | MODE_ALLFUNC | MODE_ALLSUBFUNC) => {
            let v = if idx == 0 {
                crate::debug::frame_at(l, 0).map_or(TValue::NIL, |f| f.func())
            } else {
                value_at(l, idx)
            };
            match target_proto(v) {
                Some(pt) => {
                    if mode & MODE_FLUSH == 0 {
                        // SAFETY: the prototype of the function at idx or
                        // of the running one, both live.
                        unsafe { apply_func_mode(pt, m, mode & MODE_ON != 0) };
                    }
                    1
                }
                None => 0,
            }
        }
        MODE_TRACE => (mode & MODE_FLUSH != 0) as c_int,
        MODE_WRAPCFUNC => {
            let g = l.global_ptr();
            if mode & MODE_ON == 0 {
                // SAFETY: a field of the live global state, written by value.
                unsafe { (*g).wrapcf = None };
                return 1;
            }
            // As in LuaJIT: turning it on needs the wrapper, a light
            // userdata at idx; idx 0 or another value fails and changes
            // nothing.
            let v = if idx == 0 {
                TValue::NIL
            } else {
                value_at(l, idx)
            };
            if !v.is_lightud() {
                return 0;
            }
            // SAFETY: the function's contract: the light userdata is the
            // address of the wrapper function; a field of the live global
            // state, written by value.
            unsafe {
                (*g).wrapcf = Some(std::mem::transmute::<
                    *mut c_void,
                    extern "C-unwind" fn(
                        *mut lua_State,
                        crate::capi::types::lua_CFunction,
                    ) -> c_int,
                >(v.payload() as *mut c_void))
            };
            1
        }
        _ => 0,
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_jit(l: State) -> c_int {
    // LuaJIT's builtin ids, so tostring(jit.on) reads "builtin#N".
    let funcs: [(&str, CFn, FastFunc); 7] = [
        ("on", jit_on, FastFunc::JitOn),
        ("off", jit_off, FastFunc::JitOff),
        ("flush", jit_flush, FastFunc::JitFlush),
        ("status", jit_status, FastFunc::JitStatus),
        ("security", jit_security, FastFunc::JitSecurity),
        ("attach", jit_attach, FastFunc::JitAttach),
        ("prngstate", jit_prngstate, FastFunc::C),
    ];
    lua_createtable(l, 0, 16);
    for (name, f, ffid) in funcs {
        push_cfunc(l, f, ffid);
        set_field(l, -2, name);
    }
    push_str(l, arch().as_bytes());
    set_field(l, -2, "arch");
    push_str(l, b"Linux");
    set_field(l, -2, "os");
    push_str(l, VERSION.as_bytes());
    set_field(l, -2, "version");
    push_num(l, VERSION_NUM);
    set_field(l, -2, "version_num");
    lua_createtable(l, 0, 1);
    push_cfunc(l, jit_opt_start, FastFunc::JitOptStart);
    set_field(l, -2, "start");
    set_field(l, -2, "opt");
    register_loaded(l, "jit", true);
    // jit.util and jit.profile load on demand, as in LuaJIT.
    let preload: [(&str, CFn); 2] = [
        ("jit.util", super::jit_util::luaopen_jit_util),
        ("jit.profile", super::jit_profile::luaopen_jit_profile),
    ];
    registry_table(l, c"_PRELOAD", 4);
    for (name, f) in preload {
        push_closure(l, f, 0);
        set_field(l, -2, name);
    }
    lua_settop(l, -2);
    1
}
