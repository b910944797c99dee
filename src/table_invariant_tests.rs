//! Unit tests of tables' structural invariants (`structure_violation`,
//! the check debug builds run after resizes), of `#` against LuaJIT's
//! borders, and of traversal while existing keys are assigned. Its helpers
//! (a state to work in, the unsafe table API wrapped for the tests' own
//! tables) serve `table.rs`'s tests too.

use super::*;
use crate::capi::aux::luaL_newstate;
use crate::capi::core::lua_close;
use crate::state::State;

/// Runs `f` with the global state of a fresh Lua state. No collection
/// runs meanwhile (only the interpreter and the API step the collector),
/// so unanchored tables and strings stay alive.
pub(super) fn with_state(f: impl FnOnce(&mut GlobalState)) {
    // SAFETY: luaL_newstate returns a fresh state (not null: the machine
    // has memory), closed once `f` is done with it.
    let l = unsafe { State::from_raw(luaL_newstate()) };
    // SAFETY: `f` only calls leaf functions of the core (tables, strings)
    // with the reference, which is dropped before lua_close.
    f(unsafe { l.global_mut() });
    lua_close(l);
}

// The tables of these tests are made by the test and stay allocated until
// `with_state` closes the state (no collection step runs in between). The
// wrappers below, shadowing the functions under test, rely on that; so do
// the unsafe blocks that damage a table on purpose.

pub(super) fn get(t: *mut GcTab, k: TValue) -> TValue {
    // SAFETY: t is a table of the test.
    unsafe { super::get(t, k) }
}

pub(super) fn len(t: *mut GcTab) -> u64 {
    // SAFETY: t is a table of the test.
    unsafe { super::len(t) }
}

pub(super) fn entry_from(t: *mut GcTab, idx: u32) -> Option<(u32, TValue, TValue)> {
    // SAFETY: t is a table of the test.
    unsafe { super::entry_from(t, idx) }
}

pub(super) fn next(
    g: &GlobalState,
    t: *mut GcTab,
    k: TValue,
) -> Result<Option<(TValue, TValue)>, ()> {
    // SAFETY: t is a table of the test.
    unsafe { super::next(g, t, k) }
}

fn clear(g: &GlobalState, t: *mut GcTab) {
    // SAFETY: t is a table of the test.
    unsafe { super::clear(g, t) }
}

fn grow_array(g: &mut GlobalState, t: *mut GcTab, n: u32) {
    // SAFETY: t is a table of the test.
    unsafe { super::grow_array(g, t, n) }
}

fn dup(g: &mut GlobalState, t: *mut GcTab) -> *mut GcTab {
    // SAFETY: t is a table of the test.
    unsafe { super::dup(g, t) }
}

fn structure_violation(g: &GlobalState, t: *mut GcTab) -> Option<String> {
    // SAFETY: t is a table of the test (maybe damaged on purpose: the
    // check only reads it, and bounds every walk).
    unsafe { super::structure_violation(g, t) }
}

/// (asize, hmask) of a table of the test.
pub(super) fn sizes(t: *mut GcTab) -> (u32, u32) {
    // SAFETY: t is a table of the test.
    unsafe { ((*t).asize, (*t).hmask) }
}

/// The node of a key in a table of the test (null if none).
fn node_of(t: *mut GcTab, k: TValue) -> *mut Node {
    // SAFETY: t is a table of the test.
    find_node(unsafe { &*t }, k)
}

/// A deterministic generator: `rnd(n)` is in 0..n.
pub(super) fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}

pub(super) fn num(n: f64) -> TValue {
    TValue::num(n)
}

pub(super) fn set(g: &mut GlobalState, t: *mut GcTab, k: TValue, v: TValue) {
    // SAFETY: t is a table of the test; p is its slot for k.
    unsafe { *set_slot(g, t, k).ok().unwrap() = v };
}

fn assert_sound(g: &GlobalState, t: *mut GcTab, what: &str) {
    if let Some(problem) = structure_violation(g, t) {
        panic!("{}: {}", what, problem);
    }
}

/// Every entry in traversal order.
fn entries(t: *mut GcTab) -> Vec<(TValue, TValue)> {
    let mut out = vec![];
    let mut idx = 0;
    while let Some((next, k, v)) = entry_from(t, idx) {
        out.push((k, v));
        idx = next;
    }
    out
}

/// Random stores, deletes, array growth, copies and clears of every kind
/// of key keep the structure sound after each step (checked explicitly,
/// so release builds check it too), and every key keeps its value.
#[test]
fn structure_stays_sound_through_random_operations() {
    with_state(|g| {
        let mut rnd = xorshift(0x0123_4567_89ab_cdefu64);
        let objects: Vec<TValue> = (0..8)
            .map(|_| TValue::gcobj(TID_TAB, new(g, 0, 0) as *const GcHeader))
            .collect();
        for round in 0..30 {
            let mut t = new(g, rnd(20) as u32, rnd(4) as u32);
            assert_sound(g, t, "new");
            let mut model: Vec<(TValue, TValue)> = vec![];
            for step in 0..400 {
                let k = match rnd(6) {
                    0 | 1 => num(rnd(80) as f64),
                    2 => num(rnd(64) as f64 / 4.0 - 4.0),
                    3 => TValue::bool(rnd(2) == 0),
                    4 => crate::string::new_str_value(g, format!("k{}", rnd(50)).as_bytes()),
                    _ => objects[rnd(objects.len() as u64) as usize],
                };
                let v = if rnd(4) == 0 {
                    TValue::NIL
                } else {
                    num(step as f64)
                };
                match rnd(100) {
                    0 => {
                        grow_array(g, t, rnd(100) as u32);
                        assert_sound(g, t, "grow_array");
                    }
                    1 => {
                        let copy = dup(g, t);
                        assert_sound(g, copy, "dup");
                        let (a, b) = (entries(t), entries(copy));
                        assert!(a
                            .iter()
                            .map(|e| (e.0 .0, e.1 .0))
                            .eq(b.iter().map(|e| (e.0 .0, e.1 .0))));
                        t = copy;
                    }
                    2 => {
                        clear(g, t);
                        assert_sound(g, t, "clear");
                        model.clear();
                    }
                    _ => {}
                }
                set(g, t, k, v);
                if let Some(problem) = structure_violation(g, t) {
                    panic!("round {} step {}: {}", round, step, problem);
                }
                let k = if k.is_num() && k.as_num() == 0.0 {
                    num(0.0)
                } else {
                    k
                };
                match model.iter_mut().find(|e| e.0 .0 == k.0) {
                    Some(e) => e.1 = v,
                    None => model.push((k, v)),
                }
            }
            for (k, v) in &model {
                assert_eq!(get(t, *k).0, v.0);
            }
            let live = model.iter().filter(|e| !e.1.is_nil()).count();
            assert_eq!(entries(t).len(), live);
        }
    });
}

/// A table whose hash part has collision chains: 24 fractional keys in 32
/// nodes.
fn chained_table(g: &mut GlobalState) -> *mut GcTab {
    let t = new(g, 0, 0);
    for i in 0..24 {
        set(g, t, num(i as f64 + 0.5), num(i as f64));
    }
    assert_eq!(sizes(t).1, 31);
    assert_sound(g, t, "chained table");
    t
}

/// A node of `t` with a successor, and that successor.
fn linked_pair(t: *mut GcTab) -> (*mut Node, *mut Node) {
    // SAFETY: t is a table of the test.
    let tr = unsafe { &*t };
    (0..=tr.hmask as usize)
        // SAFETY: i <= hmask.
        .map(|i| unsafe { tr.node.add(i) })
        // SAFETY: n is a node of t.
        .find(|&n| !unsafe { (*n).next }.is_null())
        // SAFETY: n is a node of t.
        .map(|n| (n, unsafe { (*n).next }))
        .expect("a chain")
}

/// The check reports each kind of damage (the negative controls of the
/// check debug builds run), and nothing once the damage is undone.
#[test]
fn structure_check_reports_broken_tables() {
    with_state(|g| {
        let t = chained_table(g);
        let (a, b) = linked_pair(t);
        let expect = move |g: &GlobalState, what: &str| {
            let problem =
                structure_violation(g, t).unwrap_or_else(|| panic!("{} unreported", what));
            assert!(problem.contains(what), "{}: {}", what, problem);
        };
        // SAFETY: a and b are nodes of t; every change is undone before
        // the table is used again.
        unsafe {
            // A link out of the node array.
            (*a).next = b.add(1000);
            expect(g, "outside the node array");
            (*a).next = b;
            // A cycle (b's successor leads back to b through a).
            let b_next = (*b).next;
            (*b).next = a;
            let problem = structure_violation(g, t).expect("cycle unreported");
            assert!(
                problem.contains("cycle") || problem.contains("two predecessors"),
                "{}",
                problem
            );
            (*b).next = b_next;
            // A chain cut short: b's key is no longer found.
            (*a).next = ptr::null_mut();
            expect(g, "not found from its main position");
            (*a).next = b;
            assert_sound(g, t, "restored links");
            // An integral key stored as -0.
            let zero = num(0.0);
            set(g, t, zero, TValue::TRUE);
            let z = node_of(t, zero);
            (*z).key = num(-0.0);
            expect(g, "not normalized");
            (*z).key = zero;
            assert_sound(g, t, "restored key");
        }
        // An integer key of the array part left in the hash part.
        grow_array(g, t, 4);
        assert_sound(g, t, "grown array");
        let z = node_of(t, num(0.0));
        assert!(z.is_null(), "0 moved to the array part");
        let n = node_of(t, num(0.5));
        // SAFETY: n is a live node of t; its key is restored below.
        unsafe {
            (*n).key = num(1.0);
            expect(g, "array part in the hash part");
            (*n).key = num(0.5);
        }
        assert_sound(g, t, "restored key");
        // SAFETY: t and c are tables of the test; their fields are
        // written by value, every change undone before the table is used
        // again; the node pointers past the array are compared only.
        unsafe {
            // A free node above the free cursor, and a cursor out of range.
            let (top, node, hmask) = ((*t).freetop, (*t).node, (*t).hmask);
            let end = node.add(hmask as usize + 1);
            (*t).freetop = node;
            let free_node = (0..=hmask as usize).any(|i| (*node.add(i)).key.is_nil());
            assert!(free_node, "24 keys in 32 nodes");
            expect(g, "free cursor");
            (*t).freetop = end.add(1);
            expect(g, "free cursor outside");
            (*t).freetop = top;
            // The array part's size against its allocation.
            let asize = (*t).asize;
            (*t).asize = 0;
            expect(g, "separate array");
            (*t).asize = MAX_ASIZE + 1;
            expect(g, "MAX_ASIZE");
            (*t).asize = asize;
            (*t).hmask = 5;
            expect(g, "power of two");
            (*t).hmask = hmask;
            assert_sound(g, t, "restored sizes");
            // A colocated array part whose size disagrees.
            let c = new(g, 3, 0);
            assert_eq!((*c).colo, 3);
            (*c).asize = 2;
            let problem = structure_violation(g, c).expect("colocated size unreported");
            assert!(problem.contains("colocated"), "{}", problem);
            (*c).asize = 3;
            assert_sound(g, c, "restored colocated size");
        }
    });
}

/// `#t` finds the border LuaJIT finds (values printed by `luajit -joff`
/// for the same stores; several differ from PUC Lua 5.1's, e.g. `t[2] = 1`
/// alone gives 2 where Lua 5.1 gives 0).
#[test]
fn border_of_len_as_luajit() {
    with_state(|g| {
        // (stores in order; a key with 0 deletes it), LuaJIT's #t
        let cases: [(&[i64], u64); 13] = [
            (&[1, 2, 4], 4),
            (&[2], 2),
            (&[1, 3], 1),
            (&[1, 2, 3, 4, 6], 6),
            (&[1, 2, 3, -3], 2),
            (&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -5], 10),
            (&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -10, -9], 8),
            (
                &[
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, -17,
                ],
                16,
            ),
            (
                &[
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 17, 18,
                ],
                20,
            ),
            (&[1, 2, 3, -2], 1),
            (&[0], 0),
            (&[], 0),
            (&[7, 1, 3, 2], 3),
        ];
        for (stores, want) in cases {
            let t = new(g, 0, 0);
            for &k in stores {
                let v = if k < 0 { TValue::NIL } else { TValue::TRUE };
                set(g, t, num(k.unsigned_abs() as f64), v);
            }
            assert_eq!(len(t), want, "stores {:?}", stores);
            assert_sound(g, t, "after the stores");
        }
        // A fractional key first, then 1 (from the hash part).
        let t = new(g, 0, 0);
        set(g, t, num(1.5), TValue::TRUE);
        set(g, t, num(1.0), TValue::TRUE);
        assert_eq!(len(t), 1);
        // table.new(narr, nrec) sizes (lua_createtable's), then stores.
        let with_sizes: [(i32, i32, &[i64], u64); 5] = [
            (8, 0, &[1, 2, 3, 7], 3),
            (8, 0, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12], 12),
            (4, 4, &[1, 2, 3, 4, 5, 6], 6),
            (0, 4, &[1, 2, 3], 3),
            (3, 0, &[1, 2, 3, 4, 5], 5),
        ];
        for (narr, nrec, stores, want) in with_sizes {
            let t = new_ah(g, narr, nrec);
            for &k in stores {
                set(g, t, num(k as f64), TValue::TRUE);
            }
            assert_eq!(
                len(t),
                want,
                "table.new({}, {}), stores {:?}",
                narr,
                nrec,
                stores
            );
        }
    });
}

/// Assigning new values to existing keys during a traversal (`next` by
/// key, and by index as ITERN does) changes nothing about the traversal:
/// every key is visited once, in the order of an undisturbed traversal,
/// with the new values visible to the rest of it.
#[test]
fn next_while_assigning_existing_keys() {
    with_state(|g| {
        let t = new(g, 0, 0);
        let mut keys = vec![];
        for i in 1..=12 {
            keys.push(num(i as f64));
        }
        for i in 0..10 {
            keys.push(num(i as f64 + 0.25));
            keys.push(crate::string::new_str_value(
                g,
                format!("s{}", i).as_bytes(),
            ));
        }
        keys.push(TValue::TRUE);
        keys.push(TValue::FALSE);
        keys.push(num(-7.0));
        for (i, &k) in keys.iter().enumerate() {
            set(g, t, k, num(i as f64));
        }
        let order: Vec<u64> = entries(t).iter().map(|e| e.0 .0).collect();
        assert_eq!(order.len(), keys.len());
        // By key: every visited entry gets a new value, and so does the
        // entry after it in the undisturbed order (visited later).
        let mut seen = vec![];
        let mut k = TValue::NIL;
        while let Some((nk, v)) = next(g, t, k).unwrap() {
            let pos = seen.len();
            if pos > 0 {
                assert_eq!(v.0, num(-(pos as f64)).0, "a new value is seen");
            }
            seen.push(nk.0);
            set(g, t, nk, num(1000.0));
            if let Some(&later) = order.get(pos + 1) {
                set(g, t, TValue(later), num(-(pos as f64 + 1.0)));
            }
            k = nk;
        }
        assert_eq!(seen, order);
        assert!(entries(t).iter().all(|e| e.1 .0 == num(1000.0).0));
        // By index: all values replaced at each step.
        let mut seen = vec![];
        let mut idx = 0;
        while let Some((next, k, _)) = entry_from(t, idx) {
            seen.push(k.0);
            for &key in &keys {
                set(g, t, key, num(seen.len() as f64));
            }
            idx = next;
        }
        assert_eq!(seen, order);
        assert_sound(g, t, "after the traversals");
    });
}
