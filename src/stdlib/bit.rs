//! The `bit` library: 32-bit operations on numbers with LuaJIT's
//! conversion (the number semantics live in the `bitops` kernel).

use super::bitops;
use super::*;
use std::os::raw::c_int;

/// Argument `n` converted to a 32-bit integer (numeric strings accepted).
fn check_bit(l: *mut lua_State, n: c_int) -> i32 {
    bitops::tobit(check_num(l, n))
}

fn push_bit(l: *mut lua_State, x: i32) -> c_int {
    push_num(l, x as f64);
    1
}

unsafe extern "C-unwind" fn bit_tobit(l: *mut lua_State) -> c_int {
    push_bit(l, check_bit(l, 1))
}

unsafe extern "C-unwind" fn bit_bnot(l: *mut lua_State) -> c_int {
    push_bit(l, bitops::bnot(check_bit(l, 1)))
}

unsafe extern "C-unwind" fn bit_bswap(l: *mut lua_State) -> c_int {
    push_bit(l, bitops::bswap(check_bit(l, 1)))
}

/// band/bor/bxor take one or more arguments.
fn fold_bits(l: *mut lua_State, op: fn(i32, i32) -> i32) -> c_int {
    let mut acc = check_bit(l, 1);
    for i in 2..=arg_count(l) {
        acc = op(acc, check_bit(l, i));
    }
    push_bit(l, acc)
}

unsafe extern "C-unwind" fn bit_band(l: *mut lua_State) -> c_int {
    fold_bits(l, bitops::band)
}

unsafe extern "C-unwind" fn bit_bor(l: *mut lua_State) -> c_int {
    fold_bits(l, bitops::bor)
}

unsafe extern "C-unwind" fn bit_bxor(l: *mut lua_State) -> c_int {
    fold_bits(l, bitops::bxor)
}

/// Shifts and rotates: value, then count.
fn shift(l: *mut lua_State, op: fn(i32, i32) -> i32) -> c_int {
    let x = check_bit(l, 1);
    let n = check_bit(l, 2);
    push_bit(l, op(x, n))
}

unsafe extern "C-unwind" fn bit_lshift(l: *mut lua_State) -> c_int {
    shift(l, bitops::lshift)
}

unsafe extern "C-unwind" fn bit_rshift(l: *mut lua_State) -> c_int {
    shift(l, bitops::rshift)
}

unsafe extern "C-unwind" fn bit_arshift(l: *mut lua_State) -> c_int {
    shift(l, bitops::arshift)
}

unsafe extern "C-unwind" fn bit_rol(l: *mut lua_State) -> c_int {
    shift(l, bitops::rol)
}

unsafe extern "C-unwind" fn bit_ror(l: *mut lua_State) -> c_int {
    shift(l, bitops::ror)
}

/// `bit.tohex(x [, n])`: n defaults to 8 only when absent (an explicit nil
/// is an argument error, as in LuaJIT).
unsafe extern "C-unwind" fn bit_tohex(l: *mut lua_State) -> c_int {
    let x = check_bit(l, 1);
    let n = if arg_count(l) >= 2 {
        check_bit(l, 2)
    } else {
        8
    };
    push_str(l, &bitops::tohex(x, n));
    1
}

#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_bit(l: *mut lua_State) -> c_int {
    // LuaJIT's builtin ids, so tostring(bit.band) reads "builtin#72".
    let funcs: [(&str, CFn, u8); 12] = [
        ("arshift", bit_arshift, 69),
        ("band", bit_band, 72),
        ("bnot", bit_bnot, 65),
        ("bor", bit_bor, 73),
        ("bswap", bit_bswap, 66),
        ("bxor", bit_bxor, 74),
        ("lshift", bit_lshift, 67),
        ("rol", bit_rol, 70),
        ("ror", bit_ror, 71),
        ("rshift", bit_rshift, 68),
        ("tobit", bit_tobit, 64),
        ("tohex", bit_tohex, 75),
    ];
    // SAFETY: l is live.
    unsafe { lua_createtable(l, 0, funcs.len() as c_int) };
    for (name, f, id) in funcs {
        push_cfunc(l, f, id);
        set_field(l, -2, name);
    }
    register_loaded(l, "bit", true);
    1
}
