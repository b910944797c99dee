//! The FFI core: C types (`ctype`), the C declaration parser (`cparse`),
//! cdata objects (`cdata`), conversions between Lua values and C values
//! (`conv`), and calls into C (`ccall`). The Lua-facing `ffi` library is
//! src/stdlib/ffi.rs.
//!
//! ## Access to the FFI state
//! The FFI state is one heap block per VM, reached through the global
//! state's `ffi` pointer. No Rust reference to the whole block is ever
//! made, so its parts can be reached independently:
//! - The C type table (`CTState`) is reached only through a [`CtsLock`]:
//!   at most one exists at a time (a second attempt raises a Lua error
//!   instead of making an aliasing `&mut`). Code holding one releases it
//!   before it runs Lua code, calls C, steps the collector or raises an
//!   error (an error handler runs before the stack unwinds and may use the
//!   FFI): helpers that need the table take `&mut CTState` borrowed from
//!   the lock, and report errors as `Err(String)` for the lock's holder to
//!   raise once it has dropped the lock.
//! - The other fields (GC roots, finalizers, the call cache, callbacks)
//!   are read and written by value through the raw pointer, or borrowed
//!   for a short section in which no Lua code runs, as the accessors below
//!   and in finalizer.rs, call.rs and callback.rs do. The collector uses
//!   only those fields, never the type table (a cdata records its own
//!   allocation size), so it may run while a lock is held.

pub mod call;
pub mod callback;
pub mod ccall;
pub mod cdata;
pub mod clib;
pub mod conv;
pub mod cparse;
pub mod ctype;
pub mod finalizer;
pub mod ops;

use crate::state::{lua_State, GlobalState, State};
use crate::table::GcTab;
use crate::value::TValue;
use ctype::CTState;
use std::ptr::NonNull;

/// The FFI state of one Lua state (hangs off the global state). Its fields
/// are reached through raw pointers only (see the module documentation).
pub struct FfiState {
    /// The C type table; only a `CtsLock` reaches it.
    cts: CTState,
    /// Whether a `CtsLock` exists.
    cts_locked: bool,
    /// A Lua table that keeps GC objects the FFI refers to alive (metatype
    /// tables, finalizers, callbacks' functions); marked as a GC root.
    roots: *mut GcTab,
    /// Weak-keyed table cdata -> finalizer (see finalizer.rs).
    finalizers: *mut GcTab,
    /// Unreachable cdata and their finalizers, waiting to be called.
    pending: Vec<(TValue, TValue)>,
    /// Prepared C calls by function type.
    calls: call::CallCache,
    /// The thread running the current C call (callbacks run on it).
    current_l: *mut lua_State,
    /// Callback stubs and their C types, created on first use.
    callbacks: Option<Box<callback::Callbacks>>,
    /// The C type state is "initialised" in LuaJIT's sense: `require "ffi"`
    /// ran or a cdata literal was compiled. Until then the serializer does
    /// not decode cdata and thread.exdata refuses to run, as in LuaJIT.
    ctypes_ready: bool,
}

/// The FFI state of `g`, created on first use.
fn state_of_global(g: &mut GlobalState) -> NonNull<FfiState> {
    if let Some(st) = NonNull::new(g.ffi) {
        return st;
    }
    let roots = crate::table::new(g, 0, 0);
    let st = Box::new(FfiState {
        cts: CTState::new(),
        cts_locked: false,
        roots,
        finalizers: std::ptr::null_mut(),
        pending: Vec::new(),
        calls: Default::default(),
        current_l: std::ptr::null_mut(),
        callbacks: None,
        ctypes_ready: false,
    });
    g.ffi = Box::into_raw(st);
    // SAFETY: Box::into_raw never returns null.
    unsafe { NonNull::new_unchecked(g.ffi) }
}

/// The FFI state of `l`'s VM, created on first use. It lives until
/// `free_state` (lua_close); the pointer is for field access by value.
#[inline]
fn state(l: State) -> NonNull<FfiState> {
    // SAFETY: a field of the live global state, read by value.
    if let Some(st) = NonNull::new(unsafe { (*l.global_ptr()).ffi }) {
        return st;
    }
    // SAFETY: creating the state is a leaf (one table allocation and a
    // Box); nothing else reaches the global state meanwhile.
    state_of_global(unsafe { l.global_mut() })
}

/// Exclusive access to the C type table of a VM: see the module
/// documentation for when it must be released.
pub struct CtsLock {
    st: NonNull<FfiState>,
}

impl CtsLock {
    /// Lock the type table of `l`'s VM (creating the FFI state on first
    /// use). Raises an error if a lock is already held: that is a bug in
    /// the FFI (the holder let Lua code run), reported instead of making a
    /// second reference to the table.
    #[inline]
    pub fn acquire(l: State) -> CtsLock {
        let st = state(l);
        // SAFETY: the FFI state is live until lua_close; the flag is read
        // and written by value.
        unsafe {
            if (*st.as_ptr()).cts_locked {
                crate::error::throw_msg(l, "C type table in use (internal error)");
            }
            (*st.as_ptr()).cts_locked = true;
        }
        CtsLock { st }
    }
}

impl std::ops::Deref for CtsLock {
    type Target = CTState;
    #[inline(always)]
    fn deref(&self) -> &CTState {
        // SAFETY: this lock is the only one (`cts_locked`), and only locks
        // reach the type table; the borrow is tied to the lock's.
        unsafe { &(*self.st.as_ptr()).cts }
    }
}

impl std::ops::DerefMut for CtsLock {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut CTState {
        // SAFETY: as for deref; `&mut self` makes the borrow exclusive.
        unsafe { &mut (*self.st.as_ptr()).cts }
    }
}

impl Drop for CtsLock {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: the FFI state outlives every lock (locks live inside
        // calls of the VM's functions, lua_close frees it after them).
        unsafe { (*self.st.as_ptr()).cts_locked = false };
    }
}

/// The FFI's GC root table (see `FfiState::roots`).
pub fn roots(l: State) -> *mut GcTab {
    // SAFETY: a field of the live FFI state, read by value.
    unsafe { (*state(l).as_ptr()).roots }
}

/// The FFI's GC root table, for the collector (null before the FFI was
/// used).
pub fn gc_roots(g: &GlobalState) -> *mut GcTab {
    match NonNull::new(g.ffi) {
        // SAFETY: the FFI state lives as long as g; a field read by value.
        Some(st) => unsafe { (*st.as_ptr()).roots },
        None => std::ptr::null_mut(),
    }
}

/// Whether the C type state is initialised (see `FfiState::ctypes_ready`).
pub fn ctypes_ready(l: State) -> bool {
    // SAFETY: a field of the live global state, then of the live FFI
    // state, read by value.
    unsafe {
        let st = (*l.global_ptr()).ffi;
        !st.is_null() && (*st).ctypes_ready
    }
}

/// Mark the C type state initialised.
pub fn set_ctypes_ready(l: State) {
    // SAFETY: a field of the live FFI state, written by value.
    unsafe { (*state(l).as_ptr()).ctypes_ready = true };
}

/// Free the FFI state at state close (after every cdata was freed).
pub fn free_state(g: &mut GlobalState) {
    if !g.ffi.is_null() {
        // SAFETY: made by Box::into_raw in state_of_global; lua_close runs
        // after every use (no lock or other reference is left).
        drop(unsafe { Box::from_raw(g.ffi) });
        g.ffi = std::ptr::null_mut();
    }
}

/// A boxed constant of a prototype (`1LL`, `2ULL`, `3i` literals).
pub enum Constant {
    Int64(u64, bool),
    Complex(f64, f64),
}

/// A new cdata for a prototype constant.
pub fn new_constant(g: &mut GlobalState, k: Constant) -> TValue {
    let st = state_of_global(g);
    // SAFETY: a field of the live FFI state, written by value.
    unsafe { (*st.as_ptr()).ctypes_ready = true };
    let cd = match k {
        Constant::Int64(v, unsigned) => {
            let id = if unsigned {
                ctype::CTID_UINT64
            } else {
                ctype::CTID_INT64
            };
            let cd = cdata::new(g, id, 8, 8, false);
            // SAFETY: a fresh 8-byte payload.
            unsafe { (cd.payload() as *mut u64).write(v) };
            cd
        }
        Constant::Complex(re, im) => {
            let cd = cdata::new(g, ctype::CTID_COMPLEX_DOUBLE, 16, 8, false);
            // SAFETY: a fresh 16-byte payload, 16-byte aligned.
            unsafe {
                let p = cd.payload() as *mut f64;
                p.write(re);
                p.add(1).write(im);
            }
            cd
        }
    };
    cd.value()
}

/// The dump form of a prototype's cdata constant.
pub fn constant_of(v: TValue) -> crate::bytecode::KGc {
    use crate::bytecode::KGc;
    let cd = cdata::of(v);
    let p = cd.payload();
    // SAFETY: constants are boxed int64/uint64 (8 bytes) or complex (16),
    // made by new_constant.
    unsafe {
        match cd.ctypeid() {
            ctype::CTID_UINT64 => KGc::U64((p as *const u64).read()),
            ctype::CTID_COMPLEX_DOUBLE => {
                KGc::Complex((p as *const f64).read(), (p as *const f64).add(1).read())
            }
            _ => KGc::I64((p as *const i64).read()),
        }
    }
}

/// Create the FFI state of `l`'s VM if it does not exist yet.
pub fn init_state(l: State) {
    state(l);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::aux::{luaL_newstate, to_bytes};
    use crate::capi::core::{lua_close, lua_pcall, lua_settop};
    use crate::fastfunc::FastFunc;
    use std::os::raw::c_int;

    /// Runs `f` with a fresh Lua state.
    fn with_state(f: impl FnOnce(State)) {
        // SAFETY: a fresh state (luaL_newstate fails only without memory),
        // closed once `f` is done with it.
        let l = unsafe { State::from_raw(luaL_newstate()) };
        f(l);
        lua_close(l);
    }

    /// `f()` called with lua_pcall: its status and its error message.
    fn pcall(l: State, f: crate::stdlib::CFn) -> (c_int, String) {
        crate::stdlib::push_cfunc(l, f, FastFunc::C);
        let status = lua_pcall(l, 0, 0, 0);
        let msg = if status == 0 {
            String::new()
        } else {
            let s = to_bytes(l, -1).map(|s| String::from_utf8_lossy(&s).into_owned());
            lua_settop(l, -2);
            s.unwrap_or_default()
        };
        (status, msg)
    }

    extern "C-unwind" fn lock_twice(l: State) -> c_int {
        let _held = CtsLock::acquire(l);
        let _second = CtsLock::acquire(l);
        0
    }

    extern "C-unwind" fn raise_while_locked(l: State) -> c_int {
        let _held = CtsLock::acquire(l);
        crate::error::throw_msg(l, "raised while locked")
    }

    /// A second lock is a Lua error, not a second reference to the type
    /// table; an error unwinding through a holder releases its lock.
    #[test]
    fn the_type_table_lock_is_exclusive_and_released_by_unwinding() {
        with_state(|l| {
            let (status, msg) = pcall(l, lock_twice);
            assert_eq!(status, crate::state::LUA_ERRRUN as c_int);
            assert!(msg.contains("C type table in use"), "{msg}");
            let (status, msg) = pcall(l, raise_while_locked);
            assert_eq!(status, crate::state::LUA_ERRRUN as c_int);
            assert!(msg.contains("raised while locked"), "{msg}");
            // Both locks were released when their holders unwound.
            let cts = CtsLock::acquire(l);
            assert_eq!(cts.get(ctype::CTID_INT32).size, 4);
        });
    }

    /// A cdata frees exactly what it allocated from what it recorded (the
    /// header's length, or the prefix of variable, long or over-aligned
    /// ones): the heap total comes back to where it was, with no type
    /// table involved.
    #[test]
    fn cdata_free_what_they_recorded() {
        with_state(|l| {
            // SAFETY: allocation and freeing are leaves of the core; no
            // other reference to the global state is made while g lives.
            let g = unsafe { l.global_mut() };
            let before = g.gc.total;
            let mut made = Vec::new();
            for &size in &[0u32, 1, 8, 16, 255, 256, 1000, 70_000] {
                for &align in &[1u32, 8, 16, 32, 64] {
                    for var in [false, true] {
                        let cd = cdata::new(g, ctype::CTID_UINT8, size, align, var);
                        assert_eq!(cd.payload() as usize % align.max(16) as usize, 0);
                        let recorded = cd.var_len();
                        if var || size > 255 || align > 16 {
                            assert_eq!(recorded, Some(size));
                        } else {
                            assert_eq!(recorded, None);
                        }
                        // The whole value is writable.
                        // SAFETY: a fresh payload of `size` bytes.
                        unsafe { std::ptr::write_bytes(cd.payload(), 0xa5, size as usize) };
                        made.push(cd);
                    }
                }
            }
            // Unlink them from the object list (newest first, which is
            // how they were linked) and free them.
            for cd in made.iter().rev() {
                // SAFETY: the newest object heads the list; nothing else
                // refers to it.
                unsafe {
                    assert_eq!(g.gc.root, cd.as_ptr() as *mut crate::gc::GcHeader);
                    g.gc.root = (*cd.as_ptr()).next;
                    cdata::free(g, cd.as_ptr());
                }
            }
            assert_eq!(g.gc.total, before);
        });
    }
}
