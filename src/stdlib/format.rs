//! `string.format` kernels: parsing the format string and rendering each
//! conversion exactly as LuaJIT 2.1 does on x86-64.
//!
//! The library function drives [`FormatParser`] (it is lazy, like the
//! reference: an argument error for an earlier conversion wins over a
//! malformed later one), fetches the argument each [`Spec`] asks for (see
//! [`Spec::arg_kind`]) and calls the matching `format_*` function.

use crate::mem::ByteSink;
pub use crate::numfmt::{FloatSpec, FormatFlags};

/// One conversion: `%[flags][width][.precision]conv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub flags: FormatFlags,
    /// At most two digits (99).
    pub width: usize,
    /// At most two digits; `%.f` means precision 0.
    pub precision: Option<usize>,
    /// One of `d i o u x X c e E f F g G a A s q p`.
    pub conv: u8,
}

/// What kind of argument a conversion consumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// `d i o u x X`: a number, rendered by [`format_int`].
    Int,
    /// `c`: a number, rendered by [`format_char`].
    Char,
    /// `e E f F g G a A`: a number, rendered by [`format_float`].
    Float,
    /// `s`: any value converted like `tostring`, rendered by [`format_str`].
    Str,
    /// `q`: any value converted like `tostring`, rendered by
    /// [`format_quoted`] (width and precision are ignored).
    Quoted,
    /// `p`: the value's address (0 for non-GC values), rendered by
    /// [`format_pointer`] (width and precision are ignored).
    Pointer,
}

impl Spec {
    pub fn arg_kind(&self) -> ArgKind {
        match self.conv {
            b'd' | b'i' | b'o' | b'u' | b'x' | b'X' => ArgKind::Int,
            b'c' => ArgKind::Char,
            b's' => ArgKind::Str,
            b'q' => ArgKind::Quoted,
            b'p' => ArgKind::Pointer,
            _ => ArgKind::Float,
        }
    }

    fn float_spec(&self) -> FloatSpec {
        FloatSpec {
            flags: self.flags,
            width: self.width,
            precision: self.precision,
            conv: self.conv,
        }
    }
}

/// A piece of a format string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text copied as is (`%%` yields a literal `%`).
    Literal(&'a [u8]),
    Conversion(Spec),
}

/// Iterates over the pieces of a format string; a malformed conversion
/// yields `Err("invalid option '%...' to 'format'")` and ends the iteration.
pub struct FormatParser<'a> {
    fmt: &'a [u8],
    pos: usize,
}

impl<'a> FormatParser<'a> {
    pub fn new(fmt: &'a [u8]) -> Self {
        FormatParser { fmt, pos: 0 }
    }

    fn at(&self, i: usize) -> u8 {
        self.fmt.get(i).copied().unwrap_or(0)
    }

    fn parse_spec(&mut self) -> Result<Piece<'a>, String> {
        let start = self.pos; // at '%'
        let mut i = start + 1;
        if self.at(i) == b'%' {
            self.pos = i + 1;
            return Ok(Piece::Literal(&self.fmt[i..i + 1]));
        }
        let mut flags = FormatFlags::default();
        loop {
            match self.at(i) {
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
        for _ in 0..2 {
            if !self.at(i).is_ascii_digit() {
                break;
            }
            width = width * 10 + (self.at(i) - b'0') as usize;
            i += 1;
        }
        let mut precision = None;
        if self.at(i) == b'.' {
            i += 1;
            let mut p = 0;
            for _ in 0..2 {
                if !self.at(i).is_ascii_digit() {
                    break;
                }
                p = p * 10 + (self.at(i) - b'0') as usize;
                i += 1;
            }
            precision = Some(p);
        }
        let conv = self.at(i);
        let valid = matches!(
            conv,
            b'd' | b'i'
                | b'o'
                | b'u'
                | b'x'
                | b'X'
                | b'c'
                | b'e'
                | b'E'
                | b'f'
                | b'F'
                | b'g'
                | b'G'
                | b'a'
                | b'A'
                | b's'
                | b'q'
                | b'p'
        ) && i < self.fmt.len();
        if !valid {
            // The message quotes the conversion text, cut at a NUL byte the
            // way a C string would be.
            let end = (i + 1).min(self.fmt.len());
            let mut text = &self.fmt[start..end];
            if let Some(z) = text.iter().position(|&c| c == 0) {
                text = &text[..z];
            }
            self.pos = self.fmt.len() + 1;
            return Err(format!(
                "invalid option '{}' to 'format'",
                String::from_utf8_lossy(text)
            ));
        }
        self.pos = i + 1;
        Ok(Piece::Conversion(Spec {
            flags,
            width,
            precision,
            conv,
        }))
    }
}

impl<'a> Iterator for FormatParser<'a> {
    type Item = Result<Piece<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.fmt.len() {
            return None;
        }
        if self.fmt[self.pos] == b'%' {
            return Some(self.parse_spec());
        }
        let start = self.pos;
        let end = self.fmt[start..]
            .iter()
            .position(|&c| c == b'%')
            .map_or(self.fmt.len(), |k| start + k);
        self.pos = end;
        Some(Ok(Piece::Literal(&self.fmt[start..end])))
    }
}

/// Number to signed 64-bit integer the way x86-64 `cvttsd2si` does:
/// truncation, and i64::MIN for NaN and out-of-range values.
pub fn num_to_i64(n: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

/// Number to unsigned 64-bit integer as LuaJIT does for `%o %u %x %X`:
/// values from 2^63 up wrap through the signed conversion of n - 2^64.
pub fn num_to_u64(n: f64) -> u64 {
    if n >= 9223372036854775808.0 {
        num_to_i64(n - 18446744073709551616.0) as u64
    } else {
        num_to_i64(n) as u64
    }
}

/// Number to 32-bit integer the way `cvttsd2si` with a 32-bit destination
/// does (i32::MIN for NaN and out-of-range values).
fn num_to_i32(n: f64) -> i32 {
    if n > -2147483649.0 && n < 2147483648.0 {
        n as i32
    } else {
        i32::MIN
    }
}

fn pad(out: &mut (impl ByteSink + ?Sized), c: u8, n: usize) {
    out.push_n(c, n);
}

/// Appends `body` padded to `width` with spaces (left-justified with `-`).
fn pad_field(out: &mut (impl ByteSink + ?Sized), body: &[u8], width: usize, left: bool) {
    let fill = width.saturating_sub(body.len());
    if !left {
        pad(out, b' ', fill);
    }
    out.extend_from_slice(body);
    if left {
        pad(out, b' ', fill);
    }
}

/// `%d %i %o %u %x %X` with C printf semantics for flags, width and
/// precision.
pub fn format_int(out: &mut (impl ByteSink + ?Sized), n: f64, spec: &Spec) {
    let (negative, magnitude) = match spec.conv {
        b'd' | b'i' => {
            let v = num_to_i64(n);
            (v < 0, v.unsigned_abs())
        }
        _ => (false, num_to_u64(n)),
    };
    format_int_parts(out, negative, magnitude, spec);
}

/// The integer conversions of a 64-bit integer cdata (`int64_t` or
/// `uint64_t`), which LuaJIT formats with all 64 bits.
pub fn format_int64(out: &mut (impl ByteSink + ?Sized), v: i64, unsigned: bool, spec: &Spec) {
    let (negative, magnitude) = match spec.conv {
        b'd' | b'i' if !unsigned => (v < 0, v.unsigned_abs()),
        _ => (false, v as u64),
    };
    format_int_parts(out, negative, magnitude, spec);
}

fn format_int_parts(
    out: &mut (impl ByteSink + ?Sized),
    negative: bool,
    magnitude: u64,
    spec: &Spec,
) {
    let flags = spec.flags;
    let (base, upper) = match spec.conv {
        b'd' | b'i' | b'u' => (10, false),
        b'o' => (8, false),
        b'x' => (16, false),
        _ => (16, true),
    };
    let digits_tab: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut buf = [0u8; 24];
    let mut i = buf.len();
    let mut v = magnitude;
    while v != 0 {
        i -= 1;
        buf[i] = digits_tab[(v % base) as usize];
        v /= base;
    }
    let mut digits = &buf[i..];
    // Without a precision, zero still prints one digit; "%.0d" of 0 prints
    // nothing.
    if magnitude == 0 && spec.precision != Some(0) {
        digits = b"0";
    }
    let min_digits = spec.precision.unwrap_or(0);
    let mut zeros = min_digits.saturating_sub(digits.len());
    let mut prefix: &[u8] = b"";
    if spec.conv == b'd' || spec.conv == b'i' {
        prefix = if negative {
            b"-"
        } else if flags.plus {
            b"+"
        } else if flags.space {
            b" "
        } else {
            b""
        };
    } else if flags.alt {
        match spec.conv {
            b'o' if zeros == 0 && digits.first() != Some(&b'0') => zeros = 1,
            b'x' if magnitude != 0 => prefix = b"0x",
            b'X' if magnitude != 0 => prefix = b"0X",
            _ => {}
        }
    }
    let len = prefix.len() + zeros + digits.len();
    let fill = spec.width.saturating_sub(len);
    if flags.left {
        out.extend_from_slice(prefix);
        pad(out, b'0', zeros);
        out.extend_from_slice(digits);
        pad(out, b' ', fill);
    } else if flags.zero && spec.precision.is_none() {
        out.extend_from_slice(prefix);
        pad(out, b'0', zeros + fill);
        out.extend_from_slice(digits);
    } else {
        pad(out, b' ', fill);
        out.extend_from_slice(prefix);
        pad(out, b'0', zeros);
        out.extend_from_slice(digits);
    }
}

/// `%c`: the low byte of the number's 32-bit truncation, space-padded.
pub fn format_char(out: &mut (impl ByteSink + ?Sized), n: f64, spec: &Spec) {
    let c = num_to_i32(n) as u8;
    pad_field(out, &[c], spec.width, spec.flags.left);
}

/// `%s`: the string cut to `precision` bytes, space-padded.
pub fn format_str(out: &mut (impl ByteSink + ?Sized), s: &[u8], spec: &Spec) {
    let s = match spec.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    pad_field(out, s, spec.width, spec.flags.left);
}

/// `%e %E %f %F %g %G %a %A`.
pub fn format_float(out: &mut (impl ByteSink + ?Sized), n: f64, spec: &Spec) {
    crate::numfmt::format_float(out, n, &spec.float_spec());
}

/// `%q`: a double-quoted string readable by the Lua lexer.  `"`, `\` and
/// newline get a backslash, other control bytes (0–31, 127) become decimal
/// escapes (three digits when a digit follows), bytes ≥ 128 are kept.
pub fn format_quoted(out: &mut (impl ByteSink + ?Sized), s: &[u8]) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(c);
            }
            0..=31 | 127 => {
                out.push(b'\\');
                let next_is_digit = s.get(i + 1).is_some_and(|d| d.is_ascii_digit());
                if next_is_digit {
                    out.push(b'0' + c / 100);
                    out.push(b'0' + (c / 10) % 10);
                    out.push(b'0' + c % 10);
                } else {
                    crate::numfmt::push_u64(c as u64, out);
                }
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// `%p` (and the address part of `tostring` for tables, functions, ...):
/// `NULL` for 0, otherwise `0x` and at least 8 hex digits, two more for
/// each byte used above the low 32 bits.
pub fn format_pointer(out: &mut (impl ByteSink + ?Sized), addr: u64) {
    if addr == 0 {
        out.extend_from_slice(b"NULL");
        return;
    }
    let hi = addr >> 32;
    let ndigits = if hi == 0 {
        8
    } else {
        8 + 2 + 2 * ((63 - hi.leading_zeros()) as usize / 8)
    };
    out.extend_from_slice(b"0x");
    for k in (0..ndigits).rev() {
        out.push(b"0123456789abcdef"[((addr >> (4 * k)) & 0xf) as usize]);
    }
}

#[cfg(test)]
#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod tests {
    use super::*;

    /// An argument for the test driver.
    #[derive(Clone, Copy)]
    enum A<'a> {
        N(f64),
        S(&'a str),
    }

    /// A miniature string.format over the kernels.
    fn sf(fmt: &str, args: &[A]) -> Result<String, String> {
        let mut out = Vec::new();
        let mut next = 0;
        for piece in FormatParser::new(fmt.as_bytes()) {
            match piece? {
                Piece::Literal(l) => out.extend_from_slice(l),
                Piece::Conversion(spec) => {
                    let arg = args[next];
                    next += 1;
                    match (spec.arg_kind(), arg) {
                        (ArgKind::Int, A::N(n)) => format_int(&mut out, n, &spec),
                        (ArgKind::Char, A::N(n)) => format_char(&mut out, n, &spec),
                        (ArgKind::Float, A::N(n)) => format_float(&mut out, n, &spec),
                        (ArgKind::Str, A::S(s)) => format_str(&mut out, s.as_bytes(), &spec),
                        (ArgKind::Quoted, A::S(s)) => format_quoted(&mut out, s.as_bytes()),
                        (ArgKind::Pointer, A::N(n)) => format_pointer(&mut out, n as u64),
                        _ => panic!("bad test arg"),
                    }
                }
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn n(fmt: &str, x: f64) -> String {
        sf(fmt, &[A::N(x)]).unwrap()
    }

    fn s(fmt: &str, x: &str) -> String {
        sf(fmt, &[A::S(x)]).unwrap()
    }

    fn e(fmt: &str) -> String {
        sf(fmt, &[A::N(1.0)]).unwrap_err()
    }

    #[test]
    fn parse_errors_match_reference() {
        assert_eq!(e("%y"), "invalid option '%y' to 'format'");
        assert_eq!(e("%123d"), "invalid option '%123' to 'format'");
        assert_eq!(e("%.123d"), "invalid option '%.123' to 'format'");
        assert_eq!(e("%1.1.1d"), "invalid option '%1.1.' to 'format'");
        assert_eq!(e("%"), "invalid option '%' to 'format'");
        assert_eq!(e("abc%"), "invalid option '%' to 'format'");
        assert_eq!(e("%5"), "invalid option '%5' to 'format'");
        assert_eq!(e("%."), "invalid option '%.' to 'format'");
        assert_eq!(e("%ld"), "invalid option '%l' to 'format'");
        assert_eq!(e("%100d"), "invalid option '%100' to 'format'");
        assert_eq!(e("%.100f"), "invalid option '%.100' to 'format'");
        assert_eq!(e("%5%"), "invalid option '%5%' to 'format'");
        assert_eq!(e("%-------y"), "invalid option '%-------y' to 'format'");
        assert_eq!(e("%\0"), "invalid option '%' to 'format'");
        assert_eq!(e("%5\0"), "invalid option '%5' to 'format'");
        assert_eq!(e("%0-5.2y"), "invalid option '%0-5.2y' to 'format'");
        assert_eq!(e("%12.y"), "invalid option '%12.y' to 'format'");
        assert_eq!(e("%.5"), "invalid option '%.5' to 'format'");
        assert_eq!(e("%.55555d"), "invalid option '%.555' to 'format'");
        for c in ["b", "n", "h", "S", "l", "L", "z"] {
            assert_eq!(
                e(&format!("%{}", c)),
                format!("invalid option '%{}' to 'format'", c)
            );
        }
        // Flags may repeat without limit.
        assert_eq!(n(&format!("%{}d", "-".repeat(100)), 1.0), "1");
        assert_eq!(n(&format!("%{}5d", "0".repeat(100)), 1.0), "00001");
        // Lazy: pieces before the bad conversion come out first.
        let mut p = FormatParser::new(b"ab%d%y");
        assert_eq!(p.next(), Some(Ok(Piece::Literal(b"ab"))));
        assert!(matches!(p.next(), Some(Ok(Piece::Conversion(_)))));
        assert!(matches!(p.next(), Some(Err(_))));
        assert_eq!(p.next(), None);
    }

    #[test]
    fn integers_match_reference() {
        let cases: &[(&str, f64, &str)] = &[
            ("%12d", 1.0, "           1"),
            ("%.12d", 1.0, "000000000001"),
            ("%-+ #0d", 5.0, "+5"),
            ("%i", 5.0, "5"),
            ("%d", f64::INFINITY, "-9223372036854775808"),
            ("%d", f64::NEG_INFINITY, "-9223372036854775808"),
            ("%d", f64::NAN, "-9223372036854775808"),
            ("%d", 9223372036854775808.0, "-9223372036854775808"),
            ("%d", -9223372036854775808.0, "-9223372036854775808"),
            ("%d", 18446744073709551616.0, "-9223372036854775808"),
            ("%d", 1e300, "-9223372036854775808"),
            ("%d", -3.7, "-3"),
            ("%d", 3.7, "3"),
            ("%u", -1.0, "18446744073709551615"),
            ("%o", -1.0, "1777777777777777777777"),
            ("%x", 9007199254740992.0, "20000000000000"),
            ("%x", -9223372036854775808.0, "8000000000000000"),
            ("%x", -1.0, "ffffffffffffffff"),
            ("%u", 9223372036854775808.0, "9223372036854775808"),
            ("%x", 9223372036854779904.0, "8000000000001000"),
            ("%x", 1e19, "8ac7230489e80000"),
            ("%u", 1e20, "9223372036854775808"),
            ("%x", -1e19, "8000000000000000"),
            ("%x", 18446744073709551616.0, "0"),
            ("%u", -9223372036854775808.0, "9223372036854775808"),
            ("%o", 9223372036854775808.0, "1000000000000000000000"),
            ("%X", 9223372036854779904.0, "8000000000001000"),
            ("%x", 3.9, "3"),
            ("%x", -3.9, "fffffffffffffffd"),
            ("%u", -0.5, "0"),
            ("%d", 9223372036854774784.0, "9223372036854774784"),
            ("%x", f64::INFINITY, "8000000000000000"),
            ("%x", f64::NEG_INFINITY, "8000000000000000"),
            ("%x", f64::NAN, "8000000000000000"),
            ("%u", f64::NAN, "9223372036854775808"),
            ("%u", f64::INFINITY, "9223372036854775808"),
            ("%#x", 0.0, "0"),
            ("%#x", 255.0, "0xff"),
            ("%#o", 0.0, "0"),
            ("%#o", 8.0, "010"),
            ("%.3x", 5.0, "005"),
            ("%+x", 5.0, "5"),
            ("% d", 5.0, " 5"),
            ("%+d", 5.0, "+5"),
            ("%+d", -5.0, "-5"),
            ("%05d", -5.0, "-0005"),
            ("%-05d", -5.0, "-5   "),
            ("%.0d", 0.0, ""),
            ("%#.0o", 0.0, "0"),
            ("%+.0d", 0.0, "+"),
            ("%5.0d", 0.0, "     "),
            ("%99d", 1.0, &format!("{:>99}", 1)),
            ("%05.3d", 5.0, "  005"),
            ("%#5x", 0.0, "    0"),
            ("%#.3x", 1.0, "0x001"),
            ("%#08x", 1.0, "0x000001"),
            ("%#.0x", 0.0, ""),
            ("%#o", 1.0, "01"),
            ("%#5.3o", 8.0, "  010"),
            ("%+u", 5.0, "5"),
            ("% x", 5.0, "5"),
            ("%#d", 5.0, "5"),
            ("% +d", 5.0, "+5"),
            ("%+ d", 5.0, "+5"),
            ("%5.3i", -7.0, " -007"),
            ("%-8.3d", -7.0, "-007    "),
            ("%-.3d", 5.0, "005"),
            ("%.3d", -5.0, "-005"),
            ("%x", -0.0, "0"),
            ("%d", -0.0, "0"),
            ("%d", 0.5, "0"),
            ("%d", -0.5, "0"),
            ("%.3o", 8.0, "010"),
            ("%5.3x", 255.0, "  0ff"),
            ("%#X", 10.0, "0XA"),
            ("%#x", -1.0, "0xffffffffffffffff"),
        ];
        for &(fmt, x, want) in cases {
            assert_eq!(n(fmt, x), want, "{} of {}", fmt, x);
        }
    }

    #[test]
    fn chars_strings_floats_match_reference() {
        assert_eq!(n("%c", 65.0), "A");
        assert_eq!(n("%c", 321.0), "A");
        assert_eq!(n("%c", 0.0), "\0");
        assert_eq!(n("%c", 256.0), "\0");
        assert_eq!(
            sf("%c", &[A::N(-1.0)]).unwrap().into_bytes(),
            vec![0xef, 0xbf, 0xbd]
        ); // lossy 255
        assert_eq!(n("%c", 65.7), "A");
        assert_eq!(n("%c", f64::INFINITY), "\0");
        assert_eq!(n("%5c", 65.0), "    A");
        assert_eq!(n("%-5c|", 65.0), "A    |");
        assert_eq!(n("%05c|", 65.0), "    A|");
        assert_eq!(n("%+c", 65.0), "A");
        assert_eq!(n("%.3c", 65.0), "A");
        assert_eq!(s("%5.3s", "abcdef"), "  abc");
        assert_eq!(s("%.20s", "a\0b"), "a\0b");
        assert_eq!(s("%5s|", "a\0b"), "  a\0b|");
        assert_eq!(s("%.2s", "a\0b"), "a\0");
        assert_eq!(s("%-5s|", "ab"), "ab   |");
        assert_eq!(s("%05s|", "ab"), "   ab|");
        assert_eq!(s("%-05s|", "ab"), "ab   |");
        assert_eq!(s("%+5s", "a"), "    a");
        assert_eq!(s("%#s", "a"), "a");
        assert_eq!(s("%.0s", "abc"), "");
        assert_eq!(s("%5.s|", "abc"), "     |");
        assert_eq!(s("%5.1s|", "abc"), "    a|");
        assert_eq!(s("%10q", "a"), "\"a\"");
        assert_eq!(s("%.3q", "abcdef"), "\"abcdef\"");
        assert_eq!(n("%.f", 1.5), "2");
        assert_eq!(n("%5.2f", f64::INFINITY), "  inf");
        assert_eq!(n("%g", 0.1), "0.1");
        assert_eq!(n("%F", 1.5), "1.500000");
        assert_eq!(
            sf("%5.2s|%-3d|%3x", &[A::S("xyz"), A::N(4.0), A::N(255.0)]).unwrap(),
            "   xy|4  | ff"
        );
        assert_eq!(sf("%%", &[]).unwrap(), "%");
        assert_eq!(sf("a%%b%%", &[]).unwrap(), "a%b%");
    }

    #[test]
    fn quoting_matches_reference() {
        let q = |x: &[u8]| {
            let mut out = Vec::new();
            format_quoted(&mut out, x);
            out
        };
        assert_eq!(
            q(b"a\0b\r\n\t\x01\x7f\x80\"\\z"),
            b"\"a\\0b\\13\\\n\\9\\1\\127\x80\\\"\\\\z\"".to_vec()
        );
        assert_eq!(
            q(b"\x01\x012\x003\r9\n\0"),
            b"\"\\1\\0012\\0003\\0139\\\n\\0\"".to_vec()
        );
        assert_eq!(q(b"\xff\x7f\x1f "), b"\"\xff\\127\\31 \"".to_vec());
        assert_eq!(q(b"\r\n"), b"\"\\13\\\n\"".to_vec());
        assert_eq!(q(b"\x001"), b"\"\\0001\"".to_vec());
        assert_eq!(q(b"\n1"), b"\"\\\n1\"".to_vec());
        assert_eq!(q(b"\0a"), b"\"\\0a\"".to_vec());
        let all: Vec<u8> = (1..=31).chain([127, 128, 255]).collect();
        let want = b"\"\\1\\2\\3\\4\\5\\6\\7\\8\\9\\\n\\11\\12\\13\\14\\15\\16\\17\\18\\19\\20\\21\\22\\23\\24\\25\\26\\27\\28\\29\\30\\31\\127\x80\xff\"";
        assert_eq!(q(&all), want.to_vec());
        assert_eq!(q(b""), b"\"\"".to_vec());
    }

    #[test]
    fn pointers_match_reference() {
        let p = |a: u64| {
            let mut out = Vec::new();
            format_pointer(&mut out, a);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(p(0), "NULL");
        assert_eq!(p(0x7fd4f149b3a0), "0x7fd4f149b3a0");
        assert_eq!(p(0x7fb825797398), "0x7fb825797398");
        assert_eq!(p(0x1234), "0x00001234");
        assert_eq!(p(0x1_0000_1234), "0x0100001234");
        assert_eq!(p(0x1234_5678_9abc_def0), "0x123456789abcdef0");
    }
}
