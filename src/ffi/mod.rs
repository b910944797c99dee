//! The FFI core: C types (`ctype`), the C declaration parser (`cparse`),
//! cdata objects (`cdata`), conversions between Lua values and C values
//! (`conv`), and calls into C (`ccall`). The Lua-facing `ffi` library is
//! src/stdlib/ffi.rs.

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

use crate::state::GlobalState;
use crate::table::GcTab;
use ctype::{CTState, CTypeId, CTSIZE_INVALID};

/// The FFI state of one Lua state (hangs off the global state).
pub struct FfiState {
    /// The C type table.
    pub cts: CTState,
    /// Weak-keyed table cdata -> finalizer (see finalizer.rs).
    pub finalizers: *mut GcTab,
    /// Unreachable cdata and their finalizers, waiting to be called.
    pub pending: Vec<(crate::value::TValue, crate::value::TValue)>,
    /// Prepared C calls by function type.
    pub calls: call::CallCache,
    /// The thread running the current C call (callbacks run on it).
    pub current_l: *mut crate::state::lua_State,
    /// Callback stubs and their C types, created on first use.
    pub callbacks: Option<Box<callback::Callbacks>>,
    /// The C type state is "initialised" in LuaJIT's sense: `require "ffi"`
    /// ran or a cdata literal was compiled. Until then the serializer does
    /// not decode cdata and thread.exdata refuses to run, as in LuaJIT.
    pub ctypes_ready: bool,
}

/// The FFI state of a Lua state, created on first use.
#[inline]
pub fn state(g: &mut GlobalState) -> &mut FfiState {
    if g.ffi.is_null() {
        let mut cts = CTState::new();
        cts.roots = crate::table::new(g, 0, 0);
        let s = Box::new(FfiState {
            cts,
            finalizers: std::ptr::null_mut(),
            pending: Vec::new(),
            calls: Default::default(),
            current_l: std::ptr::null_mut(),
            callbacks: None,
            ctypes_ready: false,
        });
        g.ffi = Box::into_raw(s);
    }
    // SAFETY: the FFI state is owned by g and lives until free_state.
    unsafe { &mut *g.ffi }
}

/// The C type table of a Lua state, created on first use.
pub fn cts(g: &mut GlobalState) -> &mut CTState {
    &mut state(g).cts
}

/// The FFI state if the FFI was used.
pub fn state_if_any(g: &GlobalState) -> Option<&mut FfiState> {
    // SAFETY: the FFI state is live while g is.
    unsafe { g.ffi.as_mut() }
}

/// The FFI's GC root table (null before the FFI was used).
pub fn gc_roots(g: &GlobalState) -> *mut GcTab {
    state_if_any(g).map_or(std::ptr::null_mut(), |s| s.cts.roots)
}

/// Free the FFI state at state close (after every cdata was freed).
pub fn free_state(g: &mut GlobalState) {
    if !g.ffi.is_null() {
        // SAFETY: made by Box::into_raw in state(); nothing refers to it now.
        drop(unsafe { Box::from_raw(g.ffi) });
        g.ffi = std::ptr::null_mut();
    }
}

/// Size of the C value of a (fixed-size) cdata of type `id`.
pub fn value_size(g: &GlobalState, id: CTypeId) -> u32 {
    debug_assert!(!g.ffi.is_null());
    // SAFETY: a cdata exists, so the FFI state does.
    let ct = unsafe { (*g.ffi).cts.get(id) };
    if ct.kind == ctype::CKind::Func {
        // Function cdata hold the function's address.
        return 8;
    }
    let s = ct.size;
    if s == CTSIZE_INVALID {
        0
    } else {
        s
    }
}

/// A boxed constant of a prototype (`1LL`, `2ULL`, `3i` literals).
pub enum Constant {
    Int64(u64, bool),
    Complex(f64, f64),
}

/// A new cdata for a prototype constant.
pub fn new_constant(g: &mut GlobalState, k: Constant) -> crate::value::TValue {
    state(g).ctypes_ready = true;
    let cd = match k {
        Constant::Int64(v, unsigned) => {
            let id = if unsigned {
                ctype::CTID_UINT64
            } else {
                ctype::CTID_INT64
            };
            let cd = cdata::new(g, id, 8, 8, false);
            // SAFETY: a fresh 8-byte payload.
            unsafe { (cdata::payload(cd) as *mut u64).write(v) };
            cd
        }
        Constant::Complex(re, im) => {
            let cd = cdata::new(g, ctype::CTID_COMPLEX_DOUBLE, 16, 8, false);
            // SAFETY: a fresh 16-byte payload.
            unsafe {
                let p = cdata::payload(cd) as *mut f64;
                p.write(re);
                p.add(1).write(im);
            }
            cd
        }
    };
    cdata::value(cd)
}

/// The dump form of a prototype's cdata constant.
pub fn constant_of(v: crate::value::TValue) -> crate::bytecode::KGc {
    use crate::bytecode::KGc;
    let cd = cdata::of(v);
    let p = cdata::payload(cd);
    // SAFETY: constants are boxed int64/uint64 (8 bytes) or complex (16).
    unsafe {
        match cdata::ctypeid(cd) {
            ctype::CTID_UINT64 => KGc::U64((p as *const u64).read()),
            ctype::CTID_COMPLEX_DOUBLE => {
                KGc::Complex((p as *const f64).read(), (p as *const f64).add(1).read())
            }
            _ => KGc::I64((p as *const i64).read()),
        }
    }
}
