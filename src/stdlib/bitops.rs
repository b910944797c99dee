//! Number semantics of LuaJIT's `bit` library on plain numbers.  All
//! operations work on 32-bit integers; results go back to Lua as the
//! (signed) `i32` converted to a double.

/// LuaJIT's number to 32-bit conversion: add 2^52 + 2^51 and keep the low
/// 32 bits of the double's representation.  This rounds to nearest-even,
/// wraps modulo 2^32 for values below 2^51 and gives the low mantissa bits
/// for larger ones (0 for infinities and the default NaN).
#[inline]
pub fn tobit(n: f64) -> i32 {
    (n + 6755399441055744.0).to_bits() as u32 as i32
}

#[inline]
pub fn bnot(x: i32) -> i32 {
    !x
}

#[inline]
pub fn band(a: i32, b: i32) -> i32 {
    a & b
}

#[inline]
pub fn bor(a: i32, b: i32) -> i32 {
    a | b
}

#[inline]
pub fn bxor(a: i32, b: i32) -> i32 {
    a ^ b
}

/// Shift counts use only their low 5 bits.
#[inline]
pub fn lshift(x: i32, n: i32) -> i32 {
    ((x as u32) << (n & 31)) as i32
}

#[inline]
pub fn rshift(x: i32, n: i32) -> i32 {
    ((x as u32) >> (n & 31)) as i32
}

#[inline]
pub fn arshift(x: i32, n: i32) -> i32 {
    x >> (n & 31)
}

#[inline]
pub fn rol(x: i32, n: i32) -> i32 {
    (x as u32).rotate_left((n & 31) as u32) as i32
}

#[inline]
pub fn ror(x: i32, n: i32) -> i32 {
    (x as u32).rotate_right((n & 31) as u32) as i32
}

#[inline]
pub fn bswap(x: i32) -> i32 {
    x.swap_bytes()
}

/// `bit.tohex(x, n)` (the library passes n = 8 when it is absent).
///
/// A negative `n` selects upper-case digits and uses `-n`.  Below 16 the
/// value is cut to its low `n` hex digits; the digit count is then a
/// minimum, kept modulo 256 the way the reference stores it (so 255 means
/// "no minimum" and 256 means "at least 0 digits").
pub fn tohex(x: i32, n: i32) -> Vec<u8> {
    tohex64(x as u32 as u64, n)
}

/// `bit.tohex` of a 64-bit value (an integer cdata); same digit rules.
pub fn tohex64(x: u64, n: i32) -> Vec<u8> {
    let mut n = n;
    let mut upper = false;
    if n < 0 {
        n = n.wrapping_neg();
        upper = true;
    }
    let mut v = x;
    if n < 16 {
        // The reference shifts by 4*n in 32-bit arithmetic, and the shift
        // count is taken modulo 64 (only n = -2^31 stays negative here).
        let shift = (n.wrapping_mul(4) as u32) & 63;
        v &= (1u64 << shift).wrapping_sub(1);
    }
    let field = n.wrapping_add(1) & 255;
    let min_digits = if field == 0 { 1 } else { (field - 1) as usize };
    let tab: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut digits = Vec::with_capacity(16);
    while v != 0 {
        digits.push(tab[(v & 15) as usize]);
        v >>= 4;
    }
    while digits.len() < min_digits {
        digits.push(b'0');
    }
    digits.reverse();
    digits
}

#[cfg(test)]
#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod tests {
    use super::*;

    #[test]
    fn tobit_matches_reference() {
        let cases: &[(f64, i32)] = &[
            (0.0, 0),
            (0.5, 0),
            (1.5, 2),
            (2.5, 2),
            (-0.5, 0),
            (-1.5, -2),
            (3.7, 4),
            (-3.7, -4),
            (2147483648.0, -2147483648),
            (2147483648.5, -2147483648),
            (4294967296.0, 0),
            (4294967301.0, 5),
            (-2147483648.0, -2147483648),
            (-2147483649.0, 2147483647),
            (2251799813685248.0, 0),
            (2251799813685249.0, 0),
            (4503599627370496.0, 0),
            (4503599627370499.0, 2),
            (9007199254740992.0, 0),
            (9007199254740994.0, 1),
            (9.2233720368547758e+18, 0),
            (-9.2233720368547758e+18, 0),
            (1.8446744073709552e+19, 0),
            (1e20, 2025163840),
            (-1e20, 2025163840),
            (1e300, -2013235812),
            (f64::INFINITY, 0),
            (f64::NEG_INFINITY, 0),
            (f64::from_bits(0xfff8000000000000), 0),
            (f64::from_bits(0x7ff8000000000000), 0),
            (5e-324, 0),
            (4294967295.0, -1),
            (4294967296.5, 0),
            (2147483647.5, -2147483648),
            (6755399441055744.0, 0),
            (-6755399441055744.0, 0),
            (1234567.4999999001, 1234567),
        ];
        for &(n, want) in cases {
            assert_eq!(tobit(n), want, "tobit({:e})", n);
        }
    }

    #[test]
    fn tohex_matches_reference() {
        let h = |x: i32, n: i32| String::from_utf8(tohex(x, n)).unwrap();
        assert_eq!(h(255, 8), "000000ff");
        assert_eq!(h(255, 4), "00ff");
        assert_eq!(h(255, -4), "00FF");
        assert_eq!(h(-1, 8), "ffffffff");
        assert_eq!(h(-1, 0), "");
        assert_eq!(h(0x12345678, 2), "78");
        assert_eq!(h(1, 9), "000000001");
        assert_eq!(h(1, 16), "0000000000000001");
        assert_eq!(h(1, -16), "0000000000000001");
        assert_eq!(h(1, i32::MIN), "");
        assert_eq!(h(1, tobit(4294967299.0)), "001");
        assert_eq!(h(0xabcdef, -8), "00ABCDEF");
        assert_eq!(h(1, tobit(1.5)), "01");
        assert_eq!(h(1, tobit(-0.5)), "");
        assert_eq!(h(1, -1), "1");
        assert_eq!(h(-1, 16), "00000000ffffffff");
        assert_eq!(h(-1, 9), "0ffffffff");
        assert_eq!(h(i32::MIN, 12), "000080000000");
        assert_eq!(h(1, 17), "00000000000000001");
        assert_eq!(h(1, 100), format!("{}1", "0".repeat(99)));
        assert_eq!(h(-1, -17), "000000000FFFFFFFF");
        assert_eq!(h(0x7fffffff, 10), "007fffffff");
        assert_eq!(h(-2, -100), format!("{}FFFFFFFE", "0".repeat(92)));
        // Digit counts are kept modulo 256 (measured lengths).
        for (n, len) in [
            (0, 0),
            (1, 1),
            (254, 254),
            (255, 8),
            (256, 8),
            (264, 8),
            (265, 9),
            (300, 44),
            (510, 254),
            (511, 8),
            (1000, 232),
            (1 << 30, 8),
            (-255, 8),
            (-256, 8),
            (-265, 9),
            (-300, 44),
        ] {
            assert_eq!(tohex(0x12345678, n).len(), len, "n = {}", n);
        }
        assert_eq!(h(1, 255), "1");
        assert_eq!(h(0, 256), "");
    }

    #[test]
    fn shifts_and_rotates_match_reference() {
        assert_eq!(lshift(1, 31), -2147483648);
        assert_eq!(lshift(1, 32), 1);
        assert_eq!(lshift(1, 33), 2);
        assert_eq!(lshift(1, -1), -2147483648);
        assert_eq!(rshift(-1, 28), 15);
        assert_eq!(rshift(-1, 32), -1);
        assert_eq!(arshift(-256, 4), -16);
        assert_eq!(arshift(-256, 36), -16);
        assert_eq!(rol(0x12345678, 4), 591751041);
        assert_eq!(ror(0x12345678, 4), -2128394905);
        assert_eq!(rol(0x12345678, 36), 591751041);
        assert_eq!(ror(1, -1), 2);
        assert_eq!(bswap(0x12345678), 2018915346);
        assert_eq!(bswap(-1), -1);
        assert_eq!(bnot(0), -1);
        assert_eq!(band(-1, 0xff), 255);
        assert_eq!(bor(bor(1, 2), 4), 7);
        assert_eq!(bxor(bxor(3, 5), 7), 1);
        assert_eq!(lshift(1, tobit(2.5)), 4);
        assert_eq!(lshift(1, tobit(1.5)), 4);
        assert_eq!(rshift(tobit(2147483648.0), 31), 1);
        assert_eq!(arshift(tobit(2147483648.0), 31), -1);
        assert_eq!(ror(tobit(2147483649.0), 1), -1073741824);
        assert_eq!(rol(-1, 0), -1);
        assert_eq!(lshift(3, tobit(4294967297.0)), 6);
    }
}
