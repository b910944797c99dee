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
    line_width, DUMP_VERSION, FLAG_FFI, FLAG_FR2, FLAG_STRIP, INTERNAL_VAR_NAMES, KGC_CHILD,
    KGC_COMPLEX, KGC_I64, KGC_STR, KGC_TAB, KGC_U64, KTAB_FALSE, KTAB_INT, KTAB_NIL, KTAB_NUM,
    KTAB_STR, KTAB_TRUE,
};
use super::{bc_op_raw, set_op, KGc, KNum, KTabVal, Op, ProtoData};
use super::{PROTO_CHILD, PROTO_FFI, PROTO_ILOOP, PROTO_VARARG};

/// The dump of `p` (and its children); `strip` leaves out the chunk name and
/// all debug info, as `string.dump(f, true)` / `luajit -bs` do.
pub fn dump(p: &ProtoData, strip: bool) -> Vec<u8> {
    let mut out = vec![0x1b, b'L', b'J', DUMP_VERSION];
    let mut flags = FLAG_FR2;
    if strip {
        flags |= FLAG_STRIP;
    }
    if p.flags & PROTO_FFI != 0 {
        flags |= FLAG_FFI;
    }
    put_uleb(&mut out, flags);
    if !strip {
        put_uleb(&mut out, p.chunkname.len() as u32);
        out.extend_from_slice(&p.chunkname);
    }
    write_proto(&mut out, p, strip);
    out.push(0);
    out
}

fn put_uleb(out: &mut Vec<u8>, v: u32) {
    put_uleb64(out, v as u64);
}

fn put_uleb64(out: &mut Vec<u8>, mut v: u64) {
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

/// Children first (in constant index order), then the prototype itself,
/// preceded by its size. Depth is bounded by the prototype tree, which the
/// parser and the loader keep shallow.
fn write_proto(out: &mut Vec<u8>, p: &ProtoData, strip: bool) {
    // The reference goes by PROTO_CHILD; the constants themselves are the
    // safer guide (a child left out would make the dump unloadable).
    for k in &p.kgc {
        if let KGc::Child(child) = k {
            write_proto(out, child, strip);
        }
    }
    let body = proto_body(p, strip);
    put_uleb(out, body.len() as u32);
    out.extend_from_slice(&body);
}

fn proto_body(p: &ProtoData, strip: bool) -> Vec<u8> {
    let nbc = p.bc.len().saturating_sub(1);
    let mut b = Vec::with_capacity(16 + nbc * 5);
    b.push(p.flags & (PROTO_CHILD | PROTO_VARARG | PROTO_FFI));
    b.push(p.numparams);
    b.push(p.framesize);
    b.push(p.uv.len() as u8);
    put_uleb(&mut b, p.kgc.len() as u32);
    put_uleb(&mut b, p.knum.len() as u32);
    put_uleb(&mut b, nbc as u32);
    let debug = if strip || p.lineinfo.is_empty() { Vec::new() } else { debug_info(p) };
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
        b.extend_from_slice(&ins.to_le_bytes());
    }
    for &uv in &p.uv {
        b.extend_from_slice(&uv.to_le_bytes());
    }
    // GC constants highest index first, so the loader can claim children
    // from its stack in the order they were written.
    for k in p.kgc.iter().rev() {
        write_kgc(&mut b, k);
    }
    for &k in &p.knum {
        write_knum(&mut b, k);
    }
    b.extend_from_slice(&debug);
    b
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    put_uleb(out, v as u32);
    put_uleb(out, (v >> 32) as u32);
}

fn write_kgc(out: &mut Vec<u8>, k: &KGc) {
    match k {
        KGc::Child(_) => put_uleb(out, KGC_CHILD),
        KGc::Table { array, hash } => {
            put_uleb(out, KGC_TAB);
            put_uleb(out, array.len() as u32);
            put_uleb(out, hash.len() as u32);
            for v in array {
                write_table_value(out, v, true);
            }
            for (key, v) in hash {
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

/// A template table key or value; `narrow_numbers` is set for values, whose
/// integral numbers the reference writes as integers (keys stay doubles).
fn write_table_value(out: &mut Vec<u8>, v: &KTabVal, narrow_numbers: bool) {
    let number = |out: &mut Vec<u8>, n: f64| match narrow(n).filter(|_| narrow_numbers) {
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
fn write_knum(out: &mut Vec<u8>, k: KNum) {
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
fn debug_info(p: &ProtoData) -> Vec<u8> {
    let width = line_width(p.numline);
    let mut d = Vec::new();
    for i in 1..p.bc.len() {
        let line = p.lineinfo.get(i).copied().unwrap_or(p.firstline);
        let delta = line.wrapping_sub(p.firstline);
        match width {
            1 => d.push(delta as u8),
            2 => d.extend_from_slice(&(delta as u16).to_le_bytes()),
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
