//! Finalizers of cdata (`ffi.gc` and metatype `__gc`).
//!
//! A cdata with a finalizer is a key of a weak-keyed table (the value is
//! the finalizer). When the collector finds such a cdata unreachable, the
//! atomic phase moves the pair to a pending list and keeps both alive for
//! one more cycle; the finalize phase calls the finalizer, after which the
//! cdata is an ordinary dead object.

use crate::gc::{is_white, mark_value};
use crate::state::State;
use crate::state::{g_of, GlobalState};
use crate::table::GcTab;
use crate::value::*;

use super::cdata::{self, CDF_FIN};

/// The weak-keyed table of finalizers, created on first use.
fn table(g: &mut GlobalState) -> *mut GcTab {
    let st = super::state(g);
    if !st.finalizers.is_null() {
        return st.finalizers;
    }
    let roots = st.cts.roots;
    let t = crate::table::new(g, 0, 0);
    let mt = crate::table::new(g, 0, 1);
    let mode = crate::string::new_str_value(g, b"__mode");
    let k = crate::string::new_str_value(g, b"k");
    // SAFETY: fresh tables; the slots are written before any collection.
    unsafe {
        *crate::table::set_slot(g, mt, mode).unwrap_or_else(|_| unreachable!()) = k;
        (*t).metatable = mt;
        *crate::table::set_int_slot(g, roots, 1) = TValue::gcobj(TID_TAB, t as *const _);
    }
    crate::gc::barrier_table(g, roots);
    super::state(g).finalizers = t;
    t
}

/// Set (or with nil, remove) the finalizer of a cdata.
pub fn set(l: State, cd: TValue, f: TValue) {
    let g = g_of(l);
    let t = table(g);
    let c = cdata::of(cd);
    // SAFETY: c is a live cdata.
    unsafe {
        if f.is_nil() {
            (*c).flags &= !CDF_FIN;
        } else {
            (*c).flags |= CDF_FIN;
        }
        match crate::table::set_slot(g, t, cd) {
            Ok(slot) => *slot = f,
            Err(_) => unreachable!("a cdata is a valid key"),
        }
    }
    crate::gc::barrier_table(g, t);
}

/// Atomic phase: move every unreachable (with `all`: every) cdata that has
/// a finalizer to the pending list and mark it and its finalizer. Returns
/// whether anything was moved (the caller propagates marks).
pub fn separate(g: &mut GlobalState, all: bool) -> bool {
    let st: *mut super::FfiState = match super::state_if_any(g) {
        Some(s) => s,
        None => return false,
    };
    // SAFETY: the FFI state lives while g does; it is not moved by marking.
    let st = unsafe { &mut *st };
    let t = st.finalizers;
    if t.is_null() {
        return false;
    }
    let due =
        |k: TValue, v: TValue| !v.is_nil() && k.is(TID_CDATA) && (all || is_white(k.gc_ptr()));
    // Count first and make room in the pending list before moving
    // anything: the collector's atomic phase must not fail. Without the
    // memory, the cdata stay (alive, with their finalizers) in the table
    // until a later cycle finds room.
    let mut n = 0;
    let mut key = TValue::NIL;
    while let Ok(Some((k, v))) = crate::table::next(g, t, key) {
        key = k;
        if due(k, v) {
            n += 1;
        }
    }
    if n == 0 {
        return false;
    }
    if st.pending.try_reserve(n).is_err() {
        let mut key = TValue::NIL;
        while let Ok(Some((k, v))) = crate::table::next(g, t, key) {
            key = k;
            if due(k, v) {
                mark_value(g, k);
                mark_value(g, v);
            }
        }
        return true;
    }
    let mut key = TValue::NIL;
    while let Ok(Some((k, f))) = crate::table::next(g, t, key) {
        key = k;
        if !due(k, f) {
            continue;
        }
        // SAFETY: k is a cdata that is not freed yet.
        unsafe { (*cdata::of(k)).flags &= !CDF_FIN };
        let slot = crate::table::get_slot(t, k);
        if !slot.is_null() {
            // SAFETY: an existing slot of the table (clearing a value
            // while traversing is allowed).
            unsafe { *slot = TValue::NIL };
        }
        // Room was reserved above.
        st.pending.push((k, f));
    }
    mark_pending(g);
    true
}

/// Mark the cdata waiting for their finalizers (a GC root).
pub fn mark_pending(g: &mut GlobalState) {
    if g.ffi.is_null() {
        return;
    }
    // SAFETY: the FFI state lives while g does.
    let n = unsafe { (*g.ffi).pending.len() };
    for i in 0..n {
        // SAFETY: as above; marking does not touch the pending list.
        let (k, f) = unsafe { (&(*g.ffi).pending)[i] };
        mark_value(g, k);
        mark_value(g, f);
    }
}

/// Whether a finalizer is waiting to run.
pub fn has_pending(g: &GlobalState) -> bool {
    super::state_if_any(g).is_some_and(|s| !s.pending.is_empty())
}

/// Run the oldest pending finalizer (errors propagate, as for userdata).
pub fn run_one(l: State, rethrow: bool) {
    let st = super::state(g_of(l));
    if st.pending.is_empty() {
        return;
    }
    let (cd, f) = st.pending.remove(0);
    crate::gc::run_finalizer_call(l, f, cd, rethrow);
}
