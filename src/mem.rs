//! Growable memory that fails into a Lua memory error.
//!
//! Rust's `Vec` and `String` abort the process when an allocation fails
//! (stable Rust cannot make the allocation error handler unwind, and a
//! global allocator must not unwind). A Lua VM must instead raise `not
//! enough memory` (`LUA_ERRMEM`) and carry on. So every buffer whose size
//! depends on the program's input grows through one of these:
//!
//! * `StateVec<T>`: storage from the Lua state's own allocator (the
//!   `lua_Alloc` given to `lua_newstate`), counted by the collector; a
//!   failure raises the memory error on the state. Used for the VM's
//!   scratch buffers (concatenation, string building, library results).
//! * `FallibleVec<T>`: storage from Rust's heap, for code that runs without
//!   a Lua state (the parser, the bytecode reader and writer, the FFI's C
//!   type tables). A failure unwinds with the memory error's payload; the
//!   interpreter and the C API turn it into `LUA_ERRMEM` where they catch
//!   errors (see `error::raise_oom_unchecked`).
//!
//! Both refuse to grow past `MAX_BUF` bytes, LuaJIT's buffer limit.
//! `reserve_vec`, `reserve_entry`, `filled_vec`, `collect_fallible` and
//! `to_vec_fallible` do the same for plain `Vec`s and hash maps that are
//! part of shared structures (prototypes, the FFI's type table).
//!
//! What may stay an ordinary Rust collection: allocations bounded by a
//! small constant or by a limit of the VM, which are too small to fail
//! where a larger allocation has not failed first. The state also keeps a
//! reserve of Rust heap that it releases when it raises a memory error
//! (`error::throw_oom`), so that these still succeed while the error is
//! handled. They are: number formatting (fixed arrays and `ShortBuf`s),
//! error messages built from fixed texts and type names, a pattern's 32
//! captures, argument and result lists (bounded by the Lua stack's 65500
//! slots: `vm::call_values`, FFI calls), option strings, library names of
//! `package`, and the interactive prompt's input lines.
//!
//! `ByteSink` lets the formatting helpers write into any of these.

use crate::gc::{mem_free, mem_realloc};
use crate::state::GlobalState;
use crate::state::State;
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut, Range};
use std::ptr;

/// LuaJIT's largest buffer (`LJ_MAX_BUF`): growing beyond it is a memory
/// error, as in LuaJIT.
pub const MAX_BUF: usize = 0x7fff_ff00;

/// Smallest non-zero capacity in bytes (a buffer that grows at all usually
/// grows further).
const MIN_CAPACITY_BYTES: usize = 32;

/// The capacity to grow to for `needed` elements of `size` bytes from
/// `cap`: double, at least `needed`, at most `MAX_BUF` bytes. `None` if
/// `needed` elements do not fit in `MAX_BUF` bytes.
#[inline]
fn grown_capacity(cap: usize, needed: usize, size: usize) -> Option<usize> {
    let size = size.max(1);
    let max = MAX_BUF / size;
    if needed > max {
        return None;
    }
    let min = MIN_CAPACITY_BYTES.div_ceil(size);
    Some(cap.saturating_mul(2).max(needed).max(min).min(max))
}

// ---------------------------------------------------------------------------
// StateVec: a vector in the Lua state's memory.

/// A growable array of `Copy` values whose storage comes from a Lua
/// state's allocator. Growth that fails raises the state's memory error;
/// the storage is freed when the vector is dropped (also while an error
/// unwinds through its owner).
///
/// The first `INLINE` elements live inside the vector itself (on the
/// stack, for a local), so that the short results most calls build
/// (concatenations, `string.char`, number formatting) allocate nothing.
///
/// The vector keeps a raw pointer to the global state and reaches it only
/// to grow and to free, as leaf code. As with a `State` handle, the global
/// state is not closed while the vector is used (vectors are locals of
/// code running on the state).
pub struct StateVec<T: Copy, const INLINE: usize = 0> {
    /// Storage from the allocator, or null while the contents are inline.
    heap: *mut T,
    len: usize,
    cap: usize,
    g: *mut GlobalState,
    inline: [MaybeUninit<T>; INLINE],
}

/// Inline bytes of the state's byte buffers: most strings built are short.
pub const SHORT_STRING: usize = 128;

/// A byte buffer in the Lua state's memory, its first `SHORT_STRING`
/// bytes inline. (One type for all byte buffers: the formatting helpers
/// are instantiated once for it.)
pub type StateBuf = StateVec<u8, SHORT_STRING>;

/// The same, for places where the name says that results are usually short.
pub type ShortBuf = StateBuf;

impl<T: Copy, const INLINE: usize> StateVec<T, INLINE> {
    /// An empty vector (allocates nothing until it outgrows its inline
    /// part), for leaf code holding the global state.
    #[inline]
    pub fn new(g: &mut GlobalState) -> Self {
        Self::in_state(g)
    }

    #[inline]
    fn in_state(g: *mut GlobalState) -> Self {
        StateVec {
            heap: ptr::null_mut(),
            len: 0,
            cap: INLINE,
            g,
            inline: [MaybeUninit::uninit(); INLINE],
        }
    }

    /// An empty vector of the state `l` belongs to.
    #[inline]
    pub fn of(l: State) -> Self {
        Self::in_state(l.global_ptr())
    }

    /// An empty vector with room for `n` elements, for leaf code holding
    /// the global state.
    #[inline]
    pub fn with_capacity(g: &mut GlobalState, n: usize) -> Self {
        let mut v = Self::new(g);
        v.reserve_exact(n);
        v
    }

    /// An empty vector of the state `l` belongs to, with room for `n`
    /// elements.
    #[inline]
    pub fn with_capacity_of(l: State, n: usize) -> Self {
        let mut v = Self::of(l);
        v.reserve_exact(n);
        v
    }

    #[inline(always)]
    fn data(&self) -> *const T {
        if self.heap.is_null() {
            self.inline.as_ptr() as *const T
        } else {
            self.heap
        }
    }

    #[inline(always)]
    fn data_mut(&mut self) -> *mut T {
        if self.heap.is_null() {
            self.inline.as_mut_ptr() as *mut T
        } else {
            self.heap
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Make room for `additional` more elements (growing geometrically).
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        if self.cap - self.len < additional {
            self.grow(additional, false);
        }
    }

    /// Make room for exactly `additional` more elements.
    #[inline]
    pub fn reserve_exact(&mut self, additional: usize) {
        if self.cap - self.len < additional {
            self.grow(additional, true);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, additional: usize, exact: bool) {
        let size = std::mem::size_of::<T>();
        // SAFETY: g is the live global state this vector was made for (see
        // the type's comment); growing is leaf code (allocation, or the
        // memory error), the reference is dropped when it returns.
        let g = unsafe { &mut *self.g };
        let needed = match self.len.checked_add(additional) {
            Some(n) => n,
            None => crate::error::throw_oom(g),
        };
        let ncap = match grown_capacity(self.cap, needed, size) {
            Some(_) if exact => needed,
            Some(c) => c,
            None => crate::error::throw_oom(g),
        };
        if size == 0 {
            self.cap = usize::MAX;
            return;
        }
        // The allocator raises the memory error (leaving this vector as it
        // was) if it refuses.
        if self.heap.is_null() {
            let np = crate::gc::mem_alloc(g, ncap * size) as *mut T;
            // SAFETY: the inline part holds len elements; np has room for ncap >= len.
            unsafe { ptr::copy_nonoverlapping(self.inline.as_ptr() as *const T, np, self.len) };
            self.heap = np;
        } else {
            // SAFETY: heap is a block of cap elements from this state's
            // allocator; the result replaces it.
            self.heap =
                unsafe { mem_realloc(g, self.heap as *mut u8, self.cap * size, ncap * size) }
                    as *mut T;
        }
        self.cap = ncap;
    }

    #[inline]
    pub fn push(&mut self, v: T) {
        if self.len == self.cap {
            self.grow(1, false);
        }
        // SAFETY: len < cap after growing.
        unsafe { self.data_mut().add(self.len).write(v) };
        self.len += 1;
    }

    #[inline]
    pub fn extend_from_slice(&mut self, s: &[T]) {
        self.reserve(s.len());
        // SAFETY: room for s.len() more elements; s cannot point into our
        // own spare capacity (it is borrowed separately from self).
        unsafe { ptr::copy_nonoverlapping(s.as_ptr(), self.data_mut().add(self.len), s.len()) };
        self.len += s.len();
    }

    pub fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        let it = it.into_iter();
        self.reserve(it.size_hint().0);
        for v in it {
            self.push(v);
        }
    }

    /// Append a copy of the elements in `r` (of this vector).
    pub fn extend_from_within(&mut self, r: Range<usize>) {
        assert!(r.start <= r.end && r.end <= self.len, "range out of bounds");
        let n = r.end - r.start;
        self.reserve(n);
        let d = self.data_mut();
        // SAFETY: the source lies in the initialised part, the destination
        // in the spare capacity reserved above; they do not overlap.
        unsafe { ptr::copy_nonoverlapping(d.add(r.start), d.add(self.len), n) };
        self.len += n;
    }

    /// Set the length to `n`, filling new elements with `v`.
    pub fn resize(&mut self, n: usize, v: T) {
        if n > self.len {
            self.reserve(n - self.len);
            let d = self.data_mut();
            for i in self.len..n {
                // SAFETY: i < cap after reserving.
                unsafe { d.add(i).write(v) };
            }
        }
        self.len = n;
    }

    /// Insert `v` at index `i` (at most `len`), shifting the rest up.
    pub fn insert(&mut self, i: usize, v: T) {
        assert!(i <= self.len, "insert index out of range");
        self.reserve(1);
        let d = self.data_mut();
        // SAFETY: room for one more; the moved range stays inside the capacity.
        unsafe {
            ptr::copy(d.add(i), d.add(i + 1), self.len - i);
            d.add(i).write(v);
        }
        self.len += 1;
    }

    /// Remove the elements in `r`, shifting the rest down.
    pub fn remove_range(&mut self, r: Range<usize>) {
        assert!(r.start <= r.end && r.end <= self.len, "range out of bounds");
        let d = self.data_mut();
        // SAFETY: both ranges lie inside the initialised elements.
        unsafe { ptr::copy(d.add(r.end), d.add(r.start), self.len - r.end) };
        self.len -= r.end - r.start;
    }

    #[inline]
    pub fn truncate(&mut self, n: usize) {
        if n < self.len {
            self.len = n;
        }
    }

    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
    }

    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            None
        } else {
            self.len -= 1;
            // SAFETY: index len was initialised.
            Some(unsafe { self.data().add(self.len).read() })
        }
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: data holds len initialised elements (a dangling but
        // aligned pointer when len is 0).
        unsafe { std::slice::from_raw_parts(self.data(), self.len) }
    }

    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as above, borrowed mutably.
        unsafe { std::slice::from_raw_parts_mut(self.data_mut(), self.len) }
    }
}

impl<T: Copy, const INLINE: usize> Drop for StateVec<T, INLINE> {
    fn drop(&mut self) {
        let size = std::mem::size_of::<T>();
        if !self.heap.is_null() && size != 0 {
            // SAFETY: the global state outlives the vector (see the type's
            // comment); freeing is leaf code; heap is a block of cap * size
            // bytes from its allocator, not used again.
            unsafe { mem_free(&mut *self.g, self.heap as *mut u8, self.cap * size) };
        }
    }
}

impl<T: Copy, const INLINE: usize> Deref for StateVec<T, INLINE> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Copy, const INLINE: usize> DerefMut for StateVec<T, INLINE> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<const INLINE: usize> std::fmt::Write for StateVec<u8, INLINE> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// FallibleVec: Rust's heap, growth that raises the memory error.

/// A `Vec` whose growth raises the Lua memory error instead of aborting.
/// For code that has no Lua state at hand; its storage is on Rust's heap.
/// Only growth that can fail is offered; read access goes through the
/// slice it dereferences to.
#[derive(Clone, Debug, PartialEq)]
pub struct FallibleVec<T>(Vec<T>);

impl<T> Default for FallibleVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> FallibleVec<T> {
    #[inline]
    pub const fn new() -> Self {
        FallibleVec(Vec::new())
    }

    pub fn with_capacity(n: usize) -> Self {
        let mut v = Self::new();
        v.reserve(n);
        v
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Make room for `additional` more elements (geometric growth).
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        if self.0.capacity() - self.0.len() < additional {
            self.grow(additional);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, additional: usize) {
        let size = std::mem::size_of::<T>();
        let needed = self
            .0
            .len()
            .checked_add(additional)
            .unwrap_or_else(|| crate::error::raise_oom_unchecked());
        let ncap = grown_capacity(self.0.capacity(), needed, size)
            .unwrap_or_else(|| crate::error::raise_oom_unchecked());
        if self.0.try_reserve_exact(ncap - self.0.len()).is_err() {
            crate::error::raise_oom_unchecked();
        }
    }

    #[inline]
    pub fn push(&mut self, v: T) {
        self.reserve(1);
        self.0.push(v);
    }

    pub fn extend_from_slice(&mut self, s: &[T])
    where
        T: Clone,
    {
        self.reserve(s.len());
        self.0.extend_from_slice(s);
    }

    pub fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        let it = it.into_iter();
        self.reserve(it.size_hint().0);
        for v in it {
            self.push(v);
        }
    }

    pub fn resize(&mut self, n: usize, v: T)
    where
        T: Clone,
    {
        if n > self.0.len() {
            self.reserve(n - self.0.len());
        }
        self.0.resize(n, v);
    }

    pub fn insert(&mut self, i: usize, v: T) {
        self.reserve(1);
        self.0.insert(i, v);
    }

    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }

    pub fn remove(&mut self, i: usize) -> T {
        self.0.remove(i)
    }

    pub fn remove_range(&mut self, r: Range<usize>) {
        self.0.drain(r);
    }

    #[inline]
    pub fn truncate(&mut self, n: usize) {
        self.0.truncate(n);
    }

    #[inline]
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Move the elements from `at` on into a new vector.
    pub fn split_off(&mut self, at: usize) -> Self {
        let mut tail = Self::with_capacity(self.0.len().saturating_sub(at));
        tail.0.extend(self.0.drain(at..));
        tail
    }

    pub fn retain(&mut self, f: impl FnMut(&T) -> bool) {
        self.0.retain(f);
    }

    /// The elements as an ordinary `Vec` (no copy).
    #[inline]
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    /// A copy of `s` (its allocation can fail too).
    pub fn from_slice(s: &[T]) -> Self
    where
        T: Clone,
    {
        let mut v = Self::new();
        v.extend_from_slice(s);
        v
    }
}

impl<T> From<Vec<T>> for FallibleVec<T> {
    fn from(v: Vec<T>) -> Self {
        FallibleVec(v)
    }
}

impl<T> Deref for FallibleVec<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> DerefMut for FallibleVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T> IntoIterator for FallibleVec<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a FallibleVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl std::fmt::Write for FallibleVec<u8> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A NUL-terminated copy of `s` for C functions (file names, formats:
/// as long as the program makes them, so the copy is fallible).
pub fn c_string(s: &[u8]) -> FallibleVec<u8> {
    let mut v = FallibleVec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(0);
    v
}

/// A fallible copy of a byte slice into a plain `Vec` (for results handed
/// to code that takes `Vec`s).
pub fn vec_from_slice<T: Clone>(s: &[T]) -> Vec<T> {
    FallibleVec::from_slice(s).into_vec()
}

/// Fallible collecting and copying into plain `Vec`s, for results whose
/// type is a `Vec` (prototypes, dumps): `iter.collect_fallible()` and
/// `slice.to_vec_fallible()` instead of `collect()` and `to_vec()`.
pub trait CollectFallible: Iterator + Sized {
    fn collect_fallible(self) -> Vec<Self::Item> {
        let mut v = FallibleVec::new();
        v.extend(self);
        v.into_vec()
    }
}

impl<I: Iterator> CollectFallible for I {}

pub trait ToVecFallible<T: Clone> {
    fn to_vec_fallible(&self) -> Vec<T>;
}

impl<T: Clone> ToVecFallible<T> for [T] {
    fn to_vec_fallible(&self) -> Vec<T> {
        vec_from_slice(self)
    }
}

/// Make room for `n` more elements in a plain `Vec` (its own growth would
/// abort), for long-lived tables kept as `Vec`s.
pub fn reserve_vec<T>(v: &mut Vec<T>, n: usize) {
    if v.capacity() - v.len() < n && v.try_reserve(n).is_err() {
        crate::error::raise_oom_unchecked();
    }
}

/// `vec![v; n]`, allocated fallibly.
pub fn filled_vec<T: Clone>(n: usize, v: T) -> Vec<T> {
    let mut out = FallibleVec::new();
    out.resize(n, v);
    out.into_vec()
}

/// Make room for one more entry in a hash map (its growth would abort).
pub fn reserve_entry<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher>(
    m: &mut std::collections::HashMap<K, V, S>,
) {
    if m.try_reserve(1).is_err() {
        crate::error::raise_oom_unchecked();
    }
}

// ---------------------------------------------------------------------------
// ByteSink: where formatting helpers write.

/// A growable byte buffer: the output of the number and string formatting
/// helpers, so that they write into a `StateBuf` (or a `FallibleVec`)
/// without an intermediate `Vec`.
pub trait ByteSink: DerefMut<Target = [u8]> {
    fn push(&mut self, b: u8);
    fn extend_from_slice(&mut self, s: &[u8]);
    /// Make room for `n` more bytes.
    fn reserve(&mut self, n: usize);
    fn truncate(&mut self, n: usize);
    fn remove_range(&mut self, r: Range<usize>);
    /// Append `n` copies of `b`.
    fn push_n(&mut self, b: u8, n: usize);
}

/// The fallible buffers are sinks through their own methods.
macro_rules! byte_sink_by_inherent_methods {
    ($([$($g:tt)*] $ty:ty),*) => {$(
        impl<$($g)*> ByteSink for $ty {
            #[inline]
            fn push(&mut self, b: u8) {
                <$ty>::push(self, b)
            }
            #[inline]
            fn extend_from_slice(&mut self, s: &[u8]) {
                <$ty>::extend_from_slice(self, s)
            }
            fn reserve(&mut self, n: usize) {
                <$ty>::reserve(self, n)
            }
            fn truncate(&mut self, n: usize) {
                <$ty>::truncate(self, n)
            }
            fn remove_range(&mut self, r: Range<usize>) {
                <$ty>::remove_range(self, r)
            }
            fn push_n(&mut self, b: u8, n: usize) {
                let len = self.len();
                self.resize(len + n, b);
            }
        }
    )*};
}
byte_sink_by_inherent_methods!([const INLINE: usize] StateVec<u8, INLINE>, [] FallibleVec<u8>);

/// Plain `Vec`s remain sinks for code outside the VM (the command line's
/// listings, tests); the VM itself writes into the fallible buffers.
impl ByteSink for Vec<u8> {
    #[inline]
    fn push(&mut self, b: u8) {
        Vec::push(self, b)
    }
    #[inline]
    fn extend_from_slice(&mut self, s: &[u8]) {
        Vec::extend_from_slice(self, s)
    }
    fn reserve(&mut self, n: usize) {
        Vec::reserve(self, n)
    }
    fn truncate(&mut self, n: usize) {
        Vec::truncate(self, n)
    }
    fn remove_range(&mut self, r: Range<usize>) {
        self.drain(r);
    }
    fn push_n(&mut self, b: u8, n: usize) {
        let len = self.len();
        self.resize(len + n, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{new_state, LUA_ERRMEM};
    use std::os::raw::c_void;

    /// Test allocator state: live bytes, and whether growth is refused.
    struct Budget {
        live: isize,
        refuse: bool,
    }

    unsafe extern "C-unwind" fn budget_alloc(
        ud: *mut c_void,
        p: *mut c_void,
        osize: usize,
        nsize: usize,
    ) -> *mut c_void {
        extern "C" {
            fn realloc(p: *mut c_void, n: usize) -> *mut c_void;
            fn free(p: *mut c_void);
        }
        // SAFETY: ud is the test's Budget; p is null or a block of osize
        // bytes from realloc.
        unsafe {
            let b = &mut *(ud as *mut Budget);
            let old = if p.is_null() { 0 } else { osize };
            if nsize == 0 {
                free(p);
                b.live -= old as isize;
                return std::ptr::null_mut();
            }
            if b.refuse && nsize > old {
                return std::ptr::null_mut();
            }
            let np = realloc(p, nsize);
            b.live += nsize as isize - old as isize;
            np
        }
    }

    /// Run `f` as lua_pcall would (a memory error is then caught, not the
    /// end of the process); returns the status.
    fn protected(l: State, f: impl FnOnce()) -> i32 {
        // SAFETY: fields of the test's live thread; top is restored to the
        // same offset into the (maybe moved) stack.
        unsafe {
            let top = (*l.as_ptr()).top.offset_from((*l.as_ptr()).stack);
            let st = crate::capi::core::api_pcall(l, top, 0, f);
            (*l.as_ptr()).top = (*l.as_ptr()).stack.offset(top);
            st
        }
    }

    #[test]
    fn capacity_growth_and_limit() {
        assert_eq!(grown_capacity(0, 1, 1), Some(MIN_CAPACITY_BYTES));
        assert_eq!(grown_capacity(100, 101, 1), Some(200));
        assert_eq!(grown_capacity(100, 1000, 1), Some(1000));
        assert_eq!(
            grown_capacity(MAX_BUF / 2 + 1, MAX_BUF / 2 + 2, 1),
            Some(MAX_BUF)
        );
        assert_eq!(grown_capacity(0, MAX_BUF + 1, 1), None);
        assert_eq!(grown_capacity(0, MAX_BUF / 8 + 1, 8), None);
    }

    /// A state allocating through `budget_alloc` with `budget`, which the
    /// test keeps alive (and in place) until it closes the state.
    fn budget_state(budget: &mut Budget) -> crate::state::State {
        // SAFETY: budget_alloc with the test's budget, which outlives the
        // state and does not move while it is open.
        unsafe { new_state(Some(budget_alloc), budget as *mut Budget as *mut c_void) }
            .expect("new state")
    }

    #[test]
    fn state_vec_inline_then_heap_then_freed() {
        let mut budget = Budget {
            live: 0,
            refuse: false,
        };
        let l = budget_state(&mut budget);
        let before = budget.live;
        {
            let mut v: StateVec<u8, 4> = StateVec::of(l);
            v.extend_from_slice(b"abc");
            assert_eq!(budget.live, before, "short contents stay inline");
            v.push(b'd');
            v.push(b'e');
            assert!(budget.live > before, "then move to the state's memory");
            v.extend_from_within(0..5);
            v.insert(0, b'>');
            v.remove_range(1..3);
            v.resize(12, b'.');
            assert_eq!(&v[..], b">cdeabcde...");
            assert_eq!(v.pop(), Some(b'.'));
            v.truncate(3);
            assert_eq!(&v[..], b">cd");
        }
        assert_eq!(budget.live, before, "dropping frees the storage");
        crate::state::close_state(l);
        assert_eq!(budget.live, 0);
    }

    #[test]
    fn refused_growth_raises_the_memory_error_and_keeps_the_contents() {
        let mut budget = Budget {
            live: 0,
            refuse: false,
        };
        let l = budget_state(&mut budget);
        let mut v: StateBuf = StateVec::of(l);
        // Past the inline part first.
        v.extend_from_slice(&[7; SHORT_STRING]);
        v.truncate(0);
        v.extend_from_slice(&[7; 100]);
        let held = budget.live;
        budget.refuse = true;
        let st = protected(l, || v.extend_from_slice(&[8; 1000]));
        assert_eq!(st, LUA_ERRMEM as i32);
        assert_eq!((v.len(), v[99]), (100, 7));
        assert_eq!(budget.live, held);
        // Beyond LuaJIT's buffer limit: refused without asking the allocator.
        budget.refuse = false;
        let st = protected(l, || v.reserve(MAX_BUF));
        assert_eq!(st, LUA_ERRMEM as i32);
        assert_eq!(budget.live, held);
        drop(v);
        crate::state::close_state(l);
        assert_eq!(budget.live, 0);
    }

    #[test]
    fn fallible_vec_raises_instead_of_aborting() {
        let status = |f: fn()| match crate::error::catch(f) {
            Ok(()) => None,
            Err(p) => Some(crate::error::status_of(p)),
        };
        assert_eq!(
            status(|| {
                FallibleVec::<u64>::with_capacity(usize::MAX / 4);
            }),
            Some(LUA_ERRMEM)
        );
        assert_eq!(
            status(|| {
                let mut v = FallibleVec::<u8>::new();
                v.reserve(MAX_BUF + 1);
            }),
            Some(LUA_ERRMEM)
        );
        assert_eq!(
            status(|| {
                let mut v = FallibleVec::from_slice(b"abc");
                v.extend_from_slice(b"def");
                v.insert(0, b'>');
                assert_eq!(&v.split_off(4)[..], b"def");
                assert_eq!(&v[..], b">abc");
                assert_eq!(c_string(b"x").into_vec(), b"x\0");
            }),
            None
        );
    }
}
