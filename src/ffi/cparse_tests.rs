//! Checks the C parser against the reference: every case of
//! cparse_cases.txt, run in order on one type table, must print what
//! `luajit -joff scripts/ffi-cparse-expect.lua` printed into
//! cparse_cases.expected (sizes, alignments, offsets, type spellings,
//! constant values and error messages).

use super::*;

/// Anonymous aggregates print their type id, which differs between
/// implementations: show it as '#'.
fn normalize(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut matched = false;
        for kw in ["struct ", "union ", "enum "] {
            if let Some(after) = rest.strip_prefix(kw) {
                let digits = after.bytes().take_while(|c| c.is_ascii_digit()).count();
                if digits > 0 {
                    out.push_str(kw);
                    out.push('#');
                    rest = &after[digits..];
                    matched = true;
                    break;
                }
            }
        }
        if !matched {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn run_case(cts: &mut CTState, line: &str) -> String {
    let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
    match kind {
        "cdef" => {
            let src = rest.replace("\\n", "\n");
            match cdef(cts, src.as_bytes(), &[]) {
                Ok(()) => "ok".into(),
                Err(e) => format!("error: {}", normalize(&e)),
            }
        }
        "type" => match parse_type(cts, rest.as_bytes(), &[]) {
            Err(e) => format!("error: {}", normalize(&e)),
            Ok(id) => {
                let ct = cts.get(id);
                let var = (ct.kind == CKind::Array && ct.has(CTF_VLA))
                    || (ct.kind == CKind::Struct && ct.has(CTF_VLS));
                let size = if var {
                    "err".to_string()
                } else {
                    match sizeof_with(cts, id, None) {
                        Some(n) => n.to_string(),
                        None => "nil".into(),
                    }
                };
                format!(
                    "{} size={} align={}",
                    normalize(&cts.repr(id)),
                    size,
                    ct.align
                )
            }
        },
        "size" => {
            let (n, t) = rest.split_once(' ').unwrap();
            match parse_type(cts, t.as_bytes(), &[]) {
                Err(e) => format!("error: {}", normalize(&e)),
                Ok(id) => match sizeof_with(cts, id, Some(n.parse().unwrap())) {
                    Some(n) => n.to_string(),
                    None => "nil".into(),
                },
            }
        }
        "offset" => {
            let (f, t) = rest.split_once(' ').unwrap();
            match parse_type(cts, t.as_bytes(), &[]) {
                Err(e) => format!("error: {}", normalize(&e)),
                Ok(id) => match offsetof(cts, id, f.as_bytes()) {
                    None => "nil".into(),
                    Some((o, None)) => o.to_string(),
                    Some((o, Some((p, s)))) => format!("{} {} {}", o, p, s),
                },
            }
        }
        "const" => match cts.decls.get(rest.as_bytes()) {
            Some(CDecl::Constant { value, .. }) => value.to_string(),
            _ => "undeclared".into(),
        },
        _ => panic!("bad case line {}", line),
    }
}

#[test]
fn cases_match_reference() {
    let cases = include_str!("cparse_cases.txt");
    let expected: Vec<&str> = include_str!("cparse_cases.expected").lines().collect();
    let mut cts = CTState::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in cases.lines() {
        if line.is_empty() || line.starts_with("--") {
            continue;
        }
        let got = format!("{}\t=> {}", line, run_case(&mut cts, line));
        let want = expected.get(n).copied().unwrap_or("<missing>");
        if got != want {
            failures.push(format!("  got:  {}\n  want: {}", got, want));
        }
        n += 1;
    }
    assert_eq!(n, expected.len(), "case and expectation counts differ");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        n,
        failures.join("\n")
    );
}

#[test]
fn dollar_parameters() {
    let mut cts = CTState::new();
    let int = parse_type(&mut cts, b"int", &[]).unwrap();
    let p = parse_type(&mut cts, b"$ *", &[Param::Type(int)]).unwrap();
    assert_eq!(cts.repr(p), "int *");
    let a = parse_type(&mut cts, b"int[$]", &[Param::Num(5.0)]).unwrap();
    assert_eq!(cts.repr(a), "int [5]");
    let a3 = parse_type(&mut cts, b"$*", &[Param::Type(a)]).unwrap();
    assert_eq!(cts.repr(a3), "int (*)[5]");
    assert_eq!(
        parse_type(&mut cts, b"int[$]", &[Param::Num(2.5)]).map(|id| cts.repr(id)),
        Ok("int [2]".into())
    );
    for n in [-1.0, 1099511627776.0] {
        assert_eq!(
            parse_type(&mut cts, b"int[$]", &[Param::Num(n)]),
            Err("size of C type is unknown or too large".into())
        );
    }
    assert_eq!(
        parse_type(&mut cts, b"$", &[]),
        Err("wrong number of type parameters".into())
    );
    assert_eq!(
        parse_type(&mut cts, b"int", &[Param::Num(1.0)]),
        Err("wrong number of type parameters".into())
    );
    assert_eq!(
        parse_type(&mut cts, b"int[$]", &[Param::Ident(b"x".to_vec())]),
        Err("unexpected symbol near '$'".into())
    );
    assert_eq!(
        parse_type(&mut cts, b"$", &[Param::Num(5.0)]),
        Err("declaration specifier expected near '$'".into())
    );
    assert_eq!(
        parse_type(&mut cts, b"$", &[Param::Ident(b"int".to_vec())]),
        Err("declaration specifier expected near '$'".into())
    );
    assert_eq!(
        parse_type(&mut cts, b"int[$]", &[Param::Type(int)]),
        Err("unexpected symbol near '$'".into())
    );
    assert_eq!(
        parse_type(
            &mut cts,
            b"struct $ { int a; }",
            &[Param::Ident(b"pn".to_vec())]
        ),
        Err("undeclared or implicit tag 'pn'".into())
    );
    assert_eq!(
        parse_type(&mut cts, b"$ x", &[Param::Type(int)]),
        Err("'<eof>' expected near 'x'".into())
    );
    assert!(parse_type(
        &mut cts,
        b"struct { int $; }",
        &[Param::Ident(b"fld".to_vec())]
    )
    .is_ok());

    cdef(
        &mut cts,
        b"struct $ { int a; };",
        &[Param::Ident(b"pn2".to_vec())],
    )
    .unwrap();
    assert_eq!(
        parse_type(&mut cts, b"struct pn2", &[]).map(|id| cts.repr(id)),
        Ok("struct pn2".into())
    );
    cdef(
        &mut cts,
        b"typedef $ $;",
        &[Param::Type(int), Param::Ident(b"myint9".to_vec())],
    )
    .unwrap();
    assert_eq!(parse_type(&mut cts, b"myint9", &[]), Ok(int));
    cdef(&mut cts, b"enum { E98 = $ };", &[Param::Num(5.5)]).unwrap();
    assert!(matches!(
        cts.decls.get(&b"E98"[..]),
        Some(CDecl::Constant { value: 5, .. })
    ));
    cdef(&mut cts, b"int x[$];", &[Param::Num(7.0)]).unwrap();
    match cts.decls.get(&b"x"[..]) {
        Some(CDecl::Extern { ctype, .. }) => assert_eq!(cts.repr(*ctype), "int [7]"),
        other => panic!("x declared as {:?}", other),
    }
}

#[test]
fn externs_functions_and_asm_names() {
    let mut cts = CTState::new();
    cdef(
        &mut cts,
        b"int printf(const char *fmt, ...); extern double ev2 __asm__(\"ev2real\"); \
          void __stdcall sc(int a, int b[3], void g(int)); int nop(void); int kr();",
        &[],
    )
    .unwrap();
    let get = |cts: &CTState, n: &str| match cts.decls.get(n.as_bytes()) {
        Some(CDecl::Extern { ctype, symbol }) => (*ctype, symbol.clone()),
        other => panic!("{} declared as {:?}", n, other),
    };
    let (pf, sym) = get(&cts, "printf");
    assert_eq!(sym, None);
    let f = cts.get(pf);
    assert_eq!(f.kind, CKind::Func);
    assert!(f.has(CTF_VARARG));
    assert_eq!(f.fields.len(), 1);
    assert_eq!(f.fields[0].name, b"fmt");
    assert_eq!(cts.repr(f.fields[0].ctype), "const char *");
    assert_eq!(cts.repr(pf), "int ()");
    let (ev, sym) = get(&cts, "ev2");
    assert_eq!(ev, CTID_DOUBLE);
    assert_eq!(sym.as_deref(), Some(&b"ev2real"[..]));
    let (sc, _) = get(&cts, "sc");
    let f = cts.get(sc);
    assert_eq!(
        f.flags, 0,
        "calling conventions only matter on 32-bit x86: ignored"
    );
    assert_eq!(
        cts.repr(f.fields[1].ctype),
        "int *",
        "array parameters are pointers"
    );
    assert_eq!(
        cts.repr(f.fields[2].ctype),
        "void (*)()",
        "function parameters are pointers"
    );
    for n in ["nop", "kr"] {
        let (id, _) = get(&cts, n);
        assert!(cts.get(id).fields.is_empty());
        assert!(!cts.get(id).has(CTF_VARARG));
    }
}

#[test]
fn failed_cdef_changes_nothing() {
    let mut cts = CTState::new();
    cdef(&mut cts, b"struct fwd; typedef const struct fwd cfwd;", &[]).unwrap();
    let ntypes = cts.types.len();
    let fwd = parse_type(&mut cts, b"struct fwd", &[]).unwrap();
    let cfwd = parse_type(&mut cts, b"cfwd", &[]).unwrap();
    assert_eq!(
        cdef(
            &mut cts,
            b"struct fwd { int a; }; typedef int newname; enum { NEWC }; int bad[-1];",
            &[]
        ),
        Err("size of C type is unknown or too large".into())
    );
    assert_eq!(cts.types.len(), ntypes);
    assert!(!cts.decls.contains_key(&b"newname"[..]));
    assert!(!cts.decls.contains_key(&b"NEWC"[..]));
    assert!(!cts.get(fwd).has(CTF_COMPLETE));
    assert_eq!(cts.get(cfwd).size, CTSIZE_INVALID);
    cdef(&mut cts, b"struct fwd { int a; double b; };", &[]).unwrap();
    assert_eq!(
        cts.get(cfwd).size,
        16,
        "the qualified copy follows the completed struct"
    );
    assert_eq!(cts.get(cfwd).fields.len(), 2);
    assert_eq!(cts.repr(cfwd), "const struct fwd");
    assert_eq!(cts.unqualified(cfwd), fwd);
}

/// Nesting limits as measured on the reference: 99 type operations in a
/// declarator, 19 nested parentheses in declarators and expressions; deep
/// struct nesting is fine.
#[test]
fn nesting_limits() {
    let mut cts = CTState::new();
    let too_deep = Err("chunk has too many syntax levels".to_string());
    let ptrs = |n| format!("int{}", "*".repeat(n));
    assert!(parse_type(&mut cts, ptrs(99).as_bytes(), &[]).is_ok());
    assert_eq!(
        parse_type(&mut cts, ptrs(100).as_bytes(), &[]).map(|_| ()),
        too_deep
    );
    let dims = |n| format!("int{}", "[1]".repeat(n));
    assert!(parse_type(&mut cts, dims(99).as_bytes(), &[]).is_ok());
    assert_eq!(
        parse_type(&mut cts, dims(100).as_bytes(), &[]).map(|_| ()),
        too_deep
    );
    let parens = |n| format!("int {}*{}", "(".repeat(n), ")".repeat(n));
    assert!(parse_type(&mut cts, parens(19).as_bytes(), &[]).is_ok());
    assert_eq!(
        parse_type(&mut cts, parens(20).as_bytes(), &[]).map(|_| ()),
        too_deep
    );
    let fptrs = |n| format!("int{}{}", " (*".repeat(n), ")(void)".repeat(n));
    assert!(parse_type(&mut cts, fptrs(19).as_bytes(), &[]).is_ok());
    assert_eq!(
        parse_type(&mut cts, fptrs(20).as_bytes(), &[]).map(|_| ()),
        too_deep
    );
    let expr =
        |name: &str, n| format!("enum {{ {} = {}1{} }};", name, "(".repeat(n), ")".repeat(n));
    assert!(cdef(&mut cts, expr("E19", 19).as_bytes(), &[]).is_ok());
    assert_eq!(cdef(&mut cts, expr("E20", 20).as_bytes(), &[]), too_deep);
    let neg = |name: &str, n| format!("enum {{ {} = {}1 }};", name, "-".repeat(n));
    assert!(cdef(&mut cts, neg("F19", 19).as_bytes(), &[]).is_ok());
    assert_eq!(cdef(&mut cts, neg("F20", 20).as_bytes(), &[]), too_deep);
    let sum = format!("enum {{ G = 1{} }};", "+1".repeat(2000));
    cdef(&mut cts, sum.as_bytes(), &[]).unwrap();
    assert!(matches!(
        cts.decls.get(&b"G"[..]),
        Some(CDecl::Constant { value: 2001, .. })
    ));
    let n = 199;
    let deep = format!(
        "struct deep {}{{int a;}} x; {}}};",
        "{ struct ".repeat(n),
        "} x;".repeat(n - 1)
    );
    cdef(&mut cts, deep.as_bytes(), &[]).unwrap();
    let id = parse_type(&mut cts, b"struct deep", &[]).unwrap();
    assert_eq!(cts.get(id).size, 4);
}

#[test]
fn struct_nesting_is_bounded() {
    let mut cts = CTState::new();
    let n = 200;
    let deep = format!(
        "struct deep {}{{int a;}} x; {}}};",
        "{ struct ".repeat(n),
        "} x;".repeat(n - 1)
    );
    assert_eq!(
        cdef(&mut cts, deep.as_bytes(), &[]),
        Err("chunk has too many syntax levels".into())
    );
}

/// Random token soup must produce errors, never panics, and a failed cdef
/// must leave the type table as it was.
#[test]
fn random_input_never_panics() {
    const WORDS: &[&str] = &[
        "int",
        "char",
        "unsigned",
        "long",
        "short",
        "double",
        "float",
        "void",
        "bool",
        "const",
        "volatile",
        "struct",
        "union",
        "enum",
        "typedef",
        "extern",
        "static",
        "sizeof",
        "__attribute__",
        "((",
        "))",
        "aligned",
        "packed",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "*",
        "&",
        ";",
        ",",
        ":",
        "=",
        "?",
        "...",
        "1",
        "0",
        "3",
        "0x10",
        "-",
        "+",
        "<<",
        "/",
        "%",
        "x",
        "y",
        "s",
        "T",
        "$",
        "'a'",
        "\"str\"",
        "__asm__",
        "#pragma pack(1)\n",
        "#pragma pack()\n",
        "__stdcall",
        "complex",
        "[?]",
        "[]",
        "int8_t",
        "size_t",
        "__declspec",
        "align",
    ];
    let mut rng: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut cts = CTState::new();
    let int = CTID_INT32;
    for i in 0..20000 {
        let n = 1 + next() % 14;
        let mut src = String::new();
        for _ in 0..n {
            src.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
            src.push(' ');
        }
        let params = [
            Param::Type(int),
            Param::Num((next() % 9) as f64),
            Param::Ident(b"p".to_vec()),
        ];
        let np = (next() % 4) as usize;
        if i % 2 == 0 {
            let before = cts.types.len();
            if cdef(&mut cts, src.as_bytes(), &params[..np]).is_err() {
                assert_eq!(
                    cts.types.len(),
                    before,
                    "failed cdef of {:?} left types",
                    src
                );
            }
        } else if let Ok(id) = parse_type(&mut cts, src.as_bytes(), &params[..np]) {
            let _ = cts.repr(id);
            let _ = sizeof_with(&cts, id, Some(3));
        }
    }
}

#[test]
fn constants_inside_structs() {
    let mut cts = CTState::new();
    cdef(&mut cts, b"struct sx { static const int SC1 = 5, SC3 = 300; int a; }; struct sy { int a; static const unsigned char SC2 = 257; enum { EN1 = 3 }; };", &[]).unwrap();
    let sx = parse_type(&mut cts, b"struct sx", &[]).unwrap();
    let sy = parse_type(&mut cts, b"const struct sy", &[]).unwrap();
    assert_eq!(cts.get(sx).size, 4);
    assert_eq!(cts.get(sx).fields.len(), 1);
    assert_eq!(cts.find_member_const(sx, b"SC1").map(|f| f.value), Some(5));
    assert_eq!(
        cts.find_member_const(sx, b"SC3").map(|f| f.value),
        Some(300)
    );
    assert_eq!(cts.find_member_const(sy, b"SC2").map(|f| f.value), Some(1));
    assert_eq!(cts.find_member_const(sy, b"EN1").map(|f| f.value), Some(3));
    assert!(matches!(
        cts.decls.get(&b"EN1"[..]),
        Some(CDecl::Constant { value: 3, .. })
    ));
    assert!(
        !cts.decls.contains_key(&b"SC1"[..]),
        "static const members are not global"
    );
    assert_eq!(offsetof(&cts, sx, b"SC1"), None);
    assert_eq!(
        cdef(&mut cts, b"struct sz { static const double D = 1; };", &[]),
        Err("invalid C type".into())
    );
}

#[test]
fn line_splices_inside_names() {
    let mut cts = CTState::new();
    cdef(&mut cts, b"int sp\\\nliced;\nint x[-1];", &[]).unwrap_err();
    assert_eq!(
        cdef(&mut cts, b"int sp\\\nliced;\nint x[-1];", &[]),
        Err("size of C type is unknown or too large at line 3".into())
    );
    cdef(&mut cts, b"int sp\\\r\nliced;", &[]).unwrap();
    assert!(cts.decls.contains_key(&b"spliced"[..]));
    assert_eq!(parse_type(&mut cts, b"ch\\\nar", &[]), Ok(CTID_CCHAR));
}
