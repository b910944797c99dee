//! Metatables and metamethods: lookup with a negative cache, and the
//! generic (slow-path) semantics of every operator, used by the interpreter
//! when its inline fast paths do not apply and by the C API.

use crate::error;
use crate::gc::GcHeader;
use crate::state::GlobalState;
use crate::state::State;
use crate::string::{str_bytes, GcStr};
use crate::table::{self, GcTab};
use crate::udata::GcUdata;
use crate::value::*;
use crate::vm;

pub const MM_INDEX: usize = 0;
pub const MM_NEWINDEX: usize = 1;
pub const MM_GC: usize = 2;
pub const MM_MODE: usize = 3;
pub const MM_EQ: usize = 4;
pub const MM_LEN: usize = 5;
pub const MM_LT: usize = 6;
pub const MM_LE: usize = 7;
pub const MM_CONCAT: usize = 8;
pub const MM_CALL: usize = 9;
pub const MM_ADD: usize = 10;
pub const MM_SUB: usize = 11;
pub const MM_MUL: usize = 12;
pub const MM_DIV: usize = 13;
pub const MM_MOD: usize = 14;
pub const MM_POW: usize = 15;
pub const MM_UNM: usize = 16;
pub const MM_METATABLE: usize = 17;
pub const MM_TOSTRING: usize = 18;
pub const MM_N: usize = 19;

pub const MM_NAMES: [&str; MM_N] = [
    "__index",
    "__newindex",
    "__gc",
    "__mode",
    "__eq",
    "__len",
    "__lt",
    "__le",
    "__concat",
    "__call",
    "__add",
    "__sub",
    "__mul",
    "__div",
    "__mod",
    "__pow",
    "__unm",
    "__metatable",
    "__tostring",
];

pub fn init_mmnames(g: &mut GlobalState) {
    for (i, n) in MM_NAMES.iter().enumerate() {
        let s = crate::string::intern(g, n.as_bytes());
        // SAFETY: s is a fresh live string; fixed strings are never collected.
        unsafe { (*s).marked |= crate::gc::MARK_FIXED };
        g.mmname[i] = s;
    }
}

/// Look up a metamethod in a metatable, caching absence for the first
/// eight metamethods in the table's `nomm` bits.
///
/// # Safety
/// `mt` is null or points to a live table.
#[inline]
pub unsafe fn fast_get(g: &GlobalState, mt: *mut GcTab, mm: usize) -> TValue {
    if mt.is_null() {
        return TValue::NIL;
    }
    // SAFETY: mt is a live table (this function's contract), its cache
    // bits read and written by value; the metamethod names are interned
    // and fixed.
    unsafe {
        if mm < 8 && (*mt).nomm & (1 << mm) != 0 {
            return TValue::NIL;
        }
        let v = table::get_str(mt, g.mmname[mm]);
        if v.is_nil() && mm < 8 {
            (*mt).nomm |= 1 << mm;
        }
        v
    }
}

/// The metatable of any value (null if none). A value's object is live
/// (values are taken from reachable places), and so is its metatable.
#[inline]
pub fn metatable_of(g: &GlobalState, v: TValue) -> *mut GcTab {
    if v.is_tab() {
        // SAFETY: v is a table value, so a live table.
        unsafe { (*v.as_ptr::<GcTab>()).metatable }
    } else if v.is_udata() {
        // SAFETY: v is a userdata value, so a live userdata.
        unsafe { (*v.as_ptr::<GcUdata>()).metatable }
    } else {
        g.basemt[lua_type_of(v) as usize]
    }
}

/// The metamethod `mm` of any value (nil if none).
#[inline]
pub fn get_mm(g: &GlobalState, v: TValue, mm: usize) -> TValue {
    let mt = metatable_of(g, v);
    // SAFETY: a value's metatable is null or a live table.
    unsafe { fast_get(g, mt, mm) }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn fast_floor_matches_floor() {
        for &x in &[
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            1.5,
            -1.5,
            2.0f64.powi(52) - 0.5,
            -(2.0f64.powi(52)) + 0.5,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.999999999,
            -3.0000001,
        ] {
            assert_eq!(fast_floor(x).to_bits(), x.floor().to_bits(), "{}", x);
        }
        assert!(fast_floor(f64::NAN).is_nan());
        assert_eq!(num_mod(-7.0, 3.0), 2.0);
        assert_eq!(num_mod(7.0, -3.0), -2.0);
        assert!(num_mod(1.0, 0.0).is_nan());
    }
}

pub fn str_value(s: *mut GcStr) -> TValue {
    TValue::gcobj(TID_STR, s as *const GcHeader)
}

/// Maximum __index/__newindex chain length (LuaJIT's LJ_MAX_IDXCHAIN).
const MAX_IDXCHAIN: usize = 100;

/// A metamethod call the caller must make: `f(args[..nargs])`. The
/// interpreter makes it through a continuation frame (so the metamethod may
/// yield); native callers make it with a nested call.
#[derive(Clone, Copy)]
pub struct MetaCall {
    pub f: TValue,
    pub args: [TValue; 3],
    pub nargs: usize,
}

impl MetaCall {
    fn new(f: TValue, args: &[TValue]) -> MetaCall {
        let mut a = [TValue::NIL; 3];
        a[..args.len()].copy_from_slice(args);
        MetaCall {
            f,
            args: a,
            nargs: args.len(),
        }
    }
    /// Make the call natively and return its first result.
    pub fn call1(&self, l: State) -> TValue {
        vm::call_meta1(l, self.f, &self.args[..self.nargs])
    }
}

/// `o[k]` with metamethods. `slot` is where `o` lives (for error names).
pub fn index(l: State, o: TValue, k: TValue, slot: error::Operand) -> TValue {
    match index_step(l, o, k, slot) {
        Ok(v) => v,
        Err(mc) => mc.call1(l),
    }
}

/// `o[k]` up to the first __index function, which is returned to be called.
pub fn index_step(
    l: State,
    o: TValue,
    k: TValue,
    slot: error::Operand,
) -> Result<TValue, MetaCall> {
    let mut o = o;
    let mut slot = slot;
    for _ in 0..MAX_IDXCHAIN {
        let mm;
        if o.is_tab() {
            // SAFETY: o is a table value (the caller's operand, or reached
            // from it through __index fields), so a live table.
            let v = unsafe { table::get(o.as_ptr(), k) };
            if !v.is_nil() {
                return Ok(v);
            }
            mm = l.get_mm(o, MM_INDEX);
            if mm.is_nil() {
                return Ok(TValue::NIL);
            }
        } else {
            mm = l.get_mm(o, MM_INDEX);
            if mm.is_nil() {
                error::err_optype(l, o, slot, "index");
            }
        }
        if mm.is_func() {
            return Err(MetaCall::new(mm, &[o, k]));
        }
        // Objects further down the __index chain have no variable name.
        o = mm;
        slot = error::Operand::None;
    }
    error::throw_msg(l, "loop in gettable")
}

/// `o[k] = v` with metamethods.
pub fn newindex(l: State, o: TValue, k: TValue, v: TValue, slot: error::Operand) {
    if let Some(mc) = newindex_step(l, o, k, v, slot) {
        vm::call_meta0(l, mc.f, &mc.args[..mc.nargs]);
    }
}

/// `o[k] = v` up to the first __newindex function, which is returned to
/// be called.
pub fn newindex_step(
    l: State,
    o: TValue,
    k: TValue,
    v: TValue,
    slot: error::Operand,
) -> Option<MetaCall> {
    let mut o = o;
    let mut slot = slot;
    for _ in 0..MAX_IDXCHAIN {
        let mm;
        if o.is_tab() {
            let t: *mut GcTab = o.as_ptr();
            // SAFETY: o is a table value (the caller's operand, or reached
            // from it through __newindex fields), so t is a live table; p
            // is null or its slot for k. The store, the cache reset and
            // the barrier (a leaf call) happen before anything else runs.
            let stored = unsafe {
                let p = table::get_slot(t, k);
                if !p.is_null() && !(*p).is_nil() {
                    *p = v;
                    (*t).nomm = 0;
                    l.barrier_table(t);
                    true
                } else {
                    false
                }
            };
            if stored {
                return None;
            }
            mm = l.get_mm(o, MM_NEWINDEX);
            if mm.is_nil() {
                // SAFETY: t is live (see above).
                unsafe { raw_set(l, t, k, v) };
                return None;
            }
        } else {
            mm = l.get_mm(o, MM_NEWINDEX);
            if mm.is_nil() {
                error::err_optype(l, o, slot, "index");
            }
        }
        if mm.is_func() {
            return Some(MetaCall::new(mm, &[o, k, v]));
        }
        o = mm;
        slot = error::Operand::None;
    }
    error::throw_msg(l, "loop in settable")
}

/// Raw store with key checks (`table index is nil` / `is NaN`).
///
/// # Safety
/// `t` points to a live table.
pub unsafe fn raw_set(l: State, t: *mut GcTab, k: TValue, v: TValue) {
    // SAFETY: t is live (this function's contract); set_slot, the store
    // into the slot it returns and the barrier are leaf code on the global
    // state, whose reference is dropped before an error is raised.
    let r = unsafe {
        let g = l.global_mut();
        table::set_slot(g, t, k).map(|p| {
            *p = v;
            crate::gc::barrier_table(g, t);
        })
    };
    match r {
        Ok(()) => {}
        Err(table::KeyError::Nil) => error::throw_msg(l, "table index is nil"),
        Err(table::KeyError::NaN) => error::throw_msg(l, "table index is NaN"),
    }
}

/// Arithmetic operators in bytecode order (ADD..POW) plus UNM.
#[derive(Clone, Copy, PartialEq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Unm,
}

impl Arith {
    fn mm(self) -> usize {
        match self {
            Arith::Add => MM_ADD,
            Arith::Sub => MM_SUB,
            Arith::Mul => MM_MUL,
            Arith::Div => MM_DIV,
            Arith::Mod => MM_MOD,
            Arith::Pow => MM_POW,
            Arith::Unm => MM_UNM,
        }
    }
}

/// floor() without a libm call (x86-64 without SSE4.1 has no rounding
/// instruction): exact for |x| < 2^52, where every double has an integer
/// neighbour representable in i64; larger magnitudes, inf and NaN are
/// already integral or propagate unchanged.
#[inline(always)]
pub fn fast_floor(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let t = x as i64 as f64;
        let r = if t > x { t - 1.0 } else { t };
        // Keep the sign of zero: floor(-0.0) = -0.0.
        if r == 0.0 && x.is_sign_negative() {
            -0.0
        } else {
            r
        }
    } else {
        x
    }
}

/// Lua's modulo: a - floor(a/b)*b.
#[inline(always)]
pub fn num_mod(a: f64, b: f64) -> f64 {
    a - fast_floor(a / b) * b
}

#[inline(always)]
pub fn num_pow(a: f64, b: f64) -> f64 {
    a.powf(b)
}

#[inline(always)]
pub fn arith_num(op: Arith, a: f64, b: f64) -> f64 {
    match op {
        Arith::Add => a + b,
        Arith::Sub => a - b,
        Arith::Mul => a * b,
        Arith::Div => a / b,
        Arith::Mod => num_mod(a, b),
        Arith::Pow => num_pow(a, b),
        Arith::Unm => -a,
    }
}

/// A number from a number or a string convertible to one.
#[inline]
pub fn to_number(v: TValue) -> Option<f64> {
    if v.is_num() {
        Some(v.as_num())
    } else if v.is_str() {
        // SAFETY: v is a string value, so a live string; the bytes are
        // used for this call only.
        crate::strscan::str_to_number(unsafe { str_bytes(v.as_ptr()) })
    } else {
        None
    }
}

/// Arithmetic with coercion and metamethods.
pub fn arith(
    l: State,
    op: Arith,
    a: TValue,
    b: TValue,
    sa: error::Operand,
    sb: error::Operand,
) -> TValue {
    match arith_step(l, op, a, b, sa, sb) {
        Ok(v) => v,
        Err(mc) => mc.call1(l),
    }
}

/// Arithmetic with coercion, or the metamethod call to make.
pub fn arith_step(
    l: State,
    op: Arith,
    a: TValue,
    b: TValue,
    sa: error::Operand,
    sb: error::Operand,
) -> Result<TValue, MetaCall> {
    if let (Some(x), Some(y)) = (to_number(a), to_number(b)) {
        return Ok(TValue::num(arith_num(op, x, y)));
    }
    let mut mm = l.get_mm(a, op.mm());
    if mm.is_nil() {
        mm = l.get_mm(b, op.mm());
    }
    if mm.is_nil() {
        // Blame the operand that is not a number.
        let (bad, slot) = if to_number(a).is_none() {
            (a, sa)
        } else {
            (b, sb)
        };
        error::err_optype(l, bad, slot, "perform arithmetic on");
    }
    Err(MetaCall::new(mm, &[a, b]))
}

/// Equality with __eq (for two tables or two userdata with the same __eq).
pub fn equal(l: State, a: TValue, b: TValue) -> bool {
    match equal_step(l, a, b) {
        Ok(r) => r,
        Err(mc) => mc.call1(l).is_truthy(),
    }
}

/// Equality, or the __eq call whose truthiness is the answer.
pub fn equal_step(l: State, a: TValue, b: TValue) -> Result<bool, MetaCall> {
    if a.0 == b.0 {
        return Ok(!a.is_num() || !a.as_num().is_nan());
    }
    if a.is_num() && b.is_num() {
        return Ok(a.as_num() == b.as_num());
    }
    if a.is(TID_CDATA) || b.is(TID_CDATA) {
        // cdata compare by value through the FFI's __eq, also with numbers
        // and nil (a NULL pointer equals nil).
        let cd = if a.is(TID_CDATA) { a } else { b };
        let mm = l.get_mm(cd, MM_EQ);
        if mm.is_nil() {
            return Ok(false);
        }
        return Err(MetaCall::new(mm, &[a, b]));
    }
    if a.tid() != b.tid() || !(a.is_tab() || a.is_udata()) {
        return Ok(false);
    }
    let mm1 = l.get_mm(a, MM_EQ);
    if mm1.is_nil() {
        return Ok(false);
    }
    let mm2 = l.get_mm(b, MM_EQ);
    if !raw_equal(mm1, mm2) {
        return Ok(false);
    }
    Err(MetaCall::new(mm1, &[a, b]))
}

pub fn raw_equal(a: TValue, b: TValue) -> bool {
    if a.is_num() && b.is_num() {
        a.as_num() == b.as_num()
    } else {
        a.0 == b.0
    }
}

fn str_less(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    // strcoll in the C locale is byte order; embedded zeros compare as in
    // LuaJIT (memcmp over the common length, then length).
    a.cmp(b)
}

/// `a < b` (le = false) or `a <= b` (le = true) with metamethods.
pub fn compare(l: State, a: TValue, b: TValue, le: bool) -> bool {
    match compare_step(l, a, b, le) {
        Ok(r) => r,
        Err((mc, invert)) => mc.call1(l).is_truthy() != invert,
    }
}

/// A comparison, or the metamethod call whose truthiness (inverted when
/// the flag is set: `a <= b` as `not (b < a)`) is the answer.
pub fn compare_step(l: State, a: TValue, b: TValue, le: bool) -> Result<bool, (MetaCall, bool)> {
    if a.is_num() && b.is_num() {
        let (x, y) = (a.as_num(), b.as_num());
        return Ok(if le { x <= y } else { x < y });
    }
    if a.is_str() && b.is_str() {
        // SAFETY: a and b are string values, so live strings; the bytes
        // are used for this comparison only.
        let o = unsafe { str_less(str_bytes(a.as_ptr()), str_bytes(b.as_ptr())) };
        return Ok(if le {
            o != std::cmp::Ordering::Greater
        } else {
            o == std::cmp::Ordering::Less
        });
    }
    let mmi = if le { MM_LE } else { MM_LT };
    if a.is(TID_CDATA) || b.is(TID_CDATA) {
        let cd = if a.is(TID_CDATA) { a } else { b };
        let mm = l.get_mm(cd, mmi);
        if !mm.is_nil() {
            return Err((MetaCall::new(mm, &[a, b]), false));
        }
    }
    if a.tid() == b.tid() || (a.is_bool() && b.is_bool()) {
        let mm1 = l.get_mm(a, mmi);
        if !mm1.is_nil() {
            let mm2 = l.get_mm(b, mmi);
            if raw_equal(mm1, mm2) {
                return Err((MetaCall::new(mm1, &[a, b]), false));
            }
        }
        if le {
            // a <= b  <=>  not (b < a)
            let mm1 = l.get_mm(b, MM_LT);
            if !mm1.is_nil() {
                let mm2 = l.get_mm(a, MM_LT);
                if raw_equal(mm1, mm2) {
                    return Err((MetaCall::new(mm1, &[b, a]), true));
                }
            }
        }
    }
    error::err_comp(l, a, b)
}

/// `#o` with __len for non-tables (tables use the raw length, as in Lua 5.1).
pub fn len(l: State, o: TValue, slot: error::Operand) -> TValue {
    match len_step(l, o, slot) {
        Ok(v) => v,
        Err(mc) => mc.call1(l),
    }
}

/// `#o`, or the __len call to make.
pub fn len_step(l: State, o: TValue, slot: error::Operand) -> Result<TValue, MetaCall> {
    if o.is_str() {
        // SAFETY: o is a live string.
        return Ok(TValue::num(unsafe { (*o.as_ptr::<GcStr>()).len } as f64));
    }
    if o.is_tab() {
        // SAFETY: o is a table value, so a live table.
        return Ok(TValue::num(unsafe { table::len(o.as_ptr()) } as f64));
    }
    let mm = l.get_mm(o, MM_LEN);
    if mm.is_nil() {
        error::err_optype(l, o, slot, "get length of");
    }
    Err(MetaCall::new(mm, &[o, TValue::NIL]))
}

/// Append the string form of a number or string for concatenation.
pub fn tostr_for_concat(v: TValue, out: &mut (impl crate::mem::ByteSink + ?Sized)) -> bool {
    if v.is_str() {
        // SAFETY: v is a string value, so a live string; the bytes are
        // copied at once.
        out.extend_from_slice(unsafe { str_bytes(v.as_ptr()) });
        true
    } else if v.is_num() {
        crate::numfmt::fmt_number(v.as_num(), out);
        true
    } else {
        false
    }
}

/// The length of a string or number operand once converted for
/// concatenation (`scratch` is reused to format numbers).
fn concat_piece_len(v: TValue, scratch: &mut (impl crate::mem::ByteSink + ?Sized)) -> u64 {
    if v.is_str() {
        // SAFETY: v is a string value, so a live string.
        unsafe { (*v.as_ptr::<GcStr>()).len as u64 }
    } else {
        scratch.truncate(0);
        tostr_for_concat(v, scratch);
        scratch.len() as u64
    }
}

/// Concatenate the values in `first..=last` (right to left, pairwise for
/// metamethods); returns the result (also left at `first`).
///
/// # Safety
/// `first..=last` (first <= last) are slots of `l`'s stack below its top.
pub unsafe fn concat(l: State, first: *mut TValue, last: *mut TValue) -> TValue {
    // SAFETY: first..=last are stack slots below top (this function's
    // contract); they are re-derived from offsets after metamethod calls
    // (which may move the stack) and stay below top, which the calls
    // leave where it was.
    unsafe {
        let off_first = first.offset_from((*l.as_ptr()).stack);
        let mut off_last = last.offset_from((*l.as_ptr()).stack);
        loop {
            let first = (*l.as_ptr()).stack.offset(off_first);
            let last = (*l.as_ptr()).stack.offset(off_last);
            match concat_step(l, first, last) {
                Ok(v) => return v,
                Err((mc, dst)) => {
                    let off_dst = dst.offset_from((*l.as_ptr()).stack);
                    let r = mc.call1(l);
                    *(*l.as_ptr()).stack.offset(off_dst) = r;
                    off_last = off_dst;
                }
            }
        }
    }
}

/// Concatenate `first..=last` until a __concat call is needed: returns the
/// call and the slot its result goes to (concatenation then continues over
/// `first..=that slot`), or the final result (also left at `first`).
///
/// # Safety
/// `first..=last` (first <= last) are slots of `l`'s stack below its top.
pub unsafe fn concat_step(
    l: State,
    first: *mut TValue,
    last: *mut TValue,
) -> Result<TValue, (MetaCall, *mut TValue)> {
    // SAFETY: first..=last are stack slots below top (this function's
    // contract); nothing here can move the stack (string creation only
    // allocates, and no Lua code runs).
    unsafe {
        let mut top = last; // right operand accumulates here
                            // In the state's memory: the result can be as large as memory allows.
        let mut buf = crate::mem::ShortBuf::of(l);
        while top > first {
            let a = *top.sub(1);
            let b = *top;
            if (a.is_str() || a.is_num()) && (b.is_str() || b.is_num()) {
                // Gather the maximal run of strings/numbers ending at top.
                let mut start = top.sub(1);
                while start > first && ((*start.sub(1)).is_str() || (*start.sub(1)).is_num()) {
                    start = start.sub(1);
                }
                // The length is checked before anything is built: a result
                // of LuaJIT's maximum string length or more is an error
                // ("string length overflow"), raised without allocating it.
                let mut total: u64 = 0;
                let mut p = start;
                while p <= top {
                    total += concat_piece_len(*p, &mut buf);
                    p = p.add(1);
                }
                if total >= crate::stdlib::string::MAX_STR {
                    error::throw_msg(l, "string length overflow");
                }
                buf.clear();
                buf.reserve_exact(total as usize);
                let mut p = start;
                while p <= top {
                    tostr_for_concat(*p, &mut buf);
                    p = p.add(1);
                }
                let s = l.new_str(&buf);
                *start = s;
                top = start;
            } else {
                let mut mm = l.get_mm(a, MM_CONCAT);
                if mm.is_nil() {
                    mm = l.get_mm(b, MM_CONCAT);
                }
                if mm.is_nil() {
                    let bad = if a.is_str() || a.is_num() {
                        top
                    } else {
                        top.sub(1)
                    };
                    error::err_optype(l, *bad, error::Operand::Slot(bad), "concatenate");
                }
                return Err((MetaCall::new(mm, &[a, b]), top.sub(1)));
            }
        }
        Ok(*first)
    }
}

/// The __call handler of a non-function value, if any.
pub fn call_mm(l: State, v: TValue) -> TValue {
    l.get_mm(v, MM_CALL)
}

/// tostring() semantics (with __tostring).
pub fn tostring(l: State, v: TValue) -> TValue {
    let mm = l.get_mm(v, MM_TOSTRING);
    if !mm.is_nil() {
        let r = vm::call_meta1(l, mm, &[v]);
        return r;
    }
    if v.is_str() {
        return v;
    }
    // Short (a number, a type name and an address): built inline.
    let mut out = crate::mem::ShortBuf::of(l);
    if v.is_num() {
        crate::numfmt::fmt_number(v.as_num(), &mut out);
    } else if v.is_nil() {
        out.extend_from_slice(b"nil");
    } else if v.is_bool() {
        out.extend_from_slice(if v.is_truthy() { b"true" } else { b"false" });
    } else {
        let name = type_name(v);
        // A full userdata shows the address of its payload (as lua_topointer).
        let addr = if v.is_udata() {
            crate::udata::payload(v.as_ptr()) as u64
        } else {
            v.payload()
        };
        if v.is_func() {
            // SAFETY: v is a live function.
            let f = unsafe { &*v.as_ptr::<crate::func::GcFunc>() };
            if f.ffid > crate::func::FF_C {
                out.extend_from_slice(b"function: builtin#");
                crate::numfmt::push_u64(f.ffid as u64, &mut out);
                return l.new_str(&out);
            }
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        crate::stdlib::format::format_pointer(&mut out, addr);
    }
    l.new_str(&out)
}
