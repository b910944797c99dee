//! cdata objects: GC-owned blocks of C memory tagged with their C type.
//!
//! A cdata is a 16-byte header followed by the C value (16-byte aligned).
//! Values of variable length (VLA/VLS instances) or with an alignment above
//! 16 carry a `CdataVar` prefix in front of the header that records where
//! the allocation starts and how long it is.

use crate::gc::{mem_free, new_object, GcHeader};
use crate::state::GlobalState;
use crate::value::{TValue, TID_CDATA};

use super::ctype::{CTypeId, CTSIZE_INVALID};

#[repr(C)]
pub struct GcCdata {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    /// CDF_* flags.
    pub flags: u8,
    pub unused: u8,
    pub ctypeid: CTypeId,
}

/// The object has a `CdataVar` prefix.
pub const CDF_VAR: u8 = 1;
/// The object has a finalizer set with `ffi.gc`.
pub const CDF_FIN: u8 = 2;

const HEADER: usize = std::mem::size_of::<GcCdata>();
const _: () = assert!(HEADER == 16);

/// Allocation bookkeeping of a variable-length or over-aligned cdata,
/// stored immediately before the header.
#[repr(C)]
struct CdataVar {
    /// Bytes from the start of the allocation to the header.
    offset: u32,
    /// Bytes of the whole allocation.
    total: u32,
    /// Bytes of the C value.
    len: u32,
    unused: u32,
}

const VAR_PREFIX: usize = std::mem::size_of::<CdataVar>();

/// A new zero-filled cdata of type `id` whose value has `size` bytes and
/// needs `align` alignment.
pub fn new(g: &mut GlobalState, id: CTypeId, size: u32, align: u32, var: bool) -> *mut GcCdata {
    debug_assert!(size != CTSIZE_INVALID);
    if !var && align <= 16 {
        let o = new_object(g, HEADER + size as usize, TID_CDATA) as *mut GcCdata;
        // SAFETY: o is a fresh zeroed object of the right size.
        unsafe { (*o).ctypeid = id };
        return o;
    }
    // The header sits at the last 16-byte boundary before the aligned
    // payload, with room for the prefix before it.
    let align = align.max(16) as usize;
    let total = VAR_PREFIX + HEADER + (align - 16) + size as usize;
    if total > u32::MAX as usize {
        crate::gc::out_of_memory(g);
    }
    let base = crate::gc::mem_alloc(g, total);
    // SAFETY: base has `total` bytes; the payload and prefix stay inside.
    unsafe {
        std::ptr::write_bytes(base, 0, total);
        let first_payload = base as usize + VAR_PREFIX + HEADER;
        let payload = (first_payload + align - 1) & !(align - 1);
        let hdr = (payload - HEADER) as *mut GcCdata;
        let var = (hdr as *mut u8).sub(VAR_PREFIX) as *mut CdataVar;
        (*var).offset = (hdr as usize - base as usize) as u32;
        (*var).total = total as u32;
        (*var).len = size;
        crate::gc::link_new_object(g, hdr as *mut GcHeader, TID_CDATA);
        (*hdr).ctypeid = id;
        (*hdr).flags = CDF_VAR;
        hdr
    }
}

/// Address of the C value.
#[inline(always)]
pub fn payload(cd: *mut GcCdata) -> *mut u8 {
    // SAFETY: the payload follows the header.
    unsafe { (cd as *mut u8).add(HEADER) }
}

/// The cdata a value refers to.
#[inline(always)]
pub fn of(v: TValue) -> *mut GcCdata {
    debug_assert!(v.is(TID_CDATA));
    v.as_ptr()
}

#[inline(always)]
pub fn value(cd: *mut GcCdata) -> TValue {
    TValue::gcobj(TID_CDATA, cd as *const GcHeader)
}

#[inline(always)]
pub fn ctypeid(cd: *mut GcCdata) -> CTypeId {
    // SAFETY: cd is a live cdata.
    unsafe { (*cd).ctypeid }
}

/// Length of the C value of a variable-length cdata (None for fixed ones,
/// whose length is the size of their type).
pub fn var_len(cd: *mut GcCdata) -> Option<u32> {
    // SAFETY: cd is a live cdata; CDF_VAR says the prefix exists.
    unsafe {
        if (*cd).flags & CDF_VAR != 0 {
            Some((*((cd as *mut u8).sub(VAR_PREFIX) as *mut CdataVar)).len)
        } else {
            None
        }
    }
}

/// Bytes allocated for a cdata.
pub fn alloc_size(g: &GlobalState, cd: *mut GcCdata) -> usize {
    // SAFETY: cd is a live cdata; CDF_VAR says the prefix exists.
    unsafe {
        if (*cd).flags & CDF_VAR != 0 {
            (*((cd as *mut u8).sub(VAR_PREFIX) as *mut CdataVar)).total as usize
        } else {
            HEADER + super::value_size(g, (*cd).ctypeid) as usize
        }
    }
}

pub fn free(g: &mut GlobalState, cd: *mut GcCdata) {
    let size = alloc_size(g, cd);
    // SAFETY: cd is dead; CDF_VAR says the prefix exists.
    unsafe {
        if (*cd).flags & CDF_VAR != 0 {
            let var = (cd as *mut u8).sub(VAR_PREFIX) as *mut CdataVar;
            let base = (cd as *mut u8).sub((*var).offset as usize);
            mem_free(g, base, size);
        } else {
            mem_free(g, cd as *mut u8, size);
        }
    }
}
