//! cdata objects: GC-owned blocks of C memory tagged with their C type.
//!
//! A cdata is a 16-byte header followed by the C value (16-byte aligned).
//! Values of variable length (VLA/VLS instances), with an alignment above
//! 16 or longer than `SMALL_SIZE_MAX` carry a `CdataVar` prefix in front of
//! the header that records where the allocation starts and how long it is;
//! smaller ones record their length in the header. So freeing a cdata needs
//! nothing but the object: the collector never reads the C type table.

use crate::gc::{mem_free, new_object, GcHeader};
use crate::state::GlobalState;
use crate::value::{TValue, TID_CDATA};
use std::ptr::NonNull;

use super::ctype::{CTypeId, CTSIZE_INVALID};

#[repr(C)]
pub struct GcCdata {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    /// CDF_* flags.
    pub flags: u8,
    /// Bytes of the C value, for a cdata without the `CDF_VAR` prefix.
    pub small_size: u8,
    pub ctypeid: CTypeId,
}

/// The object has a `CdataVar` prefix.
pub const CDF_VAR: u8 = 1;
/// The object has a finalizer set with `ffi.gc`.
pub const CDF_FIN: u8 = 2;

/// Longest C value whose length fits the header's `small_size`.
const SMALL_SIZE_MAX: u32 = u8::MAX as u32;

const HEADER: usize = std::mem::size_of::<GcCdata>();
const _: () = assert!(HEADER == 16);

/// Allocation bookkeeping of a variable-length, over-aligned or long
/// cdata, stored immediately before the header.
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

/// A handle to a live cdata object.
///
/// Type invariant: the pointer is non-null and points to a cdata object
/// that is not freed while the handle is used: its holder keeps it
/// reachable (a stack slot, a table entry, a constant of a running
/// function), as it would keep any GC object it uses. The header is read
/// and written by value; the payload is C memory reached through
/// `payload()` under the rules of its C type.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CdRef(NonNull<GcCdata>);

impl CdRef {
    /// # Safety
    /// `p` points to a cdata object satisfying the type invariant.
    #[inline(always)]
    pub unsafe fn from_raw(p: *mut GcCdata) -> CdRef {
        debug_assert!(!p.is_null());
        // SAFETY: the caller guarantees p is non-null.
        CdRef(unsafe { NonNull::new_unchecked(p) })
    }

    #[inline(always)]
    pub fn as_ptr(self) -> *mut GcCdata {
        self.0.as_ptr()
    }

    /// The cdata as a value.
    #[inline(always)]
    pub fn value(self) -> TValue {
        TValue::gcobj(TID_CDATA, self.as_ptr() as *const GcHeader)
    }

    /// Its C type.
    #[inline(always)]
    pub fn ctypeid(self) -> CTypeId {
        // SAFETY: a live cdata (type invariant); read by value.
        unsafe { (*self.as_ptr()).ctypeid }
    }

    /// Address of the C value.
    #[inline(always)]
    pub fn payload(self) -> *mut u8 {
        payload(self.as_ptr())
    }

    /// Length of the C value of a variable-length cdata (None for fixed
    /// ones, whose length is the size of their type).
    pub fn var_len(self) -> Option<u32> {
        // SAFETY: a live cdata (type invariant); CDF_VAR says the prefix
        // exists. Fields read by value.
        unsafe {
            if (*self.as_ptr()).flags & CDF_VAR != 0 {
                Some((*var_prefix(self.as_ptr())).len)
            } else {
                None
            }
        }
    }

    /// Set or clear the flag saying a finalizer is registered.
    pub fn set_finalizer_flag(self, on: bool) {
        // SAFETY: a live cdata (type invariant); its flags are written by
        // value.
        unsafe {
            if on {
                (*self.as_ptr()).flags |= CDF_FIN;
            } else {
                (*self.as_ptr()).flags &= !CDF_FIN;
            }
        }
    }
}

/// The prefix of a cdata that has one.
///
/// # Safety
/// `cd` is a cdata with the `CDF_VAR` flag.
#[inline]
unsafe fn var_prefix(cd: *mut GcCdata) -> *mut CdataVar {
    // SAFETY: the prefix sits right before the header (see `new`).
    unsafe { (cd as *mut u8).sub(VAR_PREFIX) as *mut CdataVar }
}

/// A new zero-filled cdata of type `id` whose value has `size` bytes and
/// needs `align` alignment.
pub fn new(g: &mut GlobalState, id: CTypeId, size: u32, align: u32, var: bool) -> CdRef {
    debug_assert!(size != CTSIZE_INVALID);
    if !var && align <= 16 && size <= SMALL_SIZE_MAX {
        let o = new_object(g, HEADER + size as usize, TID_CDATA) as *mut GcCdata;
        // SAFETY: o is a fresh zeroed object of the right size.
        unsafe {
            (*o).ctypeid = id;
            (*o).small_size = size as u8;
            return CdRef::from_raw(o);
        }
    }
    // The header sits at the last 16-byte boundary before the aligned
    // payload, with room for the prefix before it.
    let align = align.max(16) as usize;
    let total = VAR_PREFIX + HEADER + (align - 16) + size as usize;
    if total > u32::MAX as usize {
        crate::gc::out_of_memory(g);
    }
    let base = crate::gc::mem_alloc(g, total);
    // SAFETY: base has `total` bytes; the payload and prefix stay inside,
    // and the header is 16-byte aligned inside the allocation.
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
        CdRef::from_raw(hdr)
    }
}

/// Address of the C value of the cdata at `cd` (no memory is read).
#[inline(always)]
pub fn payload(cd: *mut GcCdata) -> *mut u8 {
    (cd as *mut u8).wrapping_add(HEADER)
}

/// The cdata a value refers to.
///
/// The value is a cdata its holder keeps reachable, as every value the VM
/// hands to a function is (a stack slot, a table entry, a constant).
#[inline(always)]
pub fn of(v: TValue) -> CdRef {
    debug_assert!(v.is(TID_CDATA));
    // SAFETY: a cdata value points to a cdata object, live while its
    // holder keeps it reachable (see above).
    unsafe { CdRef::from_raw(v.as_ptr()) }
}

/// Free a dead cdata (the collector's sweep, or lua_close).
///
/// # Safety
/// `cd` is a cdata object that nothing refers to any more; it is freed
/// once.
pub unsafe fn free(g: &mut GlobalState, cd: *mut GcCdata) {
    // SAFETY: cd is a cdata object (the caller's contract); CDF_VAR says
    // the prefix exists, which records the allocation; otherwise the
    // header records the value's length.
    unsafe {
        if (*cd).flags & CDF_VAR != 0 {
            let var = var_prefix(cd);
            let base = (cd as *mut u8).sub((*var).offset as usize);
            mem_free(g, base, (*var).total as usize);
        } else {
            mem_free(g, cd as *mut u8, HEADER + (*cd).small_size as usize);
        }
    }
}

/// A new zero-filled cdata (see `new`) in `l`'s VM.
pub fn alloc(l: crate::state::State, id: CTypeId, size: u32, align: u32, var: bool) -> CdRef {
    // SAFETY: `new` is a leaf of the core (an allocation: it runs no Lua
    // code and steps no collection), so this is the only reference to the
    // global state while it lives.
    new(unsafe { l.global_mut() }, id, size, align, var)
}
