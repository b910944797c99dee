//! The bytecode listing printed by `luajit -bl` (LuaJIT's `jit.bc` module),
//! reproduced byte for byte from a `ProtoData`.
//!
//! Per function: a `-- BYTECODE -- loc-lastline` header, one line per
//! instruction (the header instruction at index 0 is not listed) and an empty
//! line. Child prototypes are listed before their parent, in the order of
//! their GC constant index, each with its own children first.

use super::opmodes::{modes, Mode};
use super::{bc_a, bc_b, bc_d, bc_op_raw, Ins, KGc, Op, ProtoData, OP_NAMES};
use crate::mem::FallibleVec;

/// The listing of `p` and all its children, as `luajit -bl` prints it.
/// String constants are bytes; bytes that are not UTF-8 are replaced (use
/// `list_bytes` to write the exact output).
pub fn list(p: &ProtoData) -> String {
    String::from_utf8_lossy(&list_bytes(p)).into_owned()
}

/// The exact bytes of the listing of `p` and all its children.
pub fn list_bytes(p: &ProtoData) -> Vec<u8> {
    // As long as the code listed: grown fallibly (crate::mem).
    let mut out = FallibleVec::new();
    list_function(p, &mut out);
    out.into_vec()
}

/// Listing of one function after those of its children. Recursion depth is
/// bounded by the nesting depth of the prototype tree, which the parser and
/// the loader bound.
fn list_function(p: &ProtoData, out: &mut FallibleVec<u8>) {
    for k in &p.kgc {
        if let KGc::Child(child) = k {
            list_function(child, out);
        }
    }
    out.extend_from_slice(b"-- BYTECODE -- ");
    out.extend_from_slice(&location(p));
    out.extend_from_slice(format!("-{}\n", last_line(p)).as_bytes());
    let targets = jump_targets(p);
    for pc in 1..p.bc.len() {
        list_instruction(p, pc, targets.get(pc).copied().unwrap_or(false), out);
    }
    out.push(b'\n');
}

/// `firstline + numline` as the reference's `jit.util.funcinfo` reports it.
fn last_line(p: &ProtoData) -> i64 {
    // The reference adds two 32-bit unsigned line numbers.
    p.firstline.wrapping_add(p.numline) as i32 as i64
}

/// Which instruction indices are the target of a jump.
fn jump_targets(p: &ProtoData) -> Vec<bool> {
    let mut targets = crate::mem::filled_vec(p.bc.len() + 1, false);
    for (pc, &ins) in p.bc.iter().enumerate().skip(1) {
        if let Some(op) = Op::from_u8(bc_op_raw(ins)) {
            if modes(op).cd == Mode::Jump {
                let t = jump_target(pc, ins);
                if t >= 0 && (t as usize) < targets.len() {
                    targets[t as usize] = true;
                }
            }
        }
    }
    targets
}

fn jump_target(pc: usize, ins: Ins) -> i64 {
    pc as i64 + bc_d(ins) as i64 - 0x7fff
}

fn list_instruction(p: &ProtoData, pc: usize, is_target: bool, out: &mut FallibleVec<u8>) {
    let ins = p.bc[pc];
    let Some(op) = Op::from_u8(bc_op_raw(ins)) else {
        // The reference has no name for such bytes; show the raw opcode.
        out.extend_from_slice(
            format!("{:04} {} ??{:<4} \n", pc, prefix(is_target), bc_op_raw(ins)).as_bytes(),
        );
        return;
    };
    let m = modes(op);
    let a = bc_a(ins);
    let a_text = if m.a == Mode::None {
        String::new()
    } else {
        a.to_string()
    };
    let mut line = format!(
        "{:04} {} {:<6} {:>3} ",
        pc,
        prefix(is_target),
        OP_NAMES[op as usize],
        a_text
    )
    .into_bytes();
    let mut d = bc_d(ins);
    if m.cd == Mode::Jump {
        line.extend_from_slice(format!("=> {:04}\n", jump_target(pc, ins)).as_bytes());
        out.extend_from_slice(&line);
        return;
    }
    if m.is_abc() {
        d &= 0xff;
    } else if m.cd == Mode::None {
        line.push(b'\n');
        out.extend_from_slice(&line);
        return;
    }
    let mut comment: Option<Vec<u8>> = match m.cd {
        Mode::Str => match p.kgc.get(d as usize) {
            Some(KGc::Str(s)) => Some(quote_string(s)),
            _ => None,
        },
        Mode::Num => p.knum.get(d as usize).map(|k| {
            let mut v = k.to_f64();
            if op == Op::TSETM {
                v -= 4503599627370496.0; // 2^52: the low word holds the index.
            }
            format_number(v).into_bytes()
        }),
        Mode::Func => match p.kgc.get(d as usize) {
            Some(KGc::Child(child)) => Some(location(child)),
            _ => None,
        },
        Mode::Uv => upvalue_name(p, d),
        _ => None,
    };
    if m.a == Mode::Uv {
        let mut ka = upvalue_name(p, a).unwrap_or_default();
        if let Some(kc) = comment {
            ka.extend_from_slice(b" ; ");
            ka.extend_from_slice(&kc);
        }
        comment = Some(ka);
    }
    if m.is_abc() {
        line.extend_from_slice(format!("{:>3} {:>3}", bc_b(ins), d).as_bytes());
        if let Some(kc) = comment {
            line.extend_from_slice(b"  ; ");
            line.extend_from_slice(&kc);
        }
    } else if let Some(kc) = comment {
        line.extend_from_slice(format!("{:>3}      ; ", d).as_bytes());
        line.extend_from_slice(&kc);
    } else {
        let shown = if m.cd == Mode::Lits && d > 32767 {
            d as i64 - 65536
        } else {
            d as i64
        };
        line.extend_from_slice(format!("{:>3}", shown).as_bytes());
    }
    line.push(b'\n');
    out.extend_from_slice(&line);
}

fn prefix(is_target: bool) -> &'static str {
    if is_target {
        "=>"
    } else {
        "  "
    }
}

/// Upvalue name as `jit.util.funcuvname` returns it: the empty string when
/// the prototype has no debug info, nothing when the index is out of range.
fn upvalue_name(p: &ProtoData, idx: u32) -> Option<Vec<u8>> {
    let idx = idx as usize;
    if idx >= p.uv.len() {
        return None;
    }
    if p.uvnames.is_empty() {
        return Some(Vec::new());
    }
    Some(p.uvnames.get(idx).cloned().unwrap_or_default())
}

/// A string constant in double quotes, control characters escaped, cut to
/// 40 bytes of escaped text with a `~` mark when the constant is longer than
/// 40 bytes.
fn quote_string(s: &[u8]) -> Vec<u8> {
    // A constant longer than 40 bytes shows only 40 escaped bytes:
    // escaping stops there (shorter ones are shown whole).
    let mut esc = Vec::with_capacity(s.len().min(40) * 4 + 2);
    for &c in s {
        if s.len() > 40 && esc.len() >= 40 {
            break;
        }
        match c {
            b'\n' => esc.extend_from_slice(b"\\n"),
            b'\r' => esc.extend_from_slice(b"\\r"),
            b'\t' => esc.extend_from_slice(b"\\t"),
            0..=31 | 127 => esc.extend_from_slice(format!("\\{:03}", c).as_bytes()),
            _ => esc.push(c),
        }
    }
    let mut out = vec![b'"'];
    if s.len() > 40 {
        out.extend_from_slice(&esc[..esc.len().min(40)]);
        out.extend_from_slice(b"\"~");
    } else {
        out.extend_from_slice(&esc);
        out.push(b'"');
    }
    out
}

/// The `loc` of a function as `jit.util.funcinfo` reports it: chunk name
/// (file base name for `@file`, the name after `=`, a quoted source string,
/// or an address for long source strings) and first line.
fn location(p: &ProtoData) -> Vec<u8> {
    let full = &p.chunkname[..];
    // The reference formats the name as a C string: it ends at a NUL.
    let cstr = |s: &[u8]| -> Vec<u8> { s.iter().copied().take_while(|&c| c != 0).collect() };
    let line = if p.lineinfo.is_empty() {
        0
    } else {
        p.firstline as i32
    };
    let mut out = if full.first() == Some(&b'@') {
        let s = cstr(&full[1..]);
        // Base name: after the last separator, not looking at the first byte.
        let start = (1..s.len())
            .rev()
            .find(|&i| s[i] == b'/' || s[i] == b'\\')
            .map_or(0, |i| i + 1);
        s[start..].to_vec()
    } else if full.len() > 40 {
        pointer_text(p as *const ProtoData as usize).into_bytes()
    } else if full.first() == Some(&b'=') {
        cstr(&full[1..])
    } else {
        let mut q = vec![b'"'];
        q.extend_from_slice(&cstr(full));
        q.push(b'"');
        q
    };
    out.extend_from_slice(format!(":{}", line).as_bytes());
    out
}

/// An address as the reference's `%p` prints it: 8 hex digits, plus two per
/// significant byte of the upper half.
fn pointer_text(addr: usize) -> String {
    let addr = addr as u64;
    let hi = (addr >> 32) as u32;
    let digits = if hi == 0 {
        8
    } else {
        8 + 2 + 2 * ((31 - hi.leading_zeros()) as usize >> 3)
    };
    format!("0x{:0width$x}", addr, width = digits)
}

/// A number as LuaJIT's `tostring` prints it: `%.14g`, except that decimal
/// ties round away from zero (the reference's own formatter does so), and
/// `inf`, `-inf`, `nan`.
pub(crate) fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".to_string()
        } else {
            "0".to_string()
        };
    }
    const PRECISION: usize = 14;
    // 767 digits hold the exact decimal expansion of any double, so the
    // digit after the kept ones decides the rounding on its own.
    let exact = format!("{:.767e}", x.abs());
    let (mantissa, exp) = exact.split_once('e').unwrap_or((&exact, "0"));
    let mut exp: i32 = exp.parse().unwrap_or(0);
    let all: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let mut digits = all[..PRECISION].to_vec();
    if all[PRECISION] >= b'5' {
        let mut i = PRECISION;
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                digits.truncate(PRECISION);
                exp += 1;
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if exp < -4 || exp >= PRECISION as i32 {
        out.push(digits[0] as char);
        let frac = text(&digits[1..]);
        let frac = frac.trim_end_matches('0');
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        ));
    } else {
        let (int_part, frac) = if exp >= 0 {
            let split = exp as usize + 1;
            (text(&digits[..split]), text(&digits[split..]))
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            ("0".to_string(), zeros + &text(&digits))
        };
        out.push_str(&int_part);
        let frac = frac.trim_end_matches('0');
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_like_tostring() {
        let cases: [(f64, &str); 19] = [
            (1.0, "1"),
            (2.5, "2.5"),
            (-3.0, "-3"),
            (0.1, "0.1"),
            (1e15, "1e+15"),
            (1e14, "1e+14"),
            (123456789012345.0, "1.2345678901235e+14"),
            (12345678901234.5, "12345678901235"),
            (-12345678901234.5, "-12345678901235"),
            (99999999999999.5, "1e+14"),
            (0.000123456789012345, "0.00012345678901234"),
            (2.0f64.powi(63), "9.2233720368548e+18"),
            (12345678901234.0, "12345678901234"),
            (9007199254740992.0, "9.007199254741e+15"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (1e300, "1e+300"),
        ];
        for (x, s) in cases {
            assert_eq!(format_number(x), s, "{}", x);
        }
    }

    /// Reference listings of the samples in tests/bytecode: the dump with
    /// debug info lists like `luajit -bl`, the stripped one like the
    /// reference lists it after loading it as "=<name>".
    #[test]
    fn listings_match_reference() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bytecode/");
        for name in super::super::writer::tests::SAMPLES {
            for (raw, list, chunk) in [
                ("g.raw", "list", String::new()),
                ("s.raw", "s.list", format!("={}", name)),
            ] {
                let data = std::fs::read(format!("{}{}.{}", dir, name, raw)).unwrap();
                let expected = std::fs::read(format!("{}{}.{}", dir, name, list)).unwrap();
                let p =
                    crate::bytecode::reader::undump_unverified(&data, chunk.as_bytes()).unwrap();
                let ours = list_bytes(&p);
                assert!(
                    ours == expected,
                    "{}.{}:\n{}",
                    name,
                    list,
                    String::from_utf8_lossy(&ours)
                );
            }
        }
    }

    #[test]
    fn string_quoting() {
        assert_eq!(
            quote_string(b"a\x7fb\x80c\0\x01\n\t\r"),
            b"\"a\\127b\x80c\\000\\001\\n\\t\\r\"".to_vec()
        );
        let long = [b'x'; 41];
        assert_eq!(
            quote_string(&long),
            [&b"\""[..], &[b'x'; 40], b"\"~"].concat()
        );
    }
}
