//! The native recursion guard.
//!
//! Lua calls made from native code (C functions calling `lua_call`,
//! metamethods called by the libraries, coroutine resumption) recurse on
//! the native stack. LuaJIT does not bound that recursion: it raises "stack
//! overflow" when its Lua stack runs out first (a recursive `table.sort`
//! comparator) and crashes when the native stack does (recursive
//! `string.gsub` callbacks, nested coroutines). We raise "stack overflow"
//! before the native stack runs out: each nested entry checks how much of
//! the OS thread's stack is left, keeping a reserve for what runs between
//! two checks (the parser, pattern matching, unwinding, error handlers).
//! Where the thread's stack bounds are unknown (a stack the thread library
//! did not make), the nesting depth is bounded instead, as in Lua 5.1.

use crate::state::State;
use crate::state::MAX_CCALLS;
use std::ffi::c_void;
use std::os::raw::c_int;

/// Native stack kept free when the guard lets a nested call in: the
/// parser alone may use about 256 KiB at its syntax nesting limit. An
/// error handler running after the guard tripped may use half of it.
const RESERVE: usize = 512 * 1024;
/// Smallest share of a small stack kept as the reserve (1/RESERVE_SHARE).
const RESERVE_SHARE: usize = 4;
/// Nesting depth an error handler may add when the depth is bounded
/// instead of the stack space.
const HANDLER_CCALLS: u32 = MAX_CCALLS / 8;
/// Nesting depth below which the guard does not look at the stack: a few
/// levels (up to about 6 KiB each) fit any thread's stack, and most programs
/// never nest deeper, so they never pay for finding the stack's bounds
/// (which, for the main thread, means reading /proc/self/maps). Debug
/// builds look from the first level: their levels take about 70 KiB (the
/// unoptimized interpreter loop's frame alone about 62 KiB), so 16 of them
/// overflow a 1 MiB thread stack.
const UNCHECKED_DEPTH: u32 = if cfg!(debug_assertions) { 0 } else { 16 };

/// The native stack of the OS thread that last ran the VM, with the
/// guard's limits in it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NativeStack {
    /// `pthread_self()` of that thread (0: not looked up yet).
    thread: usize,
    /// Lowest address of the stack (0 if unknown).
    low: usize,
    /// Lowest frame address at which nested calls are let in, normally and
    /// while an error raised by the guard is handled (0 if the bounds are
    /// unknown).
    floor: usize,
    handler_floor: usize,
    /// Highest address of the stack (0 if unknown).
    high: usize,
}

/// Room for glibc's and musl's `pthread_attr_t` (56 or 64 bytes).
#[repr(C, align(16))]
struct PthreadAttr([u8; 128]);

extern "C" {
    fn pthread_self() -> usize;
    fn pthread_getattr_np(thread: usize, attr: *mut PthreadAttr) -> c_int;
    fn pthread_attr_getstack(
        attr: *const PthreadAttr,
        addr: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    fn pthread_attr_destroy(attr: *mut PthreadAttr) -> c_int;
}

/// Approximate address of the current native stack frame.
#[inline(always)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Stack bounds of the calling thread as its thread library knows them.
fn thread_stack_bounds(thread: usize) -> Option<(usize, usize)> {
    let mut attr = PthreadAttr([0; 128]);
    let mut addr: *mut c_void = std::ptr::null_mut();
    let mut size = 0usize;
    // SAFETY: attr has room for the thread library's attribute object,
    // which pthread_getattr_np initialises and we destroy after reading.
    unsafe {
        if pthread_getattr_np(thread, &mut attr) != 0 {
            return None;
        }
        let ok = pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        pthread_attr_destroy(&mut attr);
        if !ok || addr.is_null() || size == 0 {
            return None;
        }
    }
    let low = addr as usize;
    Some((low, low.checked_add(size)?))
}

/// Native stack kept free below code that recurses without a Lua state
/// (the parser) for what runs after it stops: returning its error and
/// formatting the message (at most a quarter of a small stack).
const PLAIN_RECURSION_MARGIN: usize = 32 * 1024;

/// The lowest frame address that code recursing on the calling thread
/// without a Lua state (the parser) may reach, so that it stops with an
/// error instead of overflowing a small thread stack; `None` when the
/// stack's bounds are unknown.
pub fn plain_recursion_floor() -> Option<usize> {
    // SAFETY: pthread_self has no preconditions.
    let (low, high) = thread_stack_bounds(unsafe { pthread_self() })?;
    Some(low + PLAIN_RECURSION_MARGIN.min((high - low) / RESERVE_SHARE))
}

impl NativeStack {
    /// The limits for a thread whose stack spans `low..high`.
    fn for_thread(thread: usize, bounds: Option<(usize, usize)>) -> NativeStack {
        match bounds {
            Some((low, high)) => {
                let reserve = RESERVE.min((high - low) / RESERVE_SHARE);
                NativeStack {
                    thread,
                    low,
                    floor: low + reserve,
                    handler_floor: low + reserve / 2,
                    high,
                }
            }
            None => NativeStack {
                thread,
                low: 0,
                floor: 0,
                handler_floor: 0,
                high: 0,
            },
        }
    }
}

/// Check before a nested native call into Lua (`nccalls` already counts
/// it): raises "stack overflow" when too little native stack is left.
#[inline]
pub fn guard(l: State) {
    // SAFETY: fields of the live thread, read by value.
    let (depth, handling) = unsafe { ((*l.as_ptr()).nccalls, (*l.as_ptr()).native_overflow != 0) };
    if depth < UNCHECKED_DEPTH {
        return;
    }
    // SAFETY: a field of the live global state, read by value.
    let ns = unsafe { (*l.global_ptr()).native_stack };
    let floor = if handling { ns.handler_floor } else { ns.floor };
    let sp = stack_pointer();
    // SAFETY: pthread_self has no preconditions.
    if sp > floor && sp <= ns.high && ns.thread == unsafe { pthread_self() } {
        return;
    }
    guard_slow(l, handling);
}

/// The guard on another thread than last time, near the limit, or on a
/// stack of unknown bounds.
#[cold]
#[inline(never)]
fn guard_slow(l: State, handling: bool) {
    // SAFETY: a field of the live global state, read by value.
    let mut ns = unsafe { (*l.global_ptr()).native_stack };
    // SAFETY: pthread_self has no preconditions.
    let thread = unsafe { pthread_self() };
    if ns.thread != thread {
        ns = NativeStack::for_thread(thread, thread_stack_bounds(thread));
        // SAFETY: a field of the live global state, written by value.
        unsafe { (*l.global_ptr()).native_stack = ns };
    }
    let sp = stack_pointer();
    let tripped = if sp > ns.low && sp <= ns.high {
        sp <= if handling { ns.handler_floor } else { ns.floor }
    } else {
        // Unknown bounds (or a frame outside them): bound the depth.
        // SAFETY: a field of the live thread, read by value.
        let depth = unsafe { (*l.as_ptr()).nccalls };
        depth
            >= if handling {
                MAX_CCALLS + HANDLER_CCALLS
            } else {
                MAX_CCALLS
            }
    };
    if tripped {
        crate::error::native_stack_overflow(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::aux::{luaL_loadstring, luaL_newstate};
    use crate::capi::core::{lua_close, lua_pcall, lua_tolstring};
    use crate::stdlib::luaL_openlibs;

    #[test]
    fn bounds_contain_the_current_frame() {
        // SAFETY: pthread_self has no preconditions.
        let (low, high) = thread_stack_bounds(unsafe { pthread_self() }).expect("stack bounds");
        let sp = stack_pointer();
        assert!(
            low < sp && sp <= high,
            "{:x} not in {:x}..{:x}",
            sp,
            low,
            high
        );
    }

    #[test]
    fn bounds_of_a_small_thread() {
        let size = 256 * 1024;
        let h = std::thread::Builder::new()
            .stack_size(size)
            .spawn(|| {
                // SAFETY: pthread_self has no preconditions.
                let (low, high) =
                    thread_stack_bounds(unsafe { pthread_self() }).expect("stack bounds");
                (high - low, stack_pointer() > low && stack_pointer() <= high)
            })
            .unwrap();
        let (got, inside) = h.join().unwrap();
        assert!(inside);
        assert!(got >= size && got < 4 * size, "stack size {}", got);
    }

    /// Runaway recursions through native code. LuaJIT crashes on the first
    /// three (its native stack overflows) and loops forever on the last; we
    /// raise "stack overflow".
    const NATIVE_RECURSIONS: [&str; 5] = [
        "local function f() return (string.gsub('a', 'a', f)) end return f()",
        "local function f() local co = coroutine.create(f) \
         local ok, e = coroutine.resume(co) if not ok then error(e, 0) end return e end \
         return f()",
        "local function f() return coroutine.wrap(f)() end return f()",
        "local function f() table.sort({3, 2, 1}, function(a, b) f() return a < b end) end \
         return f()",
        "local t = setmetatable({}, {__tostring = function(o) return tostring(o) end}) \
         return tostring(t)",
    ];

    /// Runs each chunk in a fresh state and returns the error messages.
    fn run_native_recursions() -> Vec<String> {
        let mut out = Vec::new();
        for code in NATIVE_RECURSIONS {
            // SAFETY: a fresh state used by this thread only; the strings
            // are NUL-terminated.
            unsafe {
                let l = luaL_newstate();
                luaL_openlibs(State::from_raw(l));
                let src = std::ffi::CString::new(code).unwrap();
                assert_eq!(
                    luaL_loadstring(State::from_raw(l), src.as_ptr()),
                    0,
                    "{}",
                    code
                );
                let status = lua_pcall(State::from_raw(l), 0, 0, 0);
                let msg = lua_tolstring(State::from_raw(l), -1, std::ptr::null_mut());
                let msg = if msg.is_null() {
                    String::new()
                } else {
                    std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned()
                };
                out.push(format!("{} {}", status, msg));
                // The state still works.
                let ok = std::ffi::CString::new("return 1").unwrap();
                assert_eq!(luaL_loadstring(State::from_raw(l), ok.as_ptr()), 0);
                assert_eq!(lua_pcall(State::from_raw(l), 0, 1, 0), 0);
                lua_close(State::from_raw(l));
            }
        }
        out
    }

    fn assert_all_overflow(got: Vec<String>) {
        for (code, msg) in NATIVE_RECURSIONS.iter().zip(got) {
            assert_eq!(msg, "2 stack overflow", "{}", code);
        }
    }

    #[test]
    fn native_recursion_raises_stack_overflow() {
        assert_all_overflow(run_native_recursions());
    }

    #[test]
    fn native_recursion_on_small_and_large_thread_stacks() {
        for size in [256 * 1024, 1024 * 1024, 32 * 1024 * 1024] {
            let h = std::thread::Builder::new()
                .stack_size(size)
                .spawn(run_native_recursions)
                .unwrap();
            assert_all_overflow(h.join().unwrap());
        }
    }
}
