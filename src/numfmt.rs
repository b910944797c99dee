//! Number to text conversion with LuaJIT's exact output.
//!
//! `tostring`, `print` and concatenation render numbers like `%.14g`, and
//! `string.format` supports `%e %f %g %a`.  LuaJIT does not use the C
//! library for these: it expands the binary value exactly and rounds the
//! decimal digits half-up (glibc rounds exact ties to even, so `%.14g` of
//! 2^-21 differs), never prints a sign on NaN, and prints `nan`/`inf`
//! without padding zeros.  This module reproduces that behaviour.

use crate::mem::ByteSink;

/// The `-+ #0` flags of a printf-style conversion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatFlags {
    /// `-`: pad on the right.
    pub left: bool,
    /// `+`: always print a sign.
    pub plus: bool,
    /// ` `: print a space where a plus sign would go.
    pub space: bool,
    /// `#`: alternate form.
    pub alt: bool,
    /// `0`: pad with zeros after the sign/prefix.
    pub zero: bool,
}

/// A floating-point conversion: `conv` is one of `e E f F g G a A`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloatSpec {
    pub flags: FormatFlags,
    pub width: usize,
    pub precision: Option<usize>,
    pub conv: u8,
}

/// Appends `n` formatted the way LuaJIT's `tostring` does (`%.14g`).
pub fn fmt_number(n: f64, out: &mut (impl ByteSink + ?Sized)) {
    // Fast path: integral values below 1e14 print as plain integers.
    if n.abs() < 1e14 && n == (n as i64) as f64 {
        if n == 0.0 && n.is_sign_negative() {
            out.extend_from_slice(b"-0");
        } else {
            push_i64(n as i64, out);
        }
        return;
    }
    if !n.is_finite() {
        out.extend_from_slice(if n.is_nan() {
            b"nan"
        } else if n > 0.0 {
            b"inf"
        } else {
            b"-inf"
        });
        return;
    }
    if n < 0.0 {
        out.push(b'-');
    }
    let mut digits = DigitBuf::new();
    let point = match fast_digits_14(n.abs(), &mut digits) {
        Some(point) => point,
        None => {
            digits.len = 0;
            significant_digits_14(n.abs(), &mut digits)
        }
    };
    layout_g14(out, digits.as_slice(), point);
}

/// Writes `%.14g` layout of 0.DIGITS × 10^point (digits without trailing
/// zeros, at most 14 of them).
fn layout_g14(out: &mut (impl ByteSink + ?Sized), d: &[u8], point: i32) {
    let exp = point - 1;
    if !(-4..14).contains(&exp) {
        out.push(d[0]);
        if d.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&d[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            out.push(b'0');
        }
        push_u64(a as u64, out);
    } else if exp >= 0 {
        let int_len = point as usize;
        if d.len() <= int_len {
            out.extend_from_slice(d);
            out.push_n(b'0', int_len - d.len());
        } else {
            out.extend_from_slice(&d[..int_len]);
            out.push(b'.');
            out.extend_from_slice(&d[int_len..]);
        }
    } else {
        out.extend_from_slice(b"0.");
        out.push_n(b'0', (-point) as usize);
        out.extend_from_slice(d);
    }
}

/// Powers of ten that fit the exact scaling below (10^0 ..= 10^22).
const POW10_U128: [u128; 23] = {
    let mut t = [1u128; 23];
    let mut i = 1;
    while i < 23 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Exact half-up rounding to 14 significant digits with 128-bit integer
/// arithmetic, for normal non-integral values roughly in [1e-9, 1e14):
/// x = m × 2^-k, so x × 10^p = m × 10^p / 2^k with m × 10^p < 2^127.
/// Leaves the digits (no trailing zeros) in `out` and returns the point
/// position, or None when x is outside the range this handles.
fn fast_digits_14(x: f64, out: &mut DigitBuf) -> Option<i32> {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        return None;
    }
    let m = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let e = biased - 1075;
    if e >= 0 || e <= -128 {
        return None;
    }
    let k = (-e) as u32;
    // floor(log10(x)) is this estimate or one more.
    let mut x10 = ((biased - 1023) as f64 * core::f64::consts::LOG10_2).floor() as i32;
    for _ in 0..3 {
        let p = 13 - x10;
        if !(0..=22).contains(&p) {
            return None;
        }
        let prod = m as u128 * POW10_U128[p as usize];
        let q = prod >> k;
        if q < POW10_U128[13] {
            x10 -= 1;
            continue;
        }
        if q >= POW10_U128[14] {
            x10 += 1;
            continue;
        }
        let rem = prod & ((1u128 << k) - 1);
        let mut n = q as u64;
        if rem >= 1u128 << (k - 1) {
            n += 1;
        }
        if n == 100_000_000_000_000 {
            // Rounding carried into a new leading digit.
            n = 10_000_000_000_000;
            x10 += 1;
        }
        while n.is_multiple_of(10) {
            n /= 10;
        }
        let mut tmp = [0u8; 14];
        let mut i = tmp.len();
        while n != 0 {
            i -= 1;
            tmp[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let len = tmp.len() - i;
        out.buf[..len].copy_from_slice(&tmp[i..]);
        out.len = len;
        return Some(x10 + 1);
    }
    None
}

/// Appends the decimal text of `v`.
pub fn push_i64(v: i64, out: &mut (impl ByteSink + ?Sized)) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(v.unsigned_abs(), out);
}

/// Appends the decimal text of `v`.
pub fn push_u64(mut v: u64, out: &mut (impl ByteSink + ?Sized)) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Small fixed-size digit buffer so the `tostring` path does not allocate.
struct DigitBuf {
    buf: [u8; 32],
    len: usize,
}

impl DigitBuf {
    fn new() -> Self {
        DigitBuf {
            buf: [0; 32],
            len: 0,
        }
    }
    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl core::fmt::Write for DigitBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let b = s.as_bytes();
        if self.len + b.len() > self.buf.len() {
            return Err(core::fmt::Error);
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
        Ok(())
    }
}

/// Parses Rust's `{:e}` output of a positive number into bare ASCII digits
/// (left in `buf`, trailing zeros removed) and returns the decimal point
/// position (value = 0.DIGITS × 10^point).
fn parse_rust_exp(buf: &mut DigitBuf) -> i32 {
    let text_len = buf.len;
    let mut ndig = 0;
    let mut i = 0;
    while i < text_len && buf.buf[i] != b'e' {
        let c = buf.buf[i];
        if c.is_ascii_digit() {
            buf.buf[ndig] = c;
            ndig += 1;
        }
        i += 1;
    }
    let mut exp: i32 = 0;
    let mut neg = false;
    i += 1;
    if i < text_len && buf.buf[i] == b'-' {
        neg = true;
        i += 1;
    }
    while i < text_len {
        exp = exp * 10 + (buf.buf[i] - b'0') as i32;
        i += 1;
    }
    if neg {
        exp = -exp;
    }
    while ndig > 1 && buf.buf[ndig - 1] == b'0' {
        ndig -= 1;
    }
    buf.len = ndig;
    exp + 1
}

/// Rounds positive finite `x` half-up to 14 significant digits; leaves the
/// digits (no trailing zeros) in `out` and returns the point position.
fn significant_digits_14(x: f64, out: &mut DigitBuf) -> i32 {
    use core::fmt::Write;
    if x < f64::MIN_POSITIVE {
        // Subnormals lack the precision the shortcut below relies on.
        return exact_rounded_14(x, out);
    }
    // The shortest round-trip digits are the 14-digit rounding whenever
    // there are at most 14 of them (the exact value is far closer to them
    // than to any 14-digit rounding boundary).
    let _ = write!(out, "{:e}", x);
    let point = parse_rust_exp(out);
    let k = out.len;
    if k <= 14 {
        return point;
    }
    // An exact tie at the 15th digit is only possible when the shortest
    // form has exactly 15 digits ending in 5; Rust rounds ties to even, so
    // that rare case goes through the exact expansion.
    if k == 15 && out.buf[14] == b'5' {
        return exact_rounded_14(x, out);
    }
    out.len = 0;
    let _ = write!(out, "{:.13e}", x);
    parse_rust_exp(out)
}

fn exact_rounded_14(x: f64, out: &mut DigitBuf) -> i32 {
    let dec = exact_decimal(x);
    let (d, p) = round_digits(&dec.digits, dec.point, 14);
    out.buf[..d.len()].copy_from_slice(&d);
    out.len = d.len();
    strip_zeros(out);
    p
}

fn strip_zeros(buf: &mut DigitBuf) {
    while buf.len > 1 && buf.buf[buf.len - 1] == b'0' {
        buf.len -= 1;
    }
}

/// Exact decimal expansion: value = 0.DIGITS × 10^point (ASCII digits,
/// first digit non-zero, no trailing zeros; empty for zero).
struct Decimal {
    digits: Vec<u8>,
    point: i32,
}

/// Expands a finite non-negative double exactly, using a small bignum.
fn exact_decimal(x: f64) -> Decimal {
    if x == 0.0 {
        return Decimal {
            digits: Vec::new(),
            point: 1,
        };
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    while m & 1 == 0 {
        m >>= 1;
        e += 1;
    }
    // Little-endian base-2^32 limbs.
    let mut limbs: Vec<u32> = vec![m as u32, (m >> 32) as u32];
    let mut point_adjust = 0i32;
    if e >= 0 {
        shift_left(&mut limbs, e as u32);
    } else {
        // x = m × 5^-e / 10^-e.
        let mut k = -e;
        while k > 0 {
            let step = k.min(13);
            mul_small(&mut limbs, 5u32.pow(step as u32));
            k -= step;
        }
        point_adjust = e;
    }
    let mut digits = to_decimal(limbs);
    let point = digits.len() as i32 + point_adjust;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    Decimal { digits, point }
}

fn shift_left(limbs: &mut Vec<u32>, bits: u32) {
    let words = (bits / 32) as usize;
    let rem = bits % 32;
    if rem != 0 {
        let mut carry = 0u32;
        for l in limbs.iter_mut() {
            let v = ((*l as u64) << rem) | carry as u64;
            *l = v as u32;
            carry = (v >> 32) as u32;
        }
        if carry != 0 {
            limbs.push(carry);
        }
    }
    if words > 0 {
        limbs.splice(0..0, core::iter::repeat_n(0, words));
    }
}

fn mul_small(limbs: &mut Vec<u32>, f: u32) {
    let mut carry = 0u64;
    for l in limbs.iter_mut() {
        let v = *l as u64 * f as u64 + carry;
        *l = v as u32;
        carry = v >> 32;
    }
    if carry != 0 {
        limbs.push(carry as u32);
    }
}

/// Converts a bignum to ASCII decimal digits (most significant first).
fn to_decimal(mut limbs: Vec<u32>) -> Vec<u8> {
    const CHUNK: u64 = 1_000_000_000;
    let mut chunks: Vec<u32> = Vec::new();
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    while !limbs.is_empty() {
        let mut rem = 0u64;
        for l in limbs.iter_mut().rev() {
            let v = (rem << 32) | *l as u64;
            *l = (v / CHUNK) as u32;
            rem = v % CHUNK;
        }
        chunks.push(rem as u32);
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }
    let mut out = Vec::with_capacity(chunks.len() * 9);
    for (i, c) in chunks.iter().rev().enumerate() {
        let s = c.to_string();
        if i > 0 {
            out.resize(out.len() + 9 - s.len(), b'0');
        }
        out.extend_from_slice(s.as_bytes());
    }
    out
}

/// Rounds 0.DIGITS × 10^point half-up keeping `keep` leading digits
/// (`keep` may be zero or negative: then everything is below the kept
/// position).  Returns the kept digits (possibly shorter than `keep`,
/// implicit zeros follow) and the new point position.
fn round_digits(digits: &[u8], point: i32, keep: i32) -> (Vec<u8>, i32) {
    if keep < 0 || digits.is_empty() {
        return (Vec::new(), point);
    }
    let keep = keep as usize;
    if keep >= digits.len() {
        return (digits.to_vec(), point);
    }
    let mut kept = digits[..keep].to_vec();
    if digits[keep] >= b'5' {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                return (kept, point + 1);
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    (kept, point)
}

/// Digit at index `i` of a digit run with implicit trailing zeros.
fn digit_at(d: &[u8], i: i32) -> u8 {
    if i >= 0 && (i as usize) < d.len() {
        d[i as usize]
    } else {
        b'0'
    }
}

/// Writes fixed notation with `prec` fraction digits.
fn layout_f(out: &mut (impl ByteSink + ?Sized), d: &[u8], point: i32, prec: usize, alt: bool) {
    if point <= 0 {
        out.push(b'0');
    } else {
        for i in 0..point {
            out.push(digit_at(d, i));
        }
    }
    if prec > 0 || alt {
        out.push(b'.');
    }
    for i in 0..prec as i32 {
        out.push(digit_at(d, point + i));
    }
}

/// Writes exponent notation with `prec` fraction digits; the exponent has
/// at least two digits.
fn layout_e(
    out: &mut (impl ByteSink + ?Sized),
    d: &[u8],
    point: i32,
    prec: usize,
    alt: bool,
    upper: bool,
) {
    out.push(digit_at(d, 0));
    if prec > 0 || alt {
        out.push(b'.');
    }
    for i in 1..=prec as i32 {
        out.push(digit_at(d, i));
    }
    out.push(if upper { b'E' } else { b'e' });
    let exp = if d.is_empty() { 0 } else { point - 1 };
    out.push(if exp < 0 { b'-' } else { b'+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push(b'0');
    }
    push_u64(a as u64, out);
}

/// Writes `%g` layout for digits already rounded to `prec` significant
/// digits.  Trailing zeros are dropped unless `alt`.
fn layout_g(
    out: &mut (impl ByteSink + ?Sized),
    d: &[u8],
    point: i32,
    prec: usize,
    alt: bool,
    upper: bool,
) {
    let exp = if d.is_empty() { 0 } else { point - 1 };
    let start = out.len();
    let fixed = exp >= -4 && exp < prec as i32;
    if fixed {
        layout_f(out, d, point, (prec as i32 - 1 - exp) as usize, alt);
    } else {
        layout_e(out, d, point, prec - 1, alt, upper);
    }
    if !alt {
        // Remove trailing zeros of the fraction (and a bare '.').
        let mant_end = if fixed {
            out.len()
        } else {
            start
                + out[start..]
                    .iter()
                    .position(|&c| c == b'e' || c == b'E')
                    .unwrap()
        };
        if out[start..mant_end].contains(&b'.') {
            let mut cut = mant_end;
            while out[cut - 1] == b'0' {
                cut -= 1;
            }
            if out[cut - 1] == b'.' {
                cut -= 1;
            }
            out.remove_range(cut..mant_end);
        }
    }
}

/// Appends `n` formatted by a `%e %E %f %F %g %G %a %A` conversion exactly
/// as LuaJIT's `string.format` does.
pub fn format_float(out: &mut (impl ByteSink + ?Sized), n: f64, spec: &FloatSpec) {
    let upper = spec.conv.is_ascii_uppercase();
    let conv = spec.conv.to_ascii_lowercase();
    let flags = spec.flags;
    let mut body: Vec<u8> = Vec::with_capacity(32);
    let mut prefix: &[u8] = b"";
    let finite = n.is_finite();
    if n.is_nan() {
        // NaN never shows a sign, but the space flag still applies.
        if flags.space {
            prefix = b" ";
        }
        body.extend_from_slice(if upper { b"NAN" } else { b"nan" });
    } else {
        prefix = if n.is_sign_negative() {
            b"-"
        } else if flags.plus {
            b"+"
        } else if flags.space {
            b" "
        } else {
            b""
        };
        let x = n.abs();
        if !finite {
            body.extend_from_slice(if upper { b"INF" } else { b"inf" });
        } else if conv == b'a' {
            prefix = match (prefix, upper) {
                (b"-", false) => b"-0x",
                (b"-", true) => b"-0X",
                (b"+", false) => b"+0x",
                (b"+", true) => b"+0X",
                (b" ", false) => b" 0x",
                (b" ", true) => b" 0X",
                (_, false) => b"0x",
                (_, true) => b"0X",
            };
            layout_a(&mut body, x, spec.precision, flags.alt, upper);
        } else {
            let dec = exact_decimal(x);
            let prec = spec.precision.unwrap_or(6);
            match conv {
                b'e' => {
                    let (d, p) = round_digits(&dec.digits, dec.point, prec as i32 + 1);
                    layout_e(&mut body, &d, p, prec, flags.alt, upper);
                }
                b'f' => {
                    let (d, p) = round_digits(&dec.digits, dec.point, dec.point + prec as i32);
                    layout_f(&mut body, &d, p, prec, flags.alt);
                }
                _ => {
                    let prec = prec.max(1);
                    let (d, p) = round_digits(&dec.digits, dec.point, prec as i32);
                    layout_g(&mut body, &d, p, prec, flags.alt, upper);
                }
            }
        }
    }
    let len = prefix.len() + body.len();
    let pad = spec.width.saturating_sub(len);
    if flags.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(&body);
        out.push_n(b' ', pad);
    } else if flags.zero && finite {
        out.extend_from_slice(prefix);
        out.push_n(b'0', pad);
        out.extend_from_slice(&body);
    } else {
        out.push_n(b' ', pad);
        out.extend_from_slice(prefix);
        out.extend_from_slice(&body);
    }
}

/// Hexadecimal float body (after the `0x` prefix).  Subnormals are shown
/// normalised; rounding is half-up and may carry into the leading digit.
fn layout_a(
    out: &mut (impl ByteSink + ?Sized),
    x: f64,
    precision: Option<usize>,
    alt: bool,
    upper: bool,
) {
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mut frac = bits & ((1u64 << 52) - 1);
    let mut lead: u64 = 1;
    let mut exp: i32;
    if x == 0.0 {
        lead = 0;
        exp = 0;
    } else if biased == 0 {
        // Normalise a subnormal so its leading digit is 1.
        exp = -1022;
        while frac & (1u64 << 52) == 0 {
            frac <<= 1;
            exp -= 1;
        }
        frac &= (1u64 << 52) - 1;
    } else {
        exp = biased - 1023;
    }
    let ndigits = match precision {
        None => {
            let mut n = 13;
            while n > 0 && (frac >> (4 * (13 - n))) & 0xf == 0 {
                n -= 1;
            }
            n
        }
        Some(p) => p,
    };
    if ndigits < 13 {
        let drop = 4 * (13 - ndigits) as u32;
        let half = 1u64 << (drop - 1);
        let rem = frac & ((1u64 << drop) - 1);
        frac >>= drop;
        if rem >= half {
            frac += 1;
            if frac >> (4 * ndigits) != 0 {
                frac &= (1u64 << (4 * ndigits)) - 1;
                lead += 1;
            }
        }
    }
    out.push(hex[lead as usize]);
    if ndigits > 0 || alt {
        out.push(b'.');
    }
    let shown = ndigits.min(13);
    for i in 0..shown {
        let shift = 4 * (shown - 1 - i);
        out.push(hex[((frac >> shift) & 0xf) as usize]);
    }
    for _ in shown..ndigits {
        out.push(b'0');
    }
    out.push(if upper { b'P' } else { b'p' });
    out.push(if exp < 0 { b'-' } else { b'+' });
    push_u64(exp.unsigned_abs() as u64, out);
}

#[cfg(test)]
#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod tests {
    use super::*;

    fn tostr(n: f64) -> String {
        let mut v = Vec::new();
        fmt_number(n, &mut v);
        String::from_utf8(v).unwrap()
    }

    fn fmt(spec: &str, n: f64) -> String {
        // Tiny spec parser for tests: [flags][width][.prec]conv
        let b = spec.as_bytes();
        let mut i = 1;
        let mut flags = FormatFlags::default();
        while i < b.len() {
            match b[i] {
                b'-' => flags.left = true,
                b'+' => flags.plus = true,
                b' ' => flags.space = true,
                b'#' => flags.alt = true,
                b'0' => flags.zero = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = 0;
        while b[i].is_ascii_digit() {
            width = width * 10 + (b[i] - b'0') as usize;
            i += 1;
        }
        let mut precision = None;
        if b[i] == b'.' {
            i += 1;
            let mut p = 0;
            while b[i].is_ascii_digit() {
                p = p * 10 + (b[i] - b'0') as usize;
                i += 1;
            }
            precision = Some(p);
        }
        let spec = FloatSpec {
            flags,
            width,
            precision,
            conv: b[i],
        };
        let mut v = Vec::new();
        format_float(&mut v, n, &spec);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn tostring_matches_reference() {
        let cases: &[(f64, &str)] = &[
            (1e15, "1e+15"),
            (1e16, "1e+16"),
            (9007199254740992.0, "9.007199254741e+15"),
            (0.1, "0.1"),
            (-0.0, "-0"),
            (0.0, "0"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e100, "1e+100"),
            (123456789012345678.0, "1.2345678901235e+17"),
            (9223372036854775808.0, "9.2233720368548e+18"),
            (-2147483648.0, "-2147483648"),
            (1e-5, "1e-05"),
            (3.14159265358979, "3.1415926535898"),
            (4.76837158203125e-07, "4.7683715820313e-07"),
            (2.384185791015625e-07, "2.3841857910156e-07"),
            (5.9604644775390625e-08, "5.9604644775391e-08"),
            (9.313225746154785e-10, "9.3132257461548e-10"),
            (1.430511474609375e-06, "1.4305114746094e-06"),
            (99999999999999.0, "99999999999999"),
            (100000000000000.0, "1e+14"),
            (-99999999999999.0, "-99999999999999"),
            (0.30000000000000004, "0.3"),
            (1.0 / 3.0, "0.33333333333333"),
            (2.0 / 3.0, "0.66666666666667"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (123.456, "123.456"),
            (5e-324, "4.9406564584125e-324"),
            (1.7976931348623157e308, "1.7976931348623e+308"),
            (99999999999999.5, "1e+14"),
            (-1.5, "-1.5"),
            (1e14 + 0.5, "1e+14"),
            (12345678901234.5, "12345678901235"),
            (0.5, "0.5"),
        ];
        for &(n, want) in cases {
            assert_eq!(tostr(n), want, "tostring({:e})", n);
        }
    }

    #[test]
    fn format_float_matches_reference() {
        let cases: &[(&str, f64, &str)] = &[
            ("%.0f", 0.5, "1"),
            ("%.0f", 1.5, "2"),
            ("%.0f", 2.5, "3"),
            ("%.1f", 0.25, "0.3"),
            ("%.1f", 0.35, "0.3"),
            ("%.2e", 1.125, "1.13e+00"),
            ("%g", 0.0001, "0.0001"),
            ("%g", 100000.0, "100000"),
            ("%.3g", 2.5e-5, "2.5e-05"),
            ("%a", 1.0, "0x1p+0"),
            ("%a", 0.1, "0x1.999999999999ap-4"),
            ("%a", -0.0, "-0x0p+0"),
            ("%A", 255.5, "0X1.FFP+7"),
            ("%.3a", 1.0 / 3.0, "0x1.555p-2"),
            ("%a", 5e-324, "0x1p-1074"),
            ("%a", 2.2250738585072014e-308, "0x1p-1022"),
            ("%a", 1e308, "0x1.1ccf385ebc8ap+1023"),
            ("%.0a", 1.5, "0x2p+0"),
            ("%.1a", 1.96875, "0x2.0p+0"),
            ("%.1a", 1.15625, "0x1.3p+0"),
            ("%.0a", 2.5, "0x1p+1"),
            ("%.0a", 3.0, "0x2p+1"),
            ("%12a|", 1.0, "      0x1p+0"),
            ("%-12a", 1.0, "0x1p+0      "),
            ("%012a", 1.0, "0x0000001p+0"),
            ("%+a", 1.0, "+0x1p+0"),
            ("% a", 1.0, " 0x1p+0"),
            ("%.5a", 1.0, "0x1.00000p+0"),
            ("%#a", 1.0, "0x1.p+0"),
            ("%a", f64::INFINITY, "inf"),
            ("%.20a", 0.1, "0x1.999999999999a0000000p-4"),
            ("%a", 1.7976931348623157e308, "0x1.fffffffffffffp+1023"),
            ("%.1a", 1.7976931348623157e308, "0x2.0p+1023"),
            ("%F", f64::INFINITY, "INF"),
            ("%F", f64::NAN, "NAN"),
            ("%F", 1.5, "1.500000"),
            ("%.3F", 2.25, "2.250"),
            ("%020.5e", -1.5, "-000000001.50000e+00"),
            ("%+020.5e", 1.5, "+000000001.50000e+00"),
            ("% 020.5e", 1.5, " 000000001.50000e+00"),
            ("%-+20.5e", 1.5, "+1.50000e+00        "),
            ("%020f", f64::INFINITY, "                 inf"),
            ("%-020f", f64::NEG_INFINITY, "-inf                "),
            ("% 5f", f64::NAN, "  nan"),
            ("%+5f", -f64::NAN, "  nan"),
            ("% f", f64::NAN, " nan"),
            ("%+ f", f64::NAN, " nan"),
            ("% +f", f64::INFINITY, "+inf"),
            ("% f", f64::INFINITY, " inf"),
            ("%- 6f", f64::NAN, " nan  "),
            ("%0 6f", -f64::NAN, "   nan"),
            ("%05f", f64::INFINITY, "  inf"),
            ("%+f", f64::INFINITY, "+inf"),
            ("%-6f", f64::NAN, "nan   "),
            ("%05.1f", f64::NEG_INFINITY, " -inf"),
            ("%E", f64::INFINITY, "INF"),
            ("%G", f64::NAN, "NAN"),
            ("%A", f64::NEG_INFINITY, "-INF"),
            ("%e", 1e-310, "1.000000e-310"),
            ("%g", 1e-310, "1e-310"),
            ("%.17g", 5e-324, "4.9406564584124654e-324"),
            ("%.99e", 5e-324, "4.940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616359924e-324"),
            ("%e", 1e300, "1.000000e+300"),
            ("%f", 1e300, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000"),
            ("%5.1f", 99.95, "100.0"),
            ("%.1f", 0.05, "0.1"),
            ("%.3g", 99.95, "100"),
            ("%g", 999999.5, "1e+06"),
            ("%g", 9999995.0, "1e+07"),
            ("%.14g", 99999999999999.5, "1e+14"),
            ("%#.3g", 1.0, "1.00"),
            ("%#.3g", 100.0, "100."),
            ("%#.3g", 1000.0, "1.00e+03"),
            ("%#g", 0.0, "0.00000"),
            ("%#.0g", 0.0, "0."),
            ("%.0e", 5.5, "6e+00"),
            ("%.0e", 9.5, "1e+01"),
            ("%#g", 1.0, "1.00000"),
            ("%#e", 1.0, "1.000000e+00"),
            ("%#.0e", 1.0, "1.e+00"),
            ("%#.0f", 1.0, "1."),
            ("%g", 1e-5, "1e-05"),
            ("%g", 123456789.0, "1.23457e+08"),
            ("%#g", 123456789.0, "1.23457e+08"),
            ("%.0g", 0.0, "0"),
            ("%g", 0.0, "0"),
            ("%g", -0.0, "-0"),
            ("%e", 0.0, "0.000000e+00"),
            ("%a", 0.0, "0x0p+0"),
            ("%.20g", 0.1, "0.10000000000000000555"),
            ("%.40e", 0.1, "1.0000000000000000555111512312578270211816e-01"),
            ("%g", 1e6, "1e+06"),
            ("%.3g", 1e-4, "0.0001"),
            ("%.3g", 1e-5, "1e-05"),
            ("%.3g", 9.9999e-5, "0.0001"),
            ("%5.2f", 1.0 / 0.0, "  inf"),
            ("%g", -1.0 / 0.0, "-inf"),
            ("%.99f", 1.0, "1.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ];
        for &(spec, n, want) in cases {
            let want = want.trim_end_matches('|');
            let spec = spec.trim_end_matches('|');
            assert_eq!(fmt(spec, n), want, "{} of {:e}", spec, n);
        }
    }
}
