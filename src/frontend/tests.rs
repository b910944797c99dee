//! Regression tests for the front end: error messages and instruction
//! selection on small snippets.

use super::compile;
use crate::bytecode::*;

fn err(src: &str) -> String {
    String::from_utf8(compile(src.as_bytes(), b"=x").unwrap_err()).unwrap()
}

fn ops(src: &str) -> Vec<String> {
    let p = compile(src.as_bytes(), b"=x").unwrap();
    p.bc[1..]
        .iter()
        .map(|&i| bc_op(i).name().to_string())
        .collect()
}

#[test]
fn error_messages() {
    assert_eq!(err("x = "), "x:1: unexpected symbol near '<eof>'");
    assert_eq!(err("break"), "x:1: no loop to break");
    assert_eq!(err("goto foo"), "x:1: undefined label 'foo'");
    assert_eq!(err("::a:: ::a::"), "x:1: duplicate label 'a'");
    assert_eq!(
        err("x = \"ab\\q\""),
        "x:1: invalid escape sequence near '\"ab'"
    );
    assert_eq!(
        err("function f() return ... end"),
        "x:1: cannot use '...' outside a vararg function near '...'"
    );
    assert_eq!(err("if x then"), "x:1: 'end' expected near '<eof>'");
    assert_eq!(
        err("if x then\n"),
        "x:2: 'end' expected (to close 'if' at line 1) near '<eof>'"
    );
    assert_eq!(err("x = 3..2"), "x:1: malformed number near '3..2'");
    assert_eq!(
        err("(f)\n(g)"),
        "x:2: ambiguous syntax (function call x new statement) near '('"
    );
    assert_eq!(err("(x) = 1"), "x:1: syntax error near '='");
    assert_eq!(
        err(&format!("x = {}1{}", "(".repeat(300), ")".repeat(300))),
        "x:1: chunk has too many syntax levels"
    );
}

#[test]
fn simple_code() {
    assert_eq!(ops("local a = 1 + 2"), ["KSHORT", "RET0"]);
    assert_eq!(
        ops("for k, v in pairs(t) do end"),
        ["GGET", "GGET", "CALL", "ISNEXT", "ITERN", "ITERL", "RET0"]
    );
    assert_eq!(ops("return f()"), ["GGET", "CALLT"]);
}

#[test]
fn return_fixup_passes_goto_uclo() {
    // A return before the first closure is redirected through UCLO even when
    // a goto that closes upvalues precedes it (reference behaviour).
    let src = "do local y = 1 if y then goto skip end do return 5 end local f = function() return y end end ::skip:: return 3";
    let o = ops(src);
    assert_eq!(o.last().unwrap(), "RET1");
    assert_eq!(o.iter().filter(|s| *s == "RET1").count(), 2);
}

#[test]
fn template_table_array_part() {
    let p = compile(b"local t = {[1]=1, [2]=2, [3]=3}", b"=x").unwrap();
    match &p.kgc[0] {
        KGc::Table(t) => {
            // Sized as LuaJIT sizes it (keys up to 4, plus slot 0); the
            // bytecode writer drops the trailing nil.
            assert_eq!(t.array.len(), 5);
            assert_eq!(t.array[4], KTabVal::Nil);
            assert!(t.nodes.is_empty());
        }
        _ => panic!("expected a template table"),
    }
}

#[test]
fn ffi_literals_are_malformed_without_ffi() {
    let off = super::CompileOptions {
        ffi_literals: false,
        ..Default::default()
    };
    let e = super::compile_with(b"x = 1LL", b"=x", &off).unwrap_err();
    assert_eq!(
        String::from_utf8_lossy(&e),
        "x:1: malformed number near '1LL'"
    );
    assert!(super::compile(b"x = 1LL + 2ULL + 3i", b"=x").is_ok());
}

// Inputs found by the parser fuzzer (fuzz/, `--target parser`).

#[test]
fn fuzz_exponent_of_2_pow_20_is_malformed() {
    assert_eq!(
        err("x = 1e99999999999999999999"),
        "x:1: malformed number near '1e99999999999999999999'"
    );
    assert_eq!(
        err("x = 0x1p-1048576"),
        "x:1: malformed number near '0x1p-1048576'"
    );
    assert!(compile(b"x = 1e1048575 + 1e-1048575", b"=x").is_ok());
}

#[test]
fn fuzz_names_in_messages_are_bytes() {
    // Names may hold any byte >= 0x80; messages quote them unchanged.
    let e = |src: &[u8]| compile(src, b"=x").unwrap_err();
    assert_eq!(e(b"goto \xff"), b"x:1: undefined label '\xff'");
    assert_eq!(
        e(b"::a\x80b:: ::a\x80b::"),
        b"x:1: duplicate label 'a\x80b'"
    );
    assert_eq!(
        e(b"goto l\xa4 local \xe9 = 1 ::l\xa4:: print(\xe9)"),
        b"x:1: <goto l\xa4> jumps into the scope of local '\xe9'"
    );
}

#[test]
fn fuzz_bytecode_behind_a_header_line() {
    // As LuaJIT: the message has no chunk name or line.
    let e = |src: &[u8]| compile(src, b"=x").unwrap_err();
    assert_eq!(e(b"#  0x.8\n\x1bZ]]"), b"cannot load malformed bytecode");
    assert_eq!(
        e(b"\xef\xbb\xbf\x1bLJ\x02"),
        b"cannot load malformed bytecode"
    );
}

#[test]
fn truncated_bytecode_from_a_reader_is_an_error() {
    use super::{load, CompileOptions, LoadError, Source};
    let p = compile(b"local t = {1, 'x'} return function() return t end", b"=x").unwrap();
    for strip in [false, true] {
        let dump = crate::bytecode::writer::dump(&p, strip);
        for cut in 1..dump.len() {
            let mut piece = Some(dump[..cut].to_vec());
            let mut read = || Ok(piece.take().unwrap_or_default());
            let r = load(
                Source::Reader(&mut read),
                b"=x",
                None,
                &CompileOptions::default(),
            );
            assert!(matches!(r, Err(LoadError::Syntax(_))), "cut at {}", cut);
        }
    }
}

/// Today's LuaJIT 2.1 builds a finished function's debug info in the
/// lexer's token buffer; a short function finishes after the token behind
/// it was scanned, so an error near that token shows the buffer (the first
/// upvalue or variable name). Found by the parser fuzzer.
#[test]
fn short_function_errors_show_the_debug_info_buffer() {
    assert_eq!(
        err("local u32 = x -> x 32"),
        "x:1: unexpected symbol near 'x'"
    );
    assert_eq!(err("f = || -> do end 1"), "x:1: unexpected symbol near ''");
    assert_eq!(
        err("local up = 1 f = || -> up 5"),
        "x:1: unexpected symbol near 'up'"
    );
    // A regular function finishes at its `end`: no effect.
    assert_eq!(
        err("f = function(q) end 32"),
        "x:1: unexpected symbol near '32'"
    );
}

#[test]
fn new_syntax_error_messages() {
    assert_eq!(err("continue"), "x:1: no loop to continue");
    assert_eq!(
        err("repeat if a then continue end local y = 1 until y"),
        "x:1: <continue> jumps into the scope of local 'y'"
    );
    assert_eq!(
        err("const a = 1; a = 2"),
        "x:1: attempt to assign to const variable 'a'"
    );
    assert_eq!(
        err("const a = 1; local function f(a) end"),
        "x:1: attempt to re-declare const variable 'a'"
    );
    assert_eq!(err("x ??= 1"), "x:1: '=' expected near '??'");
    assert_eq!(err("x ^= 1"), "x:1: '=' expected near '^'");
    assert_eq!(err("x != 1"), "x:1: '=' expected near '!'");
    assert_eq!(err("a?.b, c = 1, 2"), "x:1: syntax error near ','");
    assert_eq!(err("x = 1 ~> 2"), "x:1: unexpected symbol near '~'");
    assert_eq!(
        err("x = a ? o:m() : c"),
        "x:1: function arguments expected near '<eof>'"
    );
}

#[test]
fn new_syntax_code() {
    assert_eq!(
        ops("local a, b = ... return a & b"),
        ["VARG", "BAND", "RET1"]
    );
    assert_eq!(ops("return 5 & 3 | ~0"), ["KSHORT", "RET1"]);
    assert_eq!(
        ops("local a = ... return a ?? 1"),
        ["VARG", "MOV", "ISNEP", "JMP", "KSHORT", "RET1"]
    );
    // The bit operators mark the prototype (and the dump header).
    let p = compile(b"local a = ... return ~a", b"=x").unwrap();
    assert_ne!(p.flags & PROTO_BITOP, 0);
    let p = compile(b"return ~1", b"=x").unwrap();
    assert_eq!(p.flags & PROTO_BITOP, 0);
}
