//! String to number conversion with LuaJIT's rules.
//!
//! Accepted (as `tonumber` and string coercion see it): optional surrounding
//! whitespace, an optional sign, then one of
//! - a decimal number `123`, `1.5`, `.5`, `1.`, `1e10`, `1.5E-3`;
//! - a hexadecimal number `0x1F`, `0x1.8`, `0x.8p1` (binary exponent `p`);
//! - a binary integer `0b101`;
//! - `inf`, `infinity`, `nan` (any case).
//! Decimal conversion is correctly rounded; hexadecimal and binary
//! conversion rounds to nearest-even as well.

/// The NaN that LuaJIT scans "nan" to: its canonical negative NaN (equal to
/// `value::CANONICAL_NAN`, asserted there; this file is also built by the fuzzer alone).
pub const NAN_BITS: u64 = 0xfff8_0000_0000_0000;

#[inline]
fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// Convert a string to a number as `tonumber(s)` does; `None` when the whole
/// string (minus surrounding whitespace) is not a number.
pub fn str_to_number(s: &[u8]) -> Option<f64> {
    let mut start = 0;
    let mut end = s.len();
    while start < end && is_space(s[start]) {
        start += 1;
    }
    while end > start && is_space(s[end - 1]) {
        end -= 1;
    }
    let mut body = &s[start..end];
    let mut neg = false;
    if let Some(&c) = body.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            body = &body[1..];
        }
    }
    let v = scan_unsigned(body, true)?;
    // A sign does not change LuaJIT's NaN ("-nan" is the same NaN).
    Some(if neg && !v.is_nan() { -v } else { v })
}

/// Convert the text of a numeric literal token as the lexer sees it (no sign,
/// no surrounding whitespace, no `inf`/`nan`).
pub fn lexer_number(tok: &[u8]) -> Option<f64> {
    scan_unsigned(tok, false)
}

/// A numeric literal with one of the FFI suffixes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CdataNumber {
    /// `LL`: the value modulo 2^64, as a signed 64-bit integer.
    I64(i64),
    /// `ULL` / `LLU`.
    U64(u64),
    /// `i`: an imaginary number with this imaginary part.
    Imag(f64),
}

/// Parse a literal with an FFI suffix (`12LL`, `0xffULL`, `3.5i`); `None`
/// when the token has no such suffix or is malformed. 64-bit integer
/// literals must be written as integers (decimal, hex or binary) that fit in
/// 64 bits.
pub fn lexer_cdata_number(tok: &[u8]) -> Option<CdataNumber> {
    // A token of the source: as long as the input, so copied fallibly.
    let mut lower = crate::mem::FallibleVec::with_capacity(tok.len());
    lower.extend(tok.iter().map(|c| c.to_ascii_lowercase()));
    if let Some(rest) = lower.strip_suffix(b"i") {
        return scan_unsigned(rest, false).map(CdataNumber::Imag);
    }
    let (rest, unsigned) = if let Some(r) = lower
        .strip_suffix(b"ull")
        .or_else(|| lower.strip_suffix(b"llu"))
    {
        (r, true)
    } else if let Some(r) = lower.strip_suffix(b"ll") {
        (r, false)
    } else {
        return None;
    };
    let v = scan_u64(rest)?;
    Some(if unsigned {
        CdataNumber::U64(v)
    } else {
        CdataNumber::I64(v as i64)
    })
}

/// An unsigned integer literal (decimal, `0x` hex or `0b` binary) that fits
/// in 64 bits.
fn scan_u64(s: &[u8]) -> Option<u64> {
    let (digits, radix) = if s.len() >= 2 && s[0] == b'0' && s[1] == b'x' {
        (&s[2..], 16)
    } else if s.len() >= 2 && s[0] == b'0' && s[1] == b'b' {
        (&s[2..], 2)
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix)? as u64;
        v = v.checked_mul(radix as u64)?.checked_add(d)?;
    }
    Some(v)
}

fn scan_unsigned(s: &[u8], allow_special: bool) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    if s.len() >= 2 && s[0] == b'0' {
        match s[1] | 0x20 {
            b'x' => return scan_radix(&s[2..], 4, true),
            b'b' => return scan_radix(&s[2..], 1, false),
            _ => {}
        }
    }
    if !s[0].is_ascii_digit() && s[0] != b'.' {
        if allow_special {
            return if s.eq_ignore_ascii_case(b"inf") || s.eq_ignore_ascii_case(b"infinity") {
                Some(f64::INFINITY)
            } else if s.eq_ignore_ascii_case(b"nan") {
                // LuaJIT scans "nan" to its canonical (negative) NaN, whose
                // sign decides the direction of a `for` loop with that step.
                Some(f64::from_bits(NAN_BITS))
            } else {
                None
            };
        }
        return None;
    }
    scan_decimal(s)
}

/// LuaJIT rejects a number whose written exponent (`e`/`p` digits, leading
/// zeros aside) is 2^20 or more: `1e1048575` is inf, `1e1048576` malformed.
fn exponent_in_range(digits: &[u8]) -> bool {
    const LIMIT: u32 = 1 << 20;
    let mut v: u32 = 0;
    for &c in digits {
        v = v * 10 + (c - b'0') as u32;
        if v >= LIMIT {
            return false;
        }
    }
    true
}

fn scan_decimal(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'e' {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start || !exponent_in_range(&s[exp_start..i]) {
            return None;
        }
    }
    if i != s.len() {
        return None;
    }
    // The text is now known to be plain ASCII in a form Rust's correctly
    // rounding parser accepts.
    let text = std::str::from_utf8(s).ok()?;
    text.parse::<f64>().ok()
}

/// Hexadecimal (4 bits per digit, optional fraction and `p` exponent) or
/// binary (1 bit per digit, integer only) digits after the `0x`/`0b` prefix.
fn scan_radix(s: &[u8], bits: u32, allow_frac: bool) -> Option<f64> {
    let digit_val = |c: u8| -> Option<u64> {
        let v = (c as char).to_digit(1 << bits)?;
        Some(v as u64)
    };
    let mut mant: u64 = 0;
    let mut sticky = false;
    let mut exp: i64 = 0; // binary exponent adjustment
    let mut ndigits = 0;
    let mut i = 0;
    let mut seen_dot = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && allow_frac && !seen_dot {
            seen_dot = true;
            i += 1;
            continue;
        }
        let Some(d) = digit_val(c) else { break };
        ndigits += 1;
        if mant >> 58 == 0 {
            mant = (mant << bits) | d;
            if seen_dot {
                exp -= bits as i64;
            }
        } else {
            // Mantissa full: further digits only matter for rounding.
            if d != 0 {
                sticky = true;
            }
            if !seen_dot {
                exp += bits as i64;
            }
        }
        i += 1;
    }
    if ndigits == 0 {
        return None;
    }
    if allow_frac && i < s.len() && (s[i] | 0x20) == b'p' {
        i += 1;
        let mut eneg = false;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            eneg = s[i] == b'-';
            i += 1;
        }
        let estart = i;
        let mut e: i64 = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if e < 100_000 {
                e = e * 10 + (s[i] - b'0') as i64;
            }
            i += 1;
        }
        if i == estart || !exponent_in_range(&s[estart..i]) {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if i != s.len() {
        return None;
    }
    if sticky {
        mant |= 1;
    }
    Some(scale_pow2(mant, exp))
}

/// mant * 2^exp with a single rounding for normal results.
fn scale_pow2(mant: u64, exp: i64) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    // Normalise so that the rounding happens once, in the u64 -> f64 step,
    // unless the result is subnormal.
    let lz = mant.leading_zeros() as i64;
    let top = 64 - lz + exp; // result is in [2^(top-1), 2^top)
    if top > 1025 {
        return f64::INFINITY;
    }
    if top < -1080 {
        return 0.0;
    }
    if top <= -1021 {
        // Subnormal range: round to the subnormal grid explicitly.
        let shift = -1074 - exp; // bits to drop from mant
        let (m, e) = if shift > 0 {
            let shift = shift as u32;
            if shift >= 64 {
                let half_or_more = shift == 64 && mant >> 63 == 1;
                let r = if half_or_more && (mant << 1) != 0 {
                    1u64
                } else {
                    0
                };
                (r, -1074)
            } else {
                let kept = mant >> shift;
                let rem = mant & ((1u64 << shift) - 1);
                let half = 1u64 << (shift - 1);
                let up = rem > half || (rem == half && kept & 1 == 1);
                (kept + up as u64, -1074)
            }
        } else {
            (mant, exp)
        };
        return m as f64 * pow2(e);
    }
    (mant as f64) * pow2(exp)
}

fn pow2(e: i64) -> f64 {
    // Split to stay inside the representable exponent range of each factor.
    let mut r = 1.0f64;
    let mut e = e;
    while e > 1000 {
        r *= f64::from_bits(((1000 + 1023) as u64) << 52);
        e -= 1000;
    }
    while e < -1000 {
        r *= f64::from_bits(((-1000i64 + 1023) as u64) << 52);
        e += 1000;
    }
    r * f64::from_bits(((e + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<f64> {
        str_to_number(s.as_bytes())
    }

    #[test]
    fn reference_cases() {
        assert_eq!(n("0x10"), Some(16.0));
        assert_eq!(n(" 10 "), Some(10.0));
        assert_eq!(n("0x1p4"), Some(16.0));
        assert_eq!(n("1e"), None);
        assert_eq!(n("inf"), Some(f64::INFINITY));
        assert!(n("nan").unwrap().is_nan());
        assert_eq!(n("0b101"), Some(5.0));
        assert_eq!(n("-0x10"), Some(-16.0));
        assert_eq!(n("+5"), Some(5.0));
        assert_eq!(n("- 5"), None);
        assert_eq!(n("1."), Some(1.0));
        assert_eq!(n(".5"), Some(0.5));
        assert_eq!(n("."), None);
        assert_eq!(n("0x"), None);
        assert_eq!(n("0x.8"), Some(0.5));
        assert_eq!(n("1e+"), None);
        assert_eq!(n("12a"), None);
        assert_eq!(n("1LL"), None);
        assert_eq!(n("010"), Some(10.0));
        assert_eq!(n("1e400"), Some(f64::INFINITY));
        assert_eq!(n("0x7fffffffffffffffff"), Some(2f64.powi(71)));
        assert_eq!(n("1\0"), None);
        assert_eq!(n("0b1.1"), None);
        assert_eq!(n("0x1e+1"), None);
        assert_eq!(n("0x1.fffffffffffff8p0"), Some(2.0));
        assert_eq!(n("infx"), None);
        assert_eq!(n("0x1p-1074"), Some(f64::from_bits(1)));
    }

    /// Found by the parser fuzzer: exponents of 2^20 and more are malformed.
    #[test]
    fn exponent_limit() {
        assert_eq!(n("1e1048575"), Some(f64::INFINITY));
        assert_eq!(n("1e-1048575"), Some(0.0));
        assert_eq!(n("1e1048576"), None);
        assert_eq!(n("1e-1048576"), None);
        assert_eq!(n("1e00000000000000000001048575"), Some(f64::INFINITY));
        assert_eq!(n("1e00000000000000000002000000"), None);
        assert_eq!(n("1e99999999999999999999"), None);
        assert_eq!(n("0x1p1048575"), Some(f64::INFINITY));
        assert_eq!(n("0x1p1048576"), None);
        assert_eq!(n("0x1p-99999999999"), None);
        assert_eq!(lexer_number(b"1e9999999"), None);
    }

    #[test]
    fn cdata_literals() {
        let c = |s: &str| lexer_cdata_number(s.as_bytes());
        assert_eq!(c("1ll"), Some(CdataNumber::I64(1)));
        assert_eq!(c("1uLl"), Some(CdataNumber::U64(1)));
        assert_eq!(c("1LLU"), Some(CdataNumber::U64(1)));
        assert_eq!(c("18446744073709551615LL"), Some(CdataNumber::I64(-1)));
        assert_eq!(c("18446744073709551616ULL"), None);
        assert_eq!(c("0xffffffffffffffffLL"), Some(CdataNumber::I64(-1)));
        assert_eq!(c("0b101LL"), Some(CdataNumber::I64(5)));
        assert_eq!(c("1.5LL"), None);
        assert_eq!(c("1e2LL"), None);
        assert_eq!(c("1.5i"), Some(CdataNumber::Imag(1.5)));
        assert_eq!(c("0x1I"), Some(CdataNumber::Imag(1.0)));
        assert_eq!(c("1LLi"), None);
        assert_eq!(c("1U"), None);
    }
}
