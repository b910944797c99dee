//! The FFI core: C types (`ctype`), the C declaration parser (`cparse`),
//! cdata objects (`cdata`), conversions between Lua values and C values
//! (`conv`), and calls into C (`ccall`). The Lua-facing `ffi` library is
//! src/stdlib/ffi.rs.

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub mod ccall;
pub mod cdata;
pub mod cparse;
pub mod ctype;

use crate::state::GlobalState;
use crate::table::GcTab;
use ctype::{CTState, CTypeId, CTSIZE_INVALID};

/// The FFI state of a Lua state, created on first use.
pub fn cts(g: &mut GlobalState) -> &mut CTState {
    if g.ctstate.is_null() {
        let mut s = Box::new(CTState::new());
        s.roots = crate::table::new(g, 0, 0);
        g.ctstate = Box::into_raw(s);
    }
    // SAFETY: ctstate is owned by g and lives until free_state.
    unsafe { &mut *g.ctstate }
}

/// The FFI's GC root table (null before the FFI was used).
pub fn gc_roots(g: &GlobalState) -> *mut GcTab {
    if g.ctstate.is_null() {
        std::ptr::null_mut()
    } else {
        // SAFETY: ctstate is live while g is.
        unsafe { (*g.ctstate).roots }
    }
}

/// Free the FFI state at state close (after every cdata was freed).
pub fn free_state(g: &mut GlobalState) {
    if !g.ctstate.is_null() {
        // SAFETY: made by Box::into_raw in cts; nothing refers to it now.
        drop(unsafe { Box::from_raw(g.ctstate) });
        g.ctstate = std::ptr::null_mut();
    }
}

/// Size of the C value of a (fixed-size) cdata of type `id`.
pub fn value_size(g: &GlobalState, id: CTypeId) -> u32 {
    debug_assert!(!g.ctstate.is_null());
    // SAFETY: a cdata exists, so the FFI state does.
    let s = unsafe { (*g.ctstate).get(id).size };
    if s == CTSIZE_INVALID {
        0
    } else {
        s
    }
}
