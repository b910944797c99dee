//! Finalizers of cdata (`ffi.gc` and metatype `__gc`).
//!
//! A cdata with a finalizer is a key of a weak-keyed table (the value is
//! the finalizer). When the collector finds such a cdata unreachable, the
//! atomic phase moves the pair to a pending list and keeps both alive for
//! one more cycle; the finalize phase calls the finalizer, after which the
//! cdata is an ordinary dead object.
//!
//! The table and the pending list are fields of the FFI state, reached
//! through its raw pointer (see the FFI module's access rules); the pending
//! list is borrowed only for single operations on it, none of which runs
//! Lua code or reaches the collector.

use crate::gc::{is_white, mark_value};
use crate::state::{GlobalState, State};
use crate::table::GcTab;
use crate::value::*;
use std::ptr::NonNull;

use super::cdata;
use super::FfiState;

/// Index of the finalizer table in the FFI root table.
const ROOT_FINALIZERS: i64 = 1;

/// The FFI state of `g` if the FFI was used.
fn ffi_state_ptr(g: &GlobalState) -> Option<NonNull<FfiState>> {
    NonNull::new(g.ffi)
}

/// The weak-keyed table of finalizers, created on first use.
fn table(l: State) -> *mut GcTab {
    let st = super::state(l);
    // SAFETY: a field of the live FFI state, read by value.
    let t = unsafe { (*st.as_ptr()).finalizers };
    if !t.is_null() {
        return t;
    }
    let roots = super::roots(l);
    // SAFETY: making and linking the tables are leaves of the core (they
    // allocate and write barriers, but run no Lua code and step no
    // collection): this is the only reference to the global state while
    // it lives.
    let g = unsafe { l.global_mut() };
    let t = crate::table::new(g, 0, 0);
    let mt = crate::table::new(g, 0, 1);
    let mode = crate::string::new_str_value(g, b"__mode");
    let k = crate::string::new_str_value(g, b"k");
    // SAFETY: fresh tables, and the root table, live while the FFI state
    // is; the slots are written before any collection.
    unsafe {
        *crate::table::set_slot(g, mt, mode).unwrap_or_else(|_| unreachable!()) = k;
        (*t).metatable = mt;
        *crate::table::set_int_slot(g, roots, ROOT_FINALIZERS) =
            TValue::gcobj(TID_TAB, t as *const _);
        crate::gc::barrier_table(g, roots);
    }
    // SAFETY: a field of the live FFI state, written by value.
    unsafe { (*st.as_ptr()).finalizers = t };
    t
}

/// Set (or with nil, remove) the finalizer of a cdata.
pub fn set(l: State, cd: TValue, f: TValue) {
    let t = table(l);
    let c = cdata::of(cd);
    c.set_finalizer_flag(!f.is_nil());
    // SAFETY: setting a table slot and its barrier are leaves of the core
    // (see `table`): the only reference to the global state meanwhile.
    let g = unsafe { l.global_mut() };
    // SAFETY: t is the live finalizer table (referenced from the FFI's
    // root table); the slot is written at once, then the barrier.
    unsafe {
        match crate::table::set_slot(g, t, cd) {
            Ok(slot) => *slot = f,
            Err(_) => unreachable!("a cdata is a valid key"),
        }
        crate::gc::barrier_table(g, t);
    }
}

/// Atomic phase: move every unreachable (with `all`: every) cdata that has
/// a finalizer to the pending list and mark it and its finalizer. Returns
/// whether anything was moved (the caller propagates marks).
pub fn separate(g: &mut GlobalState, all: bool) -> bool {
    let Some(st) = ffi_state_ptr(g) else {
        return false;
    };
    let st = st.as_ptr();
    // SAFETY: a field of the live FFI state, read by value.
    let t = unsafe { (*st).finalizers };
    if t.is_null() {
        return false;
    }
    let due = |k: TValue, v: TValue| {
        !v.is_nil()
            && k.is(TID_CDATA)
            // SAFETY: k is a key of the live finalizer table, not freed yet.
            && (all || unsafe { is_white(k.gc_ptr()) })
    };
    // The traversals below walk the live finalizer table t (referenced from
    // the FFI's root table).
    let next = |g: &GlobalState, key| {
        // SAFETY: t is live (see above).
        unsafe { crate::table::next(g, t, key) }
    };
    // Count first and make room in the pending list before moving
    // anything: the collector's atomic phase must not fail. Without the
    // memory, the cdata stay (alive, with their finalizers) in the table
    // until a later cycle finds room.
    let mut n = 0;
    let mut key = TValue::NIL;
    while let Ok(Some((k, v))) = next(g, key) {
        key = k;
        if due(k, v) {
            n += 1;
        }
    }
    if n == 0 {
        return false;
    }
    // SAFETY: the pending list of the live FFI state, borrowed for this
    // call only (the collector runs no Lua code).
    if unsafe { (*st).pending.try_reserve(n) }.is_err() {
        let mut key = TValue::NIL;
        while let Ok(Some((k, v))) = next(g, key) {
            key = k;
            if due(k, v) {
                mark_value(g, k);
                mark_value(g, v);
            }
        }
        return true;
    }
    let mut key = TValue::NIL;
    while let Ok(Some((k, f))) = next(g, key) {
        key = k;
        if !due(k, f) {
            continue;
        }
        // k is a cdata that is not freed yet (sweeping comes later).
        cdata::of(k).set_finalizer_flag(false);
        // SAFETY: t is live (see above); slot is null or an existing slot
        // of it (clearing a value while traversing is allowed).
        unsafe {
            let slot = crate::table::get_slot(t, k);
            if !slot.is_null() {
                *slot = TValue::NIL;
            }
        }
        // SAFETY: the pending list, borrowed for this push only; room was
        // reserved above, so it does not allocate.
        unsafe { (*st).pending.push((k, f)) };
    }
    mark_pending(g);
    true
}

/// Mark the cdata waiting for their finalizers (a GC root).
pub fn mark_pending(g: &mut GlobalState) {
    let Some(st) = ffi_state_ptr(g) else {
        return;
    };
    let st = st.as_ptr();
    // SAFETY: the pending list of the live FFI state; marking does not
    // touch it, so its length and entries are read by value between
    // marks.
    let n = unsafe { (*st).pending.len() };
    for i in 0..n {
        // SAFETY: as above; i < n.
        let (k, f) = unsafe { (&(*st).pending)[i] };
        mark_value(g, k);
        mark_value(g, f);
    }
}

/// Whether a finalizer is waiting to run.
pub fn has_pending(g: &GlobalState) -> bool {
    // SAFETY: the pending list of the live FFI state, borrowed to read its
    // length.
    ffi_state_ptr(g).is_some_and(|st| unsafe { !(*st.as_ptr()).pending.is_empty() })
}

/// Run the oldest pending finalizer (errors propagate, as for userdata).
pub fn run_one(l: State, rethrow: bool) {
    // SAFETY: a field of the live global state, read by value.
    let Some(st) = NonNull::new(unsafe { (*l.global_ptr()).ffi }) else {
        return;
    };
    // SAFETY: the pending list of the live FFI state, borrowed for the
    // removal only (the finalizer runs after it).
    let first = unsafe {
        let pending = &mut (*st.as_ptr()).pending;
        if pending.is_empty() {
            return;
        }
        pending.remove(0)
    };
    let (cd, f) = first;
    crate::gc::run_finalizer_call(l, f, cd, rethrow);
}
