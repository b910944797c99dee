//! Parser target: Lua source texts through `frontend::compile`.
//!
//! Seeds: the Lua files of the repository (tests/lua, bench, src/jit/lua),
//! the system's Lua modules (/usr/share/lua/5.1, /usr/share/luajit-2.1*,
//! e.g. Debian's lua-penlight), fuzz/corpus-lua/ if present, saved failures,
//! and generated programs around the parser's limits. Mutations work on
//! bytes and on token streams (see `mutate`).
//!
//! Checks per input: no panic; at most 1 s of CPU time; bounded peak
//! allocation; an error is a message of LuaJIT's form
//! (`chunk:line: message` with an optional ` near 'token'`); a chunk that
//! compiles verifies, its dump loads back (stripped and not) with the same
//! listing, and writing the loaded dump gives the same bytes. With a
//! reference `luajit`, a sample of the inputs is also listed by
//! `luajit -bl` and the listing (or the error message) must be the same.

use crate::bytecode::{listing, reader, writer, ProtoData};
use crate::frontend::{compile_with, CompileOptions};
use crate::{load_dir, mutate_bytes, panic_text, save_as, Rng, LIVE, PEAK};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Inputs larger than this are cut (keeps the exec rate up).
const MAX_INPUT: usize = 256 * 1024;
/// Stack of the fuzzing thread: the parser's own guard stops at 768 KiB.
const STACK_SIZE: usize = 8 << 20;
const CHUNKNAME: &[u8] = b"=fuzz";

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of the calling thread (wall time would count the other
/// processes sharing the machine).
fn thread_cpu_time() -> Duration {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

// ---------------------------------------------------------------------------
// A rough tokenizer for mutations (not the real lexer: it only needs to cut
// source text into plausible pieces).

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Level of a long bracket `[==[` starting at `i`, if it is one.
fn long_bracket(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while s.get(j) == Some(&b'=') {
        j += 1;
    }
    if s.get(j) == Some(&b'[') {
        Some(j - i - 1)
    } else {
        None
    }
}

/// End of a long bracket body of `level` whose content starts at `i`.
fn long_end(s: &[u8], mut i: usize, level: usize) -> usize {
    while i < s.len() {
        if s[i] == b']' {
            let mut j = i + 1;
            while j < s.len() && s[j] == b'=' {
                j += 1;
            }
            if j - i - 1 == level && s.get(j) == Some(&b']') {
                return j + 1;
            }
        }
        i += 1;
    }
    s.len()
}

/// Token boundaries: `(start, end)` of every token; whitespace is not a token.
fn tokenize(s: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && s.get(i + 1) == Some(&b'-') {
            if let Some(level) = long_bracket(s, i + 2) {
                i = long_end(s, i + 4 + level, level);
            } else {
                while i < s.len() && s[i] != b'\n' {
                    i += 1;
                }
            }
        } else if let Some(level) = long_bracket(s, i) {
            i = long_end(s, i + 2 + level, level);
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < s.len() && s[i] != c && s[i] != b'\n' {
                if s[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(s.len());
        } else if c.is_ascii_digit()
            || (c == b'.' && s.get(i + 1).map_or(false, |d| d.is_ascii_digit()))
        {
            while i < s.len() {
                let d = s[i];
                if (d == b'+' || d == b'-') && matches!(s[i - 1], b'e' | b'E' | b'p' | b'P') {
                    i += 1;
                } else if is_name_byte(d) || d == b'.' {
                    i += 1;
                } else {
                    break;
                }
            }
        } else if is_name_byte(c) {
            while i < s.len() && is_name_byte(s[i]) {
                i += 1;
            }
        } else {
            let rest = &s[i..];
            let n = if [&b"..."[..], b"~>>", b"<<=", b">>=", b"..="]
                .iter()
                .any(|op| rest.starts_with(op))
            {
                3
            } else if [
                &b".."[..],
                b"==",
                b"~=",
                b"<=",
                b">=",
                b"::",
                b"<<",
                b">>",
                b"&&",
                b"||",
                b"!=",
                b"?.",
                b"??",
                b"->",
                b"+=",
                b"-=",
                b"*=",
                b"/=",
                b"%=",
                b"&=",
                b"|=",
            ]
            .iter()
            .any(|op| rest.starts_with(op))
            {
                2
            } else {
                1
            };
            i += n;
        }
        out.push((start, i.max(start + 1).min(s.len())));
    }
    out
}

// ---------------------------------------------------------------------------
// Dictionaries and generators.

const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    // The soft keywords of today's LuaJIT 2.1.
    "const", "continue",
];

const OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "%", "^", "#", "==", "~=", "<=", ">=", "<", ">", "=", "(", ")", "{", "}",
    "[", "]", ";", ":", ",", ".", "..", "...", "::", "~", "&", "|", "!", "@", "$", "`", "\\", "?",
    // Today's LuaJIT 2.1: bit operators, customary operators, ?: ?. ??,
    // short functions, compound assignment (and ^=, which it refuses).
    "<<", ">>", "~>>", "~>", "&&", "||", "!=", "?.", "??", "->", "+=", "-=", "*=", "/=", "%=",
    "&=", "|=", "<<=", ">>=", "~>>=", "..=", "^=", "??=", "//",
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.0",
    "-0",
    "1e308",
    "1e309",
    "-1e309",
    "1e-324",
    "4.9e-324",
    "2.2250738585072014e-308",
    "9007199254740992",
    "9007199254740993",
    "2147483647",
    "2147483648",
    "-2147483648",
    "4294967296",
    "0x7fffffff",
    "0x80000000",
    "0xffffffff",
    "0x100000000",
    "0xffffffffffffffff",
    "0x1p-1074",
    "0x1P+1023",
    "0x1p1024",
    "0x.8",
    "0x.p1",
    "0x",
    "0xg",
    "1e",
    "1e+",
    "1.5e-",
    ".5",
    "5.",
    "..5",
    "1..2",
    "0x1.fffffffffffffp1023",
    "1LL",
    "1ULL",
    "-1LL",
    "0x7fffffffffffffffLL",
    "0xffffffffffffffffULL",
    "18446744073709551615ULL",
    "18446744073709551616ULL",
    "9223372036854775808LL",
    "1ll",
    "1ull",
    "1uLL",
    "1i",
    "2.5i",
    "0x10i",
    "1e2i",
    "1I",
    "1LLi",
    "1.5LL",
    "0b101",
    "0B11",
    "0b2",
    "00000000000000000000001",
    "1.0000000000000000000000001",
    "123456789012345678901234567890",
    "1e+0000000000000000000000000000012",
    "0x000000000000000000000000001p0",
    "1e99999999999999999999",
    "3",
    "65536",
    "65535",
    "255",
    "256",
    "nan",
    "inf",
    "-inf",
    // Underscores, ignored after the first digit.
    "1_000",
    "1__0",
    "1_",
    "0_x1F",
    "0x_ff",
    "0x1_0p1_0",
    "1_e5",
    "1e_5",
    "1e-_5",
    "1_.5_",
    "._5",
    "1_LL",
    "0x_FFULL",
    "1_i",
    "0x_",
    "1_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0",
];

const NAMES: &[&str] = &[
    "a",
    "b",
    "x",
    "self",
    "_",
    "_ENV",
    "arg",
    "print",
    "t",
    "f",
    "pairs",
    "next",
    "ipairs",
    "string",
    "...",
    "a.b",
    "a:b",
    "a[1]",
    "\u{e9}t\u{e9}",
    "\u{80}",
];

/// A string literal with interesting escapes or brackets.
fn gen_string(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    match rng.below(4) {
        0 | 1 => {
            let quote = if rng.chance(2) { b'"' } else { b'\'' };
            out.push(quote);
            for _ in 0..rng.below(6) {
                let piece: &[u8] = match rng.below(26) {
                    0 => b"\\n",
                    1 => b"\\\n",
                    2 => b"\\\r\n",
                    3 => b"\\x41",
                    4 => b"\\xg",
                    5 => b"\\x4",
                    6 => b"\\255",
                    7 => b"\\256",
                    8 => b"\\0",
                    9 => b"\\z   \n  ",
                    10 => b"\\u{41}",
                    11 => b"\\u{7FFFFFFF}",
                    12 => b"\\u{80000000}",
                    13 => b"\\u{}",
                    14 => b"\\u41",
                    15 => b"\\q",
                    16 => b"\\\"",
                    17 => b"\\'",
                    18 => b"\\\\",
                    19 => b"\\a\\b\\f\\r\\t\\v",
                    20 => b"\n",
                    21 => b"\\",
                    22 => b"\\u{10FFFF}\\u{D800}",
                    23 => b"\x00\xff",
                    24 => b"\\0001",
                    _ => b"abc",
                };
                out.extend_from_slice(piece);
            }
            if !rng.chance(10) {
                out.push(quote);
            }
        }
        _ => {
            let level = [0, 0, 1, 2, 3, 5, 17][rng.below(7)];
            let comment = rng.chance(3);
            if comment {
                out.extend_from_slice(b"--");
            }
            out.push(b'[');
            out.extend(std::iter::repeat(b'=').take(level));
            out.push(b'[');
            for _ in 0..rng.below(5) {
                let piece: &[u8] = match rng.below(9) {
                    0 => b"]]",
                    1 => b"]=]",
                    2 => b"\n",
                    3 => b"\r\n",
                    4 => b"\n\r",
                    5 => b"[[",
                    6 => b"[==[",
                    7 => b"\\n",
                    _ => b"text",
                };
                out.extend_from_slice(piece);
            }
            // Sometimes the wrong closing level, or none.
            let close = match rng.below(12) {
                0 => None,
                1 => Some(level + 1),
                2 if level > 0 => Some(level - 1),
                _ => Some(level),
            };
            if let Some(close) = close {
                out.push(b']');
                out.extend(std::iter::repeat(b'=').take(close));
                out.push(b']');
            }
            if comment {
                out.push(b'\n');
            }
        }
    }
    out
}

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len())]
}

/// A random token from the dictionaries.
fn dict_token(rng: &mut Rng) -> Vec<u8> {
    match rng.below(6) {
        0 => pick(rng, KEYWORDS).as_bytes().to_vec(),
        1 => pick(rng, OPERATORS).as_bytes().to_vec(),
        2 => pick(rng, NUMBERS).as_bytes().to_vec(),
        3 => pick(rng, NAMES).as_bytes().to_vec(),
        4 => gen_string(rng),
        _ => match rng.below(16) {
            0 => b"goto l".to_vec(),
            1 => b"::l::".to_vec(),
            2 => b"goto continue".to_vec(),
            3 => b"::continue::".to_vec(),
            4 => b"break".to_vec(),
            5 => b"continue".to_vec(),
            6 => b"const x = 1".to_vec(),
            7 => b"x -> x".to_vec(),
            8 => b"|a, ...| ->".to_vec(),
            9 => b"|| -> do".to_vec(),
            10 => b"a?.b".to_vec(),
            11 => b"a ?? b".to_vec(),
            12 => b"c ? a : b".to_vec(),
            13 => b"x += 1".to_vec(),
            14 => b"o:m?.()".to_vec(),
            _ => b"--[==[ ]==]".to_vec(),
        },
    }
}

/// Counts that sit on either side of the parser's limits.
fn limit_count(rng: &mut Rng) -> usize {
    [
        1, 2, 10, 59, 60, 61, 62, 100, 148, 149, 150, 198, 199, 200, 201, 202, 249, 250, 251, 255,
        256, 300, 1000,
    ][rng.below(23)]
}

fn repeat_join(piece: &str, n: usize, sep: &str) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(&piece.replace("#", &i.to_string()));
    }
    s
}

/// A program aimed at one of the parser's limits or rarer constructs.
fn generate(rng: &mut Rng) -> Vec<u8> {
    let n = limit_count(rng);
    let core = String::from_utf8_lossy(&dict_token(rng)).into_owned();
    let text = match rng.below(34) {
        0 => format!("return {}1{}", "(".repeat(n), ")".repeat(n)),
        1 => format!("local t = {}{}", "{".repeat(n), "}".repeat(n)),
        2 => format!(
            "{}return 1{}",
            "local f = function() ".repeat(n),
            " end".repeat(n)
        ),
        3 => format!("{} x = 1 {}", "do ".repeat(n), "end ".repeat(n)),
        4 => format!("{} x = 1 {}", "if x then ".repeat(n), "end ".repeat(n)),
        5 => format!("{} x = 1 {}", "while x do ".repeat(n), "end ".repeat(n)),
        6 => format!("{} x = 1 {}", "repeat ".repeat(n), "until x ".repeat(n)),
        7 => format!(
            "{} x = 1 {}",
            "for i = 1, 2 do ".repeat(n),
            "end ".repeat(n)
        ),
        8 => format!(
            "{} x = 1 {}",
            "for k, v in pairs(t) do ".repeat(n),
            "end ".repeat(n)
        ),
        9 => format!("local {}", repeat_join("a#", n, ", ")),
        10 => repeat_join("local a# = #", n, "\n"),
        11 => format!(
            "{}\nlocal function f() return {} end",
            repeat_join("local u# = #", n.min(199), "\n"),
            repeat_join("u#", n.min(199), " + ")
        ),
        12 => format!("return f({})", repeat_join("#", n, ", ")),
        13 => format!("return {{{}}}", repeat_join("#", n, ", ")),
        14 => format!("local t = {{{}}}", repeat_join("k# = '#'", n * 10, ", ")),
        15 => format!("x = {}", repeat_join("a#", n, " .. ")),
        16 => format!("x = {}", repeat_join("(a# + b#)", n, " * ")),
        17 => format!(
            "{} = {}",
            repeat_join("a#", n, ", "),
            repeat_join("#", n, ", ")
        ),
        18 => format!("x = {}{}", "-".repeat(n), "1"),
        19 => format!("x = {}1", "not ".repeat(n)),
        20 => match rng.below(8) {
            0 => "do goto l end ::l:: goto l".to_string(),
            1 => "goto l; local x ::l:: print(x)".to_string(),
            2 => "do goto l; local x ::l:: end".to_string(),
            3 => "::l:: ::l::".to_string(),
            4 => "for i=1,2 do if i then goto continue end ::continue:: end".to_string(),
            5 => "repeat local x; goto l; ::l:: until x".to_string(),
            6 => "while true do break; break end goto nowhere".to_string(),
            _ => format!(
                "{} ::l{}:: goto l0",
                repeat_join("::l#::", n.min(300), " "),
                n
            ),
        },
        // Today's LuaJIT 2.1 syntax around the same limits.
        22 => format!("x = {}1{}", "c ? ".repeat(n), " : 2".repeat(n)),
        23 => format!("x = a{}", "?.b".repeat(n)),
        24 => format!("x = {}", repeat_join("a#", n, " ?? ")),
        25 => format!("f = {}1", "x -> ".repeat(n)),
        26 => format!(
            "f = {}return 1{}",
            "|| -> do ".repeat(n),
            " end".repeat(n)
        ),
        27 => format!(
            "{} x += 1 {}",
            "for i = 1, 2 do if i then continue end local v = i f(|| -> v) ".repeat(n),
            "end ".repeat(n)
        ),
        28 => repeat_join("const c# = #", n, "\n"),
        29 => format!(
            "local t = {{}} {}",
            repeat_join("t.k# += # t[#] ..= '#' t?.x# ~= #", n, " ")
        ),
        30 => format!("x = {}", repeat_join("a# << # & b# | ~c# ~>> #", n, " ~ ")),
        31 => format!("x = {}1{}", "~(".repeat(n), ")".repeat(n)),
        32 => match rng.below(8) {
            0 => "repeat if x then continue end local y = 1 until y".to_string(),
            1 => "while x do local function f() continue end end".to_string(),
            2 => "const a = 1; local function f() a = 2 end".to_string(),
            3 => "const a, a = 1, 2".to_string(),
            4 => "local a, b, c = x?.f()".to_string(),
            5 => "a?.b, c = 1, 2".to_string(),
            6 => "return t ? a:m() : b".to_string(),
            _ => format!("x = 1{}", "_0".repeat(n)),
        },
        _ => format!("x = {}{}{}", "a[".repeat(n), core, "]".repeat(n)),
    };
    text.into_bytes()
}

// ---------------------------------------------------------------------------
// Mutation.

fn mutate_tokens(rng: &mut Rng, data: &mut Vec<u8>, pool: &[Vec<u8>]) {
    let toks = tokenize(data);
    if toks.is_empty() {
        let t = dict_token(rng);
        data.extend_from_slice(&t);
        return;
    }
    let pick_range = |rng: &mut Rng, toks: &[(usize, usize)]| {
        let a = rng.below(toks.len());
        let span = if rng.chance(4) { 64 } else { 4 };
        let b = (a + 1 + rng.below(span)).min(toks.len());
        (toks[a].0, toks[b - 1].1)
    };
    let spaced = |t: Vec<u8>| {
        let mut v = vec![b' '];
        v.extend(t);
        v.push(b' ');
        v
    };
    match rng.below(11) {
        0 => {
            let (a, b) = pick_range(rng, &toks);
            data.drain(a..b);
        }
        1 => {
            let (a, b) = pick_range(rng, &toks);
            let chunk = data[a..b].to_vec();
            let at = toks[rng.below(toks.len())].0;
            data.splice(at..at, spaced(chunk));
        }
        2 => {
            // Swap two tokens (the later one first, so offsets stay valid).
            let (mut x, mut y) = (toks[rng.below(toks.len())], toks[rng.below(toks.len())]);
            if x.0 > y.0 {
                std::mem::swap(&mut x, &mut y);
            }
            if x.1 <= y.0 {
                let tx = data[x.0..x.1].to_vec();
                let ty = data[y.0..y.1].to_vec();
                data.splice(y.0..y.1, tx);
                data.splice(x.0..x.1, ty);
            }
        }
        3 => {
            let at = if rng.chance(2) {
                toks[rng.below(toks.len())].0
            } else {
                toks[rng.below(toks.len())].1
            };
            let t = dict_token(rng);
            data.splice(at..at, spaced(t));
        }
        4 => {
            let (a, b) = toks[rng.below(toks.len())];
            let t = dict_token(rng);
            data.splice(a..b, t);
        }
        5 if !pool.is_empty() => {
            // Splice a token range of another input.
            let other = &pool[rng.below(pool.len())];
            let otoks = tokenize(other);
            if !otoks.is_empty() {
                let (oa, ob) = pick_range(rng, &otoks);
                let piece = other[oa..ob].to_vec();
                let (a, b) = if rng.chance(2) {
                    pick_range(rng, &toks)
                } else {
                    let at = toks[rng.below(toks.len())].0;
                    (at, at)
                };
                data.splice(a..b, spaced(piece));
            }
        }
        6 => {
            // Wrap a range in many levels of nesting.
            let (a, b) = pick_range(rng, &toks);
            let n = limit_count(rng).min(400);
            let (open, close) = match rng.below(6) {
                0 => ("(", ")"),
                1 => ("{", "}"),
                2 => (" function() ", " end "),
                3 => (" do ", " end "),
                4 => (" if x then ", " end "),
                _ => (" while x do ", " end "),
            };
            let mut piece = open.repeat(n).into_bytes();
            piece.extend_from_slice(&data[a..b]);
            piece.extend_from_slice(close.repeat(n).as_bytes());
            data.splice(a..b, piece);
        }
        7 => {
            // Replace a number with an interesting one.
            let nums: Vec<_> = toks.iter().filter(|t| data[t.0].is_ascii_digit()).collect();
            let (a, b) = if nums.is_empty() {
                toks[rng.below(toks.len())]
            } else {
                *nums[rng.below(nums.len())]
            };
            data.splice(a..b, pick(rng, NUMBERS).bytes());
        }
        8 => {
            let strs: Vec<_> = toks
                .iter()
                .filter(|t| matches!(data[t.0], b'"' | b'\'' | b'[' | b'-'))
                .collect();
            let (a, b) = if strs.is_empty() {
                toks[rng.below(toks.len())]
            } else {
                *strs[rng.below(strs.len())]
            };
            let s = gen_string(rng);
            data.splice(a..b, s);
        }
        9 => {
            // Replace a name with another name of the same text, or a keyword.
            let names: Vec<_> = toks
                .iter()
                .filter(|t| is_name_byte(data[t.0]) && !data[t.0].is_ascii_digit())
                .collect();
            if names.len() >= 2 {
                let (a, b) = *names[rng.below(names.len())];
                let (c, d) = *names[rng.below(names.len())];
                let new = if rng.chance(4) {
                    pick(rng, KEYWORDS).as_bytes().to_vec()
                } else {
                    data[c..d].to_vec()
                };
                data.splice(a..b, new);
            }
        }
        _ => {
            // Insert a generated program at a statement-ish boundary.
            let at = toks[rng.below(toks.len())].0;
            let mut g = b"\n".to_vec();
            g.extend(generate(rng));
            g.push(b'\n');
            data.splice(at..at, g);
        }
    }
}

fn mutate(rng: &mut Rng, data: &mut Vec<u8>, pool: &[Vec<u8>]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        if rng.chance(4) {
            mutate_bytes(rng, data, pool);
        } else {
            mutate_tokens(rng, data, pool);
        }
    }
    data.truncate(MAX_INPUT);
}

// ---------------------------------------------------------------------------
// Checks.

/// Is `msg` a compile error in LuaJIT's form: `fuzz:LINE: MESSAGE`,
/// optionally ending in ` near 'TOKEN'`? Returns the message kind (the
/// message without line and token) for the statistics.
fn error_kind(msg: &[u8]) -> Result<Vec<u8>, String> {
    // Bytecode behind a `#` line or a byte order mark: LuaJIT's message has
    // no position.
    if msg == b"cannot load malformed bytecode" {
        return Ok(msg.to_vec());
    }
    let prefix = b"fuzz:";
    if !msg.starts_with(prefix) {
        return Err("error without the chunk name".into());
    }
    let rest = &msg[prefix.len()..];
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits..digits + 2) != Some(b": ") {
        return Err("error without a line number".into());
    }
    let text = &rest[digits + 2..];
    if text.is_empty() {
        return Err("empty error message".into());
    }
    let kind = match find(text, b" near '") {
        Some(at) => {
            if text.last() != Some(&b'\'') {
                return Err("near without closing quote".into());
            }
            &text[..at]
        }
        None => text,
    };
    // Messages that quote a name or line keep only their fixed part.
    let mut k = Vec::new();
    let mut quoted = false;
    for &c in kind {
        if c == b'\'' {
            quoted = !quoted;
            k.push(c);
        } else if !quoted && c.is_ascii_digit() {
            if k.last() != Some(&b'N') {
                k.push(b'N');
            }
        } else {
            k.push(c);
        }
    }
    if kind.contains(&b'\n') {
        return Err("line break in the message text".into());
    }
    Ok(k)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct Failure {
    kind: String,
    detail: String,
}

fn fail(kind: &str, detail: impl Into<String>) -> Failure {
    Failure {
        kind: kind.to_string(),
        detail: detail.into(),
    }
}

/// Compile with `opts` and check everything about the result. Returns the
/// error message kind for inputs that do not compile.
fn check(data: &[u8], opts: &CompileOptions) -> Result<Result<ProtoData, Vec<u8>>, Failure> {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let cpu_start = thread_cpu_time();
    let result = catch_unwind(AssertUnwindSafe(|| compile_with(data, CHUNKNAME, opts)));
    let cpu = thread_cpu_time().saturating_sub(cpu_start);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let result = result.map_err(|e| fail("panic-compile", panic_text(&e)))?;
    if cpu > Duration::from_secs(1) {
        return Err(fail("slow", format!("{:?} CPU time", cpu)));
    }
    let budget = 512 * data.len() + (16 << 20);
    if peak > budget {
        return Err(fail(
            "memory",
            format!("peak {} bytes for {} input bytes", peak, data.len()),
        ));
    }
    let p = match result {
        Ok(p) => p,
        Err(msg) => {
            error_kind(&msg)
                .map_err(|why| fail("bad-error", format!("{}: \"{}\"", why, msg.escape_ascii())))?;
            return Ok(Err(msg));
        }
    };
    if let Err(e) = catch_unwind(AssertUnwindSafe(|| reader::verify(&p)))
        .map_err(|e| fail("panic-verify", panic_text(&e)))?
    {
        return Err(fail("verify", e));
    }
    let list = catch_unwind(AssertUnwindSafe(|| listing::list_bytes(&p)))
        .map_err(|e| fail("panic-listing", panic_text(&e)))?;
    for strip in [false, true] {
        let once = catch_unwind(AssertUnwindSafe(|| writer::dump(&p, strip)))
            .map_err(|e| fail("panic-writer", panic_text(&e)))?;
        let loaded = match catch_unwind(AssertUnwindSafe(|| reader::undump(&once, CHUNKNAME))) {
            Err(e) => return Err(fail("panic-undump", panic_text(&e))),
            Ok(Err(e)) => {
                return Err(fail(
                    "reload",
                    format!("strip={}: {}", strip, String::from_utf8_lossy(&e)),
                ))
            }
            Ok(Ok(q)) => q,
        };
        if let Err(e) = reader::verify(&loaded) {
            return Err(fail("verify-reloaded", format!("strip={}: {}", strip, e)));
        }
        // Unstripped, the listing of the loaded dump is the compiler's.
        if !strip && listing::list_bytes(&loaded) != list {
            return Err(fail(
                "roundtrip-listing",
                "listing changes across dump/load",
            ));
        }
        if crate::normalized_dump(&loaded, strip) != crate::normalized_dump(&p, strip) {
            return Err(fail(
                "roundtrip-bytes",
                format!("strip={}: dump of the loaded dump differs", strip),
            ));
        }
    }
    Ok(Ok(p))
}

// ---------------------------------------------------------------------------
// Differential check against the reference `luajit -bl`.

struct Reference {
    binary: String,
    dir: PathBuf,
    runs: u64,
    skipped: u64,
    time: Duration,
}

impl Reference {
    /// `luajit -bl input.lua` in the scratch directory: (exit ok, stdout, stderr),
    /// or None on a timeout.
    fn list(&mut self, data: &[u8]) -> Option<(bool, Vec<u8>, Vec<u8>)> {
        let start = Instant::now();
        let path = self.dir.join("input.lua");
        std::fs::write(&path, data).ok()?;
        let mut child = Command::new(&self.binary)
            .arg("-bl")
            .arg("input.lua")
            .current_dir(&self.dir)
            .env_remove("LUA_INIT")
            .env_remove("LUA_PATH")
            .env_remove("LUA_CPATH")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        // Read both pipes on threads so that a big listing cannot block.
        let mut out_pipe = child.stdout.take()?;
        let mut err_pipe = child.stderr.take()?;
        let out_thread = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out_pipe.read_to_end(&mut v);
            v
        });
        let err_thread = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err_pipe.read_to_end(&mut v);
            v
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Some(st),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        let out = out_thread.join().unwrap_or_default();
        let err = err_thread.join().unwrap_or_default();
        self.time += start.elapsed();
        self.runs += 1;
        let status = status?;
        Some((status.success(), out, err))
    }

    /// Compare our listing (or error) with the reference's for `data`.
    fn compare(&mut self, data: &[u8]) -> Result<(), Failure> {
        // The reference has the FFI, so its lexer takes 1LL, 2ULL and 3i.
        let opts = CompileOptions {
            ffi_literals: true,
            ..Default::default()
        };
        let ours = compile_with(data, b"@input.lua", &opts);
        let Some((ok, out, err)) = self.list(data) else {
            self.skipped += 1;
            return Ok(());
        };
        match ours {
            Ok(p) => {
                let list = listing::list_bytes(&p);
                if !ok || (out != list && !same_but_number_ties(&out, &list)) {
                    return Err(fail(
                        "mismatch-listing",
                        format!(
                            "reference: ok={} stderr=\"{}\"\n--- reference stdout\n{}\n--- ours\n{}",
                            ok,
                            err.escape_ascii(),
                            String::from_utf8_lossy(&out),
                            String::from_utf8_lossy(&list)
                        ),
                    ));
                }
            }
            Err(msg) => {
                let mut want = b"luajit: ".to_vec();
                want.extend_from_slice(&msg);
                want.push(b'\n');
                if ok || err != want {
                    return Err(fail(
                        "mismatch-error",
                        format!(
                            "reference: ok={} stderr=\"{}\"\nours: \"{}\"",
                            ok,
                            err.escape_ascii(),
                            want.escape_ascii()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Listings that differ only in how a number constant at an exact tie of
/// its 14th significant digit is rounded in a `; <number>` comment: today's
/// LuaJIT 2.1 rounds such ties to even (1.2345678901234e+14 for
/// 123456789012345), Debian's 2022 LuaJIT, which we follow, away from zero.
fn same_but_number_ties(a: &[u8], b: &[u8]) -> bool {
    let (la, lb): (Vec<&[u8]>, Vec<&[u8]>) =
        (a.split(|&c| c == b'\n').collect(), b.split(|&c| c == b'\n').collect());
    la.len() == lb.len()
        && la.iter().zip(&lb).all(|(x, y)| {
            if x == y {
                return true;
            }
            let (Some(i), Some(j)) = (find(x, b"; "), find(y, b"; ")) else {
                return false;
            };
            let num = |s: &[u8]| std::str::from_utf8(s).ok()?.trim().parse::<f64>().ok();
            match (num(&x[i + 2..]), num(&y[j + 2..])) {
                (Some(p), Some(q)) => x[..i] == y[..j] && ((p - q) / q).abs() < 1e-13,
                _ => false,
            }
        })
}

// ---------------------------------------------------------------------------
// Seeds and the main loop.

fn load_tree(dir: &Path, out: &mut Vec<Vec<u8>>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() && depth < 8 {
            load_tree(&path, out, depth + 1);
        } else if path.extension().map_or(false, |e| e == "lua") {
            if let Ok(mut d) = std::fs::read(&path) {
                d.truncate(MAX_INPUT);
                out.push(d);
            }
        }
    }
}

fn seeds(root: &Path, crashes: &Path) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let repo = root.join("..");
    load_tree(&repo.join("tests/lua"), &mut seeds, 0);
    load_tree(&repo.join("tests/bytecode/syntax2026"), &mut seeds, 0);
    load_tree(&repo.join("bench"), &mut seeds, 0);
    load_tree(&repo.join("src/jit/lua"), &mut seeds, 0);
    load_tree(Path::new("/usr/share/lua/5.1"), &mut seeds, 0);
    if let Ok(entries) = std::fs::read_dir("/usr/share") {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("luajit-2.1") {
                load_tree(&e.path(), &mut seeds, 0);
            }
        }
    }
    load_dir(&root.join("corpus-lua"), "", &mut seeds);
    load_dir(crashes, ".lua", &mut seeds);
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..200 {
        seeds.push(generate(&mut rng));
    }
    seeds
}

#[derive(Default)]
struct Stats {
    execs: u64,
    compiled: u64,
    kinds: HashMap<Vec<u8>, u64>,
    failures: u64,
    diffs: u64,
}

pub fn run(minutes: f64, seed: u64, reference: Option<String>) {
    let handle = std::thread::Builder::new()
        .name("fuzz-parser".into())
        .stack_size(STACK_SIZE)
        .spawn(move || run_on_thread(minutes, seed, reference))
        .expect("spawn the fuzzing thread");
    let failures = handle.join().unwrap_or(1);
    std::process::exit(if failures > 0 { 1 } else { 0 });
}

fn run_on_thread(minutes: f64, seed: u64, reference: Option<String>) -> u64 {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let crashes = root.join("crashes");
    let seeds = seeds(&root, &crashes);
    let total: usize = seeds.iter().map(|s| s.len()).sum();
    let scratch = std::env::temp_dir().join(format!("parser-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);
    // The input being run, for a post-mortem if the process dies (a stack
    // overflow or an abort cannot be caught).
    let current_path = scratch.join("current.lua");
    let mut reference = reference
        .filter(|b| {
            Command::new(b)
                .arg("-v")
                .output()
                .map_or(false, |o| o.status.success())
        })
        .map(|binary| Reference {
            binary,
            dir: scratch.clone(),
            runs: 0,
            skipped: 0,
            time: Duration::ZERO,
        });
    eprintln!(
        "parser: fuzzing for {} minutes, seed {}, {} seeds ({} bytes), reference {}; current input in {}",
        minutes,
        seed,
        seeds.len(),
        total,
        reference.as_ref().map_or("none".to_string(), |r| r.binary.clone()),
        current_path.display()
    );
    let mut rng = Rng(seed | 1);

    // Watchdog: an input that makes no progress for 10 s is saved as a hang.
    let heartbeat = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (heartbeat, done, crashes, current_path) = (
            heartbeat.clone(),
            done.clone(),
            crashes.clone(),
            current_path.clone(),
        );
        std::thread::spawn(move || {
            let mut last = u64::MAX;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(10));
                let now = heartbeat.load(Ordering::Relaxed);
                if now == last && !done.load(Ordering::Relaxed) {
                    let data = std::fs::read(&current_path).unwrap_or_default();
                    save_as(&crashes, "hang", "lua", &data, "no progress for 10 s");
                    std::process::exit(1);
                }
                last = now;
            }
        });
    }

    std::panic::set_hook(Box::new(|_| {}));
    let mut stats = Stats::default();
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let mut seen_kinds: HashSet<Vec<u8>> = HashSet::new();
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(minutes * 60.0);
    let mut next_report = started + Duration::from_secs(30);
    while Instant::now() < deadline {
        for _ in 0..64 {
            // Prefer the smaller of two picks: small inputs run faster.
            let (a, b) = (rng.below(pool.len()), rng.below(pool.len()));
            let smaller = if pool[a].len() <= pool[b].len() { a } else { b };
            let mut data = pool[if rng.chance(4) { a } else { smaller }].clone();
            if rng.chance(20) {
                data = generate(&mut rng);
            } else {
                mutate(&mut rng, &mut data, &seeds);
            }
            let _ = std::fs::write(&current_path, &data);
            let opts = CompileOptions {
                ffi_literals: rng.chance(2),
                ..Default::default()
            };
            match check(&data, &opts) {
                Ok(Ok(_)) => {
                    stats.compiled += 1;
                    if data.len() < 1 << 16 && rng.chance(4) {
                        if pool.len() < seeds.len() + 4000 {
                            pool.push(data.clone());
                        } else {
                            let i = seeds.len() + rng.below(pool.len() - seeds.len());
                            pool[i] = data.clone();
                        }
                    }
                }
                Ok(Err(msg)) => {
                    let kind = error_kind(&msg).unwrap_or_default();
                    // A new kind of error makes a good base too.
                    if seen_kinds.insert(kind.clone()) && data.len() < 1 << 16 {
                        pool.push(data.clone());
                    }
                    *stats.kinds.entry(kind).or_insert(0) += 1;
                }
                Err(f) => {
                    stats.failures += 1;
                    save_as(&crashes, &f.kind, "lua", &data, &f.detail);
                }
            }
            // Spend at most about a third of the time in the reference.
            if let Some(r) = reference.as_mut() {
                if r.time.as_secs_f64() < 0.35 * started.elapsed().as_secs_f64()
                    && data.len() < 1 << 16
                {
                    if let Err(f) = r.compare(&data) {
                        stats.diffs += 1;
                        stats.failures += 1;
                        save_as(&crashes, &f.kind, "lua", &data, &f.detail);
                    }
                }
            }
            stats.execs += 1;
            heartbeat.store(stats.execs, Ordering::Relaxed);
        }
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(60);
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "{:.0}s: {} execs ({:.0}/s), {} compiled, {} error kinds, {} reference comparisons ({} mismatches), {} failures, pool {}",
                secs,
                stats.execs,
                stats.execs as f64 / secs,
                stats.compiled,
                stats.kinds.len(),
                reference.as_ref().map_or(0, |r| r.runs),
                stats.diffs,
                stats.failures,
                pool.len()
            );
        }
    }
    done.store(true, Ordering::Relaxed);
    let mut kinds: Vec<(String, u64)> = stats
        .kinds
        .iter()
        .map(|(k, n)| (String::from_utf8_lossy(k).into_owned(), *n))
        .collect();
    kinds.sort();
    eprintln!("error messages seen (kind: count):");
    for (k, n) in &kinds {
        eprintln!("  {:8} {}", n, k);
    }
    eprintln!(
        "done: {} execs in {:.0}s, {} compiled, {} reference comparisons ({} skipped, {} mismatches), {} failures, seed {}",
        stats.execs,
        started.elapsed().as_secs_f64(),
        stats.compiled,
        reference.as_ref().map_or(0, |r| r.runs),
        reference.as_ref().map_or(0, |r| r.skipped),
        stats.diffs,
        stats.failures,
        seed
    );
    let _ = std::fs::remove_dir_all(&scratch);
    stats.failures
}
