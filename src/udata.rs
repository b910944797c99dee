//! Full userdata: a block of memory owned by the GC, with a metatable and
//! an environment table.

use crate::gc::{mem_free, new_udata_object, GcHeader};
use crate::state::GlobalState;
use crate::table::GcTab;

/// Userdata header (`#[repr(C)]`, LuaJIT's GCudata layout); the payload
/// follows, 16-byte aligned.
#[repr(C)]
pub struct GcUdata {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    pub udtype: u8,
    pub unused2: u8,
    pub env: *mut GcTab,
    pub len: u32,
    pub metatable: *mut GcTab,
    pub align1: u32,
}

/// Userdata type tags (LuaJIT's UDTYPE_*).
pub const UDTYPE_USERDATA: u8 = 0;
pub const UDTYPE_IO_FILE: u8 = 1;
pub const UDTYPE_FFI_CLIB: u8 = 2;
pub const UDTYPE_BUFFER: u8 = 3;

/// Offset of the payload: the header rounded up to 16 bytes.
pub const HEADER: usize = (std::mem::size_of::<GcUdata>() + 15) & !15;

pub fn new(g: &mut GlobalState, len: usize, env: *mut GcTab) -> *mut GcUdata {
    if len > u32::MAX as usize - 64 {
        crate::gc::out_of_memory(g);
    }
    let u = new_udata_object(g, HEADER + len) as *mut GcUdata;
    // SAFETY: u is a fresh zeroed userdata object.
    unsafe {
        (*u).len = len as u32;
        (*u).env = env;
    }
    u
}

/// Address of the payload (computed without reading the object).
#[inline]
pub fn payload(u: *mut GcUdata) -> *mut u8 {
    (u as *mut u8).wrapping_add(HEADER)
}

/// Bytes allocated for a userdata.
///
/// # Safety
/// `u` points to a userdata that is not freed.
pub unsafe fn size_of(u: *mut GcUdata) -> usize {
    // SAFETY: u is not freed (this function's contract).
    HEADER + unsafe { (*u).len } as usize
}

/// Free a dead userdata.
///
/// # Safety
/// `u` points to a dead userdata that is not freed yet; it is not used
/// afterwards.
pub unsafe fn free(g: &mut GlobalState, u: *mut GcUdata) {
    // SAFETY: u is not freed yet (this function's contract).
    let size = unsafe { size_of(u) };
    // SAFETY: the userdata's block, of that size, not used again.
    unsafe { mem_free(g, u as *mut u8, size) };
}
