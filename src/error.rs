//! Raising Lua errors.
//!
//! A Lua error (and a yield from a C function that unwinds to its resume)
//! is an unwind of our own exception class, raised with the unwinder's
//! `_Unwind_RaiseException` like LuaJIT's errors: a C++ `catch (...)` may
//! catch it and drop it (the documented LUAJIT_MODE_WRAPCFUNC wrapper
//! does), which a Rust panic does not survive ("Rust panics must be
//! rethrown"). All entry points that C code calls are `extern "C-unwind"`,
//! so the unwind passes through C frames (compiled with or without
//! -fexceptions, which only need unwind tables) and through our own
//! frames, releasing Rust resources on the way; `catch` stops it and hands
//! it on as a `LuaThrow` or `YieldUnwind` payload. The error object itself
//! travels in `lua_State::errobj`.

use crate::debug;
use crate::state::*;
use crate::string::str_bytes;
use crate::value::*;

/// What a caught unwind carries (a `LuaThrow`, a `YieldUnwind`, a
/// `CxxException`, or a Rust panic to propagate).
pub type Payload = Box<dyn std::any::Any + Send>;

/// A C++ (or other foreign) exception caught at a protection boundary: its
/// unwinder exception object, owned until it is raised again or released
/// (src/capi/foreign_unwind.c).
pub struct CxxException(*mut std::ffi::c_void);

// SAFETY: the holder is only moved between frames of the thread that caught it.
unsafe impl Send for CxxException {}

impl CxxException {
    /// Throw the C++ exception onward, to an outer C++ catch.
    pub fn rethrow(self) -> ! {
        let p = self.0;
        std::mem::forget(self);
        if p.is_null() {
            std::process::abort();
        }
        // SAFETY: p is an exception object caught by ljrs_cxx_try; raising it
        // again hands it back to the unwinder.
        unsafe { ljrs_cxx_rethrow(p) }
    }
}

impl Drop for CxxException {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: p is an exception object caught by ljrs_cxx_try, released once.
            unsafe { ljrs_cxx_free(self.0) }
        }
    }
}

extern "C-unwind" {
    fn ljrs_cxx_try(
        body: unsafe extern "C-unwind" fn(*mut std::ffi::c_void),
        data: *mut std::ffi::c_void,
        caught: *mut *mut std::ffi::c_void,
    ) -> std::ffi::c_int;
    fn ljrs_cxx_rethrow(caught: *mut std::ffi::c_void) -> !;
}
extern "C" {
    fn ljrs_cxx_free(caught: *mut std::ffi::c_void);
}

/// What one of our unwinds is: a Lua error with its status, or a yield.
#[derive(Clone, Copy)]
#[repr(C, u8)]
enum LuaUnwind {
    Error(u8),
    Yield,
}

/// The exception class of our unwinds (the bytes "LJRS-LUA"); the
/// protection boundary hands every exception that is not a Rust panic
/// back to `catch`, which recognises ours by it.
const LUA_EXCEPTION_CLASS: u64 = u64::from_ne_bytes(*b"LJRS-LUA");

/// An unwinder exception object (`struct _Unwind_Exception` of the
/// Itanium ABI: class, cleanup function, two private words, aligned as the
/// largest scalar) followed by what the unwind carries.
#[repr(C, align(16))]
struct LuaException {
    class: u64,
    cleanup: Option<unsafe extern "C" fn(std::ffi::c_int, *mut LuaException)>,
    private: [usize; 2],
    what: LuaUnwind,
}

extern "C-unwind" {
    fn _Unwind_RaiseException(exception: *mut LuaException) -> std::ffi::c_int;
}
extern "C" {
    fn _Unwind_DeleteException(exception: *mut LuaException);
}

/// Frees one of our exception objects: called by `_Unwind_DeleteException`,
/// from `catch` or from a foreign catch that drops the exception.
unsafe extern "C" fn free_lua_exception(_reason: std::ffi::c_int, e: *mut LuaException) {
    // SAFETY: e was made by Box::into_raw in `raise` and is freed once.
    drop(unsafe { Box::from_raw(e) });
}

/// Start one of our unwinds. Callers check first that something will catch
/// it (a protected call or a resume); were nothing there, this aborts.
fn raise(what: LuaUnwind) -> ! {
    let e = Box::into_raw(Box::new(LuaException {
        class: LUA_EXCEPTION_CLASS,
        cleanup: Some(free_lua_exception),
        private: [0; 2],
        what,
    }));
    // SAFETY: e is a complete exception object, not in flight.
    unsafe { raise_exception(e) }
}

/// Unwind with the exception object `e`.
///
/// # Safety
/// `e` is a complete exception object of ours that is not in flight; the
/// unwinder owns it until it is caught and deleted (its cleanup runs).
unsafe fn raise_exception(e: *mut LuaException) -> ! {
    // SAFETY: as the caller promises.
    unsafe { _Unwind_RaiseException(e) };
    // Only reached when no frame catches it.
    eprintln!("PANIC: Lua error with no protected call to catch it");
    std::process::abort()
}

/// The cleanup of the state's memory-error exception object: nothing to
/// free, the state keeps it for the next memory error.
unsafe extern "C" fn keep_lua_exception(_reason: std::ffi::c_int, _e: *mut LuaException) {}

/// Raise a Lua error of `status` (the error object is in `errobj`).
fn raise_error(status: u8) -> ! {
    raise(LuaUnwind::Error(status))
}

/// Unwind to the resume of a coroutine whose C function yielded.
pub fn raise_yield() -> ! {
    raise(LuaUnwind::Yield)
}

/// If the caught exception is one of ours, what it carries (and the
/// exception object is freed).
fn take_lua_exception(caught: *mut std::ffi::c_void) -> Option<LuaUnwind> {
    if caught.is_null() {
        return None;
    }
    let e = caught as *mut LuaException;
    // SAFETY: caught is an unwinder exception object, which starts with its
    // class; only ours have our class and the rest of LuaException.
    unsafe {
        if (*e).class != LUA_EXCEPTION_CLASS {
            return None;
        }
        let what = (*e).what;
        _Unwind_DeleteException(e);
        Some(what)
    }
}

fn payload_of(what: LuaUnwind) -> Payload {
    match what {
        LuaUnwind::Error(status) => Box::new(LuaThrow { status }),
        LuaUnwind::Yield => Box::new(crate::vm::YieldUnwind),
    }
}

unsafe extern "C-unwind" fn run_body<F: FnOnce() -> R, R>(data: *mut std::ffi::c_void) {
    // SAFETY: data points to the (closure, result) pair of `catch`.
    let slot = unsafe { &mut *(data as *mut (Option<F>, Option<R>)) };
    if let Some(f) = slot.0.take() {
        slot.1 = Some(f());
    }
}

/// `catch_unwind` that also catches foreign exceptions (which would make
/// Rust abort): our Lua errors and yields come back as `LuaThrow` and
/// `YieldUnwind` payloads, C++ exceptions as a `CxxException`. Every place
/// that stops Lua errors uses this.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Payload> {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut slot = (Some(f), None);
        let mut caught = std::ptr::null_mut();
        // SAFETY: run_body gets the pair it expects; the C++ shim rethrows
        // every exception that is not a C++ one.
        let rc = unsafe {
            ljrs_cxx_try(
                run_body_of(&slot),
                &mut slot as *mut _ as *mut std::ffi::c_void,
                &mut caught,
            )
        };
        if rc != 0 {
            Err(match take_lua_exception(caught) {
                Some(what) => payload_of(what),
                None => Box::new(CxxException(caught)) as Payload,
            })
        } else {
            Ok(slot.1.take().expect("body ran"))
        }
    }));
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(p)) => Err(p),
        Err(p) => Err(p),
    }
}

fn run_body_of<F: FnOnce() -> R, R>(
    _slot: &(Option<F>, Option<R>),
) -> unsafe extern "C-unwind" fn(*mut std::ffi::c_void) {
    run_body::<F, R>
}

/// Continue unwinding with a caught payload: Lua errors and yields as our
/// unwinds again, C++ exceptions as C++ exceptions, anything else (a Rust
/// panic, a bug) as itself.
pub fn rethrow(p: Payload) -> ! {
    if let Some(t) = p.downcast_ref::<LuaThrow>() {
        raise_error(t.status);
    }
    if p.is::<crate::vm::YieldUnwind>() {
        raise_yield();
    }
    match p.downcast::<CxxException>() {
        Ok(c) => c.rethrow(),
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// The status of a caught error, with the error object in `l.errobj`: a C++
/// exception becomes the Lua error "C++ exception" as in LuaJIT. A Rust
/// panic (a bug of ours, which the default hook has reported on stderr)
/// becomes the Lua error "internal error: <message>" rather than taking
/// the process down: the promise is that no input crashes it. Other
/// unwinds (a coroutine yield) go on.
pub fn caught_status(l: State, p: Payload) -> u8 {
    if p.is::<CxxException>() {
        drop(p);
        let v = l.new_str(b"C++ exception");
        // SAFETY: a field of the live thread, written by value.
        unsafe { (*l.as_ptr()).errobj = v };
        return LUA_ERRRUN;
    }
    if p.is::<LuaThrow>() || p.is::<crate::vm::YieldUnwind>() {
        let status = status_of(p);
        if status == LUA_ERRMEM {
            // The error is handled: keep a reserve for the next one.
            // SAFETY: a leaf call on the global state.
            refill_reserve(unsafe { l.global_mut() });
        }
        return status;
    }
    let mut msg = b"internal error: ".to_vec();
    msg.extend_from_slice(panic_message(&p).as_bytes());
    drop(p);
    let v = l.new_str(&msg);
    // SAFETY: a field of the live thread, written by value.
    unsafe { (*l.as_ptr()).errobj = v };
    LUA_ERRRUN
}

/// The message of a Rust panic payload (`panic!` with a literal or a
/// formatted message).
fn panic_message(p: &Payload) -> &str {
    p.downcast_ref::<&str>()
        .copied()
        .or_else(|| p.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("Rust panic")
}

/// The unwind payload of a Lua error.
pub struct LuaThrow {
    pub status: u8,
}

/// Where an operand of a failed operation came from, for messages such as
/// "attempt to index local 'x' (a nil value)".
#[derive(Clone, Copy)]
pub enum Operand {
    /// A stack slot of the running frame.
    Slot(*mut TValue),
    /// Upvalue number n of the running function.
    Upval(u32),
    /// A global variable (GGET/GSET).
    Global(*mut crate::string::GcStr),
    /// A string-keyed field of another value.
    Field(*mut crate::string::GcStr),
    /// Nothing known.
    None,
}

/// Unwind to the innermost protected call. `l.errobj` holds the error.
pub fn throw_status_obj(l: State, status: u8) -> ! {
    if status == LUA_ERRRUN {
        call_handler(l);
    }
    throw_unhandled(l, status)
}

/// Unwind to the innermost protected call without calling its error
/// handler. `l.errobj` holds the error.
fn throw_unhandled(l: State, status: u8) -> ! {
    if unprotected(l) {
        panic_and_exit(l);
    }
    raise_error(status)
}

const STACK_OVERFLOW_MSG: &[u8] = b"stack overflow";
const ERRERR_MSG: &[u8] = b"error in error handling";

/// The stack cannot grow any further (LuaJIT's rules): raise "stack
/// overflow". A Lua frame being entered that does not fit becomes a dummy
/// frame, which tracebacks skip, and the message has no position; else the
/// message has the position of the running Lua frame. The stack is then
/// enlarged beyond its limit for the error handler; if the handler itself
/// runs out of that reserve, the error is raised with LUA_ERRERR and no
/// handler.
#[cold]
pub fn stack_overflow(l: State) -> ! {
    // SAFETY: the thread is live (State invariant) and L.base is its
    // running frame, with the function in the slot below its link and, for
    // a Lua function, L.savedpc its PC; the frame handles are used before
    // the stack is reallocated (by enter_stack_overflow) or after it.
    unsafe {
        let base = (*l.as_ptr()).base;
        let f = debug::Frame::new(base, (*l.as_ptr()).savedpc);
        if !debug::is_bottom(l, base) && f.is_lua() {
            let ftop = base.add((*f.proto()).framesize as usize);
            (*l.as_ptr()).top = ftop;
            if ftop > (*l.as_ptr()).maxstack {
                *base.sub(2) = debug::dummy_frame_marker(l);
                (*l.as_ptr()).top = base;
            }
        }
        if in_stack_overflow(l) {
            (*l.as_ptr()).errobj = l.new_str(STACK_OVERFLOW_MSG);
            throw_unhandled(l, LUA_ERRERR);
        }
        enter_stack_overflow(l);
        let f = debug::Frame::new((*l.as_ptr()).base, (*l.as_ptr()).savedpc);
        let mut msg = Vec::new();
        if !debug::is_bottom(l, f.base()) && f.is_lua() && debug::current_line(&f) >= 0 {
            if let Some(w) = debug::where_prefix(&f) {
                msg.extend_from_slice(&w);
                msg.push(b' ');
            }
        }
        msg.extend_from_slice(STACK_OVERFLOW_MSG);
        // The message takes a slot above the frame, as in LuaJIT (this
        // decides whether its handler finds room to run).
        let v = l.new_str(&msg);
        (*l.as_ptr()).errobj = v;
        *(*l.as_ptr()).top = v;
        (*l.as_ptr()).top = (*l.as_ptr()).top.add(1);
        throw_status_obj(l, LUA_ERRRUN)
    }
}

/// The native recursion guard tripped (see `cstack`): "stack overflow"
/// without a position, as where LuaJIT's Lua stack overflows in the callee
/// of a deep native recursion. Its handler may use the native stack's
/// reserve; tripping the guard again while it runs raises LUA_ERRERR.
#[cold]
pub fn native_stack_overflow(l: State) -> ! {
    let msg = l.new_str(STACK_OVERFLOW_MSG);
    // SAFETY: fields of the live thread, read and written by value.
    unsafe {
        (*l.as_ptr()).errobj = msg;
        if (*l.as_ptr()).native_overflow != 0 {
            throw_unhandled(l, LUA_ERRERR);
        }
        (*l.as_ptr()).native_overflow = 1;
    }
    throw_status_obj(l, LUA_ERRRUN)
}

/// No protected call and no coroutine resume would catch an error raised
/// on `l` now.
fn unprotected(l: State) -> bool {
    // SAFETY: fields of the live thread, read by value.
    unsafe { (*l.as_ptr()).protect.len == 0 && (*l.as_ptr()).resume_level == 0 }
}

/// An error outside any protected call: call the panic function (with the
/// error object pushed), then exit as LuaJIT does.
fn panic_and_exit(l: State) -> ! {
    // SAFETY: a field of the live global state, read by value.
    if let Some(p) = unsafe { (*l.global_ptr()).panic } {
        // SAFETY: a field of the live thread, read by value.
        let e = unsafe { (*l.as_ptr()).errobj };
        crate::vm::push(l, e);
        // SAFETY: the panic function is a C function set with lua_atpanic,
        // called as LuaJIT calls it: with the thread and the error on top.
        unsafe { p(l.as_ptr()) };
    }
    std::process::exit(1)
}

/// Raise the error object at the top of the stack.
pub fn throw(l: State) -> ! {
    // SAFETY: fields of the live thread; top-1 is a stack slot when top is
    // above base.
    unsafe {
        (*l.as_ptr()).errobj = if (*l.as_ptr()).top > (*l.as_ptr()).base {
            *(*l.as_ptr()).top.sub(1)
        } else {
            TValue::NIL
        };
    }
    throw_status_obj(l, LUA_ERRRUN)
}

pub fn throw_value(l: State, v: TValue) -> ! {
    // SAFETY: a field of the live thread, written by value.
    unsafe { (*l.as_ptr()).errobj = v };
    throw_status_obj(l, LUA_ERRRUN)
}

/// Raise an error with a fixed message and status (no position).
pub fn throw_status(l: State, status: u8, msg: &[u8]) -> ! {
    let v = l.new_str(msg);
    // SAFETY: a field of the live thread, written by value.
    unsafe { (*l.as_ptr()).errobj = v };
    throw_status_obj(l, status)
}

/// Bytes of Rust heap a state keeps allocated and gives back when it
/// raises a memory error: the error handling that follows may allocate
/// (messages, tracebacks). Without the reserve, a heap filled to its limit
/// (`ulimit -v`) would make those allocations abort the process.
pub const OOM_RESERVE: usize = 32 * 1024;

fn reserve_layout() -> std::alloc::Layout {
    std::alloc::Layout::from_size_align(OOM_RESERVE, 16).expect("constant layout")
}

/// Give the reserve back to the heap (before raising a memory error).
pub fn release_reserve(g: &mut GlobalState) {
    if !g.oom_reserve.is_null() {
        // SAFETY: the reserve was allocated with this layout and is unused.
        unsafe { std::alloc::dealloc(g.oom_reserve, reserve_layout()) };
        g.oom_reserve = std::ptr::null_mut();
    }
}

/// Take the reserve again (at state creation and after a memory error was
/// caught); stays without one while memory is short.
pub fn refill_reserve(g: &mut GlobalState) {
    if g.oom_reserve.is_null() {
        // SAFETY: a non-zero layout; a null result is handled.
        g.oom_reserve = unsafe { std::alloc::alloc(reserve_layout()) };
    }
}

/// Nothing would catch a memory error raised now on `l` (the running
/// thread): no protected call and no coroutine resume on it or on the main
/// thread, and neither the collector's internals nor lua_close are
/// running.
fn oom_unprotected(g: &GlobalState, l: State) -> bool {
    !g.gc.running && unprotected(l) && unprotected(g.main_thread())
}

/// Raise the memory error ("not enough memory", status LUA_ERRMEM) on the
/// running thread (`GlobalState::cur_thread`). Allocates nothing: the
/// message is interned and the exception object allocated with the state
/// (`oom_exception`); the reserve is released first for what the error
/// handling allocates.
pub fn throw_oom(g: &mut GlobalState) -> ! {
    release_reserve(g);
    let msg = oom_value(g);
    raise_from_leaf(g, LUA_ERRMEM, msg)
}

/// Raise an error from leaf code on the global state (which cannot call
/// the functions that build messages with positions and run handlers:
/// they take a `State`): `errobj` becomes `msg` on the running thread,
/// and the error unwinds with `status` and no handler call. Memory errors
/// unwind with the state's preallocated exception object.
fn raise_from_leaf(g: &mut GlobalState, status: u8, msg: TValue) -> ! {
    if !g.cur_thread.is_null() {
        // SAFETY: cur_thread, when set, is the live thread running now.
        let l = unsafe { State::from_raw(g.cur_thread) };
        // SAFETY: a field of the live thread, written by value.
        unsafe { (*l.as_ptr()).errobj = msg };
        if oom_unprotected(g, l) {
            // As in LuaJIT: the panic function sees the message, then
            // exit. (The one place a leaf hands the thread to other code:
            // nothing returns to the leaf.)
            panic_and_exit(l);
        }
    }
    if status != LUA_ERRMEM {
        raise_error(status)
    }
    let e = g.oom_exception;
    if e.is_null() {
        raise_error(LUA_ERRMEM)
    }
    // SAFETY: the state's exception object is not in flight (memory errors
    // are raised one at a time: the previous one was caught, and deleting
    // it only ran its no-op cleanup).
    unsafe { raise_exception(e as *mut LuaException) }
}

/// Raise the memory error without a state at hand (allocations in the
/// parser, the bytecode reader and writer, the FFI's type tables). The
/// catching side supplies the message (`oom_value`); where nothing would
/// catch the error, the interpreter's and the C API's rethrow
/// (`rethrow_on`) end the process as an unprotected error does.
pub fn raise_oom_unchecked() -> ! {
    raise_error(LUA_ERRMEM)
}

/// Continue unwinding a payload caught on thread `l`. A Lua error that
/// nothing further out would catch (one raised without a state at hand)
/// calls the panic function and exits, as every unprotected error does;
/// other payloads continue as `rethrow`.
pub fn rethrow_on(l: State, p: Payload) -> ! {
    if let Some(t) = p.downcast_ref::<LuaThrow>() {
        let (unprotected, oom) = {
            // SAFETY: fields of the global state are read (a leaf); the
            // reference is dropped before the panic function can run.
            let g = unsafe { l.global_mut() };
            (oom_unprotected(g, l), oom_value(g))
        };
        if unprotected {
            if t.status == LUA_ERRMEM {
                // SAFETY: a field of the live thread, written by value.
                unsafe { (*l.as_ptr()).errobj = oom };
            }
            panic_and_exit(l);
        }
    }
    rethrow(p)
}

/// The state's exception object for memory errors, made with the state so
/// that raising one allocates nothing; freed by `free_oom_exception`.
pub fn new_oom_exception() -> *mut std::ffi::c_void {
    let layout = std::alloc::Layout::new::<LuaException>();
    // SAFETY: a non-zero layout; a null result is handled (memory errors
    // then allocate their exception object as other errors do).
    let e = unsafe { std::alloc::alloc(layout) } as *mut LuaException;
    if !e.is_null() {
        // SAFETY: e is fresh memory for one LuaException.
        unsafe {
            e.write(LuaException {
                class: LUA_EXCEPTION_CLASS,
                cleanup: Some(keep_lua_exception),
                private: [0; 2],
                what: LuaUnwind::Error(LUA_ERRMEM),
            })
        };
    }
    e as *mut std::ffi::c_void
}

/// Free the state's memory-error exception object (at lua_close).
///
/// # Safety
/// `e` is null or came from `new_oom_exception`, is not in flight and is
/// not used afterwards.
pub unsafe fn free_oom_exception(e: *mut std::ffi::c_void) {
    if !e.is_null() {
        // SAFETY: e came from new_oom_exception and is not in flight (this
        // function's contract).
        unsafe { std::alloc::dealloc(e as *mut u8, std::alloc::Layout::new::<LuaException>()) };
    }
}

/// The "not enough memory" error object (never allocates; nil while the
/// state is being created).
pub fn oom_value(g: &GlobalState) -> TValue {
    if g.oom_msg.is_null() {
        TValue::NIL
    } else {
        TValue::gcobj(TID_STR, g.oom_msg as *const crate::gc::GcHeader)
    }
}

/// Raise a runtime error with a fixed message from leaf code on the global
/// state (see `raise_from_leaf`: no position, no handler). The callers
/// that can check first raise such errors through `throw_msg` instead.
pub fn throw_msg_from_leaf(g: &mut GlobalState, msg: &str) -> ! {
    let v = crate::string::new_str_value(g, msg.as_bytes());
    raise_from_leaf(g, LUA_ERRRUN, v)
}

/// Runtime error with the position of the running Lua function prepended.
pub fn throw_msg(l: State, msg: &str) -> ! {
    throw_bytes(l, msg.as_bytes())
}

pub fn throw_bytes(l: State, msg: &[u8]) -> ! {
    // Built in the state's memory: a message quotes names of any length.
    let mut s = crate::mem::ShortBuf::of(l);
    if let Some(f) = debug::frame_at(l, 0) {
        if let Some(w) = debug::where_prefix(&f) {
            s.extend_from_slice(&w);
            s.push(b' ');
        }
    }
    s.extend_from_slice(msg);
    throw_status(l, LUA_ERRRUN, &s)
}

/// Call the error handler of the innermost protected call, if it has one,
/// above the erroring frames (so that it can inspect them); its result
/// becomes the error object. As in LuaJIT, the handler gets 2*LUA_MINSTACK
/// free slots (making room may raise a stack overflow error instead), and
/// an error while a handler runs, or a handler that is not a function,
/// raises "error in error handling" with LUA_ERRERR.
fn call_handler(l: State) {
    const HANDLER_STACK: usize = 2 * crate::vm::LUA_MINSTACK;
    // SAFETY: fields of the live thread; the protect record's offsets are
    // slots of its stack below top (the handler slot holds a value).
    unsafe {
        let rec = match (*l.as_ptr()).protect.last_mut() {
            Some(r) => *r,
            None => return,
        };
        if rec.handler == 0 {
            return;
        }
        reserve_stack(l, HANDLER_STACK);
        let h = *(*l.as_ptr()).stack.add(rec.handler);
        if !h.is_func() || (*l.as_ptr()).inhook & INHOOK_ERRFUNC != 0 {
            (*l.as_ptr()).errobj = l.new_str(ERRERR_MSG);
            throw_unhandled(l, LUA_ERRERR);
        }
        (*l.as_ptr()).inhook |= INHOOK_ERRFUNC;
        let e = (*l.as_ptr()).errobj;
        let r = crate::vm::pcall_values_handled(l, h, &[e], 1, rec.handler);
        (*l.as_ptr()).inhook &= !INHOOK_ERRFUNC;
        match r {
            Ok(v) => (*l.as_ptr()).errobj = v.first().copied().unwrap_or(TValue::NIL),
            Err((status, obj)) => {
                // A memory error stays one; a stack overflow beyond the
                // reserve keeps its message; other errors in the handler
                // are errors in error handling.
                let status = match status {
                    LUA_ERRMEM | LUA_ERRERR => {
                        (*l.as_ptr()).errobj = obj;
                        status
                    }
                    _ => {
                        (*l.as_ptr()).errobj = l.new_str(ERRERR_MSG);
                        LUA_ERRERR
                    }
                };
                throw_unhandled(l, status)
            }
        }
    }
}

/// Bit of `lua_State::inhook` set while an error handler runs.
const INHOOK_ERRFUNC: u8 = 2;

fn operand_desc(l: State, slot: Operand) -> Option<(&'static str, Vec<u8>)> {
    match slot {
        // SAFETY: (Global, Field) the interpreter names operands by string
        // constants of the running function, live while it runs.
        Operand::Global(s) => Some((
            "global",
            crate::mem::vec_from_slice(unsafe { str_bytes(s) }),
        )),
        // SAFETY: as above.
        Operand::Field(s) => Some(("field", crate::mem::vec_from_slice(unsafe { str_bytes(s) }))),
        Operand::Upval(n) => {
            let f = debug::frame_at(l, 0)?;
            if !f.is_lua() {
                return None;
            }
            // SAFETY: the running Lua frame's prototype is live.
            unsafe { debug::upval_name(f.proto(), n) }.map(|n| ("upvalue", n))
        }
        Operand::Slot(p) => {
            let f = debug::frame_at(l, 0)?;
            if !f.is_lua() {
                return None;
            }
            // SAFETY: Slot operands are slots of the running frame, on the
            // same stack as its base.
            let idx = unsafe { p.offset_from(f.base()) };
            // SAFETY: the running Lua frame's prototype is live.
            if idx < 0 || idx >= unsafe { (*f.proto()).framesize } as isize {
                return None;
            }
            let pc = debug::frame_pc_index(&f)?;
            // SAFETY: as above.
            unsafe { debug::slot_name(f.proto(), pc, idx as u32) }
        }
        Operand::None => None,
    }
}

/// "attempt to <op> <kind> '<name>' (a <type> value)".
pub fn err_optype(l: State, v: TValue, slot: Operand, op: &str) -> ! {
    let tn = type_name(v);
    let mut msg = crate::mem::ShortBuf::of(l);
    msg.extend_from_slice(b"attempt to ");
    msg.extend_from_slice(op.as_bytes());
    match operand_desc(l, slot) {
        Some((kind, name)) => {
            msg.push(b' ');
            msg.extend_from_slice(kind.as_bytes());
            msg.extend_from_slice(b" '");
            // LuaJIT formats the name as a C string: it ends at a NUL byte.
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            msg.extend_from_slice(&name[..end]);
            msg.extend_from_slice(b"' (a ");
            msg.extend_from_slice(tn.as_bytes());
            msg.extend_from_slice(b" value)");
        }
        None => {
            msg.extend_from_slice(b" a ");
            msg.extend_from_slice(tn.as_bytes());
            msg.extend_from_slice(b" value");
        }
    }
    throw_bytes(l, &msg)
}

pub fn err_call(l: State, v: TValue, slot: Operand) -> ! {
    err_optype(l, v, slot, "call")
}

/// "attempt to compare two X values" / "attempt to compare X with Y".
pub fn err_comp(l: State, a: TValue, b: TValue) -> ! {
    let (ta, tb) = (type_name(a), type_name(b));
    let msg = if ta == tb {
        format!("attempt to compare two {} values", ta)
    } else {
        format!("attempt to compare {} with {}", ta, tb)
    };
    throw_msg(l, &msg)
}

/// Extract a Lua error status from a caught unwind payload; re-raise
/// anything that is not a Lua error (a bug, which must not be swallowed).
pub fn status_of(payload: Box<dyn std::any::Any + Send>) -> u8 {
    match payload.downcast::<LuaThrow>() {
        Ok(t) => t.status,
        Err(p) => rethrow(p),
    }
}

#[cfg(test)]
mod tests {
    use crate::capi::aux::{luaL_loadstring, luaL_newstate};
    use crate::capi::core::{
        lua_close, lua_pcall, lua_pushcclosure, lua_setfield, lua_tolstring, LUA_GLOBALSINDEX,
    };
    use crate::stdlib::luaL_openlibs;
    use std::ffi::{c_int, CStr};

    unsafe extern "C-unwind" fn panics(_l: *mut crate::state::lua_State) -> c_int {
        let v: Vec<u8> = Vec::new();
        // An out-of-range index, the kind of bug the issue found in the
        // libraries (a panic, not a Lua error).
        v[std::hint::black_box(3)] as c_int
    }

    fn top_string(l: crate::state::State) -> String {
        let mut len = 0;
        // SAFETY: l is live with a string on top.
        unsafe {
            let p = lua_tolstring(l, -1, &mut len);
            String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len)).into_owned()
        }
    }

    /// A Rust panic in code that Lua calls is a Lua error at the protected
    /// call that catches it (`pcall` from Lua, `lua_pcall` from C), and the
    /// state goes on working.
    #[test]
    fn panics_become_lua_errors() {
        // SAFETY: the C API used as a C program would.
        unsafe {
            let l = crate::state::State::from_raw(luaL_newstate());
            luaL_openlibs(l);
            lua_pushcclosure(l, Some(panics), 0);
            lua_setfield(l, LUA_GLOBALSINDEX, c"panics".as_ptr());
            let run = |src: &CStr| {
                assert_eq!(luaL_loadstring(l, src.as_ptr()), 0);
                let status = lua_pcall(l, 0, 1, 0);
                (status, top_string(l))
            };
            let (status, msg) = run(c"panics()");
            assert_eq!(status, crate::state::LUA_ERRRUN as c_int);
            assert!(
                msg.starts_with("internal error: index out of bounds"),
                "{}",
                msg
            );
            let (status, msg) = run(c"local ok, e = pcall(panics) return tostring(ok) .. ' ' .. e");
            assert_eq!(status, 0);
            assert!(
                msg.starts_with("false internal error: index out of bounds"),
                "{}",
                msg
            );
            let (status, msg) = run(
                c"local co = coroutine.create(panics) local ok, e = coroutine.resume(co) \
                  return tostring(ok) .. ' ' .. e .. ' ' .. coroutine.status(co)",
            );
            assert_eq!(status, 0);
            assert!(
                msg.starts_with("false internal error: index out of bounds"),
                "{}",
                msg
            );
            assert!(msg.ends_with(" dead"), "{}", msg);
            let (status, msg) = run(c"return 'still ' .. 'working'");
            assert_eq!((status, msg.as_str()), (0, "still working"));
            lua_close(l);
        }
    }
}
