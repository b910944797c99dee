//! What the bit operator bytecodes BNOT, BAND, BOR, BXOR, BSHL, BSHR and
//! BSAR (today's LuaJIT 2.1: `~x`, `a & b`, `a | b`, `a ~ b`, `a << b`,
//! `a >> b`, `a ~>> b`) compute.
//!
//! On numbers they are the `bit` library's 32-bit operations (operands
//! converted as `bit.tobit` does, shift counts modulo 32, a number result).
//! An integer cdata operand makes them 64-bit operations with an int64_t
//! result, or uint64_t when an operand is a uint64_t (only the left operand
//! of a shift decides); number operands are then converted to 64 bits by
//! truncation, not by `tobit`. Strings are not coerced and there are no
//! metamethods: anything else is an arithmetic error.

use crate::bytecode::Op;
use crate::error::{self, Operand};
use crate::ffi::ctype::{CKind, CTF_BOOL, CTF_UNSIGNED, CTID_INT64, CTID_UINT64};
use crate::state::State;
use crate::stdlib::bitops;
use crate::stdlib::format::{num_to_i64, num_to_u64};
use crate::value::{TValue, TID_CDATA};

/// The 32-bit operation on two numbers (the interpreter's fast path; BNOT
/// ignores `y`).
#[inline]
pub fn num_bitop(op: Op, x: f64, y: f64) -> f64 {
    let (a, b) = (bitops::tobit(x), bitops::tobit(y));
    let r = match op {
        Op::BNOT => bitops::bnot(a),
        Op::BAND => bitops::band(a, b),
        Op::BOR => bitops::bor(a, b),
        Op::BXOR => bitops::bxor(a, b),
        Op::BSHL => bitops::lshift(a, b),
        Op::BSHR => bitops::rshift(a, b),
        _ => bitops::arshift(a, b),
    };
    r as f64
}

/// The width a 64-bit operation works in, decided by its cdata operands.
#[derive(Clone, Copy, PartialEq)]
enum Wide {
    No,
    Signed,
    Unsigned,
}

/// An operand as 64 bits: a cdata converted to int64_t (or uint64_t, and
/// then the operation is unsigned), a number as `tobit` sign-extended (the
/// caller converts numbers again once the width is known). `decides`: the
/// operand's type may set the width (not the count of a shift).
fn operand64(l: State, v: TValue, slot: Operand, wide: &mut Wide, decides: bool) -> u64 {
    if v.is_num() {
        return bitops::tobit(v.as_num()) as i64 as u64;
    }
    if !v.is(TID_CDATA) {
        error::err_optype(l, v, slot, "perform arithmetic on");
    }
    // The type table is locked while the value converts; released before
    // an error is raised (the bit library does the same).
    let cts = crate::ffi::CtsLock::acquire(l);
    let cd = crate::ffi::cdata::of(v);
    let (id, p, _) = crate::ffi::ops::resolve(&cts, cd);
    let base = cts.get(crate::ffi::conv::enum_base(&cts, id));
    let unsigned64 = base.kind == CKind::Num
        && base.size == 8
        && base.has(CTF_UNSIGNED)
        && !base.has(CTF_BOOL)
        && !base.is_fp();
    let mut target = if *wide == Wide::Unsigned {
        CTID_UINT64
    } else {
        CTID_INT64
    };
    if decides {
        if unsigned64 {
            *wide = Wide::Unsigned;
            target = CTID_UINT64;
        } else if *wide == Wide::No {
            *wide = Wide::Signed;
        }
    }
    let mut out = 0u64;
    // SAFETY: `resolve` gives the address of the cdata's value (its payload,
    // or what a reference points at), which has type `id`; `out` has room
    // for the 8-byte integer types INT64/UINT64.
    let r = unsafe {
        crate::ffi::conv::c_to_c(&cts, target, &mut out as *mut u64 as *mut u8, id, p, 0)
    };
    drop(cts);
    if let Err(msg) = r {
        error::throw_bytes(l, msg.as_bytes());
    }
    out
}

/// The operation on any operands (`b` = `c` for BNOT); `sb`, `sc` say where
/// they come from for the error message.
pub fn bitop(l: State, op: Op, b: TValue, c: TValue, sb: Operand, sc: Operand) -> TValue {
    let is_shift = matches!(op, Op::BSHL | Op::BSHR | Op::BSAR);
    let mut wide = Wide::No;
    let mut x = operand64(l, b, sb, &mut wide, true);
    let mut y = operand64(l, c, sc, &mut wide, !is_shift);
    if wide == Wide::No {
        // A 32-bit operation (only a shift count was a cdata): on the low
        // 32 bits of the converted operands.
        let (x, y) = (x as i32, y as i32);
        let r = match op {
            Op::BSHL => bitops::lshift(x, y),
            Op::BSHR => bitops::rshift(x, y),
            _ => bitops::arshift(x, y),
        };
        return TValue::num(r as f64);
    }
    // Numbers join a 64-bit operation by truncation.
    let to64 = |v: TValue, bits: u64| {
        if !v.is_num() {
            bits
        } else if wide == Wide::Unsigned {
            num_to_u64(v.as_num())
        } else {
            num_to_i64(v.as_num()) as u64
        }
    };
    x = to64(b, x);
    y = to64(c, y);
    let count = (y & 63) as u32;
    let r = match op {
        Op::BNOT => !x,
        Op::BAND => x & y,
        Op::BOR => x | y,
        Op::BXOR => x ^ y,
        Op::BSHL => x << count,
        Op::BSHR => x >> count,
        _ => ((x as i64) >> count) as u64,
    };
    crate::ffi::conv::new_int64(l, r as i64, wide == Wide::Unsigned)
}
