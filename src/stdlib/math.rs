//! The `math` library with LuaJIT 2.1's results: min/max with the SSE
//! operand order (NaN handling, signed zeros), `log(x, base)`, `ldexp`
//! with a truncated double exponent, `deg`/`rad` as plain multiplications
//! (they are Lua functions in LuaJIT), and LuaJIT's Tausworthe generator
//! for `random`/`randomseed`.

use super::random::RandomState;
use super::*;
use crate::meta;
use crate::state::State;
use std::os::raw::c_int;

fn push_num_result(l: State, x: f64) -> c_int {
    push_num(l, x);
    1
}

/// Unary functions: one number argument (numeric strings accepted).
macro_rules! unary {
    ($($name:ident => $f:expr;)*) => {$(
        extern "C-unwind" fn $name(l: State) -> c_int {
            let f: fn(f64) -> f64 = $f;
            push_num_result(l, f(check_num(l, 1)))
        }
    )*};
}

unary! {
    m_abs => f64::abs;
    m_ceil => f64::ceil;
    m_floor => f64::floor;
    m_sqrt => f64::sqrt;
    m_sin => f64::sin;
    m_cos => f64::cos;
    m_tan => f64::tan;
    m_asin => f64::asin;
    m_acos => f64::acos;
    m_atan => f64::atan;
    m_exp => f64::exp;
    m_log10 => f64::log10;
    m_sinh => f64::sinh;
    m_cosh => f64::cosh;
    m_tanh => f64::tanh;
}

extern "C-unwind" fn m_atan2(l: State) -> c_int {
    let y = check_num(l, 1);
    let x = check_num(l, 2);
    push_num_result(l, y.atan2(x))
}

extern "C-unwind" fn m_pow(l: State) -> c_int {
    let x = check_num(l, 1);
    let y = check_num(l, 2);
    push_num_result(l, meta::num_pow(x, y))
}

extern "C-unwind" fn m_fmod(l: State) -> c_int {
    let x = check_num(l, 1);
    let y = check_num(l, 2);
    push_num_result(l, x % y)
}

/// `math.log(x [, base])`: with a base, LuaJIT computes
/// log2(x) * (1 / log2(base)), which is what we must round like.
extern "C-unwind" fn m_log(l: State) -> c_int {
    let x = check_num(l, 1);
    if arg_count(l) >= 2 {
        let base = check_num(l, 2);
        return push_num_result(l, x.log2() * (1.0 / base.log2()));
    }
    push_num_result(l, x.ln())
}

/// `math.modf`: the integral part, and a fraction carrying x's sign
/// (zero for infinities).
extern "C-unwind" fn m_modf(l: State) -> c_int {
    let x = check_num(l, 1);
    let int = x.trunc();
    let frac = if x.is_infinite() { 0.0 } else { x - int };
    push_num(l, int);
    push_num(l, frac.copysign(x));
    2
}

/// C's frexp: x = m * 2^e with 0.5 <= |m| < 1; zeros, infinities and NaN
/// come back unchanged with e = 0.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, bias) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(64), -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022 + bias)
}

extern "C-unwind" fn m_frexp(l: State) -> c_int {
    let (m, e) = frexp(check_num(l, 1));
    push_num(l, m);
    push_num(l, e as f64);
    2
}

/// x * 2^n for an integer n, rounded once (C's scalbn).
fn scalbn(x: f64, n: i32) -> f64 {
    let two_pow = |k: i32| f64::from_bits(((1023 + k) as u64) << 52);
    let mut y = x;
    let mut n = n;
    if n > 1023 {
        // Scale in steps that cannot lose bits before the final product.
        for _ in 0..2 {
            if n > 1023 {
                y *= two_pow(1023);
                n -= 1023;
            }
        }
        n = n.min(1023);
    } else if n < -1022 {
        // Steps of 2^-969 keep the intermediate 53 bits above the
        // subnormal range, so only the last product rounds.
        for _ in 0..2 {
            if n < -1022 {
                y *= two_pow(-969);
                n += 969;
            }
        }
        n = n.max(-1022);
    }
    y * two_pow(n)
}

/// `math.ldexp(m, e)`: LuaJIT scales by the exponent truncated toward
/// zero as a double (x87 fscale), so huge exponents give inf or 0 and
/// infinite ones follow fscale's rules.
fn ldexp(x: f64, e: f64) -> f64 {
    // fscale's invalid results are the x86 default NaN (negative).
    let nan = f64::from_bits(crate::value::CANONICAL_NAN);
    if e.is_nan() {
        return nan;
    }
    if e == f64::INFINITY {
        return if x == 0.0 { nan } else { x * f64::INFINITY };
    }
    if e == f64::NEG_INFINITY {
        return if x.is_infinite() { nan } else { x * 0.0 };
    }
    scalbn(x, e.trunc().clamp(-4000.0, 4000.0) as i32)
}

extern "C-unwind" fn m_ldexp(l: State) -> c_int {
    let x = check_num(l, 1);
    let e = check_num(l, 2);
    push_num_result(l, ldexp(x, e))
}

/// min/max keep the running value only while the comparison holds (the
/// SSE minsd/maxsd rule): a NaN operand yields the later argument.
fn fold_args(l: State, keep: fn(f64, f64) -> bool) -> c_int {
    let mut acc = check_num(l, 1);
    for i in 2..=arg_count(l) {
        let y = check_num(l, i);
        if !keep(acc, y) {
            acc = y;
        }
    }
    push_num_result(l, acc)
}

extern "C-unwind" fn m_min(l: State) -> c_int {
    fold_args(l, |a, b| a < b)
}

extern "C-unwind" fn m_max(l: State) -> c_int {
    fold_args(l, |a, b| a > b)
}

/// `deg`/`rad` are `x * constant` in LuaJIT (Lua functions named
/// `[builtin:deg]`), so they coerce strings, honour __mul and fail with an
/// arithmetic error rather than an argument error.
fn scale_by(l: State, factor: f64, builtin: &str) -> c_int {
    let v = value_at(l, 1);
    if let Some(x) = meta::to_number(v) {
        return push_num_result(l, x * factor);
    }
    let k = TValue::num(factor);
    if !l.get_mm(v, meta::MM_MUL).is_nil() {
        let r = meta::arith(
            l,
            meta::Arith::Mul,
            v,
            k,
            crate::error::Operand::None,
            crate::error::Operand::None,
        );
        push_value(l, r);
        return 1;
    }
    let msg = format!(
        "[builtin:{}]:0: attempt to perform arithmetic on a {} value",
        builtin,
        type_name(v)
    );
    let s = l.new_str(msg.as_bytes());
    crate::error::throw_value(l, s)
}

extern "C-unwind" fn m_deg(l: State) -> c_int {
    scale_by(l, 180.0 / std::f64::consts::PI, "deg")
}

extern "C-unwind" fn m_rad(l: State) -> c_int {
    scale_by(l, std::f64::consts::PI / 180.0, "rad")
}

// ---- random/randomseed: the generator state is a userdata upvalue of
// both functions (one state per math library, as in LuaJIT).

/// Run `f` on the generator state (copied out and back, as the userdata
/// block need not be aligned for u64).
fn with_rng<R>(l: State, f: impl FnOnce(&mut RandomState) -> R) -> R {
    check_upvalue(l, 1, LUA_TUSERDATA);
    if lua_objlen(l, LUA_GLOBALSINDEX - 1) != std::mem::size_of::<RandomState>() {
        error_str(l, "bad upvalue #1 (random state expected)");
    }
    let p = lua_touserdata(l, LUA_GLOBALSINDEX - 1) as *mut RandomState;
    // SAFETY: upvalue 1 is a userdata with room for a RandomState (checked),
    // live with the running closure: the one luaopen_math made and
    // initialised, or one of that size Lua code put there (any bytes are a
    // valid RandomState).
    let mut rs = unsafe { p.read_unaligned() };
    let r = f(&mut rs);
    // SAFETY: as above (f runs no Lua code).
    unsafe { p.write_unaligned(rs) };
    r
}

extern "C-unwind" fn m_random(l: State) -> c_int {
    // LuaJIT 2.1 checks the arguments after drawing, and has no range
    // checks: it scales and floors whatever bounds it gets.
    let n = arg_count(l);
    let r = with_rng(l, |rs| rs.random());
    let x = match n {
        0 => r,
        1 => (r * check_num(l, 1)).floor() + 1.0,
        _ => {
            let lo = check_num(l, 1);
            let hi = check_num(l, 2);
            (r * (hi - lo + 1.0)).floor() + lo
        }
    };
    push_num_result(l, x)
}

extern "C-unwind" fn m_randomseed(l: State) -> c_int {
    let seed = check_num(l, 1);
    with_rng(l, |rs| rs.seed(seed));
    0
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_math(l: State) -> c_int {
    // LuaJIT's builtin ids, so tostring(math.abs) reads "builtin#N";
    // deg and rad are Lua functions there (no id).
    let funcs: [(&str, CFn, FastFunc); 26] = [
        ("abs", m_abs, FastFunc::MathAbs),
        ("acos", m_acos, FastFunc::MathAcos),
        ("asin", m_asin, FastFunc::MathAsin),
        ("atan", m_atan, FastFunc::MathAtan),
        ("atan2", m_atan2, FastFunc::MathAtan2),
        ("ceil", m_ceil, FastFunc::MathCeil),
        ("cos", m_cos, FastFunc::MathCos),
        ("cosh", m_cosh, FastFunc::MathCosh),
        ("deg", m_deg, FastFunc::C),
        ("exp", m_exp, FastFunc::MathExp),
        ("floor", m_floor, FastFunc::MathFloor),
        ("fmod", m_fmod, FastFunc::MathFmod),
        ("frexp", m_frexp, FastFunc::MathFrexp),
        ("ldexp", m_ldexp, FastFunc::MathLdexp),
        ("log", m_log, FastFunc::MathLog),
        ("log10", m_log10, FastFunc::MathLog10),
        ("max", m_max, FastFunc::MathMax),
        ("min", m_min, FastFunc::MathMin),
        ("modf", m_modf, FastFunc::MathModf),
        ("pow", m_pow, FastFunc::MathPow),
        ("rad", m_rad, FastFunc::C),
        ("sin", m_sin, FastFunc::MathSin),
        ("sinh", m_sinh, FastFunc::MathSinh),
        ("sqrt", m_sqrt, FastFunc::MathSqrt),
        ("tan", m_tan, FastFunc::MathTan),
        ("tanh", m_tanh, FastFunc::MathTanh),
    ];
    lua_createtable(l, 0, funcs.len() as c_int + 4);
    for (name, f, id) in funcs {
        push_cfunc(l, f, id);
        set_field(l, -2, name);
    }
    let p = lua_newuserdata(l, std::mem::size_of::<RandomState>()) as *mut RandomState;
    // SAFETY: p is the block of the new userdata, sized for a RandomState
    // (written unaligned); it is initialised before any closure can read it.
    unsafe { p.write_unaligned(RandomState::new()) };
    for (name, f, id) in [
        ("random", m_random as CFn, FastFunc::MathRandom),
        ("randomseed", m_randomseed as CFn, FastFunc::MathRandomseed),
    ] {
        lua_pushvalue(l, -1);
        push_closure(l, f, 1);
        set_top_ffid(l, id);
        set_field(l, -3, name);
    }
    lua_settop(l, -2);
    push_num(l, std::f64::consts::PI);
    set_field(l, -2, "pi");
    push_num(l, f64::INFINITY);
    set_field(l, -2, "huge");
    register_loaded(l, "math", true);
    1
}
