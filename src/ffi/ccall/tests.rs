//! Calls through the trampoline are checked against direct calls of the
//! same Rust `extern "C"` functions (rustc follows the C ABI exactly for
//! them and for `#[repr(C)]` structs), and against libc.

use super::*;
use std::ffi::{c_char, c_int, c_long};
use std::mem::{align_of, offset_of, size_of};

fn i64t() -> AbiType {
    AbiType::int(8, true)
}
fn i32t() -> AbiType {
    AbiType::int(4, true)
}

fn spec(ret: AbiType, args: Vec<AbiType>) -> CallSpec {
    let nfixed = args.len();
    CallSpec { ret, args, nfixed }
}

fn p<T>(x: &T) -> *const u8 {
    x as *const T as *const u8
}

/// Call through the trampoline and read the result as an `R`. The return
/// buffer starts out filled with a pattern that no result relies on.
unsafe fn ccall<R: Copy>(f: *const (), spec: &CallSpec, args: &[*const u8]) -> R {
    let mut buf = [0xa5a5_a5a5_a5a5_a5a5_u64; 16];
    // SAFETY: the caller passes a function of the spec's C type and one
    // pointer per argument to a value of its type; buf has 128 bytes, room
    // for every return value the tests use.
    unsafe {
        CallPlan::new(spec).call(f as *const c_void, args, buf.as_mut_ptr() as *mut u8);
        (buf.as_ptr() as *const R).read_unaligned()
    }
}

// --- integer arguments -----------------------------------------------------

macro_rules! weighted_sum {
    ($name:ident; $($a:ident),*) => {
        #[allow(unused_mut)]
        extern "C" fn $name($($a: i64),*) -> i64 {
            let mut sum = 0i64;
            let mut weight = 1i64;
            $( sum += $a * weight; weight += 1; )*
            let _ = weight;
            sum
        }
    };
}
weighted_sum!(sum0;);
weighted_sum!(sum1; a1);
weighted_sum!(sum2; a1, a2);
weighted_sum!(sum3; a1, a2, a3);
weighted_sum!(sum4; a1, a2, a3, a4);
weighted_sum!(sum5; a1, a2, a3, a4, a5);
weighted_sum!(sum6; a1, a2, a3, a4, a5, a6);
weighted_sum!(sum7; a1, a2, a3, a4, a5, a6, a7);
weighted_sum!(sum8; a1, a2, a3, a4, a5, a6, a7, a8);
weighted_sum!(sum9; a1, a2, a3, a4, a5, a6, a7, a8, a9);
weighted_sum!(sum10; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
weighted_sum!(sum11; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
weighted_sum!(sum12; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
weighted_sum!(sum13; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
weighted_sum!(sum14; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14);
weighted_sum!(sum15; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
weighted_sum!(sum16; a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);

#[test]
fn zero_to_sixteen_integer_arguments() {
    let fns: [*const (); 17] = [
        sum0 as *const (),
        sum1 as *const (),
        sum2 as *const (),
        sum3 as *const (),
        sum4 as *const (),
        sum5 as *const (),
        sum6 as *const (),
        sum7 as *const (),
        sum8 as *const (),
        sum9 as *const (),
        sum10 as *const (),
        sum11 as *const (),
        sum12 as *const (),
        sum13 as *const (),
        sum14 as *const (),
        sum15 as *const (),
        sum16 as *const (),
    ];
    let values: Vec<i64> = (0..16)
        .map(|i| if i % 2 == 0 { 1 + i } else { -(1 << 40) - i })
        .collect();
    for (n, &f) in fns.iter().enumerate() {
        let args: Vec<*const u8> = values[..n].iter().map(p).collect();
        let expected: i64 = values[..n]
            .iter()
            .zip(1i64..)
            .map(|(v, weight)| v * weight)
            .sum();
        // SAFETY: the spec describes the called function's C signature, and each argument
        // pointer points at a local of its argument's type.
        let got: i64 = unsafe { ccall(f, &spec(i64t(), vec![i64t(); n]), &args) };
        assert_eq!(got, expected, "{n} arguments");
    }
}

extern "C" fn small_ints(
    a: u8,
    b: i8,
    c: u16,
    d: i16,
    e: bool,
    f: u32,
    g: i32,
    h: i8,
    i: u8,
    j: i16,
) -> i64 {
    a as i64 + 1000 * b as i64 + 7 * c as i64 + 13 * d as i64 + 100_000 * e as i64 + 3 * f as i64
        - 5 * g as i64
        + 17 * h as i64
        + 19 * i as i64
        + 23 * j as i64
}

#[test]
fn small_integers_are_widened_per_signedness() {
    let (a, b, c, d, e, f, g, h, i, j) = (
        200u8,
        -100i8,
        60000u16,
        -30000i16,
        true,
        4_000_000_000u32,
        -7i32,
        -1i8,
        255u8,
        -1i16,
    );
    let s = spec(
        i64t(),
        vec![
            AbiType::int(1, false),
            AbiType::int(1, true),
            AbiType::int(2, false),
            AbiType::int(2, true),
            AbiType::int(1, false),
            AbiType::int(4, false),
            AbiType::int(4, true),
            AbiType::int(1, true),
            AbiType::int(1, false),
            AbiType::int(2, true),
        ],
    );
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: i64 = unsafe {
        ccall(
            small_ints as *const (),
            &s,
            &[
                p(&a),
                p(&b),
                p(&c),
                p(&d),
                p(&e),
                p(&f),
                p(&g),
                p(&h),
                p(&i),
                p(&j),
            ],
        )
    };
    assert_eq!(got, small_ints(a, b, c, d, e, f, g, h, i, j));
}

extern "C" fn ret_i8(x: i32) -> i8 {
    x as i8
}
extern "C" fn ret_u16(x: i32) -> u16 {
    x as u16
}
extern "C" fn ret_bool(x: i32) -> bool {
    x != 0
}
extern "C" fn ret_ptr(x: *const u8) -> *const u8 {
    x.wrapping_add(1)
}

#[test]
fn small_integer_and_pointer_returns() {
    let x = -5i32;
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: i8 = unsafe {
        ccall(
            ret_i8 as *const (),
            &spec(AbiType::int(1, true), vec![i32t()]),
            &[p(&x)],
        )
    };
    assert_eq!(r, -5);
    let x = 70000i32;
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: u16 = unsafe {
        ccall(
            ret_u16 as *const (),
            &spec(AbiType::int(2, false), vec![i32t()]),
            &[p(&x)],
        )
    };
    assert_eq!(r, 70000u32 as u16);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: u8 = unsafe {
        ccall(
            ret_bool as *const (),
            &spec(AbiType::int(1, false), vec![i32t()]),
            &[p(&x)],
        )
    };
    assert_eq!(r, 1);
    let q = 0x1000usize as *const u8;
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: usize = unsafe {
        ccall(
            ret_ptr as *const (),
            &spec(AbiType::ptr(), vec![AbiType::ptr()]),
            &[p(&q)],
        )
    };
    assert_eq!(r, 0x1001);
}

// --- floating point --------------------------------------------------------

#[allow(clippy::too_many_arguments)]
extern "C" fn float_mix(
    a: f32,
    b: f64,
    c: i32,
    d: f32,
    e: f64,
    f: u8,
    g: f32,
    h: f64,
    i: f64,
    j: f64,
    k: f32,
    l: f64,
    m: i64,
    n: f32,
) -> f64 {
    a as f64
        + 2.0 * b
        + 3.0 * c as f64
        + 5.0 * d as f64
        + 7.0 * e
        + 11.0 * f as f64
        + 13.0 * g as f64
        + 17.0 * h
        - 19.0 * i
        + 23.0 * j
        + 29.0 * k as f64
        + 31.0 * l
        + 37.0 * m as f64
        + 41.0 * n as f64
}

#[test]
fn mixed_float_double_int_arguments_spill_to_stack() {
    let (a, b, c, d, e, f, g) = (1.5f32, 2.25f64, -3i32, 4.125f32, 1e10f64, 250u8, -0.5f32);
    let (h, i, j, k, l, m, n) = (
        3.0f64,
        1.0f64 / 3.0,
        -7.5f64,
        1e-3f32,
        9.75f64,
        -(1i64 << 50),
        0.25f32,
    );
    let s = spec(
        AbiType::Double,
        vec![
            AbiType::Float,
            AbiType::Double,
            i32t(),
            AbiType::Float,
            AbiType::Double,
            AbiType::int(1, false),
            AbiType::Float,
            AbiType::Double,
            AbiType::Double,
            AbiType::Double,
            AbiType::Float,
            AbiType::Double,
            i64t(),
            AbiType::Float,
        ],
    );
    let args = [
        p(&a),
        p(&b),
        p(&c),
        p(&d),
        p(&e),
        p(&f),
        p(&g),
        p(&h),
        p(&i),
        p(&j),
        p(&k),
        p(&l),
        p(&m),
        p(&n),
    ];
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: f64 = unsafe { ccall(float_mix as *const (), &s, &args) };
    assert_eq!(got, float_mix(a, b, c, d, e, f, g, h, i, j, k, l, m, n));
}

extern "C" fn float_ret(a: f32, b: f64) -> f32 {
    a * b as f32
}
extern "C" fn double_ret(a: f32, b: f32) -> f64 {
    a as f64 / b as f64
}

#[test]
fn float_and_double_returns() {
    let (a, b) = (1.25f32, 3.5f64);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: f32 = unsafe {
        ccall(
            float_ret as *const (),
            &spec(AbiType::Float, vec![AbiType::Float, AbiType::Double]),
            &[p(&a), p(&b)],
        )
    };
    assert_eq!(r, 4.375);
    let (a, b) = (1.0f32, 3.0f32);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: f64 = unsafe {
        ccall(
            double_ret as *const (),
            &spec(AbiType::Double, vec![AbiType::Float, AbiType::Float]),
            &[p(&a), p(&b)],
        )
    };
    assert_eq!(r, 1.0 / 3.0);
}

// --- aggregates ------------------------------------------------------------

/// Adds k to a field (wrapping for integers, as C would for unsigned).
trait Bump {
    fn bump(self, k: i32) -> Self;
}
macro_rules! bump_int {
    ($($t:ty),*) => { $(impl Bump for $t { fn bump(self, k: i32) -> $t { self.wrapping_add(k as $t) } })* };
}
bump_int!(i8, u8, u16, i32, i64);
impl Bump for f32 {
    fn bump(self, k: i32) -> f32 {
        self + k as f32
    }
}
impl Bump for f64 {
    fn bump(self, k: i32) -> f64 {
        self + k as f64
    }
}

/// A `#[repr(C)]` struct with numeric fields, its ABI description, and
/// echo functions: `echo(x, k)` returns x with k added to every field;
/// `echo_late` does the same after most registers were used by earlier
/// arguments (and folds those into k), `echo_full` after all were.
macro_rules! struct_case {
    ($S:ident, $echo:ident, $late:ident, $full:ident, $abi:ident, $($f:ident : $t:ty = $k:expr),*) => {
        #[repr(C)]
        #[derive(Clone, Copy, Debug, PartialEq)]
        struct $S { $($f: $t),* }
        fn $abi() -> AbiType {
            AbiType::Aggregate {
                size: size_of::<$S>() as u32,
                align: align_of::<$S>() as u32,
                leaves: vec![$((offset_of!($S, $f) as u32, $k)),*],
            }
        }
        extern "C" fn $echo(x: $S, k: i32) -> $S {
            $S { $($f: Bump::bump(x.$f, k)),* }
        }
        #[allow(clippy::too_many_arguments)]
        extern "C" fn $late(a1: i64, a2: i64, a3: i64, a4: i64, a5: i64, d1: f64, d2: f64, d3: f64, d4: f64,
                            d5: f64, d6: f64, d7: f64, x: $S, k: i32) -> $S {
            let k = k + (a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5) as i32
                + (d1 + 2.0 * d2 + 3.0 * d3 + 4.0 * d4 + 5.0 * d5 + 6.0 * d6 + 7.0 * d7) as i32;
            $echo(x, k)
        }
        #[allow(clippy::too_many_arguments)]
        extern "C" fn $full(a1: i64, a2: i64, a3: i64, a4: i64, a5: i64, a6: i64, a7: i64, a8: i64, d1: f64,
                            d2: f64, d3: f64, d4: f64, d5: f64, d6: f64, d7: f64, d8: f64, x: $S, k: i32) -> $S {
            let k = k + (a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8) as i32
                + (d1 + 2.0 * d2 + 3.0 * d3 + 4.0 * d4 + 5.0 * d5 + 6.0 * d6 + 7.0 * d7 + 8.0 * d8) as i32;
            $echo(x, k)
        }
    };
}

use Scalar::{Double as D, Float as F, Int as I};
struct_case!(II, echo_ii, late_ii, full_ii, abi_ii, a: i32 = I(4), b: i32 = I(4));
struct_case!(DD, echo_dd, late_dd, full_dd, abi_dd, a: f64 = D, b: f64 = D);
struct_case!(Fff, echo_fff, late_fff, full_fff, abi_fff, a: f32 = F, b: f32 = F, c: f32 = F);
struct_case!(F4, echo_f4, late_f4, full_f4, abi_f4, a: f32 = F, b: f32 = F, c: f32 = F, d: f32 = F);
struct_case!(D4, echo_d4, late_d4, full_d4, abi_d4, a: f64 = D, b: f64 = D, c: f64 = D, d: f64 = D);
struct_case!(LD, echo_ld, late_ld, full_ld, abi_ld, a: i64 = I(8), b: f64 = D);
struct_case!(DI, echo_di, late_di, full_di, abi_di, a: f64 = D, b: i32 = I(4));
struct_case!(FI, echo_fi, late_fi, full_fi, abi_fi, a: f32 = F, b: i32 = I(4));
struct_case!(BS, echo_bs, late_bs, full_bs, abi_bs, a: u8 = I(1), b: u16 = I(2));
struct_case!(C3, echo_c3, late_c3, full_c3, abi_c3, a: u8 = I(1), b: u8 = I(1), c: i8 = I(1));
struct_case!(F1, echo_f1, late_f1, full_f1, abi_f1, a: f32 = F);
struct_case!(Big, echo_big, late_big, full_big, abi_big, a: i64 = I(8), b: i64 = I(8), c: i64 = I(8), d: i64 = I(8));
struct_case!(M24, echo_m24, late_m24, full_m24, abi_m24, a: f64 = D, b: i32 = I(4), c: f32 = F, d: i64 = I(8));
struct_case!(S12, echo_s12, late_s12, full_s12, abi_s12, a: i32 = I(4), b: f32 = F, c: i32 = I(4));

/// Check the three echo functions of one struct case through the trampoline.
fn check_struct_case<S: Copy + PartialEq + std::fmt::Debug>(
    abi: AbiType,
    value: S,
    echo: extern "C" fn(S, i32) -> S,
    late: extern "C" fn(i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64, S, i32) -> S,
    full: extern "C" fn(
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        S,
        i32,
    ) -> S,
) {
    let k = 3i32;
    let before = value;
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: S = unsafe {
        ccall(
            echo as *const (),
            &spec(abi.clone(), vec![abi.clone(), i32t()]),
            &[p(&value), p(&k)],
        )
    };
    assert_eq!(got, echo(value, k), "echo");
    assert_eq!(value, before, "the argument was modified");

    let ints: Vec<i64> = (1..=8).collect();
    let doubles: Vec<f64> = (1..=8).map(|i| i as f64 * 0.5).collect();
    let mut types = vec![i64t(); 5];
    types.extend(vec![AbiType::Double; 7]);
    types.extend([abi.clone(), i32t()]);
    let mut args: Vec<*const u8> = ints[..5].iter().map(p).collect();
    args.extend(doubles[..7].iter().map(p));
    args.extend([p(&value), p(&k)]);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: S = unsafe { ccall(late as *const (), &spec(abi.clone(), types), &args) };
    let (i, d) = (&ints, &doubles);
    assert_eq!(
        got,
        late(i[0], i[1], i[2], i[3], i[4], d[0], d[1], d[2], d[3], d[4], d[5], d[6], value, k),
        "late"
    );

    let mut types = vec![i64t(); 8];
    types.extend(vec![AbiType::Double; 8]);
    types.extend([abi.clone(), i32t()]);
    let mut args: Vec<*const u8> = ints.iter().map(p).collect();
    args.extend(doubles.iter().map(p));
    args.extend([p(&value), p(&k)]);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: S = unsafe { ccall(full as *const (), &spec(abi, types), &args) };
    let expected = full(
        i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], d[0], d[1], d[2], d[3], d[4], d[5], d[6],
        d[7], value, k,
    );
    assert_eq!(got, expected, "full");
}

#[test]
fn structs_by_value_as_arguments_and_returns() {
    check_struct_case(
        abi_ii(),
        II { a: -1, b: 1 << 30 },
        echo_ii,
        late_ii,
        full_ii,
    );
    check_struct_case(
        abi_dd(),
        DD { a: 0.5, b: -1e300 },
        echo_dd,
        late_dd,
        full_dd,
    );
    check_struct_case(
        abi_fff(),
        Fff {
            a: 1.5,
            b: 2.5,
            c: -3.5,
        },
        echo_fff,
        late_fff,
        full_fff,
    );
    check_struct_case(
        abi_f4(),
        F4 {
            a: 1.0,
            b: 2.0,
            c: 3.0,
            d: 4.0,
        },
        echo_f4,
        late_f4,
        full_f4,
    );
    check_struct_case(
        abi_d4(),
        D4 {
            a: 1.0,
            b: 2.0,
            c: 3.0,
            d: 4.0,
        },
        echo_d4,
        late_d4,
        full_d4,
    );
    check_struct_case(
        abi_ld(),
        LD {
            a: -(1 << 40),
            b: 0.25,
        },
        echo_ld,
        late_ld,
        full_ld,
    );
    check_struct_case(abi_di(), DI { a: 0.125, b: -9 }, echo_di, late_di, full_di);
    check_struct_case(abi_fi(), FI { a: 0.125, b: -9 }, echo_fi, late_fi, full_fi);
    check_struct_case(abi_bs(), BS { a: 7, b: 60000 }, echo_bs, late_bs, full_bs);
    check_struct_case(
        abi_c3(),
        C3 { a: 1, b: 2, c: -3 },
        echo_c3,
        late_c3,
        full_c3,
    );
    check_struct_case(abi_f1(), F1 { a: 0.75 }, echo_f1, late_f1, full_f1);
    check_struct_case(
        abi_big(),
        Big {
            a: 1,
            b: -2,
            c: 3 << 40,
            d: -4,
        },
        echo_big,
        late_big,
        full_big,
    );
    check_struct_case(
        abi_m24(),
        M24 {
            a: 1.5,
            b: -2,
            c: 0.25,
            d: 1 << 50,
        },
        echo_m24,
        late_m24,
        full_m24,
    );
    check_struct_case(
        abi_s12(),
        S12 {
            a: 1,
            b: 2.5,
            c: -3,
        },
        echo_s12,
        late_s12,
        full_s12,
    );
}

extern "C" fn scribble_big(mut x: Big) -> i64 {
    x.a += 100;
    x.b += 100;
    x.a + x.b + x.c + x.d
}

#[test]
fn large_struct_argument_is_passed_as_a_copy() {
    let x = Big {
        a: 1,
        b: 2,
        c: 3,
        d: 4,
    };
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: i64 = unsafe {
        ccall(
            scribble_big as *const (),
            &spec(i64t(), vec![abi_big()]),
            &[p(&x)],
        )
    };
    assert_eq!(got, 210);
    assert_eq!(
        x,
        Big {
            a: 1,
            b: 2,
            c: 3,
            d: 4
        }
    );
}

extern "C" fn many_structs(
    a: DD,
    b: Big,
    c: LD,
    d: F4,
    e: Big,
    f: II,
    g: Fff,
    h: DI,
    i: M24,
    j: BS,
) -> f64 {
    a.a + 2.0 * a.b
        + 3.0 * (b.a + b.d) as f64
        + 5.0 * c.a as f64
        + 7.0 * c.b
        + 11.0 * (d.a + d.d) as f64
        + 13.0 * (e.b + e.c) as f64
        + 17.0 * (f.a - f.b) as f64
        + 19.0 * g.c as f64
        + 23.0 * h.a
        + 29.0 * h.b as f64
        + 31.0 * i.c as f64
        + 37.0 * i.d as f64
        + 41.0 * j.b as f64
}

#[test]
fn many_struct_arguments_exhaust_registers() {
    let a = DD { a: 1.0, b: 2.0 };
    let b = Big {
        a: 3,
        b: 4,
        c: 5,
        d: 6,
    };
    let c = LD { a: 7, b: 8.5 };
    let d = F4 {
        a: 9.0,
        b: 10.0,
        c: 11.0,
        d: 12.0,
    };
    let e = Big {
        a: 13,
        b: 14,
        c: 15,
        d: 16,
    };
    let f = II { a: 17, b: 18 };
    let g = Fff {
        a: 19.0,
        b: 20.0,
        c: 21.0,
    };
    let h = DI { a: 22.0, b: 23 };
    let i = M24 {
        a: 24.0,
        b: 25,
        c: 26.0,
        d: 27,
    };
    let j = BS { a: 28, b: 29 };
    let s = spec(
        AbiType::Double,
        vec![
            abi_dd(),
            abi_big(),
            abi_ld(),
            abi_f4(),
            abi_big(),
            abi_ii(),
            abi_fff(),
            abi_di(),
            abi_m24(),
            abi_bs(),
        ],
    );
    let args = [
        p(&a),
        p(&b),
        p(&c),
        p(&d),
        p(&e),
        p(&f),
        p(&g),
        p(&h),
        p(&i),
        p(&j),
    ];
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: f64 = unsafe { ccall(many_structs as *const (), &s, &args) };
    assert_eq!(got, many_structs(a, b, c, d, e, f, g, h, i, j));
}

#[test]
fn empty_argument_list_and_void_return() {
    extern "C" fn bump(x: *mut i32) {
        // SAFETY: the test passes a valid pointer.
        unsafe { *x += 1 }
    }
    let mut n = 41i32;
    let q = &mut n as *mut i32;
    // SAFETY: the spec describes bump's C signature; the argument points at a local int32_t.
    unsafe {
        call(
            bump as *const c_void,
            &spec(AbiType::Void, vec![AbiType::ptr()]),
            &[p(&q)],
            std::ptr::null_mut(),
        )
    };
    assert_eq!(n, 42);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: i64 = unsafe { ccall(sum0 as *const (), &spec(i64t(), vec![]), &[]) };
    assert_eq!(r, 0);
}

#[test]
fn many_stack_arguments_use_the_heap_image() {
    // 70 variadic doubles: far more stack than the inline image holds.
    let values: Vec<f64> = (0..70).map(|i| i as f64 + 0.5).collect();
    let mut fmt = String::new();
    for _ in 0..70 {
        fmt.push_str("%g,");
    }
    fmt.push('\0');
    let mut buf = vec![0u8; 2000];
    let (bufp, n, fmtp) = (buf.as_mut_ptr(), buf.len(), fmt.as_ptr());
    let mut types = vec![AbiType::ptr(), AbiType::int(8, false), AbiType::ptr()];
    types.extend(vec![AbiType::Double; 70]);
    let s = CallSpec {
        ret: i32t(),
        args: types,
        nfixed: 3,
    };
    let mut args = vec![p(&bufp), p(&n), p(&fmtp)];
    args.extend(values.iter().map(p));
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let len: i32 = unsafe { ccall(snprintf as *const (), &s, &args) };
    let expected: String = values.iter().map(|v| format!("{v},")).collect();
    assert_eq!(&buf[..len as usize], expected.as_bytes());
}

// --- libc -------------------------------------------------------------------

#[repr(C)]
#[derive(Debug, PartialEq, Clone, Copy)]
struct DivT {
    quot: c_int,
    rem: c_int,
}
#[repr(C)]
#[derive(Debug, PartialEq, Clone, Copy)]
struct LDivT {
    quot: c_long,
    rem: c_long,
}

extern "C" {
    fn snprintf(buf: *mut c_char, n: usize, fmt: *const c_char, ...) -> c_int;
    fn strlen(s: *const c_char) -> usize;
    fn div(a: c_int, b: c_int) -> DivT;
    fn ldiv(a: c_long, b: c_long) -> LDivT;
}

#[test]
fn libc_strlen_div_ldiv() {
    let s = c"hello, world".as_ptr();
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let n: usize = unsafe {
        ccall(
            strlen as *const (),
            &spec(AbiType::int(8, false), vec![AbiType::ptr()]),
            &[p(&s)],
        )
    };
    assert_eq!(n, 12);
    let div_abi = AbiType::Aggregate {
        size: 8,
        align: 4,
        leaves: vec![(0, I(4)), (4, I(4))],
    };
    let (a, b) = (-17i32, 5i32);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: DivT = unsafe {
        ccall(
            div as *const (),
            &spec(div_abi, vec![i32t(), i32t()]),
            &[p(&a), p(&b)],
        )
    };
    assert_eq!(r, DivT { quot: -3, rem: -2 });
    let ldiv_abi = AbiType::Aggregate {
        size: 16,
        align: 8,
        leaves: vec![(0, I(8)), (8, I(8))],
    };
    let (a, b) = (1i64 << 40, -7i64);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: LDivT = unsafe {
        ccall(
            ldiv as *const (),
            &spec(ldiv_abi, vec![i64t(), i64t()]),
            &[p(&a), p(&b)],
        )
    };
    assert_eq!(
        r,
        LDivT {
            quot: (1i64 << 40) / -7,
            rem: (1i64 << 40) % -7
        }
    );
}

#[test]
fn libc_snprintf_variadic_ints_doubles_strings() {
    let mut buf = [0u8; 200];
    let (bufp, n) = (buf.as_mut_ptr(), buf.len());
    let fmt = c"%d|%.3f|%s|%g|%ld|%c|%.1f|%.2f|%.2f|%.2f|%.2f|%.2f|%.2f|%.2f|%d".as_ptr();
    let (i1, d1, s1, d2, l1, c1) = (
        -42i32,
        1.23456f64,
        c"str".as_ptr(),
        1e-5f64,
        1i64 << 40,
        b'x' as i32,
    );
    let ds = [1.5f64, 2.25, 3.125, 4.0, 5.5, 6.75, 7.0, 8.25];
    let last = 99i32;
    let mut types = vec![AbiType::ptr(), AbiType::int(8, false), AbiType::ptr()];
    types.extend([
        i32t(),
        AbiType::Double,
        AbiType::ptr(),
        AbiType::Double,
        i64t(),
        i32t(),
    ]);
    types.extend(vec![AbiType::Double; 8]);
    types.push(i32t());
    let s = CallSpec {
        ret: i32t(),
        args: types,
        nfixed: 3,
    };
    let mut args = vec![
        p(&bufp),
        p(&n),
        p(&fmt),
        p(&i1),
        p(&d1),
        p(&s1),
        p(&d2),
        p(&l1),
        p(&c1),
    ];
    args.extend(ds.iter().map(p));
    args.push(p(&last));
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let len: i32 = unsafe { ccall(snprintf as *const (), &s, &args) };
    let expected = "-42|1.235|str|1e-05|1099511627776|x|1.5|2.25|3.12|4.00|5.50|6.75|7.00|8.25|99";
    assert_eq!(std::str::from_utf8(&buf[..len as usize]).unwrap(), expected);
}

// --- unwinding ----------------------------------------------------------------

extern "C-unwind" fn throws(x: i32) -> i32 {
    if x > 0 {
        std::panic::resume_unwind(Box::new(x));
    }
    x
}

#[test]
fn rust_unwind_passes_through_the_call_trampoline() {
    let x = 7i32;
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r = std::panic::catch_unwind(|| unsafe {
        ccall::<i32>(throws as *const (), &spec(i32t(), vec![i32t()]), &[p(&x)])
    });
    let payload = r.expect_err("the call should have unwound");
    assert_eq!(payload.downcast_ref::<i32>(), Some(&7));
    let x = -1i32;
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: i32 = unsafe { ccall(throws as *const (), &spec(i32t(), vec![i32t()]), &[p(&x)]) };
    assert_eq!(r, -1);
}

// --- callbacks ----------------------------------------------------------------

/// What the test handler sees: the plan of each slot, and records the
/// slot and the bytes of each argument; returns `ret` bytes.
struct Recorder {
    plan: CallPlan,
    arg_sizes: Vec<u32>,
    slots: Vec<u32>,
    args: Vec<Vec<u8>>,
    ret: Vec<u8>,
    throw_on_slot: Option<u32>,
}

impl Recorder {
    fn new(spec: &CallSpec, ret: Vec<u8>) -> Box<Recorder> {
        Box::new(Recorder {
            plan: CallPlan::new(spec),
            arg_sizes: spec.args.iter().map(|a| a.size()).collect(),
            slots: Vec::new(),
            args: Vec::new(),
            ret,
            throw_on_slot: None,
        })
    }

    fn arg<T: Copy>(&self, i: usize) -> T {
        assert_eq!(self.args[i].len(), size_of::<T>());
        // SAFETY: the bytes are a value of T (checked size).
        unsafe { (self.args[i].as_ptr() as *const T).read_unaligned() }
    }
}

unsafe extern "C-unwind" fn record(ctx: *mut c_void, slot: u32, regs: *mut CallbackRegs) {
    // SAFETY: the tests pass a live Recorder as ctx.
    let rec = unsafe { &mut *(ctx as *mut Recorder) };
    if rec.throw_on_slot == Some(slot) {
        std::panic::resume_unwind(Box::new(slot));
    }
    rec.slots.push(slot);
    let mut ptrs = Vec::new();
    // SAFETY: regs comes from the stub; the plan matches the C type.
    unsafe { rec.plan.callback_arg_ptrs(regs, &mut ptrs) };
    assert_eq!(ptrs.len(), rec.arg_sizes.len());
    rec.args = ptrs
        .iter()
        .zip(&rec.arg_sizes)
        // SAFETY: each pointer addresses its argument's bytes.
        .map(|(&q, &n)| unsafe { std::slice::from_raw_parts(q, n as usize) }.to_vec())
        .collect();
    if !rec.ret.is_empty() {
        // SAFETY: as above; ret holds a value of the return type.
        unsafe { rec.plan.callback_set_return(regs, rec.ret.as_ptr()) };
    }
}

fn bytes_of<T>(x: &T) -> Vec<u8> {
    // SAFETY: any value can be viewed as bytes (tests use padding-free types).
    unsafe { std::slice::from_raw_parts(x as *const T as *const u8, size_of::<T>()) }.to_vec()
}

/// A pool whose handler records into `rec`, and one slot's function pointer.
fn pool_for(rec: &mut Recorder) -> (CallbackPool, u32, usize) {
    let mut pool = CallbackPool::new(rec as *mut Recorder as *mut c_void, record);
    let slot = pool.alloc_slot().expect("executable memory");
    let addr = pool.slot_address(slot) as usize;
    (pool, slot, addr)
}

#[test]
fn callback_int_arguments_and_return() {
    let s = spec(
        i32t(),
        vec![i32t(), AbiType::int(1, true), AbiType::int(2, false)],
    );
    let mut rec = Recorder::new(&s, bytes_of(&-77i32));
    let (_pool, slot, addr) = pool_for(&mut rec);
    // SAFETY: the stub has this C type per the plan.
    let f: extern "C" fn(i32, i8, u16) -> i32 = unsafe { std::mem::transmute(addr) };
    assert_eq!(f(-5, -6, 65535), -77);
    assert_eq!(rec.slots, vec![slot]);
    assert_eq!(
        (rec.arg::<i32>(0), rec.arg::<i8>(1), rec.arg::<u16>(2)),
        (-5, -6, 65535)
    );
}

#[test]
fn callback_floats_and_stack_arguments() {
    let mut types = vec![AbiType::Double, i64t(), AbiType::Float];
    types.extend(vec![i64t(); 8]);
    types.extend(vec![AbiType::Double; 8]);
    types.push(AbiType::Float);
    let s = spec(AbiType::Double, types);
    let mut rec = Recorder::new(&s, bytes_of(&2.5f64));
    let (_pool, _slot, addr) = pool_for(&mut rec);
    type Fn = extern "C" fn(
        f64,
        i64,
        f32,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f64,
        f32,
    ) -> f64;
    // SAFETY: the stub has this C type per the plan.
    let f: Fn = unsafe { std::mem::transmute(addr) };
    let r = f(
        0.5, -1, 1.25, 2, 3, 4, 5, 6, 7, 8, 9, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5,
        18.25,
    );
    assert_eq!(r, 2.5);
    assert_eq!(rec.arg::<f64>(0), 0.5);
    assert_eq!(rec.arg::<i64>(1), -1);
    assert_eq!(rec.arg::<f32>(2), 1.25);
    for i in 0..8 {
        assert_eq!(rec.arg::<i64>(3 + i), 2 + i as i64);
        assert_eq!(rec.arg::<f64>(11 + i), 10.5 + i as f64);
    }
    assert_eq!(rec.arg::<f32>(19), 18.25);
}

#[test]
fn callback_float_return() {
    let s = spec(AbiType::Float, vec![AbiType::Float]);
    let mut rec = Recorder::new(&s, bytes_of(&-0.75f32));
    let (_pool, _slot, addr) = pool_for(&mut rec);
    // SAFETY: the stub has this C type per the plan.
    let f: extern "C" fn(f32) -> f32 = unsafe { std::mem::transmute(addr) };
    assert_eq!(f(3.0), -0.75);
    assert_eq!(rec.arg::<f32>(0), 3.0);
}

/// A callback taking (i64 x 5, f64 x 7, S, S) and returning S.
fn check_callback_struct<S: Copy + PartialEq + std::fmt::Debug>(abi: AbiType, a: S, b: S, r: S) {
    let mut types = vec![i64t(); 5];
    types.extend(vec![AbiType::Double; 7]);
    types.extend([abi.clone(), abi.clone()]);
    let s = spec(abi, types);
    let mut rec = Recorder::new(&s, bytes_of(&r));
    let (_pool, _slot, addr) = pool_for(&mut rec);
    type Fn<S> =
        extern "C" fn(i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64, S, S) -> S;
    // SAFETY: the stub has this C type per the plan.
    let f: Fn<S> = unsafe { std::mem::transmute(addr) };
    let got = f(1, 2, 3, 4, 5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, a, b);
    assert_eq!(got, r);
    for i in 0..5 {
        assert_eq!(rec.arg::<i64>(i), 1 + i as i64);
    }
    for i in 0..7 {
        assert_eq!(rec.arg::<f64>(5 + i), 1.5 + i as f64);
    }
    assert_eq!(rec.arg::<S>(12), a);
    assert_eq!(rec.arg::<S>(13), b);
}

#[test]
fn callback_structs_by_value() {
    check_callback_struct(
        abi_ii(),
        II { a: 1, b: -2 },
        II { a: 3, b: 4 },
        II { a: -5, b: 6 },
    );
    check_callback_struct(
        abi_dd(),
        DD { a: 1.0, b: -2.0 },
        DD { a: 3.0, b: 4.0 },
        DD { a: -5.0, b: 6.0 },
    );
    check_callback_struct(
        abi_fff(),
        Fff {
            a: 1.0,
            b: -2.0,
            c: 9.0,
        },
        Fff {
            a: 3.0,
            b: 4.0,
            c: 0.5,
        },
        Fff {
            a: -5.0,
            b: 6.0,
            c: 7.0,
        },
    );
    check_callback_struct(
        abi_f4(),
        F4 {
            a: 1.0,
            b: 2.0,
            c: 3.0,
            d: 4.0,
        },
        F4 {
            a: 5.0,
            b: 6.0,
            c: 7.0,
            d: 8.0,
        },
        F4 {
            a: -1.0,
            b: -2.0,
            c: -3.0,
            d: -4.0,
        },
    );
    check_callback_struct(
        abi_d4(),
        D4 {
            a: 1.0,
            b: 2.0,
            c: 3.0,
            d: 4.0,
        },
        D4 {
            a: 5.0,
            b: 6.0,
            c: 7.0,
            d: 8.0,
        },
        D4 {
            a: -1.0,
            b: -2.0,
            c: -3.0,
            d: -4.0,
        },
    );
    check_callback_struct(
        abi_ld(),
        LD { a: 1, b: 2.0 },
        LD { a: 3, b: 4.0 },
        LD { a: -5, b: 6.0 },
    );
    check_callback_struct(
        abi_fi(),
        FI { a: 1.0, b: 2 },
        FI { a: 3.0, b: 4 },
        FI { a: -5.0, b: 6 },
    );
    check_callback_struct(
        abi_bs(),
        BS { a: 1, b: 2 },
        BS { a: 3, b: 4 },
        BS { a: 5, b: 6 },
    );
    check_callback_struct(
        abi_big(),
        Big {
            a: 1,
            b: 2,
            c: 3,
            d: 4,
        },
        Big {
            a: 5,
            b: 6,
            c: 7,
            d: 8,
        },
        Big {
            a: 9,
            b: 10,
            c: 11,
            d: 12,
        },
    );
    check_callback_struct(
        abi_m24(),
        M24 {
            a: 1.0,
            b: 2,
            c: 3.0,
            d: 4,
        },
        M24 {
            a: 5.0,
            b: 6,
            c: 7.0,
            d: 8,
        },
        M24 {
            a: 9.0,
            b: 10,
            c: 11.0,
            d: 12,
        },
    );
}

#[test]
fn callback_pool_grows_and_reuses_slots() {
    let s = spec(i32t(), vec![i32t()]);
    let mut rec = Recorder::new(&s, bytes_of(&5i32));
    let mut pool = CallbackPool::new(&mut *rec as *mut Recorder as *mut c_void, record);
    let slots: Vec<u32> = (0..300).map(|_| pool.alloc_slot().unwrap()).collect();
    assert_eq!(slots, (0..300).collect::<Vec<u32>>());
    for &slot in &[0u32, 1, 127, 128, 200, 299] {
        // SAFETY: every slot's stub has this C type.
        let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(pool.slot_address(slot)) };
        assert_eq!(f(slot as i32 * 2), 5);
        assert_eq!(rec.slots.last(), Some(&slot));
        assert_eq!(rec.arg::<i32>(0), slot as i32 * 2);
    }
    pool.free_slot(42);
    assert_eq!(pool.alloc_slot(), Some(42));
    assert_eq!(pool.alloc_slot(), Some(300));
}

#[test]
fn rust_unwind_passes_through_a_callback_stub() {
    let s = spec(i32t(), vec![i32t()]);
    let mut rec = Recorder::new(&s, bytes_of(&1i32));
    let (_pool, slot, addr) = pool_for(&mut rec);
    rec.throw_on_slot = Some(slot);
    // SAFETY: the stub has this C type; the handler may unwind.
    let f: extern "C-unwind" fn(i32) -> i32 = unsafe { std::mem::transmute(addr) };
    let r = std::panic::catch_unwind(|| f(3));
    assert_eq!(
        r.expect_err("should unwind").downcast_ref::<u32>(),
        Some(&slot)
    );
    rec.throw_on_slot = None;
    assert_eq!(f(3), 1);
}

#[test]
fn callback_called_through_the_call_trampoline() {
    // C -> Lua -> C round trip: ccall a stub.
    let s = spec(AbiType::Double, vec![abi_dd(), i32t(), AbiType::Float]);
    let mut rec = Recorder::new(&s, bytes_of(&-1.5f64));
    let (_pool, _slot, addr) = pool_for(&mut rec);
    let (a, b, c) = (DD { a: 1.0, b: 2.0 }, 3i32, 4.5f32);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: f64 = unsafe { ccall(addr as *const (), &s, &[p(&a), p(&b), p(&c)]) };
    assert_eq!(r, -1.5);
    assert_eq!(
        (rec.arg::<DD>(0), rec.arg::<i32>(1), rec.arg::<f32>(2)),
        (a, b, c)
    );
}

#[allow(clippy::too_many_arguments)]
extern "C" fn straddle(
    a1: i64,
    a2: i64,
    a3: i64,
    a4: i64,
    a5: i64,
    a6: i64,
    a7: i64,
    x: LD,
    k: i32,
    y: II,
) -> f64 {
    (a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7) as f64
        + 11.0 * x.a as f64
        + 13.0 * x.b
        + 17.0 * k as f64
        + 19.0 * y.a as f64
        + 23.0 * y.b as f64
}

#[test]
fn struct_that_would_straddle_registers_and_stack_goes_to_the_stack() {
    let ints: Vec<i64> = (1..=7).collect();
    let (x, k, y) = (LD { a: 100, b: 0.5 }, 9i32, II { a: -3, b: 4 });
    let mut types = vec![i64t(); 7];
    types.extend([abi_ld(), i32t(), abi_ii()]);
    let mut args: Vec<*const u8> = ints.iter().map(p).collect();
    args.extend([p(&x), p(&k), p(&y)]);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let got: f64 = unsafe { ccall(straddle as *const (), &spec(AbiType::Double, types), &args) };
    let i = &ints;
    assert_eq!(
        got,
        straddle(i[0], i[1], i[2], i[3], i[4], i[5], i[6], x, k, y)
    );
}

/// Computes n! by calling its own stub for (n-1)!: nested callbacks.
struct Factorial {
    plan: CallPlan,
    stub: usize,
    depth: u32,
    max_depth: u32,
}

unsafe extern "C-unwind" fn factorial(ctx: *mut c_void, _slot: u32, regs: *mut CallbackRegs) {
    // SAFETY: the test passes a live Factorial; regs and the plan match.
    let f = unsafe { &mut *(ctx as *mut Factorial) };
    let mut ptrs = Vec::new();
    // SAFETY: regs comes from the stub for a call of the plan's C type.
    unsafe { f.plan.callback_arg_ptrs(regs, &mut ptrs) };
    // SAFETY: the first argument is an int64_t, located by callback_arg_ptrs.
    let n = unsafe { (ptrs[0] as *const i64).read() };
    f.depth += 1;
    f.max_depth = f.max_depth.max(f.depth);
    let r: i64 = if n <= 1 {
        1
    } else {
        // SAFETY: the stub has the type int64_t(*)(int64_t, double).
        let g: extern "C" fn(i64, f64) -> i64 = unsafe { std::mem::transmute(f.stub) };
        n * g(n - 1, 0.5)
    };
    f.depth -= 1;
    // SAFETY: as above; r is a value of the return type.
    unsafe { f.plan.callback_set_return(regs, p(&r)) };
}

#[test]
fn nested_callbacks_reenter_the_stub() {
    let s = spec(i64t(), vec![i64t(), AbiType::Double]);
    let mut f = Box::new(Factorial {
        plan: CallPlan::new(&s),
        stub: 0,
        depth: 0,
        max_depth: 0,
    });
    let mut pool = CallbackPool::new(&mut *f as *mut Factorial as *mut c_void, factorial);
    let slot = pool.alloc_slot().unwrap();
    f.stub = pool.slot_address(slot) as usize;
    let (n, x) = (15i64, 0.5f64);
    // SAFETY: the spec describes the called function's C signature, and each argument pointer
    // points at a local of its argument's type.
    let r: i64 = unsafe { ccall(f.stub as *const (), &s, &[p(&n), p(&x)]) };
    assert_eq!(r, (1..=15).product::<i64>());
    assert_eq!((f.max_depth, f.depth), (15, 0));
}
