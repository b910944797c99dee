//! The `bit` library: 32-bit operations on numbers with LuaJIT's
//! conversion (the number semantics live in the `bitops` kernel). As in
//! LuaJIT 2.1, an integer cdata among the arguments makes an operation work
//! on 64 bits and return an int64_t or uint64_t cdata.

use super::bitops;
use super::*;
use crate::capi::aux::arg_error;
use crate::ffi::ctype::{CKind, CTF_BOOL, CTF_UNSIGNED, CTID_INT64};
use crate::state::State;
use std::os::raw::c_int;

/// The result type of a 64-bit operation: none yet (plain numbers only),
/// int64_t, or uint64_t (once any argument is a uint64_t).
#[derive(Clone, Copy, PartialEq)]
enum Wide {
    No,
    Signed,
    Unsigned,
}

/// Argument `n` as 64 bits: a cdata converts to int64_t (a uint64_t-sized
/// unsigned integer makes the result unsigned), a number or numeric string
/// is converted like `bit.tobit` and sign-extended.
fn check_bit64(l: State, n: c_int, wide: &mut Wide) -> u64 {
    let v = value_at(l, n);
    if !v.is(crate::value::TID_CDATA) {
        return check_bit(l, n) as i64 as u64;
    }
    let cts = crate::ffi::CtsLock::acquire(l);
    let cd = crate::ffi::cdata::of(v);
    let (id, p, _) = crate::ffi::ops::resolve(&cts, cd);
    let base = cts.get(crate::ffi::conv::enum_base(&cts, id));
    if base.kind == CKind::Num
        && base.size == 8
        && base.has(CTF_UNSIGNED)
        && !base.has(CTF_BOOL)
        && !base.is_fp()
    {
        *wide = Wide::Unsigned;
    } else if *wide == Wide::No {
        *wide = Wide::Signed;
    }
    let mut out = 0u64;
    // SAFETY: p points at the cdata's value of type id; out is 8 bytes.
    let r = unsafe {
        crate::ffi::conv::c_to_c(&cts, CTID_INT64, &mut out as *mut u64 as *mut u8, id, p, 0)
    };
    drop(cts);
    if let Err(msg) = r {
        arg_error(l, n, msg.as_bytes());
    }
    out
}

fn any_cdata(l: State) -> bool {
    (1..=arg_count(l)).any(|i| value_at(l, i).is(crate::value::TID_CDATA))
}

fn push_bit64(l: State, wide: Wide, x: u64) -> c_int {
    let v = crate::ffi::conv::new_int64(l, x as i64, wide == Wide::Unsigned);
    push_value(l, v);
    1
}

/// Argument `n` converted to a 32-bit integer (numeric strings accepted).
fn check_bit(l: State, n: c_int) -> i32 {
    bitops::tobit(check_num(l, n))
}

fn push_bit(l: State, x: i32) -> c_int {
    push_num(l, x as f64);
    1
}

extern "C-unwind" fn bit_tobit(l: State) -> c_int {
    // A cdata is converted to 64 bits and truncated; the result is a number.
    push_bit(l, check_bit64(l, 1, &mut Wide::No) as i32)
}

/// One-argument operations: 32-bit on numbers, 64-bit on cdata.
fn unary(l: State, op32: fn(i32) -> i32, op64: fn(u64) -> u64) -> c_int {
    let mut wide = Wide::No;
    let x = check_bit64(l, 1, &mut wide);
    if wide != Wide::No {
        return push_bit64(l, wide, op64(x));
    }
    push_bit(l, op32(x as i32))
}

extern "C-unwind" fn bit_bnot(l: State) -> c_int {
    unary(l, bitops::bnot, |x| !x)
}

extern "C-unwind" fn bit_bswap(l: State) -> c_int {
    unary(l, bitops::bswap, u64::swap_bytes)
}

/// band/bor/bxor take one or more arguments.
fn fold_bits(l: State, op: fn(i32, i32) -> i32, op64: fn(u64, u64) -> u64) -> c_int {
    if any_cdata(l) {
        // As LuaJIT: once the width is known, every argument converts to
        // it; numbers (and numeric strings) by truncation, so 2^32 keeps
        // its bit (not bit.tobit's 32 bits).
        let mut wide = Wide::No;
        let n = arg_count(l);
        for i in 1..=n {
            check_bit64(l, i, &mut wide);
        }
        let mut acc = None;
        for i in 1..=n {
            let x = if value_at(l, i).is(crate::value::TID_CDATA) {
                check_bit64(l, i, &mut Wide::No)
            } else {
                let v = check_num(l, i);
                if wide == Wide::Unsigned {
                    super::format::num_to_u64(v)
                } else {
                    super::format::num_to_i64(v) as u64
                }
            };
            acc = Some(acc.map_or(x, |a| op64(a, x)));
        }
        return push_bit64(l, wide, acc.unwrap_or(0));
    }
    let mut acc = check_bit(l, 1);
    for i in 2..=arg_count(l) {
        acc = op(acc, check_bit(l, i));
    }
    push_bit(l, acc)
}

extern "C-unwind" fn bit_band(l: State) -> c_int {
    fold_bits(l, bitops::band, |a, b| a & b)
}

extern "C-unwind" fn bit_bor(l: State) -> c_int {
    fold_bits(l, bitops::bor, |a, b| a | b)
}

extern "C-unwind" fn bit_bxor(l: State) -> c_int {
    fold_bits(l, bitops::bxor, |a, b| a ^ b)
}

/// Shifts and rotates: value, then count. The value decides the width (a
/// 64-bit count does not widen a number); 64-bit shifts use the count
/// modulo 64.
fn shift(l: State, op: fn(i32, i32) -> i32, op64: fn(u64, u32) -> u64) -> c_int {
    let mut wide = Wide::No;
    let x = check_bit64(l, 1, &mut wide);
    let n = check_bit64(l, 2, &mut Wide::No) as i32;
    if wide != Wide::No {
        return push_bit64(l, wide, op64(x, (n & 63) as u32));
    }
    push_bit(l, op(x as i32, n))
}

extern "C-unwind" fn bit_lshift(l: State) -> c_int {
    shift(l, bitops::lshift, |x, n| x << n)
}

extern "C-unwind" fn bit_rshift(l: State) -> c_int {
    shift(l, bitops::rshift, |x, n| x >> n)
}

extern "C-unwind" fn bit_arshift(l: State) -> c_int {
    shift(l, bitops::arshift, |x, n| ((x as i64) >> n) as u64)
}

extern "C-unwind" fn bit_rol(l: State) -> c_int {
    shift(l, bitops::rol, u64::rotate_left)
}

extern "C-unwind" fn bit_ror(l: State) -> c_int {
    shift(l, bitops::ror, u64::rotate_right)
}

/// `bit.tohex(x [, n])`: n defaults to 8 only when absent (an explicit nil
/// is an argument error, as in LuaJIT).
/// A 64-bit value prints 16 digits by default and keeps all of its bits.
extern "C-unwind" fn bit_tohex(l: State) -> c_int {
    let mut wide = Wide::No;
    let x = check_bit64(l, 1, &mut wide);
    let n = if arg_count(l) >= 2 {
        check_bit64(l, 2, &mut Wide::No) as i32
    } else if wide != Wide::No {
        16
    } else {
        8
    };
    if wide != Wide::No {
        push_str(l, &bitops::tohex64(x, n));
    } else {
        push_str(l, &bitops::tohex(x as i32, n));
    }
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_bit(l: State) -> c_int {
    // LuaJIT's builtin ids, so tostring(bit.band) reads "builtin#N".
    let funcs: [(&str, CFn, FastFunc); 12] = [
        ("arshift", bit_arshift, FastFunc::BitArshift),
        ("band", bit_band, FastFunc::BitBand),
        ("bnot", bit_bnot, FastFunc::BitBnot),
        ("bor", bit_bor, FastFunc::BitBor),
        ("bswap", bit_bswap, FastFunc::BitBswap),
        ("bxor", bit_bxor, FastFunc::BitBxor),
        ("lshift", bit_lshift, FastFunc::BitLshift),
        ("rol", bit_rol, FastFunc::BitRol),
        ("ror", bit_ror, FastFunc::BitRor),
        ("rshift", bit_rshift, FastFunc::BitRshift),
        ("tobit", bit_tobit, FastFunc::BitTobit),
        ("tohex", bit_tohex, FastFunc::BitTohex),
    ];
    lua_createtable(l, 0, funcs.len() as c_int);
    for (name, f, id) in funcs {
        push_cfunc(l, f, id);
        set_field(l, -2, name);
    }
    register_loaded(l, "bit", true);
    1
}
