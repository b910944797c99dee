//! Writer of LuaJIT 2.1 bytecode dumps, byte for byte as `string.dump` and
//! `luajit -b` write them on a little-endian 64-bit (FR2) build. See
//! `reader.rs` for the layout.
//!
//! Canonicalisations the reference applies and this writer repeats:
//! prototype flags other than child/vararg/FFI are not written; number
//! constants and template table values that are integral and fit an i32 are
//! written as integers; numeric template table keys are always written as
//! doubles; interpreter-only loop opcodes (IFORL, IITERL, ILOOP, JFORI) are
//! turned back into their plain forms when the prototype is marked ILOOP.

use super::reader::{
    line_width, DUMP_VERSION, FLAG_BE, FLAG_BITOP, FLAG_FFI, FLAG_FR2, FLAG_STRIP,
    INTERNAL_VAR_NAMES, KGC_CHILD, KGC_COMPLEX, KGC_I64, KGC_STR, KGC_TAB, KGC_U64, KTAB_FALSE,
    KTAB_INT, KTAB_NIL, KTAB_NUM, KTAB_STR, KTAB_TRUE,
};
use super::{bc_op, bc_op_raw, set_op, KGc, KNum, KTabVal, Op, ProtoData};
use super::{PROTO_BITOP, PROTO_CHILD, PROTO_FFI, PROTO_ILOOP, PROTO_VARARG};
use crate::mem::FallibleVec;

/// The dump of `p` (and its children); `strip` leaves out the chunk name and
/// all debug info, as `string.dump(f, true)` / `luajit -bs` do.
pub fn dump(p: &ProtoData, strip: bool) -> Vec<u8> {
    dump_with_byte_order(p, strip, false, false)
}

/// `dump`, optionally deterministic (`string.dump(f, "d")`, `luajit -bd`):
/// the hash parts of template tables in sorted order instead of node
/// order, so the same source always gives the same bytes.
pub fn dump_with(p: &ProtoData, strip: bool, deterministic: bool) -> Vec<u8> {
    dump_with_byte_order(p, strip, false, deterministic)
}

/// The dump a big-endian build would write (instructions, upvalue
/// descriptors and line numbers byte-swapped, the BE flag set). The loader
/// accepts both orders, as the reference does.
pub(crate) fn dump_with_byte_order(
    p: &ProtoData,
    strip: bool,
    big_endian: bool,
    deterministic: bool,
) -> Vec<u8> {
    // As long as the function: grown fallibly (see crate::mem).
    let mut out = FallibleVec::from_slice(&[0x1b, b'L', b'J', DUMP_VERSION]);
    // A prototype compiled for the 32-bit format has the header
    // instruction NOT (load mode "W"): its dump has no FR2 flag.
    let mut flags = if p.bc.first().is_some_and(|&i| bc_op(i) == Op::NOT) {
        0
    } else {
        FLAG_FR2
    };
    if big_endian {
        flags |= FLAG_BE;
    }
    if strip {
        flags |= FLAG_STRIP;
    }
    if p.flags & PROTO_FFI != 0 {
        flags |= FLAG_FFI;
    }
    if p.flags & PROTO_BITOP != 0 {
        flags |= FLAG_BITOP;
    }
    put_uleb(&mut out, flags);
    if !strip {
        put_uleb(&mut out, p.chunkname.len() as u32);
        out.extend_from_slice(&p.chunkname);
    }
    let opts = WriteOpts {
        strip,
        be: big_endian,
        deterministic,
    };
    write_proto(&mut out, p, &opts);
    out.push(0);
    out.into_vec()
}

fn put_uleb(out: &mut FallibleVec<u8>, v: u32) {
    put_uleb64(out, v as u64);
}

fn put_uleb64(out: &mut FallibleVec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The integer a number constant is narrowed to, if it is one (the
/// reference compares the number with its truncation to i32, so -0 narrows
/// to 0).
fn narrow(n: f64) -> Option<i32> {
    let k = n as i32;
    (k as f64 == n).then_some(k)
}

/// How a dump is written.
struct WriteOpts {
    /// No debug info.
    strip: bool,
    /// Big-endian byte order.
    be: bool,
    /// Template tables' hash parts sorted.
    deterministic: bool,
}

/// Children first (in constant index order), then the prototype itself,
/// preceded by its size. Depth is bounded by the prototype tree, which the
/// parser and the loader keep shallow.
fn write_proto(out: &mut FallibleVec<u8>, p: &ProtoData, opts: &WriteOpts) {
    // The reference goes by PROTO_CHILD; the constants themselves are the
    // safer guide (a child left out would make the dump unloadable).
    for k in &p.kgc {
        if let KGc::Child(child) = k {
            write_proto(out, child, opts);
        }
    }
    let body = proto_body(p, opts);
    put_uleb(out, body.len() as u32);
    out.extend_from_slice(&body);
}

fn proto_body(p: &ProtoData, opts: &WriteOpts) -> FallibleVec<u8> {
    let (strip, be) = (opts.strip, opts.be);
    let nbc = p.bc.len().saturating_sub(1);
    let mut b = FallibleVec::with_capacity(16 + nbc * 5);
    b.push(p.flags & (PROTO_CHILD | PROTO_VARARG | PROTO_FFI | PROTO_BITOP));
    b.push(p.numparams);
    b.push(p.framesize);
    b.push(p.uv.len() as u8);
    put_uleb(&mut b, p.kgc.len() as u32);
    put_uleb(&mut b, p.knum.len() as u32);
    put_uleb(&mut b, nbc as u32);
    let debug = if strip || p.lineinfo.is_empty() {
        FallibleVec::new()
    } else {
        debug_info(p, be)
    };
    if !strip {
        put_uleb(&mut b, debug.len() as u32);
        if !debug.is_empty() {
            put_uleb(&mut b, p.firstline);
            put_uleb(&mut b, p.numline);
        }
    }
    for &ins in p.bc.iter().skip(1) {
        let mut ins = ins;
        if p.flags & PROTO_ILOOP != 0 {
            let plain = match Op::from_u8(bc_op_raw(ins)) {
                Some(Op::IFORL) => Some(Op::FORL),
                Some(Op::IITERL) => Some(Op::ITERL),
                Some(Op::ILOOP) => Some(Op::LOOP),
                Some(Op::JFORI) => Some(Op::FORI),
                _ => None,
            };
            if let Some(op) = plain {
                set_op(&mut ins, op);
            }
        }
        b.extend_from_slice(&if be {
            ins.to_be_bytes()
        } else {
            ins.to_le_bytes()
        });
    }
    for &uv in &p.uv {
        b.extend_from_slice(&if be {
            uv.to_be_bytes()
        } else {
            uv.to_le_bytes()
        });
    }
    // GC constants highest index first, so the loader can claim children
    // from its stack in the order they were written.
    for k in p.kgc.iter().rev() {
        write_kgc(&mut b, k, opts.deterministic);
    }
    for &k in &p.knum {
        write_knum(&mut b, k);
    }
    b.extend_from_slice(&debug);
    b
}

fn put_u64(out: &mut FallibleVec<u8>, v: u64) {
    put_uleb(out, v as u32);
    put_uleb(out, (v >> 32) as u32);
}

fn write_kgc(out: &mut FallibleVec<u8>, k: &KGc, deterministic: bool) {
    match k {
        KGc::Child(_) => put_uleb(out, KGC_CHILD),
        KGc::Table(t) => {
            // Trailing nils of the array part are not written; the live
            // hash entries go last node first, as LuaJIT writes them.
            let used = t
                .array
                .iter()
                .rposition(|v| *v != KTabVal::Nil)
                .map_or(0, |i| i + 1);
            let array = &t.array[..used];
            put_uleb(out, KGC_TAB);
            put_uleb(out, array.len() as u32);
            put_uleb(out, t.dump_entries().count() as u32);
            for v in array {
                write_table_value(out, v, true);
            }
            let mut entries: FallibleVec<(&KTabVal, &KTabVal)> = FallibleVec::new();
            entries.extend(t.dump_entries());
            if deterministic {
                entries.sort_by(|a, b| key_order(a.0).cmp(&key_order(b.0)));
            }
            for (key, v) in entries.iter() {
                write_table_value(out, key, false);
                write_table_value(out, v, true);
            }
        }
        KGc::I64(v) => {
            put_uleb(out, KGC_I64);
            put_u64(out, *v as u64);
        }
        KGc::U64(v) => {
            put_uleb(out, KGC_U64);
            put_u64(out, *v);
        }
        KGc::Complex(re, im) => {
            put_uleb(out, KGC_COMPLEX);
            put_u64(out, re.to_bits());
            put_u64(out, im.to_bits());
        }
        KGc::Str(s) => {
            put_uleb(out, KGC_STR + s.len() as u32);
            out.extend_from_slice(s);
        }
    }
}

/// Where a template table key goes in a deterministic dump: LuaJIT's
/// order by type tag (numbers, whose tag is their high bits, then strings,
/// true, false), numbers by their bits, strings bytewise.
fn key_order(k: &KTabVal) -> (u8, u64, &[u8]) {
    match k {
        KTabVal::Int(i) => (0, (*i as f64).to_bits(), &[]),
        KTabVal::Num(n) => (0, n.to_bits(), &[]),
        KTabVal::Str(s) => (1, 0, s),
        KTabVal::True => (2, 0, &[]),
        KTabVal::False => (3, 0, &[]),
        KTabVal::Nil => (4, 0, &[]),
    }
}

/// A template table key or value; `narrow_numbers` is set for values, whose
/// integral numbers the reference writes as integers (keys stay doubles).
fn write_table_value(out: &mut FallibleVec<u8>, v: &KTabVal, narrow_numbers: bool) {
    let number = |out: &mut FallibleVec<u8>, n: f64| match narrow(n).filter(|_| narrow_numbers) {
        Some(k) => {
            put_uleb(out, KTAB_INT);
            put_uleb(out, k as u32);
        }
        None => {
            put_uleb(out, KTAB_NUM);
            put_u64(out, n.to_bits());
        }
    };
    match v {
        KTabVal::Nil => put_uleb(out, KTAB_NIL),
        KTabVal::False => put_uleb(out, KTAB_FALSE),
        KTabVal::True => put_uleb(out, KTAB_TRUE),
        KTabVal::Int(i) => number(out, *i as f64),
        KTabVal::Num(n) => number(out, *n),
        KTabVal::Str(s) => {
            put_uleb(out, KTAB_STR + s.len() as u32);
            out.extend_from_slice(s);
        }
    }
}

/// 33-bit ULEB128: integer << 1, or (low word << 1 | 1) then the high word.
fn write_knum(out: &mut FallibleVec<u8>, k: KNum) {
    let n = match k {
        KNum::Int(i) => Some(i),
        KNum::Num(n) => narrow(n),
    };
    match n {
        Some(i) => put_uleb64(out, (i as u32 as u64) << 1),
        None => {
            let bits = k.to_f64().to_bits();
            put_uleb64(out, ((bits & 0xffff_ffff) << 1) | 1);
            put_uleb(out, (bits >> 32) as u32);
        }
    }
}

/// Line numbers (relative to the first line, width by `numline`) of the
/// instructions after the header, upvalue names, variable info.
fn debug_info(p: &ProtoData, be: bool) -> FallibleVec<u8> {
    let width = line_width(p.numline);
    let mut d = FallibleVec::new();
    for i in 1..p.bc.len() {
        let line = p.lineinfo.get(i).copied().unwrap_or(p.firstline);
        let delta = line.wrapping_sub(p.firstline);
        match width {
            1 => d.push(delta as u8),
            2 if be => d.extend_from_slice(&(delta as u16).to_be_bytes()),
            2 => d.extend_from_slice(&(delta as u16).to_le_bytes()),
            _ if be => d.extend_from_slice(&delta.to_be_bytes()),
            _ => d.extend_from_slice(&delta.to_le_bytes()),
        }
    }
    for i in 0..p.uv.len() {
        if let Some(name) = p.uvnames.get(i) {
            d.extend_from_slice(name);
        }
        d.push(0);
    }
    let mut lastpc: u32 = 0;
    for v in &p.varinfo {
        match INTERNAL_VAR_NAMES.iter().position(|n| *n == &v.name[..]) {
            Some(i) => d.push(i as u8 + 1),
            None => {
                d.extend_from_slice(&v.name);
                d.push(0);
            }
        }
        put_uleb(&mut d, v.startpc.wrapping_sub(lastpc));
        put_uleb(&mut d, v.endpc.wrapping_sub(v.startpc));
        lastpc = v.startpc;
    }
    d.push(0);
    d
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bytecode::ktable::KTable;
    // The format round trips, also for allops.*.raw, whose operands are
    // arbitrary (it cannot be run, so the loader proper rejects it).
    use crate::bytecode::reader::undump_unverified as undump;

    /// A template as the loader builds it: the array part as given, the
    /// hash entries stored in order.
    fn template(array: Vec<KTabVal>, hash: Vec<(KTabVal, KTabVal)>) -> KTable {
        let mut t = KTable::new(
            array.len() as u32,
            crate::table::hsize2hbits(hash.len() as u32),
        );
        t.array = array;
        for (k, v) in hash {
            t.set(k, v);
        }
        t
    }

    /// Samples in tests/bytecode with reference dumps (see regen.sh there).
    pub(crate) const SAMPLES: [&str; 10] = [
        "ops",
        "hashk",
        "strings",
        "tdup",
        "closures",
        "ffi_consts",
        "manyconsts",
        "longlines",
        "deep",
        "allops",
    ];

    fn read(name: &str, ext: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bytecode/");
        std::fs::read(format!("{}{}.{}", dir, name, ext)).unwrap()
    }

    /// The prototype with each template's hash entries in one canonical
    /// order. Loading a dump and writing it again can reorder them (the
    /// loader stores the entries into a table of its own size, in dump
    /// order), in the reference too; and where string keys are involved
    /// the reference's order changes from process to process.
    fn canonical(p: &ProtoData) -> ProtoData {
        let mut p = p.clone();
        for k in p.kgc.iter_mut() {
            match k {
                KGc::Table(t) => {
                    let mut entries: Vec<(KTabVal, KTabVal)> = t
                        .dump_entries()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    entries.sort_by(|a, b| format!("{:?}", a).cmp(&format!("{:?}", b)));
                    *t = template(t.array.clone(), entries);
                }
                KGc::Child(c) => **c = canonical(c),
                _ => {}
            }
        }
        p
    }

    /// Loading a reference dump and writing it again gives the same bytes
    /// up to the order of template hash entries (see `canonical`), with and
    /// without debug info; stripping the loaded full dump gives the
    /// reference's stripped dump. (tests/bytecode/hashk.r.raw checks the
    /// order itself.)
    #[test]
    fn round_trip_reference_dumps() {
        let same = |a: &[u8], b: &[u8]| {
            let (a, b) = (undump(a, b"=x").unwrap(), undump(b, b"=x").unwrap());
            dump(&canonical(&a), false) == dump(&canonical(&b), false)
        };
        for name in SAMPLES {
            let full = read(name, "g.raw");
            let stripped = read(name, "s.raw");
            let p = undump(&full, b"=x").unwrap();
            assert!(same(&dump(&p, false), &full), "{} full", name);
            assert!(same(&dump(&p, true), &stripped), "{} strip of full", name);
            let ps = undump(&stripped, b"=x").unwrap();
            assert!(same(&dump(&ps, true), &stripped), "{} stripped", name);
            assert!(ps.lineinfo.is_empty() && ps.varinfo.is_empty() && ps.uvnames.is_empty());
        }
    }

    /// Loading a dump lays out template tables as the reference's loader
    /// does: the reference, given hashk.g.raw (its own dump of hashk.lua,
    /// template tables without string keys), loads it and dumps it again
    /// as hashk.r.raw, hash entries reordered; so do we, byte for byte.
    #[test]
    fn reload_orders_hash_entries_as_reference() {
        let p = undump(&read("hashk", "g.raw"), b"=x").unwrap();
        assert!(dump(&p, false) == read("hashk", "r.raw"));
    }

    /// Big-endian dumps (as a big-endian build writes them) load to the same
    /// prototypes. tests/bytecode/closures.be.raw was checked with the reference:
    /// it loads there and `string.dump` of the result is closures.g.raw.
    #[test]
    fn big_endian_dumps_load() {
        for name in SAMPLES {
            let p = undump(&read(name, "g.raw"), b"=x").unwrap();
            let be = dump_with_byte_order(&p, false, true, false);
            assert_eq!(
                canonical(&undump(&be, b"=x").unwrap()),
                canonical(&p),
                "{}",
                name
            );
        }
        assert_eq!(
            dump(&undump(&read("closures", "be.raw"), b"=x").unwrap(), false),
            read("closures", "g.raw")
        );
    }

    #[test]
    fn canonicalisations() {
        let mut p = ProtoData {
            flags: crate::bytecode::PROTO_HAS_RETURN | PROTO_ILOOP,
            bc: vec![
                crate::bytecode::ins_ad(Op::FUNCF, 2, 0),
                crate::bytecode::ins_aj(Op::IFORL, 0, -1),
                crate::bytecode::ins_ad(Op::RET0, 0, 1),
            ],
            knum: vec![
                KNum::Num(3.0),
                KNum::Num(-0.0),
                KNum::Num(0.5),
                KNum::Int(-7),
            ],
            kgc: vec![KGc::Table(template(
                vec![KTabVal::Nil, KTabVal::Num(2.0)],
                vec![(KTabVal::Int(10), KTabVal::Num(-1.0))],
            ))],
            framesize: 2,
            ..ProtoData::default()
        };
        let q = undump(&dump(&p, true), b"=x").unwrap();
        assert_eq!(q.flags, 0);
        assert_eq!(q.bc[1], crate::bytecode::ins_aj(Op::FORL, 0, -1));
        assert_eq!(
            q.knum,
            vec![KNum::Int(3), KNum::Int(0), KNum::Num(0.5), KNum::Int(-7)]
        );
        assert_eq!(
            q.kgc,
            vec![KGc::Table(template(
                vec![KTabVal::Nil, KTabVal::Int(2)],
                vec![(KTabVal::Num(10.0), KTabVal::Int(-1))],
            ))]
        );
        p.flags = 0;
        assert_eq!(
            undump(&dump(&p, true), b"=x").unwrap().bc[1],
            crate::bytecode::ins_aj(Op::IFORL, 0, -1)
        );
    }

    /// The prototype in tests/bytecode/allops.*.raw: every opcode three
    /// times with small, large and edge operands, a child, a template
    /// table, two upvalues and variables. The reference loads the dump and
    /// lists it as allops.list says.
    fn allops_proto() -> ProtoData {
        use crate::bytecode::opmodes::{modes, Mode};
        use crate::bytecode::{ins_abc, ins_ad, VarInfo, NUM_OPS, PROTO_VARARG};
        let child = ProtoData {
            framesize: 1,
            bc: vec![ins_ad(Op::FUNCF, 1, 0), ins_ad(Op::RET0, 0, 1)],
            chunkname: b"@allops.lua".to_vec(),
            firstline: 5,
            numline: 2,
            lineinfo: vec![5, 7],
            ..Default::default()
        };
        let mut bc = vec![ins_ad(Op::FUNCV, 20, 0)];
        let mut lines = vec![0];
        for op in 0..NUM_OPS as u8 {
            let o = Op::from_u8(op).unwrap();
            let m = modes(o);
            for variant in 0..3u32 {
                let (a, b, c, d) = match variant {
                    0 => (1, 2, 0, 0),
                    1 => (0, 255, 1, 1),
                    _ => (255, 0, 2, 0xfffe),
                };
                let ins = if m.is_abc() {
                    let c = if matches!(m.cd, Mode::Str | Mode::Num) {
                        c.min(1)
                    } else {
                        c
                    };
                    ins_abc(o, a, b, c)
                } else {
                    let d = match m.cd {
                        Mode::Str | Mode::Num | Mode::Uv => variant.min(1),
                        Mode::Func => 2,
                        _ => d,
                    };
                    let a = if m.a == Mode::Uv { variant.min(1) } else { a };
                    ins_ad(o, a, d)
                };
                bc.push(ins);
                lines.push(1 + bc.len() as u32 / 2);
            }
        }
        let n = bc.len() as u32;
        ProtoData {
            flags: PROTO_VARARG | PROTO_CHILD,
            numparams: 2,
            framesize: 20,
            bc,
            uv: vec![0x8000 | 3, 0x4000 | 1],
            kgc: vec![
                KGc::Str(b"s0".to_vec()),
                KGc::Str(b"a\nlonger string constant with more than forty bytes".to_vec()),
                KGc::Child(Box::new(child)),
                KGc::Table(template(vec![KTabVal::Nil, KTabVal::Int(1)], vec![])),
            ],
            knum: vec![KNum::Int(-5), KNum::Num(0.125)],
            chunkname: b"@allops.lua".to_vec(),
            firstline: 0,
            numline: n / 2 + 2,
            lineinfo: lines,
            uvnames: vec![b"up0".to_vec(), b"up1".to_vec()],
            varinfo: vec![
                VarInfo {
                    name: b"x".to_vec(),
                    startpc: 1,
                    endpc: 10,
                },
                VarInfo {
                    name: b"(for index)".to_vec(),
                    startpc: 3,
                    endpc: 5,
                },
            ],
        }
    }

    #[test]
    fn allops_sample_is_this_writer_output() {
        let p = allops_proto();
        if std::env::var_os("WRITE_ALLOPS").is_some() {
            // Regenerating the sample (after the instruction set changed):
            // tests/bytecode/regen.sh then has the reference list it.
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bytecode/");
            std::fs::write(format!("{}allops.g.raw", dir), dump(&p, false)).unwrap();
            std::fs::write(format!("{}allops.s.raw", dir), dump(&p, true)).unwrap();
        }
        assert!(dump(&p, false) == read("allops", "g.raw"));
        assert!(dump(&p, true) == read("allops", "s.raw"));
        assert_eq!(undump(&read("allops", "g.raw"), b"").unwrap(), p);
    }

    /// Today's LuaJIT 2.1: bit operators set BCDUMP_F_BITOP in the header
    /// and keep PROTO_BITOP in the prototype's flags; a 32-bit prototype
    /// (header NOT) has no FR2 flag and loads only in that format.
    #[test]
    fn bitop_flag_and_32_bit_format() {
        use crate::bytecode::reader::undump_format;
        use crate::frontend::{compile, compile_with, CompileOptions};
        let p = compile(b"local a = ... return a ~ 1", b"=x").unwrap();
        let d = dump(&p, true);
        assert_eq!(d[4], 0x02 | 0x08 | 0x10);
        assert_eq!(undump(&d, b"=x").unwrap().flags & PROTO_BITOP, PROTO_BITOP);
        let plain = compile(b"local a = ... return a + 1", b"=x").unwrap();
        assert_eq!(dump(&plain, true)[4], 0x02 | 0x08);
        let w = compile_with(
            b"local a = ... return a ~ 1",
            b"=x",
            &CompileOptions {
                fr2: false,
                ..Default::default()
            },
        )
        .unwrap();
        let dw = dump(&w, true);
        assert_eq!(dw[4], 0x02 | 0x10);
        assert!(undump_format(&dw, b"=x", true).is_err());
        assert!(undump_format(&d, b"=x", false).is_err());
        assert_eq!(dump(&undump_format(&dw, b"=x", false).unwrap(), true), dw);
    }

    /// A deterministic dump sorts a template's hash part: numbers by their
    /// bits, then strings bytewise, then true, then false.
    #[test]
    fn deterministic_template_order() {
        let t = template(
            vec![],
            vec![
                (KTabVal::False, KTabVal::Int(1)),
                (KTabVal::Str(b"b".to_vec()), KTabVal::Int(2)),
                (KTabVal::True, KTabVal::Int(3)),
                (KTabVal::Num(2.5), KTabVal::Int(4)),
                (KTabVal::Str(b"a".to_vec()), KTabVal::Int(5)),
                (KTabVal::Num(-1.5), KTabVal::Int(6)),
            ],
        );
        let p = ProtoData {
            framesize: 1,
            bc: vec![
                crate::bytecode::ins_ad(Op::FUNCF, 1, 0),
                crate::bytecode::ins_ad(Op::RET0, 0, 1),
            ],
            kgc: vec![KGc::Table(t)],
            ..Default::default()
        };
        let d = dump_with(&p, true, true);
        let vals: Vec<u8> = d
            .windows(2)
            .filter(|w| w[0] == KTAB_INT as u8)
            .map(|w| w[1])
            .collect();
        // (The scan also finds bytes after the table.)
        assert!(vals.starts_with(&[4, 6, 5, 2, 3, 1]), "{:?}", vals);
    }
}
