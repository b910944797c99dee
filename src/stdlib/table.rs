//! The `table` library: Lua 5.1's functions with LuaJIT 2.1's behaviour
//! (`table.move`, raw accesses in `remove`/`move`, LuaJIT's integer
//! conversions and error messages), plus the functions loaded on demand
//! with `require`: LuaJIT's `table.new` and `table.clear`, and OpenResty's
//! `table.isempty`, `table.isarray`, `table.nkeys` and `table.clone`.

use super::*;
use crate::gc::{self, GcHeader};
use crate::meta;
use crate::state::State;
use crate::table::{self, GcTab};
use std::os::raw::c_int;

// ---- Argument conversion as LuaJIT's library functions do it.

/// The table argument `n`, or a "table expected" argument error.
fn check_tab(l: State, n: c_int) -> *mut GcTab {
    let v = value_at(l, n);
    if !v.is_tab() {
        type_error(l, n, "table");
    }
    v.as_ptr()
}

/// A number argument: numbers, and strings that convert to one (LuaJIT's
/// library argument checks coerce strings in place).
fn check_number(l: State, n: c_int) -> f64 {
    if lua_type(l, n) == LUA_TNONE {
        type_error(l, n, "number");
    }
    match meta::to_number(value_at(l, n)) {
        Some(x) => x,
        None => type_error(l, n, "number"),
    }
}

/// A double truncated to a 32-bit integer the way the x86-64 conversion
/// instruction does it: out-of-range values and NaN become i32::MIN.
fn trunc_i32(x: f64) -> i32 {
    // `as` truncates toward zero; NaN fails both comparisons. (No
    // `f64::trunc`: without SSE4.1 it is a library call.)
    if x > -2147483649.0 && x < 2147483648.0 {
        x as i32
    } else {
        i32::MIN
    }
}

/// An integer argument as LuaJIT's library sees it (a 32-bit truncation).
fn check_i32(l: State, n: c_int) -> i32 {
    trunc_i32(check_number(l, n))
}

/// Optional integer argument: absent or nil gives `def`.
fn opt_i32(l: State, n: c_int, def: i32) -> i32 {
    if value_at(l, n).is_nil() {
        def
    } else {
        check_i32(l, n)
    }
}

fn check_func(l: State, n: c_int) {
    if !value_at(l, n).is_func() {
        type_error(l, n, "function");
    }
}

/// LuaJIT implements some table functions in Lua: missing arguments are
/// nil there, never "no value", in argument errors.
fn lua_params(l: State, nparams: c_int) {
    if lua_gettop(l) < nparams {
        lua_settop(l, nparams);
    }
}

// ---- Raw element access.
//
// The tables these helpers get are arguments of the library functions,
// checked on the stack (`check_tab`), so they are live.

fn raw_len(t: *mut GcTab) -> i32 {
    // SAFETY: t is an argument table on the stack (see above).
    unsafe { table::len(t) as i32 }
}

fn raw_geti(t: *mut GcTab, i: i32) -> TValue {
    // SAFETY: t is an argument table on the stack (see above).
    unsafe { table::get_int(t, i as i64) }
}

/// Raw `t[i] = v`. Storing nil into an absent key is skipped: it would only
/// create a dead key.
fn raw_seti(l: State, t: *mut GcTab, i: i32, v: TValue) {
    // SAFETY: t is an argument table on the stack (see above); the slot
    // found or made for i is written at once, then the barrier.
    unsafe {
        if v.is_nil() && table::get_slot(t, TValue::num(i as f64)).is_null() {
            return;
        }
        *leaf::set_int_slot(l, t, i as i64) = v;
        l.barrier_table(t);
    }
}

/// The array part of the table argument 1: its slots and its size.
fn array_part(l: State) -> (*mut TValue, u32) {
    let t = check_tab(l, 1);
    // SAFETY: argument 1, a table (checked), live in its slot; fields read
    // by value.
    unsafe { ((*t).array, (*t).asize) }
}

fn tab_value(t: *mut GcTab) -> TValue {
    TValue::gcobj(TID_TAB, t as *const GcHeader)
}

/// Keep `v` alive in stack slot `slot` (a slot reserved by the caller), so
/// that a Lua call made meanwhile cannot let the collector free it.
fn anchor(l: State, slot: c_int, v: TValue) -> TValue {
    set_stack_value(l, slot, v);
    v
}

/// Call the function in stack slot `fslot` with two arguments; return its
/// first result.
fn call2(l: State, fslot: c_int, a: TValue, b: TValue) -> TValue {
    lua_pushvalue(l, fslot);
    push_value(l, a);
    push_value(l, b);
    lua_call(l, 2, 1);
    let r = value_at(l, -1);
    lua_settop(l, -2);
    r
}

// ---- Lua 5.1 functions.

extern "C-unwind" fn tab_insert(l: State) -> c_int {
    let t = check_tab(l, 1);
    let nargs = arg_count(l);
    let mut pos = raw_len(t).wrapping_add(1);
    if nargs != 2 {
        if nargs != 3 {
            error_str(l, "wrong number of arguments to 'insert'");
        }
        // Shift up t[n..len] by one (no bounds check in LuaJIT 2.1).
        let n = check_i32(l, 2);
        // Inside the array part the shift is one move.
        let (a, asize) = array_part(l);
        if n >= 0 && n < pos && (pos as u64) < asize as u64 {
            // SAFETY: 0 <= n < pos < asize, so slots n..=pos are in t's
            // array part (t is argument 1, live).
            unsafe {
                std::ptr::copy(a.add(n as usize), a.add(n as usize + 1), (pos - n) as usize);
                l.barrier_table(t);
            }
            pos = n;
        }
        while pos > n {
            let v = raw_geti(t, pos - 1);
            raw_seti(l, t, pos, v);
            pos -= 1;
        }
        pos = n;
    }
    raw_seti(l, t, pos, value_at(l, -1));
    0
}

/// LuaJIT 2.1 implements `remove` with raw accesses; positions outside
/// 1..#t (and NaN) return nothing. Array indices are truncated to
/// integers at each access, as its raw-index instructions do.
extern "C-unwind" fn tab_remove(l: State) -> c_int {
    lua_params(l, 2);
    let t = check_tab(l, 1);
    let len = raw_len(t);
    if value_at(l, 2).is_nil() {
        if len == 0 {
            return 0;
        }
        let old = raw_geti(t, len);
        push_value(l, old);
        raw_seti(l, t, len, TValue::NIL);
        return 1;
    }
    let pos = check_number(l, 2);
    if !(pos >= 1.0 && pos <= len as f64) {
        return 0;
    }
    let old = raw_geti(t, trunc_i32(pos));
    push_value(l, old);
    // Inside the array part the shift is one move.
    let p = pos as i32;
    let (a, asize) = array_part(l);
    if p as f64 == pos && (len as u64) < asize as u64 {
        // SAFETY: 1 <= p <= len < asize: slots p..=len are in t's array
        // part (t is argument 1, live).
        unsafe {
            std::ptr::copy(a.add(p as usize + 1), a.add(p as usize), (len - p) as usize);
            *a.add(len as usize) = TValue::NIL;
            l.barrier_table(t);
        }
        return 1;
    }
    let mut i = pos + 1.0;
    while i <= len as f64 {
        let v = raw_geti(t, trunc_i32(i));
        raw_seti(l, t, trunc_i32(i - 1.0), v);
        i += 1.0;
    }
    raw_seti(l, t, len, TValue::NIL);
    1
}

extern "C-unwind" fn tab_concat(l: State) -> c_int {
    let t = check_tab(l, 1);
    // The separator stays on the stack (argument 2) while it is used.
    let sep_arg = opt_str(l, 2);
    let sep = sep_arg.as_deref().unwrap_or(b"");
    let first = opt_i32(l, 3, 1);
    let last = if value_at(l, 4).is_nil() {
        raw_len(t)
    } else {
        check_i32(l, 4)
    };
    let mut out = crate::mem::ShortBuf::of(l);
    let mut i = first as i64;
    while i <= last as i64 {
        // SAFETY: t is argument 1, a table on the stack.
        let v = unsafe { table::get_int(t, i) };
        if v.is_str() {
            // SAFETY: a string value of t (argument 1), live while copied
            // (nothing here runs Lua code or steps the collector).
            out.extend_from_slice(unsafe { crate::string::str_bytes(v.as_ptr()) });
        } else if v.is_num() {
            crate::numfmt::fmt_number(v.as_num(), &mut out);
        } else {
            let msg = format!(
                "invalid value ({}) at index {} in table for 'concat'",
                type_name(v),
                i
            );
            error_str(l, &msg);
        }
        if i < last as i64 {
            out.extend_from_slice(sep);
        }
        i += 1;
    }
    push_str(l, &out);
    1
}

extern "C-unwind" fn tab_maxn(l: State) -> c_int {
    let t = check_tab(l, 1);
    let mut max = 0.0f64;
    let mut key = TValue::NIL;
    // SAFETY: t is argument 1, a table on the stack.
    while let Ok(Some((k, _))) = unsafe { leaf::table_next(l, t, key) } {
        if k.is_num() && k.as_num() > max {
            max = k.as_num();
        }
        key = k;
    }
    push_num(l, max);
    1
}

extern "C-unwind" fn tab_getn(l: State) -> c_int {
    lua_params(l, 1);
    let t = check_tab(l, 1);
    // SAFETY: t is argument 1, a table on the stack.
    push_num(l, unsafe { table::len(t) } as f64);
    1
}

extern "C-unwind" fn tab_foreachi(l: State) -> c_int {
    lua_params(l, 2);
    let t = check_tab(l, 1);
    check_func(l, 2);
    // SAFETY: t is argument 1, a table on the stack (the calls leave the
    // arguments in place).
    let len = unsafe { table::len(t) };
    for i in 1..=len {
        // SAFETY: as above.
        let v = unsafe { table::get_int(t, i as i64) };
        let r = call2(l, 2, TValue::num(i as f64), v);
        if !r.is_nil() {
            push_value(l, r);
            return 1;
        }
    }
    0
}

extern "C-unwind" fn tab_foreach(l: State) -> c_int {
    lua_params(l, 2);
    let t = check_tab(l, 1);
    check_func(l, 2);
    lua_settop(l, 2);
    push_nil(l);
    let mut key = TValue::NIL;
    loop {
        // SAFETY: t is argument 1, a table on the stack (the calls leave
        // the arguments in place).
        let (k, v) = match unsafe { leaf::table_next(l, t, key) } {
            Ok(Some(kv)) => kv,
            Ok(None) => return 0,
            Err(()) => error_str(l, "invalid key to 'next'"),
        };
        key = anchor(l, 3, k);
        let r = call2(l, 2, k, v);
        if !r.is_nil() {
            push_value(l, r);
            return 1;
        }
    }
}

/// `table.move(a1, f, e, t [,a2])`: raw copies of a1[f..e] to a2[t..],
/// in the direction that is safe for overlapping ranges of one table.
extern "C-unwind" fn tab_move(l: State) -> c_int {
    lua_params(l, 5);
    let src = check_tab(l, 1);
    let f = check_number(l, 2);
    let e = check_number(l, 3);
    let t = check_number(l, 4);
    let dst = if value_at(l, 5).is_nil() {
        src
    } else {
        check_tab(l, 5)
    };
    if !(f > e) {
        let d = t - f;
        let forward = e < t || t <= f || dst != src;
        let copy = |i: f64| {
            let v = raw_geti(src, trunc_i32(i));
            raw_seti(l, dst, trunc_i32(i + d), v);
        };
        if forward {
            let mut i = f;
            while i <= e {
                copy(i);
                i += 1.0;
            }
        } else {
            let mut i = e;
            while i >= f {
                copy(i);
                i -= 1.0;
            }
        }
    }
    push_value(l, tab_value(dst));
    1
}

// ---- table.sort: quicksort with median-of-three pivots, the algorithm
// family of Lua 5.1 and LuaJIT, so that inconsistent comparators see the
// same calls and fail at the same points ("invalid order function").

/// Stack slots used by the sort: the table, the comparator, then anchors
/// for the values held while the comparator runs.
const SLOT_CMP: c_int = 2;
const SLOT_A: c_int = 3;
const SLOT_B: c_int = 4;
const SLOT_PIVOT: c_int = 5;

struct Sorter {
    l: State,
    t: *mut GcTab,
    has_cmp: bool,
}

impl Sorter {
    /// Read t[i] and keep it anchored in `slot`.
    fn load(&self, slot: c_int, i: i32) -> TValue {
        anchor(self.l, slot, raw_geti(self.t, i))
    }

    fn store(&self, i: i32, v: TValue) {
        raw_seti(self.l, self.t, i, v);
    }

    fn less(&self, a: TValue, b: TValue) -> bool {
        if self.has_cmp {
            call2(self.l, SLOT_CMP, a, b).is_truthy()
        } else {
            meta::compare(self.l, a, b, false)
        }
    }

    fn bad_order(&self) -> ! {
        error_str(self.l, "invalid order function for sorting")
    }

    fn sort(&self, mut lo: i32, mut hi: i32) {
        while lo < hi {
            // Order the ends.
            let x = self.load(SLOT_A, lo);
            let y = self.load(SLOT_B, hi);
            if self.less(y, x) {
                self.store(lo, y);
                self.store(hi, x);
            }
            if hi - lo == 1 {
                return;
            }
            // Bring the median of lo, mid, hi to mid.
            let mid = ((lo as i64 + hi as i64) / 2) as i32;
            let m = self.load(SLOT_A, mid);
            let x = self.load(SLOT_B, lo);
            if self.less(m, x) {
                self.store(mid, x);
                self.store(lo, m);
            } else {
                let y = self.load(SLOT_B, hi);
                if self.less(y, m) {
                    self.store(mid, y);
                    self.store(hi, m);
                }
            }
            if hi - lo == 2 {
                return;
            }
            // Park the pivot at hi-1; partition lo+1..hi-2 around it.
            let pivot = self.load(SLOT_PIVOT, mid);
            let y = self.load(SLOT_B, hi - 1);
            self.store(mid, y);
            self.store(hi - 1, pivot);
            let mut i = lo;
            let mut j = hi - 1;
            loop {
                let mut ai;
                loop {
                    i += 1;
                    ai = self.load(SLOT_A, i);
                    if !self.less(ai, pivot) {
                        break;
                    }
                    if i >= hi {
                        self.bad_order();
                    }
                }
                let mut aj;
                loop {
                    j -= 1;
                    aj = self.load(SLOT_B, j);
                    if !self.less(pivot, aj) {
                        break;
                    }
                    if j <= lo {
                        self.bad_order();
                    }
                }
                if j < i {
                    break;
                }
                self.store(i, aj);
                self.store(j, ai);
            }
            // Put the pivot in its final place i.
            let p = self.load(SLOT_A, hi - 1);
            let ai = self.load(SLOT_B, i);
            self.store(hi - 1, ai);
            self.store(i, p);
            // Recurse into the smaller part, loop on the larger one.
            if i - lo < hi - i {
                self.sort(lo, i - 1);
                lo = i + 1;
            } else {
                self.sort(i + 1, hi);
                hi = i - 1;
            }
        }
    }
}

extern "C-unwind" fn tab_sort(l: State) -> c_int {
    let t = check_tab(l, 1);
    let has_cmp = !value_at(l, 2).is_nil();
    if has_cmp {
        check_func(l, 2);
    }
    lua_settop(l, SLOT_PIVOT);
    let n = raw_len(t);
    Sorter { l, t, has_cmp }.sort(1, n);
    0
}

// ---- Loaded with require: LuaJIT's table.new / table.clear.

/// LuaJIT's largest hash part, in bits (LJ_MAX_HBITS).
const MAX_HBITS: u32 = 26;

extern "C-unwind" fn tab_new(l: State) -> c_int {
    let narr = check_i32(l, 1);
    let nhash = check_i32(l, 2);
    // Sizes as LuaJIT computes them: a negative hash size is a huge
    // unsigned one, and too large a part is an error, not a clamp.
    let asize = if narr > 0 { narr as u64 + 1 } else { 0 };
    let hbits = table::hsize2hbits(nhash as u32);
    if asize > table::MAX_ASIZE as u64 || hbits > MAX_HBITS {
        crate::error::throw_msg(l, "table overflow");
    }
    lua_createtable(l, narr, nhash);
    1
}

extern "C-unwind" fn tab_clear(l: State) -> c_int {
    let t = check_tab(l, 1);
    // SAFETY: t is argument 1, a table on the stack.
    unsafe { leaf::table_clear(l, t) };
    0
}

// ---- Loaded with require: OpenResty's additions.

/// Visit every entry (non-nil value) of a table; stop when `f` says so.
fn for_each_entry(l: State, t: *mut GcTab, mut f: impl FnMut(TValue, TValue) -> bool) {
    let mut key = TValue::NIL;
    // SAFETY: t is an argument table on the stack (every caller passes
    // check_tab's result; f runs no Lua code).
    while let Ok(Some((k, v))) = unsafe { leaf::table_next(l, t, key) } {
        if !f(k, v) {
            return;
        }
        key = k;
    }
}

extern "C-unwind" fn tab_isempty(l: State) -> c_int {
    let t = check_tab(l, 1);
    // SAFETY: t is argument 1, a table on the stack.
    let empty = matches!(unsafe { leaf::table_next(l, t, TValue::NIL) }, Ok(None));
    push_bool(l, empty);
    1
}

/// True when every key is an integral number (holes allowed; an empty
/// table is an array).
extern "C-unwind" fn tab_isarray(l: State) -> c_int {
    let t = check_tab(l, 1);
    let mut array = true;
    for_each_entry(l, t, |k, _| {
        array = k.is_num() && k.as_num() == k.as_num().trunc();
        array
    });
    push_bool(l, array);
    1
}

extern "C-unwind" fn tab_nkeys(l: State) -> c_int {
    let t = check_tab(l, 1);
    let mut n = 0u64;
    for_each_entry(l, t, |_, _| {
        n += 1;
        true
    });
    push_num(l, n as f64);
    1
}

extern "C-unwind" fn tab_clone(l: State) -> c_int {
    let t = check_tab(l, 1);
    // SAFETY: t is argument 1, a table on the stack.
    let copy = unsafe { leaf::table_dup(l, t) };
    push_value(l, tab_value(copy));
    gc::check(l);
    1
}

/// The functions `require "table.NAME"` provides. Loading one also stores
/// it in the table library (upvalue 1 of the loader), as LuaJIT does.
/// With LuaJIT's builtin ids for new and clear (OpenResty's have none in
/// the reference).
const ON_DEMAND: [(&str, CFn, FastFunc); 6] = [
    ("new", tab_new, FastFunc::TableNew),
    ("clear", tab_clear, FastFunc::TableClear),
    ("isempty", tab_isempty, FastFunc::C),
    ("isarray", tab_isarray, FastFunc::C),
    ("nkeys", tab_nkeys, FastFunc::C),
    ("clone", tab_clone, FastFunc::C),
];

extern "C-unwind" fn load_on_demand(l: State) -> c_int {
    let name = check_str(l, 1).to_vec();
    let short = name.strip_prefix(b"table.").unwrap_or(&name);
    let Some((field, f, id)) = ON_DEMAND.iter().find(|(n, _, _)| n.as_bytes() == short) else {
        push_nil(l);
        return 1;
    };
    push_cfunc(l, *f, *id);
    lua_pushvalue(l, -1);
    set_field(l, LUA_GLOBALSINDEX - 1, field);
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_table(l: State) -> c_int {
    // LuaJIT's builtin ids, so tostring(table.insert) reads "builtin#N";
    // the functions with no id are Lua functions in LuaJIT.
    let funcs: [(&str, CFn, FastFunc); 9] = [
        ("concat", tab_concat, FastFunc::TableConcat),
        ("foreach", tab_foreach, FastFunc::C),
        ("foreachi", tab_foreachi, FastFunc::C),
        ("getn", tab_getn, FastFunc::C),
        ("insert", tab_insert, FastFunc::TableInsert),
        ("maxn", tab_maxn, FastFunc::TableMaxn),
        ("move", tab_move, FastFunc::C),
        ("remove", tab_remove, FastFunc::C),
        ("sort", tab_sort, FastFunc::TableSort),
    ];
    lua_createtable(l, 0, funcs.len() as c_int);
    for (name, f, id) in funcs {
        push_cfunc(l, f, id);
        set_field(l, -2, name);
    }
    registry_table(l, c"_PRELOAD", 8);
    for (name, _, _) in ON_DEMAND {
        lua_pushvalue(l, -2);
        push_closure(l, load_on_demand, 1);
        set_field(l, -2, &format!("table.{}", name));
    }
    lua_settop(l, -2);
    register_loaded(l, "table", true);
    1
}
