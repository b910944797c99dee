//! Leaf operations on the global state for the C API and the standard
//! libraries: each makes the `&mut GlobalState` a core leaf function takes
//! for the duration of that one call (the pattern of `State::new_str`; see
//! "Access to the global state" in `src/state.rs`).
//!
//! A leaf (an allocation, a barrier, a table primitive, a metatable lookup)
//! runs no Lua code, calls no function that takes a `State` and does not
//! step the collector, so no second reference to the global state can
//! appear while the one made here is live. Allocation failure raises the
//! memory error from inside the leaf, through the same reference.

use crate::func::GcFunc;
use crate::gc::GcHeader;
use crate::state::{GlobalState, State};
use crate::string::GcStr;
use crate::table::GcTab;
use crate::udata::GcUdata;
use crate::value::TValue;

use super::types::lua_CFunction;

/// Run one core leaf function on the global state of `l`.
#[inline(always)]
fn leaf<R>(l: State, f: impl FnOnce(&mut GlobalState) -> R) -> R {
    // SAFETY: every caller below passes one core leaf function (see the
    // module comment); the reference lives for that call only, and nothing
    // in it reaches the global state another way.
    f(unsafe { l.global_mut() })
}

/// Forward barrier: the object `o` now refers to `v`.
///
/// # Safety
/// `o` points to a live object and `v` is a value stored in it.
#[inline(always)]
pub unsafe fn barrier_obj(l: State, o: *mut GcHeader, v: TValue) {
    // SAFETY: as this function's contract.
    leaf(l, |g| unsafe { crate::gc::barrier_obj(g, o, v) })
}

/// Forward barrier: the object `o` now refers to `child` (or null).
///
/// # Safety
/// `o` points to a live object; `child` is null or a live object stored
/// in it.
#[inline(always)]
pub unsafe fn barrier_obj_ptr(l: State, o: *mut GcHeader, child: *mut GcHeader) {
    // SAFETY: as this function's contract.
    leaf(l, |g| unsafe { crate::gc::barrier_obj_ptr(g, o, child) })
}

/// Barrier after storing `v` into upvalue `n` (1-based) of function `f`.
pub fn barrier_upvalue_store(l: State, f: TValue, n: i32, v: TValue) {
    leaf(l, |g| crate::gc::barrier_upvalue_store(g, f, n, v))
}

/// The metatable of any value (null if none).
#[inline]
pub fn metatable_of(l: State, v: TValue) -> *mut GcTab {
    leaf(l, |g| crate::meta::metatable_of(g, v))
}

/// The interned name of metamethod `mm`.
#[inline]
pub fn mmname(l: State, mm: usize) -> *mut GcStr {
    // SAFETY: a field of the live global state (a fixed string, set when
    // the state was made), read by value.
    unsafe { (*l.global_ptr()).mmname[mm] }
}

/// The shared empty hash part (tables without one point here).
#[inline]
pub fn nilnode(l: State) -> *mut crate::table::Node {
    // SAFETY: the address of a field of the live global state; no
    // reference is formed.
    unsafe { &raw mut (*l.global_ptr()).nilnode }
}

/// The entry of table `t` after `key` (`table::next`, whose signature
/// this mirrors).
///
/// # Safety
/// `t` points to a live table.
#[allow(clippy::result_unit_err)]
#[inline]
pub unsafe fn table_next(
    l: State,
    t: *mut GcTab,
    key: TValue,
) -> Result<Option<(TValue, TValue)>, ()> {
    // SAFETY: t is live (this function's contract).
    leaf(l, |g| unsafe { crate::table::next(g, t, key) })
}

/// A new table with room for `narr` array and `nrec` hash entries.
#[inline]
pub fn new_table(l: State, narr: i32, nrec: i32) -> *mut GcTab {
    leaf(l, |g| crate::table::new_ah(g, narr, nrec))
}

/// A new table with an array part of `asize` and `2^hbits` nodes.
#[inline]
pub fn new_table_sized(l: State, asize: u32, hbits: u32) -> *mut GcTab {
    leaf(l, |g| crate::table::new(g, asize, hbits))
}

/// Empty table `t`, keeping its sizes.
///
/// # Safety
/// `t` points to a live table.
#[inline]
pub unsafe fn table_clear(l: State, t: *mut GcTab) {
    // SAFETY: t is live (this function's contract).
    leaf(l, |g| unsafe { crate::table::clear(g, t) })
}

/// A copy of table `t` (no metatable).
///
/// # Safety
/// `t` points to a live table.
#[inline]
pub unsafe fn table_dup(l: State, t: *mut GcTab) -> *mut GcTab {
    // SAFETY: t is live (this function's contract).
    leaf(l, |g| unsafe { crate::table::dup(g, t) })
}

/// The slot for integer key `i` in table `t`, made if missing.
///
/// # Safety
/// `t` points to a live table.
#[inline]
pub unsafe fn set_int_slot(l: State, t: *mut GcTab, i: i64) -> *mut TValue {
    // SAFETY: t is live (this function's contract).
    leaf(l, |g| unsafe { crate::table::set_int_slot(g, t, i) })
}

/// A new C closure of `f` with `nup` nil upvalues and environment `env`.
#[inline]
pub fn new_cfunc(l: State, f: lua_CFunction, nup: usize, env: *mut GcTab) -> *mut GcFunc {
    leaf(l, |g| crate::func::new_cfunc(g, f, nup, env))
}

/// A new userdata of `len` bytes with environment `env`.
#[inline]
pub fn new_udata(l: State, len: usize, env: *mut GcTab) -> *mut GcUdata {
    leaf(l, |g| crate::udata::new(g, len, env))
}

/// The "not enough memory" message (nil if it could not be made).
#[inline]
pub fn oom_value(l: State) -> TValue {
    leaf(l, |g| crate::error::oom_value(g))
}

/// Bytes allocated by the state now.
#[inline]
pub fn gc_total(l: State) -> usize {
    // SAFETY: a field of the live global state, read by value.
    unsafe { (*l.global_ptr()).gc.total }
}

/// Reallocate a block through the state's allocator (`nsize == 0` frees
/// it); a failure raises the memory error.
///
/// # Safety
/// `p` is null or a block of `osize` bytes this state's allocator gave.
#[inline]
pub unsafe fn mem_realloc(l: State, p: *mut u8, osize: usize, nsize: usize) -> *mut u8 {
    // SAFETY: as this function's contract.
    leaf(l, |g| unsafe { crate::gc::mem_realloc(g, p, osize, nsize) })
}
