//! `jit.profile` and the `luaJIT_profile_*` C API: a sampling profiler.
//!
//! A profiling interval timer (setitimer(ITIMER_PROF)) raises SIGPROF; the
//! signal handler only counts the sample. The interpreter asks
//! `profile_pending` at its safe points and then calls `profile_deliver`,
//! which hands the accumulated samples to the callback, as LuaJIT delivers
//! them from its interpreter. Only one state per process can be profiled
//! at a time (as in LuaJIT), since the timer and the signal are per process.

use super::*;
use crate::capi::core::*;
use crate::capi::types::luaJIT_profile_callback;
use crate::debug::{frame_pc_index, frames, func_name, proto_line, Frame};
use crate::func::FF_C;
use crate::mem::ToVecFallible;
use crate::state::GlobalState;
use crate::state::State;
use crate::string::str_bytes;
use crate::udata::GcUdata;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

// The two process-wide cells the signal machinery needs: the handler can
// reach nothing else. They are atomics, written by the handler (the count)
// and by start/stop (the owner).
/// Samples taken since the last delivery.
static PENDING_SAMPLES: AtomicU32 = AtomicU32::new(0);
/// The global state being profiled, or null.
static PROFILED: AtomicPtr<GlobalState> = AtomicPtr::new(std::ptr::null_mut());

const SIGPROF: c_int = 27;
const ITIMER_PROF: c_int = 2;
const SIG_DFL: usize = 0;

#[repr(C)]
struct TimeVal {
    tv_sec: c_long,
    tv_usec: c_long,
}

#[repr(C)]
struct ITimerVal {
    it_interval: TimeVal,
    it_value: TimeVal,
}

extern "C" {
    fn setitimer(which: c_int, new: *const ITimerVal, old: *mut ITimerVal) -> c_int;
    /// glibc's signal(): BSD semantics (handler stays, SA_RESTART).
    fn signal(sig: c_int, handler: usize) -> usize;
}

extern "C" fn on_sigprof(_sig: c_int) {
    // Async-signal-safe: one atomic add, nothing else.
    PENDING_SAMPLES.fetch_add(1, Ordering::Relaxed);
}

/// Profiler settings and the callback, kept in a userdata in the registry
/// of the profiled state.
#[repr(C)]
struct ProfileState {
    cb: luaJIT_profile_callback,
    data: *mut c_void,
    interval_ms: u32,
    /// True while the callback runs (samples then wait for the next
    /// safe point instead of nesting).
    delivering: bool,
    /// The SIGPROF handler that was installed before start.
    old_handler: usize,
}

/// Userdata tag of the profiler state: no other userdata has it (the tags
/// of src/udata.rs are below it), and neither Lua nor C can set a tag, so
/// a registry entry replaced by Lua code is never taken for the state.
const UDTYPE_PROFILE_STATE: u8 = 4;
const _: () = assert!(
    UDTYPE_PROFILE_STATE > crate::udata::UDTYPE_BUFFER
        && UDTYPE_PROFILE_STATE > crate::udata::UDTYPE_FFI_CLIB
        && UDTYPE_PROFILE_STATE > crate::udata::UDTYPE_IO_FILE
);

const STATE_KEY: &CStr = c"jit.profile.state";
const LUA_CALLBACK_KEY: &CStr = c"jit.profile.callback";
const LUA_THREAD_KEY: &CStr = c"jit.profile.thread";
const DUMP_KEY: &CStr = c"jit.profile.dumpstack";

fn registry_get(l: State, key: &CStr) -> TValue {
    // SAFETY: key is NUL-terminated.
    unsafe { lua_getfield(l, LUA_REGISTRYINDEX, key.as_ptr()) };
    let v = value_at(l, -1);
    lua_settop(l, -2);
    v
}

/// Set registry[key] to the value at the top (popping it).
fn registry_set_top(l: State, key: &CStr) {
    // SAFETY: key is NUL-terminated.
    unsafe { lua_setfield(l, LUA_REGISTRYINDEX, key.as_ptr()) }
}

/// The profiler state `start` made, if the registry still holds it (it is
/// used before anything could collect it: no Lua code runs meanwhile).
fn profile_state(l: State) -> Option<*mut ProfileState> {
    let v = registry_get(l, STATE_KEY);
    if !v.is_udata() {
        return None;
    }
    let u: *mut GcUdata = v.as_ptr();
    // SAFETY: a userdata value the registry holds is live.
    if unsafe { (*u).udtype } != UDTYPE_PROFILE_STATE {
        return None;
    }
    Some(crate::udata::payload(u) as *mut ProfileState)
}

/// Whether `l` belongs to the profiled global state.
fn is_profiled(l: State) -> bool {
    std::ptr::eq(PROFILED.load(Ordering::Relaxed), l.global_ptr())
}

/// Whether samples wait for `l`'s state. Cheap: the interpreter may ask
/// at every safe point.
#[inline]
pub fn profile_pending(l: State) -> bool {
    PENDING_SAMPLES.load(Ordering::Relaxed) != 0 && is_profiled(l)
}

/// Deliver the waiting samples to the callback, running in `l`. The
/// interpreter calls this at a safe point (frame, pc and top saved, as for
/// a hook) when `profile_pending` said so.
pub fn profile_deliver(l: State) {
    if !is_profiled(l) {
        return;
    }
    let Some(ps) = profile_state(l) else {
        return;
    };
    // SAFETY: ps is the live state payload (profile_state), read by value.
    let (delivering, cb, data) = unsafe { ((*ps).delivering, (*ps).cb, (*ps).data) };
    if delivering {
        return;
    }
    let samples = PENDING_SAMPLES.swap(0, Ordering::Relaxed);
    if samples == 0 {
        return;
    }
    if let Some(cb) = cb {
        // SAFETY: as above; written by value before the callback runs.
        unsafe { (*ps).delivering = true };
        // There is no compiled code: samples are always taken while
        // interpreting.
        // SAFETY: cb and data are what luaJIT_profile_start was given (its
        // contract: cb may be called with data and a thread of the state),
        // or lua_profile_callback.
        unsafe { cb(data, l.as_ptr(), samples as c_int, b'I' as c_int) };
        // The callback may have stopped or restarted the profiler: the
        // state is looked up again.
        if let Some(ps) = profile_state(l) {
            // SAFETY: the live state payload, written by value.
            unsafe { (*ps).delivering = false };
        }
    }
}

fn parse_interval(mode: &[u8]) -> u32 {
    let mut interval = 10;
    let mut i = 0;
    while i < mode.len() {
        if mode[i] == b'i' {
            let digits: Vec<u8> = mode[i + 1..]
                .iter()
                .copied()
                .take_while(u8::is_ascii_digit)
                .collect();
            let n = std::str::from_utf8(&digits)
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(0);
            interval = n.max(1);
            i += digits.len();
        }
        i += 1;
    }
    interval
}

fn start_timer(interval_ms: u32) {
    let tv = TimeVal {
        tv_sec: (interval_ms / 1000) as c_long,
        tv_usec: ((interval_ms % 1000) * 1000) as c_long,
    };
    let it = ITimerVal {
        it_interval: TimeVal {
            tv_sec: tv.tv_sec,
            tv_usec: tv.tv_usec,
        },
        it_value: tv,
    };
    // SAFETY: plain system call with valid pointers.
    unsafe { setitimer(ITIMER_PROF, &it, std::ptr::null_mut()) };
}

fn stop_timer() {
    let zero = ITimerVal {
        it_interval: TimeVal {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: TimeVal {
            tv_sec: 0,
            tv_usec: 0,
        },
    };
    // SAFETY: plain system call with valid pointers.
    unsafe { setitimer(ITIMER_PROF, &zero, std::ptr::null_mut()) };
}

/// Start profiling `l`'s state: mode string ("f", "l", "i<ms>"), C callback
/// and its data.
///
/// # Safety
/// `cb`, when set, may be called with `data`, a thread of this state, a
/// sample count and a VM state (luaJIT_profile_callback's contract).
unsafe fn start(l: State, mode: &[u8], cb: luaJIT_profile_callback, data: *mut c_void) {
    let g: *mut GlobalState = l.global_ptr();
    let owner = PROFILED.load(Ordering::Relaxed);
    if std::ptr::eq(owner, g) {
        stop(l);
    } else if !owner.is_null() {
        return; // Another state holds the profiler.
    }
    let interval_ms = parse_interval(mode);
    let ps = lua_newuserdata(l, std::mem::size_of::<ProfileState>()) as *mut ProfileState;
    let u: *mut GcUdata = value_at(l, -1).as_ptr();
    // SAFETY: u is the userdata just pushed and ps its payload, sized for a
    // ProfileState (userdata payloads are aligned for any field type).
    unsafe {
        (*u).udtype = UDTYPE_PROFILE_STATE;
        ps.write(ProfileState {
            cb,
            data,
            interval_ms,
            delivering: false,
            old_handler: SIG_DFL,
        });
    }
    registry_set_top(l, STATE_KEY);
    PENDING_SAMPLES.store(0, Ordering::Relaxed);
    PROFILED.store(g, Ordering::Relaxed);
    // SAFETY: on_sigprof is async-signal-safe (one atomic add).
    let old = unsafe { signal(SIGPROF, on_sigprof as extern "C" fn(c_int) as usize) };
    // SAFETY: ps is the payload of the userdata the registry now holds
    // (nothing ran since it was stored), written by value.
    unsafe { (*ps).old_handler = old };
    start_timer(interval_ms);
}

fn stop(l: State) {
    if !is_profiled(l) {
        return;
    }
    stop_timer();
    // SAFETY: the live state payload (profile_state), read by value.
    let old = profile_state(l).map_or(SIG_DFL, |ps| unsafe { (*ps).old_handler });
    // SAFETY: old is the disposition signal() returned when profiling
    // started (or the default one).
    unsafe { signal(SIGPROF, old) };
    lua_pushnil(l);
    registry_set_top(l, STATE_KEY);
    lua_pushnil(l);
    registry_set_top(l, LUA_CALLBACK_KEY);
    lua_pushnil(l);
    registry_set_top(l, LUA_THREAD_KEY);
    PROFILED.store(std::ptr::null_mut(), Ordering::Relaxed);
    PENDING_SAMPLES.store(0, Ordering::Relaxed);
}

// ---- Stack dumps.

/// The chunk name as a module name: the file name of `@file` chunks (the
/// full path with `keep_path`), the text after `=`, else "[string]".
fn module_name(chunk: &[u8], keep_path: bool) -> Vec<u8> {
    match chunk.first() {
        Some(b'@') => {
            let s = &chunk[1..];
            if keep_path {
                s.to_vec_fallible()
            } else {
                let start = s
                    .iter()
                    .rposition(|&c| c == b'/' || c == b'\\')
                    .map_or(0, |i| i + 1);
                s[start..].to_vec_fallible()
            }
        }
        Some(b'=') => chunk[1..].to_vec_fallible(),
        _ => b"[string]".to_vec_fallible(),
    }
}

/// How a frame without a derivable name is shown: module:line for Lua
/// functions, [builtin#N] for builtins, @address for other C functions.
fn frame_location(f: &Frame, keep_path: bool, current: bool) -> Vec<u8> {
    let func = f.gcfunc();
    if func.is_null() {
        return b"?".to_vec();
    }
    // SAFETY: the function of a live frame (frames() of a live thread) is
    // live, and so are its prototype and chunk name; nothing here runs Lua
    // code.
    unsafe {
        if (*func).is_lua() {
            let pt = f.proto();
            let mut s =
                crate::mem::FallibleVec::from(module_name(str_bytes((*pt).chunkname), keep_path));
            let line = if current {
                frame_pc_index(f).map_or(0, |i| proto_line(pt, i).max(0))
            } else if (*pt).lineinfo.is_null() {
                0
            } else {
                (*pt).firstline as i32
            };
            s.extend_from_slice(format!(":{}", line).as_bytes());
            s.into_vec()
        } else if (*func).ffid > FF_C {
            format!("[builtin#{}]", (*func).ffid).into_bytes()
        } else {
            format!("@{:#x}", (*func).f.map_or(0, |c| c as usize)).into_bytes()
        }
    }
}

/// One frame formatted by `fmt` (stopping at 'Z' for the last frame).
fn dump_frame(
    l: State,
    f: &Frame,
    fmt: &[u8],
    keep_path: bool,
    last: bool,
    out: &mut crate::mem::StateBuf,
) {
    for &c in fmt {
        match c {
            b'p' => {}
            b'Z' => {
                if last {
                    return;
                }
            }
            b'l' => out.extend_from_slice(&frame_location(f, keep_path, true)),
            b'f' | b'F' => match func_name(l, f) {
                Some((_, name)) => {
                    if c == b'F' && f.is_lua() {
                        // SAFETY: f is a live Lua frame: its prototype and
                        // chunk name are live (func_name ran no Lua code).
                        let chunk = unsafe { str_bytes((*f.proto()).chunkname) };
                        out.extend_from_slice(&module_name(chunk, keep_path));
                        out.push(b':');
                    }
                    out.extend_from_slice(&name);
                }
                None => out.extend_from_slice(&frame_location(f, keep_path, false)),
            },
            _ => out.push(c),
        }
    }
}

/// The stack of `l` as text: up to |depth| frames, innermost first, or
/// outermost first for a negative depth.
pub fn dump_stack(l: State, fmt: &[u8], depth: i32) -> crate::mem::StateBuf {
    let keep_path = fmt.contains(&b'p');
    let n = depth.unsigned_abs() as usize;
    // At most one entry per frame: bounded by the stack's size limit.
    let mut chosen: Vec<Frame> = frames(l).take(n).map(|(f, _)| f).collect();
    if depth < 0 {
        chosen.reverse();
    }
    // The text grows with the format and the depth: in the state's memory.
    let mut out = crate::mem::StateBuf::of(l);
    let count = chosen.len();
    for (i, f) in chosen.iter().enumerate() {
        dump_frame(l, f, fmt, keep_path, i + 1 == count, &mut out);
    }
    out
}

// ---- The Lua module.

/// The C callback behind profile.start: runs the Lua callback on the
/// profiler's own thread as callback(thread, samples, vmstate).
///
/// # Safety
/// `l` is a live thread (profile_deliver passes the running one).
unsafe extern "C-unwind" fn lua_profile_callback(
    _data: *mut c_void,
    l: *mut lua_State,
    samples: c_int,
    vmstate: c_int,
) {
    // SAFETY: the function's contract.
    let l = unsafe { State::from_raw(l) };
    let cb = registry_get(l, LUA_CALLBACK_KEY);
    // The profiler's thread is taken from the registry, which keeps it
    // alive (LuaJIT passes it as the callback's data, which dangles once
    // Lua code replaces the registry entry).
    let thread = registry_get(l, LUA_THREAD_KEY);
    if !cb.is_func() || !thread.is_thread() {
        return;
    }
    // SAFETY: a thread the registry holds, live while the callback runs
    // (the pcall below keeps it on its own stack as the running thread).
    let l2 = unsafe { State::from_raw(thread.as_ptr()) };
    push_value(l2, cb);
    // The profiled thread's stack is left alone: it is mid-instruction.
    push_value(
        l2,
        TValue::gcobj(TID_THREAD, l.as_ptr() as *const crate::gc::GcHeader),
    );
    push_num(l2, samples as f64);
    push_str(l2, &[vmstate as u8]);
    if lua_pcall(l2, 3, 0, 0) != 0 {
        // As LuaJIT: an error in the profiler callback ends the process.
        let msg = crate::capi::aux::to_bytes(l2, -1)
            .map(|m| m.to_vec())
            .unwrap_or_default();
        let mut line = b"luajit: ".to_vec();
        line.extend_from_slice(&msg);
        line.push(b'\n');
        let _ = std::io::Write::write_all(&mut std::io::stderr(), &line);
        std::process::exit(1);
    }
}

/// profile.start(mode, callback)
extern "C-unwind" fn profile_start(l: State) -> c_int {
    let mode = opt_str(l, 1).map(|m| m.to_vec()).unwrap_or_default();
    check_type(l, 2, crate::value::LUA_TFUNCTION);
    // Stop first so that the callback registered below is the new one.
    stop(l);
    lua_pushvalue(l, 2);
    registry_set_top(l, LUA_CALLBACK_KEY);
    let l2 = lua_newthread(l);
    registry_set_top(l, LUA_THREAD_KEY);
    // SAFETY: lua_profile_callback may be called with any data and a live
    // thread of this state.
    unsafe { start(l, &mode, Some(lua_profile_callback), l2 as *mut c_void) };
    0
}

/// profile.stop()
extern "C-unwind" fn profile_stop(l: State) -> c_int {
    stop(l);
    0
}

/// profile.dumpstack([thread,] fmt, depth)
extern "C-unwind" fn profile_dumpstack(l: State) -> c_int {
    let mut target = l;
    let mut arg = 0;
    if lua_type(l, 1) == crate::value::LUA_TTHREAD {
        // SAFETY: a thread argument, kept reachable by its slot.
        target = unsafe { State::from_raw(lua_tothread(l, 1)) };
        arg = 1;
    }
    // The format stays on the stack (argument arg+1) while it is used.
    let fmt = check_str(l, arg + 1);
    let depth = check_num(l, arg + 2) as i64 as i32;
    let s = dump_stack(target, &fmt, depth);
    push_str(l, &s);
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_jit_profile(l: State) -> c_int {
    let funcs: [(&str, CFn, FastFunc); 3] = [
        ("start", profile_start, FastFunc::JitProfileStart),
        ("stop", profile_stop, FastFunc::JitProfileStop),
        (
            "dumpstack",
            profile_dumpstack,
            FastFunc::JitProfileDumpstack,
        ),
    ];
    lua_createtable(l, 0, funcs.len() as c_int);
    for (name, f, ffid) in funcs {
        push_cfunc(l, f, ffid);
        set_field(l, -2, name);
    }
    1
}

// ---- The C API.

/// # Safety
/// `mode` is null or a NUL-terminated string; `cb`, when set, may be
/// called with `data`, a thread of this state, a sample count and a VM
/// state.
#[no_mangle]
#[allow(non_snake_case)]
pub unsafe extern "C-unwind" fn luaJIT_profile_start(
    L: State,
    mode: *const c_char,
    cb: luaJIT_profile_callback,
    data: *mut c_void,
) {
    let m = if mode.is_null() {
        &[][..]
    } else {
        // SAFETY: the function's contract; the mode is only read during
        // start.
        unsafe { cstr(mode) }
    };
    // SAFETY: the function's contract on cb and data.
    unsafe { start(L, m, cb, data) };
}

#[no_mangle]
#[allow(non_snake_case)]
pub extern "C-unwind" fn luaJIT_profile_stop(L: State) {
    stop(L);
}

/// The dump stays valid until the next call (it is anchored in the
/// registry), as LuaJIT's temporary buffer does.
///
/// # Safety
/// `fmt` is null or a NUL-terminated string; `len` is null or points to a
/// writable `size_t`.
#[no_mangle]
#[allow(non_snake_case)]
pub unsafe extern "C-unwind" fn luaJIT_profile_dumpstack(
    L: State,
    fmt: *const c_char,
    depth: c_int,
    len: *mut usize,
) -> *const c_char {
    let f = if fmt.is_null() {
        &[][..]
    } else {
        // SAFETY: the function's contract; the format is only read while
        // the dump is made.
        unsafe { cstr(fmt) }
    };
    let s = dump_stack(L, f, depth);
    push_str(L, &s);
    let mut n = 0;
    // SAFETY: &mut n is a writable size_t.
    let p = unsafe { lua_tolstring(L, -1, &mut n) };
    registry_set_top(L, DUMP_KEY);
    if !len.is_null() {
        // SAFETY: the function's contract on len.
        unsafe { *len = n };
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval(b""), 10);
        assert_eq!(parse_interval(b"fi1"), 1);
        assert_eq!(parse_interval(b"li250"), 250);
        assert_eq!(parse_interval(b"i0"), 1);
    }

    #[test]
    fn module_names() {
        assert_eq!(module_name(b"@/a/b/c.lua", false), b"c.lua");
        assert_eq!(module_name(b"@/a/b/c.lua", true), b"/a/b/c.lua");
        assert_eq!(module_name(b"=a/b/c", false), b"a/b/c");
        assert_eq!(module_name(b"return 1", false), b"[string]");
    }
}
