//! Interned, immutable, NUL-terminated strings.
//!
//! Every string is hashed once when created and interned in the global
//! string table (a power-of-two array of chains linked through the GC
//! header's `next`), so string equality is pointer equality.

use crate::gc::{mem_alloc, mem_free, GcHeader, MARK_BLACK, MARK_FIXED, MARK_WHITES};
use crate::state::GlobalState;
use crate::value::{TValue, TID_STR};
use std::ptr;

/// String object header (`#[repr(C)]`, LuaJIT's GCstr layout); the bytes
/// follow the header, then a NUL.
#[repr(C)]
pub struct GcStr {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    /// Index of a reserved word + 1 (for the lexer), else 0.
    pub reserved: u8,
    pub hashalg: u8,
    /// Unique id (allocation sequence number).
    pub sid: u32,
    pub hash: u32,
    pub len: u32,
}

impl GcStr {
    #[inline(always)]
    pub fn data(&self) -> *const u8 {
        // SAFETY: the bytes are allocated right after the header.
        unsafe { (self as *const GcStr).add(1) as *const u8 }
    }
    #[inline(always)]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: len bytes follow the header and live as long as the string.
        unsafe { std::slice::from_raw_parts(self.data(), self.len as usize) }
    }
}

/// Borrow the bytes of a string object.
///
/// # Safety
/// `s` points to a live string that stays reachable (so is not freed)
/// while the slice is used. Prefer [`StrRef`], whose borrow is bounded.
#[inline(always)]
pub unsafe fn str_bytes<'a>(s: *mut GcStr) -> &'a [u8] {
    // SAFETY: s is a live string (caller's contract).
    unsafe { (*s).as_bytes() }
}

/// A handle to a live string; its bytes borrow from the handle, so they
/// can't outlive the scope that holds it.
///
/// Type invariant: the string stays reachable (an argument or other stack
/// slot, a table entry, a constant of a running function) while the
/// handle is used. Strings are immutable, so the bytes never change.
#[derive(Clone, Copy)]
pub struct StrRef(ptr::NonNull<GcStr>);

impl StrRef {
    /// # Safety
    /// `s` is a live string object satisfying the type invariant.
    #[inline(always)]
    pub unsafe fn from_raw(s: *mut GcStr) -> StrRef {
        debug_assert!(!s.is_null());
        // SAFETY: the caller guarantees s is non-null.
        StrRef(unsafe { ptr::NonNull::new_unchecked(s) })
    }
    #[inline(always)]
    pub fn as_ptr(self) -> *mut GcStr {
        self.0.as_ptr()
    }
    /// The string as a value.
    #[inline(always)]
    pub fn value(self) -> TValue {
        TValue::gcobj(TID_STR, self.as_ptr() as *const GcHeader)
    }
    #[inline(always)]
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the string is live (type invariant); the slice borrows
        // from the handle.
        unsafe { self.0.as_ref().as_bytes() }
    }
}

impl std::ops::Deref for StrRef {
    type Target = [u8];
    #[inline(always)]
    fn deref(&self) -> &[u8] {
        self.bytes()
    }
}

/// Hash of a byte string: up to 16 words sampled from the end towards the
/// start (every word of a string up to 64 bytes), plus the first word, so
/// hashing stays O(1) for long strings; mixes in the length.
pub fn hash_bytes(s: &[u8]) -> u32 {
    let len = s.len();
    let mut h: u32 = (len as u32) ^ 0x9e37_79b9;
    if len >= 4 {
        // SAFETY: every read is of 4 bytes starting at an index <= len - 4.
        let rd = |i: usize| unsafe { (s.as_ptr().add(i) as *const u32).read_unaligned() };
        let step = ((len >> 4) & !3).max(4);
        let mut a = rd(0);
        let mut i = len;
        let mut n = 0;
        while i >= 4 && n < 16 {
            let w = rd(i - 4);
            h = (h ^ w).wrapping_mul(0x85eb_ca6b).rotate_left(13);
            a = a.wrapping_add(h);
            i -= step.min(i);
            n += 1;
        }
        h ^= a.wrapping_mul(0xc2b2_ae35);
    } else {
        for &c in s {
            h = (h ^ c as u32).wrapping_mul(0x0100_0193);
        }
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x7feb_352d);
    h ^= h >> 15;
    h
}

/// The string table.
#[repr(C)]
pub struct StrTab {
    pub chains: *mut *mut GcStr,
    pub mask: u32,
    pub count: u32,
    pub next_sid: u32,
}

impl StrTab {
    pub const fn empty() -> Self {
        StrTab {
            chains: ptr::null_mut(),
            mask: 0,
            count: 0,
            next_sid: 0,
        }
    }
}

pub fn init_strtab(g: &mut GlobalState) {
    let n = 256usize;
    let p = mem_alloc(g, n * std::mem::size_of::<*mut GcStr>()) as *mut *mut GcStr;
    // SAFETY: fresh array of n pointers.
    unsafe { ptr::write_bytes(p, 0, n) };
    g.strtab = StrTab {
        chains: p,
        mask: (n - 1) as u32,
        count: 0,
        next_sid: 0,
    };
}

/// Rehash the intern table into `nsize` chains. Only an optimisation
/// (chains just get longer without it), so without memory it keeps the
/// old table: neither interning nor the collector's shrinking fails then.
fn resize_strtab(g: &mut GlobalState, nsize: usize) {
    let osize = g.strtab.mask as usize + 1;
    let np =
        crate::gc::mem_try_alloc(g, nsize * std::mem::size_of::<*mut GcStr>()) as *mut *mut GcStr;
    if np.is_null() {
        return;
    }
    // SAFETY: rehash every chain of the old array into the new one.
    unsafe {
        ptr::write_bytes(np, 0, nsize);
        for i in 0..osize {
            let mut s = *g.strtab.chains.add(i);
            while !s.is_null() {
                let next = (*s).next as *mut GcStr;
                let slot = np.add(((*s).hash as usize) & (nsize - 1));
                (*s).next = *slot as *mut GcHeader;
                *slot = s;
                s = next;
            }
        }
    }
    // SAFETY: the old chain array, osize entries from g's allocator,
    // replaced right after.
    unsafe {
        mem_free(
            g,
            g.strtab.chains as *mut u8,
            osize * std::mem::size_of::<*mut GcStr>(),
        )
    };
    g.strtab.chains = np;
    g.strtab.mask = (nsize - 1) as u32;
    debug_check_strtab(g);
}

/// What is wrong with the intern table, or None: its size is a power of
/// two; every chain holds strings whose hash selects that chain, whose
/// hash is that of their bytes, which end in a NUL, and no two of which
/// are equal (interning would have returned the first); no chain is a
/// cycle; `count` counts them all. Walks the whole table: debug builds run
/// it after each resize of the table, where the cost is that of the resize.
pub fn strtab_violation(g: &GlobalState) -> Option<String> {
    let st = &g.strtab;
    if st.chains.is_null() || st.mask & st.mask.wrapping_add(1) != 0 {
        return Some(format!(
            "intern table of mask {:#x} at {:p}",
            st.mask, st.chains
        ));
    }
    let mut total: u64 = 0;
    for i in 0..=st.mask as usize {
        // SAFETY: chains has mask+1 entries; chain entries are strings not
        // freed yet, linked through their headers.
        unsafe {
            let first = *st.chains.add(i);
            let mut p = first;
            while !p.is_null() {
                total += 1;
                if total > st.count as u64 {
                    return Some(format!("more strings than count {} (or a cycle)", st.count));
                }
                let sr = &*p;
                if sr.gct as u32 != TID_STR {
                    return Some(format!("chain {}: an object of type {}", i, sr.gct));
                }
                if sr.hash & st.mask != i as u32 {
                    return Some(format!("chain {}: a string of hash {:#x}", i, sr.hash));
                }
                if sr.hash != hash_bytes(sr.as_bytes()) || *sr.data().add(sr.len as usize) != 0 {
                    return Some(format!("chain {}: a string with a stale hash or no NUL", i));
                }
                let mut q = first;
                while q != p {
                    if (*q).as_bytes() == sr.as_bytes() {
                        return Some(format!("chain {}: a string interned twice", i));
                    }
                    q = (*q).next as *mut GcStr;
                }
                p = sr.next as *mut GcStr;
            }
        }
    }
    if total != st.count as u64 {
        return Some(format!("{} strings, count {}", total, st.count));
    }
    None
}

/// Debug builds: panic if the intern table is broken (see
/// `strtab_violation`). Nothing in release builds.
#[inline(always)]
fn debug_check_strtab(g: &GlobalState) {
    if cfg!(debug_assertions) {
        if let Some(problem) = strtab_violation(g) {
            panic!("intern table invariant broken: {}", problem);
        }
    }
}

/// LuaJIT's string length limit (LJ_MAX_STR): strings are shorter.
pub const MAX_STR_LEN: usize = 0x7fff_ff00;

/// The error of a string reaching `MAX_STR_LEN`.
pub const STRING_OVERFLOW_MSG: &str = "string length overflow";

/// Intern a byte string. A string too long for LuaJIT raises "string
/// length overflow" (callers with a `State` use `State::intern` or
/// `State::new_str`, which raise it with the running position first).
pub fn intern(g: &mut GlobalState, s: &[u8]) -> *mut GcStr {
    if s.len() >= MAX_STR_LEN {
        crate::error::throw_msg_from_leaf(g, STRING_OVERFLOW_MSG);
    }
    let h = hash_bytes(s);
    // SAFETY: chains has mask+1 entries; chain entries are live strings.
    unsafe {
        let mut p = *g.strtab.chains.add((h & g.strtab.mask) as usize);
        while !p.is_null() {
            if (*p).hash == h && (*p).len as usize == s.len() && (*p).as_bytes() == s {
                // A string found unreachable but not swept yet is in use again.
                if crate::gc::is_dead(g, p as *mut GcHeader) {
                    crate::gc::make_current_white(g, p as *mut GcHeader);
                }
                return p;
            }
            p = (*p).next as *mut GcStr;
        }
    }
    let size = std::mem::size_of::<GcStr>() + s.len() + 1;
    let o = mem_alloc(g, size) as *mut GcStr;
    // SAFETY: o has room for the header, the bytes and a NUL.
    unsafe {
        o.write(GcStr {
            next: ptr::null_mut(),
            marked: g.gc.currentwhite,
            gct: TID_STR as u8,
            reserved: 0,
            hashalg: 0,
            sid: g.strtab.next_sid,
            hash: h,
            len: s.len() as u32,
        });
        let d = (*o).data() as *mut u8;
        ptr::copy_nonoverlapping(s.as_ptr(), d, s.len());
        *d.add(s.len()) = 0;
        let slot = g.strtab.chains.add((h & g.strtab.mask) as usize);
        (*o).next = *slot as *mut GcHeader;
        *slot = o;
    }
    g.strtab.next_sid = g.strtab.next_sid.wrapping_add(1);
    g.strtab.count += 1;
    // Not while the chains are being swept: the sweep walks them by index.
    if g.strtab.count > g.strtab.mask
        && g.strtab.mask < (1 << 26)
        && g.gc.phase != crate::gc::Phase::SweepString
    {
        let n = (g.strtab.mask as usize + 1) * 2;
        resize_strtab(g, n);
    }
    o
}

pub fn new_str_value(g: &mut GlobalState, s: &[u8]) -> TValue {
    TValue::gcobj(TID_STR, intern(g, s) as *const GcHeader)
}

/// Free one string (already unlinked).
///
/// # Safety
/// `s` points to a dead string, unlinked from the intern table, that is
/// not freed yet; it is not used afterwards.
pub unsafe fn free(g: &mut GlobalState, s: *mut GcStr) {
    // SAFETY: s is not freed yet (this function's contract); its size is
    // header + len + 1.
    let len = unsafe { (*s).len } as usize;
    // SAFETY: the string's block, of that size, not used again.
    unsafe { mem_free(g, s as *mut u8, std::mem::size_of::<GcStr>() + len + 1) };
}

/// Sweep intern chain `i`: free the dead strings, give the survivors the
/// current white. Returns true when `i` was the last chain (or beyond).
pub fn sweep_chain(g: &mut GlobalState, i: u32) -> bool {
    let n = g.strtab.mask as usize + 1;
    let i = i as usize;
    if i >= n {
        return true;
    }
    let cw = g.gc.currentwhite;
    let ow = cw ^ MARK_WHITES;
    // SAFETY: walking and unlinking chain entries we own.
    unsafe {
        let mut prev: *mut *mut GcStr = g.strtab.chains.add(i);
        while !(*prev).is_null() {
            let s = *prev;
            if (*s).marked & (ow | MARK_FIXED) == ow {
                *prev = (*s).next as *mut GcStr;
                g.strtab.count -= 1;
                free(g, s);
            } else {
                debug_assert!(
                    (*s).hash & g.strtab.mask == i as u32,
                    "intern table invariant broken: a string in another hash's chain"
                );
                (*s).marked = ((*s).marked & !(MARK_WHITES | MARK_BLACK)) | cw;
                prev = &mut (*s).next as *mut *mut GcHeader as *mut *mut GcStr;
            }
        }
    }
    i + 1 >= n
}

/// Halve the intern table while it is mostly empty (after a sweep).
pub fn shrink_table(g: &mut GlobalState) {
    let mut mask = g.strtab.mask;
    while g.strtab.count < mask / 4 && mask > 255 {
        mask /= 2;
    }
    if mask != g.strtab.mask {
        resize_strtab(g, mask as usize + 1);
    }
}

/// Free every string and the table itself (state close).
pub fn free_all(g: &mut GlobalState) {
    let n = g.strtab.mask as usize + 1;
    for i in 0..n {
        // SAFETY: every chain entry is a string we own.
        unsafe {
            let mut s = *g.strtab.chains.add(i);
            while !s.is_null() {
                let next = (*s).next as *mut GcStr;
                free(g, s);
                s = next;
            }
        }
    }
    // SAFETY: the chain array, n entries from g's allocator, dropped right
    // after.
    unsafe {
        mem_free(
            g,
            g.strtab.chains as *mut u8,
            n * std::mem::size_of::<*mut GcStr>(),
        )
    };
    g.strtab = StrTab::empty();
}

#[cfg(test)]
#[path = "string_tests.rs"]
mod tests;
