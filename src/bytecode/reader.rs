//! Loader for LuaJIT 2.1 bytecode dumps (the format `string.dump` and
//! `luajit -b` write), producing a `ProtoData` tree.
//!
//! Format: `ESC 'L' 'J'`, version 2, ULEB128 flags (big-endian, stripped,
//! FFI, FR2), the chunk name unless stripped, then the prototypes, children
//! before their parents, each preceded by its ULEB128 size, then a zero
//! byte. A child is referenced from its parent's GC constants and taken from
//! the prototypes read before it, most recent first.
//!
//! The input is untrusted: every length is checked against the bytes that
//! remain before anything is allocated for it, nesting depth is limited, no
//! recursion is used, and no input makes this module panic. Errors carry the
//! reference's messages ("<name>: cannot load incompatible bytecode" for a
//! bad header or unsupported flags, "...malformed bytecode" for the rest).

use super::ktable::KTable;
use super::{ins_ad, Ins, KGc, KNum, KTabVal, Op, ProtoData, VarInfo, PROTO_VARARG};

/// Dump flags.
pub(crate) const FLAG_BE: u32 = 0x01;
pub(crate) const FLAG_STRIP: u32 = 0x02;
pub(crate) const FLAG_FFI: u32 = 0x04;
pub(crate) const FLAG_FR2: u32 = 0x08;
/// Uses the bit operator bytecodes (today's LuaJIT 2.1; older ones refuse
/// such a dump as incompatible).
pub(crate) const FLAG_BITOP: u32 = 0x10;
const FLAGS_KNOWN: u32 = FLAG_BE | FLAG_STRIP | FLAG_FFI | FLAG_FR2 | FLAG_BITOP;

pub(crate) const DUMP_VERSION: u8 = 2;

/// GC constant kinds in the dump; strings are `KGC_STR + length`.
pub(crate) const KGC_CHILD: u32 = 0;
pub(crate) const KGC_TAB: u32 = 1;
pub(crate) const KGC_I64: u32 = 2;
pub(crate) const KGC_U64: u32 = 3;
pub(crate) const KGC_COMPLEX: u32 = 4;
pub(crate) const KGC_STR: u32 = 5;

/// Template table value kinds; strings are `KTAB_STR + length`.
pub(crate) const KTAB_NIL: u32 = 0;
pub(crate) const KTAB_FALSE: u32 = 1;
pub(crate) const KTAB_TRUE: u32 = 2;
pub(crate) const KTAB_INT: u32 = 3;
pub(crate) const KTAB_NUM: u32 = 4;
pub(crate) const KTAB_STR: u32 = 5;

/// Names of internal variables, encoded in the variable info by their index
/// (1-based; 0 ends the list).
pub(crate) const INTERNAL_VAR_NAMES: [&[u8]; 6] = [
    b"(for index)",
    b"(for limit)",
    b"(for step)",
    b"(for generator)",
    b"(for state)",
    b"(for control)",
];

/// Deepest nesting of function prototypes accepted. The reference parser
/// cannot nest functions deeper than about 200 levels, so any valid dump
/// stays below this; the limit keeps recursive walks over the tree bounded.
pub const MAX_PROTO_DEPTH: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    Incompatible,
    Malformed,
    /// Errors the reference raises while building constants (no chunk name
    /// in the message): a string longer than its maximum, a template table
    /// key that is nil or NaN.
    StringOverflow,
    NilIndex,
    NanIndex,
    /// A template table larger than the reference can allocate.
    TableOverflow,
}

/// Longest string the reference can create.
const MAX_STRING_LEN: u32 = 0x7fff_ff00;
/// Largest array and hash parts of a table the reference can create.
const MAX_TABLE_ARRAY: usize = (1 << 27) + 1;
const MAX_TABLE_HASH: usize = 1 << 26;

type Res<T> = Result<T, Failure>;

/// Load a bytecode dump. `chunkname` is the name the chunk is loaded under
/// (used for error messages and, for stripped dumps, as the chunk name).
/// The result has passed `verify`: a dump the interpreter could not run
/// safely is malformed.
pub fn undump(data: &[u8], chunkname: &[u8]) -> Result<ProtoData, Vec<u8>> {
    undump_detailed(data, chunkname).map_err(|e| e.message)
}

/// `undump` without `verify`, for tools that only look at a dump (the
/// `-bl` listing lists whatever the reference would load, as it does).
/// Never run the result.
pub fn undump_unverified(data: &[u8], chunkname: &[u8]) -> Result<ProtoData, Vec<u8>> {
    parse(data, chunkname, true).map_err(|f| error_message(chunkname, f))
}

/// Load a dump in the native (FR2, `fr2`) or the other (32-bit) format,
/// as the load functions' mode "W" asks. A dump in the other format is
/// refused as incompatible, as the reference does. A 32-bit prototype
/// (header instruction NOT, as LuaJIT marks it) cannot run: it is not
/// verified, only dumped again or looked at.
pub fn undump_format(data: &[u8], chunkname: &[u8], fr2: bool) -> Result<ProtoData, Vec<u8>> {
    if fr2 {
        undump(data, chunkname)
    } else {
        parse(data, chunkname, false).map_err(|f| error_message(chunkname, f))
    }
}

/// How the reference raises a load error: most are syntax errors
/// (`LUA_ERRSYNTAX`, the message as is); a few are runtime errors raised
/// while constants are built (`LUA_ERRRUN`, so an active error handler such
/// as the standalone interpreter's traceback sees them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndumpErrorKind {
    Syntax,
    Runtime,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndumpError {
    pub kind: UndumpErrorKind,
    pub message: Vec<u8>,
}

/// `undump` with the kind of error the reference would raise.
pub fn undump_detailed(data: &[u8], chunkname: &[u8]) -> Result<ProtoData, UndumpError> {
    load(data, chunkname).map_err(|f| UndumpError {
        kind: match f {
            Failure::Incompatible | Failure::Malformed => UndumpErrorKind::Syntax,
            _ => UndumpErrorKind::Runtime,
        },
        message: error_message(chunkname, f),
    })
}

/// "<name>: cannot load ... bytecode", the name shortened as the reference
/// does (binary chunk names become "(binary)", a leading '@' or '=' goes).
fn error_message(chunkname: &[u8], failure: Failure) -> Vec<u8> {
    let name: &[u8] = match chunkname.first() {
        Some(0x1b) => b"(binary)",
        Some(b'@') | Some(b'=') => &chunkname[1..],
        _ => chunkname,
    };
    let name = &name[..name.iter().position(|&c| c == 0).unwrap_or(name.len())];
    let mut msg = name.to_vec();
    match failure {
        Failure::Incompatible => msg.extend_from_slice(b": cannot load incompatible bytecode"),
        Failure::Malformed => msg.extend_from_slice(b": cannot load malformed bytecode"),
        Failure::StringOverflow => return b"string length overflow".to_vec(),
        Failure::NilIndex => return b"table index is nil".to_vec(),
        Failure::NanIndex => return b"table index is NaN".to_vec(),
        Failure::TableOverflow => return b"table overflow".to_vec(),
    }
    msg
}

/// A read position in an input slice; every read is bounds-checked.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0 }
    }
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }
    fn byte(&mut self) -> Res<u8> {
        let b = *self.data.get(self.pos).ok_or(Failure::Malformed)?;
        self.pos += 1;
        Ok(b)
    }
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }
    fn bytes(&mut self, n: usize) -> Res<&'a [u8]> {
        if n > self.remaining() {
            return Err(Failure::Malformed);
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    /// ULEB128 into 32 bits. Overlong encodings decode as the reference
    /// decodes them on x86-64 and ARM64: the shift count wraps at 32 and bits
    /// shifted past bit 31 are lost.
    fn uleb(&mut self) -> Res<u32> {
        let first = self.byte()? as u32;
        if first < 0x80 {
            return Ok(first);
        }
        let mut v = first & 0x7f;
        let mut shift: u32 = 0;
        loop {
            let b = self.byte()?;
            shift = shift.wrapping_add(7);
            // wrapping_shl takes the count modulo 32, like the hardware.
            v |= ((b & 0x7f) as u32).wrapping_shl(shift);
            if b < 0x80 {
                return Ok(v);
            }
        }
    }
    /// The 33-bit ULEB128 of number constants: the lowest bit of the first
    /// byte is a flag, the value is the rest (decoded like `uleb`).
    fn uleb33(&mut self) -> Res<(u32, bool)> {
        let first = self.byte()?;
        let flag = first & 1 != 0;
        let v = (first >> 1) as u32;
        if v < 0x40 {
            return Ok((v, flag));
        }
        let mut v = v & 0x3f;
        let mut shift: u32 = u32::MAX; // -1: the first continuation byte lands at bit 6
        loop {
            let b = self.byte()?;
            shift = shift.wrapping_add(7);
            v |= ((b & 0x7f) as u32).wrapping_shl(shift);
            if b < 0x80 {
                return Ok((v, flag));
            }
        }
    }
    /// A count of items that each take at least `min_bytes` bytes: rejected
    /// when the input cannot hold that many.
    fn count(&mut self, min_bytes: usize) -> Res<usize> {
        let n = self.uleb()? as usize;
        if n.saturating_mul(min_bytes) > self.remaining() {
            return Err(Failure::Malformed);
        }
        Ok(n)
    }
    fn cstring(&mut self) -> Res<&'a [u8]> {
        let rest = &self.data[self.pos..];
        let len = rest
            .iter()
            .position(|&c| c == 0)
            .ok_or(Failure::Malformed)?;
        self.pos += len + 1;
        Ok(&rest[..len])
    }
}

/// A prototype read from the dump, waiting to be claimed by its parent.
struct Pending {
    proto: ProtoData,
    /// Nesting depth of the prototype tree below and including this one.
    depth: usize,
}

fn parse(data: &[u8], chunkarg: &[u8], fr2: bool) -> Res<ProtoData> {
    let mut cur = Cursor::new(data);
    let flags = read_header(&mut cur, fr2)?;
    let chunkname = if flags & FLAG_STRIP != 0 {
        chunkarg.to_vec()
    } else {
        let len = cur.uleb()? as usize;
        cur.bytes(len)?.to_vec()
    };
    let mut stack: Vec<Pending> = Vec::new();
    loop {
        if cur.peek() == Some(0) {
            cur.pos += 1;
            break;
        }
        let len = cur.uleb()? as usize;
        if len == 0 {
            break;
        }
        if len > cur.remaining() {
            return Err(Failure::Malformed);
        }
        // Like the reference, read on past the announced size if the
        // prototype says so, and only then compare: a corrupted size field
        // then fails the way it fails there.
        let mut pc = Cursor::new(&cur.data[cur.pos..]);
        let pending = read_proto(&mut pc, flags, &chunkname, &mut stack)?;
        if pc.pos != len {
            return Err(Failure::Malformed);
        }
        cur.pos += len;
        stack.push(pending);
    }
    if !cur.at_end() || stack.len() != 1 {
        return Err(Failure::Malformed);
    }
    Ok(stack.pop().map(|p| p.proto).unwrap_or_default())
}

/// `parse` and then `verify`: what every load path runs, so the
/// interpreter only ever sees bytecode it can run safely.
fn load(data: &[u8], chunkarg: &[u8]) -> Res<ProtoData> {
    let p = parse(data, chunkarg, true)?;
    verify(&p).map_err(|_| Failure::Malformed)?;
    Ok(p)
}

/// Signature, version and flags; the flags must describe the format asked
/// for: a 64-bit (FR2) build's, or (`fr2` false) a 32-bit one's.
fn read_header(cur: &mut Cursor, fr2: bool) -> Res<u32> {
    let head = cur.bytes(4).map_err(|_| Failure::Incompatible)?;
    if head != [0x1b, b'L', b'J', DUMP_VERSION] {
        return Err(Failure::Incompatible);
    }
    let flags = cur.uleb().map_err(|_| Failure::Incompatible)?;
    if flags & !FLAGS_KNOWN != 0 || (flags & FLAG_FR2 != 0) != fr2 {
        return Err(Failure::Incompatible);
    }
    Ok(flags)
}

fn read_proto(
    cur: &mut Cursor,
    flags: u32,
    chunkname: &[u8],
    stack: &mut Vec<Pending>,
) -> Res<Pending> {
    let swap = flags & FLAG_BE != 0;
    let mut p = ProtoData {
        flags: cur.byte()?,
        numparams: cur.byte()?,
        framesize: cur.byte()?,
        chunkname: chunkname.to_vec(),
        ..ProtoData::default()
    };
    let sizeuv = cur.byte()? as usize;
    let sizekgc = cur.count(1)?;
    let sizekn = cur.count(1)?;
    let nbc = cur.count(4)?;
    let mut sizedbg = 0usize;
    if flags & FLAG_STRIP == 0 {
        sizedbg = cur.count(1)?;
        if sizedbg != 0 {
            p.firstline = cur.uleb()?;
            p.numline = cur.uleb()?;
        }
    }

    // Instructions, after the header instruction the loader recreates.
    let head_op = if flags & FLAG_FR2 == 0 {
        Op::NOT // Marks a prototype of the other format, as LuaJIT does.
    } else if p.flags & PROTO_VARARG != 0 {
        Op::FUNCV
    } else {
        Op::FUNCF
    };
    // Counts are checked against the input, but memory may still run out:
    // reserved fallibly (crate::mem).
    crate::mem::reserve_vec(&mut p.bc, nbc + 1);
    p.bc.push(ins_ad(head_op, p.framesize as u32, 0));
    for chunk in cur.bytes(nbc * 4)?.chunks_exact(4) {
        let raw = [chunk[0], chunk[1], chunk[2], chunk[3]];
        p.bc.push(if swap {
            Ins::from_be_bytes(raw)
        } else {
            Ins::from_le_bytes(raw)
        });
    }
    for chunk in cur.bytes(sizeuv * 2)?.chunks_exact(2) {
        let raw = [chunk[0], chunk[1]];
        p.uv.push(if swap {
            u16::from_be_bytes(raw)
        } else {
            u16::from_le_bytes(raw)
        });
    }

    // GC constants come highest index first; children are claimed from the
    // prototypes read so far, most recent first.
    let mut depth = 1;
    let mut kgc = Vec::new();
    crate::mem::reserve_vec(&mut kgc, sizekgc);
    for _ in 0..sizekgc {
        let kind = cur.uleb()?;
        kgc.push(match kind {
            KGC_CHILD => {
                let child = stack.pop().ok_or(Failure::Malformed)?;
                depth = depth.max(child.depth + 1);
                if depth > MAX_PROTO_DEPTH {
                    return Err(Failure::Malformed);
                }
                KGc::Child(Box::new(child.proto))
            }
            KGC_TAB => read_table(cur)?,
            KGC_I64 => KGc::I64(read_u64(cur)? as i64),
            KGC_U64 => KGc::U64(read_u64(cur)?),
            KGC_COMPLEX => {
                let re = f64::from_bits(read_u64(cur)?);
                let im = f64::from_bits(read_u64(cur)?);
                KGc::Complex(re, im)
            }
            _ => KGc::Str(read_string(cur, kind - KGC_STR)?),
        });
    }
    kgc.reverse();
    p.kgc = kgc;

    crate::mem::reserve_vec(&mut p.knum, sizekn);
    for _ in 0..sizekn {
        p.knum.push(read_knum(cur)?);
    }

    if sizedbg != 0 {
        let dbg = cur.bytes(sizedbg)?;
        read_debug_info(&mut Cursor::new(dbg), &mut p, swap);
    }
    Ok(Pending { proto: p, depth })
}

/// Two ULEB128 words, low then high.
fn read_u64(cur: &mut Cursor) -> Res<u64> {
    let lo = cur.uleb()? as u64;
    let hi = cur.uleb()? as u64;
    Ok(hi << 32 | lo)
}

/// A number constant: a 33-bit ULEB128 whose lowest bit says whether it
/// holds an integer (bit clear) or the low word of a double, followed in the
/// latter case by the high word.
fn read_knum(cur: &mut Cursor) -> Res<KNum> {
    let (low, is_double) = cur.uleb33()?;
    if !is_double {
        Ok(KNum::Int(low as i32))
    } else {
        let hi = cur.uleb()? as u64;
        Ok(KNum::Num(f64::from_bits(hi << 32 | low as u64)))
    }
}

fn read_table(cur: &mut Cursor) -> Res<KGc> {
    let narray = cur.uleb()? as usize;
    let nhash = cur.uleb()? as usize;
    if narray > MAX_TABLE_ARRAY || nhash > MAX_TABLE_HASH {
        return Err(Failure::TableOverflow);
    }
    if narray > cur.remaining() || nhash.saturating_mul(2) > cur.remaining() {
        return Err(Failure::Malformed);
    }
    // Built as LuaJIT's loader builds it: sized from the counts, the array
    // entries written in place, the hash entries stored in dump order.
    let mut t = KTable::new(narray as u32, crate::table::hsize2hbits(nhash as u32));
    for slot in t.array.iter_mut() {
        *slot = read_table_value(cur)?;
    }
    for _ in 0..nhash {
        let k = read_table_value(cur)?;
        match k {
            KTabVal::Nil => return Err(Failure::NilIndex),
            KTabVal::Num(n) if n.is_nan() => return Err(Failure::NanIndex),
            _ => {}
        }
        let v = read_table_value(cur)?;
        t.set(k, v);
    }
    Ok(KGc::Table(t))
}

fn read_table_value(cur: &mut Cursor) -> Res<KTabVal> {
    Ok(match cur.uleb()? {
        KTAB_NIL => KTabVal::Nil,
        KTAB_FALSE => KTabVal::False,
        KTAB_TRUE => KTabVal::True,
        KTAB_INT => KTabVal::Int(cur.uleb()? as i32),
        KTAB_NUM => KTabVal::Num(f64::from_bits(read_u64(cur)?)),
        kind => KTabVal::Str(read_string(cur, kind - KTAB_STR)?),
    })
}

fn read_string(cur: &mut Cursor, len: u32) -> Res<Vec<u8>> {
    if len > MAX_STRING_LEN {
        return Err(Failure::StringOverflow);
    }
    Ok(crate::mem::vec_from_slice(cur.bytes(len as usize)?))
}

/// Bytes per line number entry: lines are stored relative to the first
/// line, in the smallest width that holds `numline`.
pub(crate) fn line_width(numline: u32) -> usize {
    if numline < 256 {
        1
    } else if numline < 65536 {
        2
    } else {
        4
    }
}

/// Line numbers of the instructions after the header, upvalue names and
/// variable info. The reference copies this block without looking at it,
/// so a block that does not parse still loads: what can be read is kept
/// (all of it for anything the reference writes), the rest is dropped.
fn read_debug_info(cur: &mut Cursor, p: &mut ProtoData, swap: bool) {
    let width = line_width(p.numline);
    let nbc = p.bc.len() - 1;
    let Some(lines) = nbc.checked_mul(width).and_then(|n| cur.bytes(n).ok()) else {
        return;
    };
    crate::mem::reserve_vec(&mut p.lineinfo, nbc + 1);
    p.lineinfo.push(p.firstline);
    for e in lines.chunks_exact(width) {
        let delta = match width {
            1 => e[0] as u32,
            2 if swap => u16::from_be_bytes([e[0], e[1]]) as u32,
            2 => u16::from_le_bytes([e[0], e[1]]) as u32,
            _ if swap => u32::from_be_bytes([e[0], e[1], e[2], e[3]]),
            _ => u32::from_le_bytes([e[0], e[1], e[2], e[3]]),
        };
        p.lineinfo.push(p.firstline.wrapping_add(delta));
    }
    for _ in 0..p.uv.len() {
        let name = cur
            .cstring()
            .unwrap_or_else(|_| cur.bytes(cur.remaining()).unwrap_or_default());
        p.uvnames.push(name.to_vec());
    }
    let mut lastpc: u32 = 0;
    while let Ok(tag) = cur.byte() {
        if tag == 0 {
            break;
        }
        let name = if (tag as usize) <= INTERNAL_VAR_NAMES.len() {
            INTERNAL_VAR_NAMES[tag as usize - 1].to_vec()
        } else {
            cur.pos -= 1;
            match cur.cstring() {
                Ok(name) => name.to_vec(),
                Err(_) => break,
            }
        };
        let (Ok(start), Ok(len)) = (cur.uleb(), cur.uleb()) else {
            break;
        };
        let startpc = lastpc.wrapping_add(start);
        lastpc = startpc;
        p.varinfo.push(VarInfo {
            name,
            startpc,
            endpc: startpc.wrapping_add(len),
        });
    }
}

/// Deepest nesting `verify` walks (as the loader allows).
const VERIFY_DEPTH: usize = MAX_PROTO_DEPTH;

/// Most slots a frame may have (the reference's parser limit).
pub const MAX_FRAME_SLOTS: usize = 250;

/// Check that a loaded prototype tree is safe to run. The reference runs
/// dumps unchecked (and crashes on bad ones); the interpreter here relies on
/// what this checks instead of checking it at every instruction:
///
/// - every opcode exists and is one a dump may contain (no trace or
///   function-header opcodes);
/// - register operands lie inside the frame, including the ranges that
///   calls, returns, VARG, CAT, KNIL, TSETM and the loops touch (the
///   frame link slot of a call, the iterator's four call slots);
/// - constant operands name a constant of the right kind, upvalue operands
///   an upvalue, primitive operands nil/false/true;
/// - jumps land inside the function, comparisons are followed by their
///   jump, FORI/FORL and ITERC/ITERN/ITERL pairs and ISNEXT/ITERN match
///   as the parser emits them;
/// - an instruction that consumes a variable number of values (CALLM,
///   CALLMT, RETM, TSETM) runs only right after the instruction that
///   produced them at the slot it reads from, directly or through the one
///   UCLO that jumps to it;
/// - the last instruction does not fall off the end;
/// - the upvalue descriptors of each child refer to slots of the parent's
///   frame or to the parent's upvalues.
///
/// Everything the reference's parser emits passes. Returns a short
/// description of the first problem.
pub fn verify(p: &ProtoData) -> Result<(), String> {
    // Walk the tree with an explicit stack: (prototype, parent).
    let mut work: Vec<(&ProtoData, Option<&ProtoData>, usize)> = vec![(p, None, 0)];
    while let Some((p, parent, depth)) = work.pop() {
        if depth > VERIFY_DEPTH {
            return Err("prototypes nested too deeply".into());
        }
        verify_one(p, parent)?;
        for k in &p.kgc {
            if let KGc::Child(c) = k {
                work.push((c, Some(p), depth + 1));
            }
        }
    }
    Ok(())
}

/// Instructions after which execution never goes on with the next one.
fn ends_flow(op: Op) -> bool {
    matches!(
        op,
        Op::JMP | Op::UCLO | Op::RET | Op::RETM | Op::RET0 | Op::RET1 | Op::CALLT | Op::CALLMT
    )
}

/// The slot from which an instruction consuming a variable number of
/// values (left by the previous instruction) reads them, or None for other
/// instructions.
fn multres_consumer_base(op: Op, ins: Ins) -> Option<u32> {
    use super::{bc_a, bc_c, bc_d};
    match op {
        Op::CALLM => Some(bc_a(ins) + 2 + bc_c(ins)),
        Op::CALLMT => Some(bc_a(ins) + 2 + bc_d(ins)),
        Op::RETM => Some(bc_a(ins) + bc_d(ins)),
        Op::TSETM => Some(bc_a(ins)),
        _ => None,
    }
}

/// The slot at which an instruction leaves a variable number of values
/// (a call or VARG asking for all results), or None.
fn multres_producer_base(op: Op, ins: Ins) -> Option<u32> {
    use super::{bc_a, bc_b};
    match op {
        Op::CALL | Op::CALLM | Op::VARG if bc_b(ins) == 0 => Some(bc_a(ins)),
        _ => None,
    }
}

/// Jump target of the jump-type instruction at `pc` (an index into `bc`).
fn jump_target(pc: usize, ins: Ins) -> i64 {
    pc as i64 + 1 + super::bc_j(ins) as i64
}

fn verify_one(p: &ProtoData, parent: Option<&ProtoData>) -> Result<(), String> {
    use super::opmodes::{modes, Mode};
    use super::{bc_a, bc_b, bc_c, bc_d, bc_op_raw, KGc, PROTO_UV_LOCAL};
    let fs = p.framesize as u32;
    if p.framesize as usize > MAX_FRAME_SLOTS || p.numparams > p.framesize {
        return Err(format!(
            "bad frame size {} for {} parameters",
            p.framesize, p.numparams
        ));
    }
    if p.bc.len() < 2 {
        return Err("no instructions".into());
    }
    if p.bc.len() > 0x7fff_ffff {
        return Err("too many instructions".into());
    }
    for (i, &uv) in p.uv.iter().enumerate() {
        let idx = (uv & 0x3fff) as usize;
        let ok = match parent {
            Some(par) if uv & PROTO_UV_LOCAL != 0 => idx < par.framesize as usize,
            Some(par) => idx < par.uv.len(),
            None => true,
        };
        if !ok {
            return Err(format!("upvalue {} refers to a missing slot or upvalue", i));
        }
    }
    let n = p.bc.len();
    // Decode every opcode first: the checks below look at neighbours and
    // at jump targets.
    let mut ops = Vec::with_capacity(n);
    ops.push(Op::FUNCF); // the header, recreated by the loader
    for (pc, &ins) in p.bc.iter().enumerate().skip(1) {
        let Some(op) = Op::from_u8(bc_op_raw(ins)) else {
            return Err(format!("instruction {}: unknown opcode", pc));
        };
        if matches!(
            op,
            Op::JFORI
                | Op::JFORL
                | Op::JITERL
                | Op::JLOOP
                | Op::FUNCF
                | Op::IFUNCF
                | Op::JFUNCF
                | Op::FUNCV
                | Op::IFUNCV
                | Op::JFUNCV
                | Op::FUNCC
                | Op::FUNCCW
        ) {
            return Err(format!("instruction {}: opcode not allowed in a dump", pc));
        }
        ops.push(op);
    }
    // How many jumps land on each instruction, and the last one that does.
    let mut jumps_in = vec![0u32; n];
    let mut jump_from = vec![0usize; n];
    for pc in 1..n {
        let ins = p.bc[pc];
        let op = ops[pc];
        let err = |what: &str| Err(format!("instruction {}: {}", pc, what));
        let m = modes(op);
        let (a, d) = (bc_a(ins), bc_d(ins));
        let (b, c) = (bc_b(ins), bc_c(ins));
        let cd = if m.is_abc() { c } else { d };
        let reg_ok = |mode: Mode, r: u32| match mode {
            Mode::Dst | Mode::Var | Mode::Base => r < fs,
            Mode::RBase => r <= fs,
            _ => true,
        };
        if !reg_ok(m.a, a) || !reg_ok(m.b, b) || !reg_ok(m.cd, cd) {
            return err("register outside the frame");
        }
        let kgc_is = |i: u32, f: fn(&KGc) -> bool| p.kgc.get(i as usize).is_some_and(f);
        let const_ok = match m.cd {
            Mode::Str => kgc_is(cd, |k| matches!(k, KGc::Str(_))),
            Mode::Tab => kgc_is(cd, |k| matches!(k, KGc::Table(_))),
            Mode::Func => kgc_is(cd, |k| matches!(k, KGc::Child(_))),
            Mode::Cdata => kgc_is(cd, |k| {
                matches!(k, KGc::I64(_) | KGc::U64(_) | KGc::Complex(..))
            }),
            Mode::Num => (cd as usize) < p.knum.len(),
            Mode::Uv => (cd as usize) < p.uv.len(),
            Mode::Pri => cd <= super::PRI_TRUE,
            _ => true,
        };
        if !const_ok || (m.a == Mode::Uv && a as usize >= p.uv.len()) {
            return err("missing constant or upvalue");
        }
        if m.cd == Mode::Jump {
            let target = jump_target(pc, ins);
            if target < 1 || target >= n as i64 {
                return err("jump outside the function");
            }
            jumps_in[target as usize] += 1;
            jump_from[target as usize] = pc;
        }
        // Operands that name a range of slots. A call's function sits at A,
        // its frame link at A+1 and its arguments from A+2; results go to
        // A..A+B-2 (B = 0: all of them, as many as the stack takes).
        let results_ok =
            |first: u32, count_plus_one: u32| count_plus_one < 2 || first + count_plus_one - 2 < fs;
        let range_ok = match op {
            Op::KNIL => a <= d,
            Op::CAT => b <= c && c < fs,
            Op::CALL => c >= 1 && a + c < fs && a + 1 < fs && results_ok(a, b),
            Op::CALLM => a + 1 < fs && results_ok(a, b),
            Op::CALLT => d >= 1 && a + d < fs && a + 1 < fs,
            Op::CALLMT => a + 1 < fs,
            Op::RET => d >= 1 && results_ok(a, d),
            Op::RET1 => a < fs,
            Op::VARG => results_ok(a, b),
            Op::FORI | Op::FORL | Op::IFORL => a + 3 < fs,
            // The iterator's hidden state sits at A-3..A-1; its call uses
            // A..A+3.
            Op::ITERC | Op::ITERN => a >= 3 && a + 3 < fs && b >= 1 && results_ok(a, b),
            Op::ITERL | Op::IITERL => a >= 1,
            Op::ISNEXT => a >= 3,
            Op::TSETM => a >= 1,
            _ => true,
        };
        if !range_ok {
            return err("slot range outside the frame");
        }
        let next = ops.get(pc + 1).copied();
        let needs_jump = (op as u8) <= Op::ISF as u8;
        if needs_jump && (next != Some(Op::JMP) || pc + 2 >= n) {
            // (Not taken, the comparison skips its jump: that must land
            // inside the function too.)
            return err("comparison not followed by a jump");
        }
        if matches!(op, Op::ITERC | Op::ITERN) && !matches!(next, Some(Op::ITERL | Op::IITERL)) {
            return err("iterator call not followed by its loop");
        }
    }
    // Loop pairs, as the parser emits them: FORI jumps past its FORL, which
    // jumps back to the instruction after the FORI; ITERL follows the
    // iterator call of the same slots and jumps back to the instruction
    // after the JMP or ISNEXT that entered the loop at that call.
    let target_of = |pc: usize| jump_target(pc, p.bc[pc]) as usize;
    for pc in 1..n {
        let ins = p.bc[pc];
        let a = bc_a(ins);
        let same_a = |i: usize| bc_a(p.bc[i]) == a;
        let err = |what: &str| Err(format!("instruction {}: {}", pc, what));
        let paired = match ops[pc] {
            Op::FORI => {
                let end = target_of(pc) - 1;
                matches!(ops[end], Op::FORL | Op::IFORL) && same_a(end) && target_of(end) == pc + 1
            }
            Op::FORL | Op::IFORL => {
                let start = target_of(pc) - 1;
                ops[start] == Op::FORI && same_a(start) && target_of(start) == pc + 1
            }
            Op::ITERL | Op::IITERL => {
                let entry = target_of(pc) - 1;
                matches!(ops[pc - 1], Op::ITERC | Op::ITERN)
                    && same_a(pc - 1)
                    && matches!(ops[entry], Op::JMP | Op::ISNEXT)
                    && target_of(entry) == pc - 1
            }
            Op::ISNEXT => {
                let call = target_of(pc);
                ops[call] == Op::ITERN && same_a(call)
            }
            _ => true,
        };
        if !paired {
            return err("loop instructions do not match");
        }
    }
    // Variable numbers of values are left above the frame by one
    // instruction and taken by the next; nothing else may reach the taker.
    for pc in 1..n {
        let Some(want) = multres_consumer_base(ops[pc], p.bc[pc]) else {
            continue;
        };
        let produced_before =
            |i: usize| multres_producer_base(ops[i - 1], p.bc[i - 1]) == Some(want);
        let ok = if jumps_in[pc] == 0 {
            produced_before(pc)
        } else {
            // The parser moves a return that must close upvalues to the end,
            // behind an UCLO that jumps to it.
            let from = jump_from[pc];
            jumps_in[pc] == 1
                && ops[from] == Op::UCLO
                && jumps_in[from] == 0
                && produced_before(from)
                && ends_flow(ops[pc - 1])
        };
        if !ok {
            return Err(format!(
                "instruction {}: multiple values not produced right before",
                pc
            ));
        }
    }
    if !ends_flow(ops[n - 1]) {
        return Err("last instruction falls off the end".into());
    }
    check_open_upvalues(p, &ops)
}

/// Slots of a frame, as a bit set.
type SlotSet = [u64; 4];

fn slot_set_add(s: &mut SlotSet, slot: u32) {
    s[(slot / 64) as usize] |= 1 << (slot % 64);
}

/// Drop the slots from `first` up.
fn slot_set_clear_from(s: &mut SlotSet, first: u32) {
    for (i, word) in s.iter_mut().enumerate() {
        let lo = i as u32 * 64;
        if first <= lo {
            *word = 0;
        } else if first < lo + 64 {
            *word &= (1u64 << (first - lo)) - 1;
        }
    }
}

/// Whether the set has a slot at or above `first`.
fn slot_set_any_from(s: &SlotSet, first: u32) -> bool {
    let mut below = *s;
    slot_set_clear_from(&mut below, first);
    below != *s
}

/// Where execution can go after the instruction at `pc` (all in range:
/// jumps were checked, and only the last instruction may end the flow).
fn successors(p: &ProtoData, ops: &[Op], pc: usize) -> [Option<usize>; 2] {
    let op = ops[pc];
    let target = || Some(jump_target(pc, p.bc[pc]) as usize);
    match op {
        // A comparison goes on with its JMP or skips it.
        _ if (op as u8) <= Op::ISF as u8 => [Some(pc + 1), Some(pc + 2)],
        Op::JMP | Op::UCLO | Op::ISNEXT => [target(), None],
        Op::FORI | Op::FORL | Op::IFORL | Op::ITERL | Op::IITERL | Op::LOOP | Op::ILOOP => {
            [Some(pc + 1), target()]
        }
        _ if ends_flow(op) => [None, None],
        _ => [Some(pc + 1), None],
    }
}

/// A closure's upvalue stays open on its slot of the frame that created it
/// until UCLO or a return closes it; writing the upvalue writes the slot.
/// The parser only captures slots of active locals, which sit below every
/// call's base. Bytecode that calls at or below a captured open slot would
/// let the callee overwrite its own function slot or frame link (both
/// above the call's base) through the upvalue, which the interpreter reads
/// as a function and a return address. So: follow which slots may be
/// captured and open at each instruction, and require every call (not
/// tail calls, which close the upvalues first) to sit above all of them.
fn check_open_upvalues(p: &ProtoData, ops: &[Op]) -> Result<(), String> {
    use super::{bc_a, bc_d, PROTO_UV_LOCAL};
    let n = p.bc.len();
    let captures = |k: &KGc| match k {
        KGc::Child(c) => c.uv.iter().any(|&uv| uv & PROTO_UV_LOCAL != 0),
        _ => false,
    };
    if !p.kgc.iter().any(captures) {
        // No closure made here captures a slot (most functions).
        return Ok(());
    }
    // Slots that may hold open upvalues before each instruction (None:
    // not reached yet).
    let mut open: Vec<Option<SlotSet>> = vec![None; n];
    open[1] = Some([0; 4]);
    let mut work = vec![1usize];
    while let Some(pc) = work.pop() {
        let Some(mut s) = open[pc] else { continue };
        let ins = p.bc[pc];
        let a = bc_a(ins);
        match ops[pc] {
            Op::CALL | Op::CALLM | Op::ITERC | Op::ITERN if slot_set_any_from(&s, a) => {
                return Err(format!(
                    "instruction {}: call at or below a slot captured by an open upvalue",
                    pc
                ));
            }
            Op::FNEW => {
                if let Some(KGc::Child(c)) = p.kgc.get(bc_d(ins) as usize) {
                    for &uv in c.uv.iter().filter(|&&uv| uv & PROTO_UV_LOCAL != 0) {
                        slot_set_add(&mut s, (uv & 0xff) as u32);
                    }
                }
            }
            Op::UCLO => slot_set_clear_from(&mut s, a),
            _ => {}
        }
        for next in successors(p, ops, pc).into_iter().flatten() {
            let merged = match open[next] {
                Some(old) => {
                    let mut m = old;
                    for (w, x) in m.iter_mut().zip(s.iter()) {
                        *w |= x;
                    }
                    if m == old {
                        continue;
                    }
                    m
                }
                None => s,
            };
            open[next] = Some(merged);
            work.push(next);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(data: &[u8], name: &[u8]) -> String {
        String::from_utf8(undump(data, name).unwrap_err()).unwrap()
    }

    #[test]
    fn header_errors() {
        let bin: &[u8] = b"\x1bLJ\x02\x0a";
        assert_eq!(
            err(b"\x1bLJ", bin),
            "(binary): cannot load incompatible bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x01\x0a\x00", bin),
            "(binary): cannot load incompatible bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x02\x02\x00", bin),
            "(binary): cannot load incompatible bytecode"
        );
        // 0x20 is unknown; 0x10 is BCDUMP_F_BITOP (today's LuaJIT 2.1),
        // known, so only the missing prototypes are wrong.
        assert_eq!(
            err(b"\x1bLJ\x02\x2a\x00", bin),
            "(binary): cannot load incompatible bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x02\x1a\x00", bin),
            "(binary): cannot load malformed bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x02\x0a\x00", bin),
            "(binary): cannot load malformed bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x02\x08", b"=foo"),
            "foo: cannot load malformed bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x02\x08\x05ab", b"@dir/foo"),
            "dir/foo: cannot load malformed bytecode"
        );
        assert_eq!(
            err(b"\x1bLJ\x02\x0a\x00", b"foo"),
            "foo: cannot load malformed bytecode"
        );
    }

    /// A stripped dump of one prototype: `RET0` after `body_extra` is
    /// spliced in where the constants go.
    fn one_proto(sizekgc: u8, sizekn: u8, consts: &[u8]) -> Vec<u8> {
        let mut body = vec![0, 0, 1, 0, sizekgc, sizekn, 1];
        body.extend_from_slice(&crate::bytecode::ins_ad(Op::RET0, 0, 1).to_le_bytes());
        body.extend_from_slice(consts);
        let mut d = b"\x1bLJ\x02\x0a".to_vec();
        d.push(body.len() as u8);
        d.extend_from_slice(&body);
        d.push(0);
        d
    }

    #[test]
    fn structural_errors() {
        let ok = one_proto(0, 0, &[]);
        assert!(undump(&ok, b"=x").is_ok());
        let mut trailing = ok.clone();
        trailing.push(b'x');
        assert_eq!(err(&trailing, b"=x"), "x: cannot load malformed bytecode");
        let two = [&ok[..ok.len() - 1], &ok[5..]].concat();
        assert_eq!(err(&two, b"=x"), "x: cannot load malformed bytecode");
        assert_eq!(
            err(&ok[..ok.len() - 1], b"=x"),
            "x: cannot load malformed bytecode"
        );
        // A child constant with no prototype before it.
        assert_eq!(
            err(&one_proto(1, 0, &[0]), b"=x"),
            "x: cannot load malformed bytecode"
        );
        // A size field that does not match what the prototype holds.
        let mut short = ok.clone();
        short[5] -= 1;
        assert_eq!(err(&short, b"=x"), "x: cannot load malformed bytecode");
    }

    /// Errors the reference raises as runtime errors while building
    /// template tables and strings (found by differential fuzzing).
    #[test]
    fn constant_building_errors() {
        let run = |consts: &[u8]| undump_detailed(&one_proto(1, 0, consts), b"=x").unwrap_err();
        let e = run(&[1, 0, 1, 0, 1]); // table, 0 array, 1 hash: nil key
        assert_eq!(
            (e.kind, &e.message[..]),
            (UndumpErrorKind::Runtime, &b"table index is nil"[..])
        );
        let nan_key = [
            &[1u8, 0, 1, 4, 0][..],
            &[0x80, 0x80, 0xe0, 0xff, 0x0f][..],
            &[1],
        ]
        .concat();
        assert_eq!(run(&nan_key).message, b"table index is NaN");
        // 2^27 + 2 array slots.
        assert_eq!(
            run(&[1, 0x82, 0x80, 0x80, 0x40, 0]).message,
            b"table overflow"
        );
        // 2^26 + 1 hash slots.
        assert_eq!(
            run(&[1, 0, 0x81, 0x80, 0x80, 0x20]).message,
            b"table overflow"
        );
        // A string of 2^31 - 1 bytes.
        assert_eq!(
            run(&[0x84, 0x80, 0x80, 0x80, 0x08]).message,
            b"string length overflow"
        );
        assert_eq!(
            undump_detailed(b"\x1bLJ\x03", b"=x").unwrap_err().kind,
            UndumpErrorKind::Syntax
        );
    }

    /// ULEB128 values longer than five bytes decode as the reference decodes
    /// them (shift counts wrap at 32): a table value kind of
    /// 80 80 80 80 80 08 is 64, a 59-byte string, not nil (found by
    /// differential fuzzing against the reference).
    #[test]
    fn overlong_uleb128() {
        let mut c = Cursor::new(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x08]);
        assert_eq!(c.uleb(), Ok(64));
        let mut c = Cursor::new(&[0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert_eq!(c.uleb(), Ok(u32::MAX));
        let mut c = Cursor::new(&[0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        assert_eq!(c.uleb(), Ok(1 | 1 << 10));
        // 33-bit form: -1 as an integer constant.
        let mut c = Cursor::new(&[0xfe, 0xff, 0xff, 0xff, 0x1f]);
        assert_eq!(c.uleb33(), Ok((u32::MAX, false)));
        assert_eq!(
            read_knum(&mut Cursor::new(&[0xfe, 0xff, 0xff, 0xff, 0x1f])),
            Ok(KNum::Int(-1))
        );
    }

    /// Debug info the reference does not look at while loading: a block
    /// that does not parse still loads, keeping what parses (found by
    /// differential fuzzing: the reference accepts these).
    #[test]
    fn lenient_debug_info() {
        let q = ProtoData {
            framesize: 1,
            bc: vec![
                crate::bytecode::ins_ad(Op::FUNCF, 1, 0),
                crate::bytecode::ins_ad(Op::RET0, 0, 1),
            ],
            uv: vec![0x8000],
            chunkname: b"=x".to_vec(),
            firstline: 1,
            numline: 1,
            lineinfo: vec![1, 2],
            uvnames: vec![b"u".to_vec()],
            varinfo: vec![VarInfo {
                name: b"v".to_vec(),
                startpc: 1,
                endpc: 2,
            }],
            ..ProtoData::default()
        };
        let good = crate::bytecode::writer::dump(&q, false);
        assert_eq!(undump(&good, b"=x").unwrap(), q);
        // The variable list's terminator (last byte before the dump's own).
        let mut bad = good.clone();
        let n = bad.len();
        assert_eq!(bad[n - 2], 0);
        bad[n - 2] = 0x80;
        assert_eq!(undump(&bad, b"=x").unwrap().varinfo, q.varinfo);
        // The NUL after the upvalue name.
        let mut bad = good.clone();
        let at = bad.windows(3).rposition(|w| w == b"u\0v").unwrap() + 1;
        bad[at] = b'x';
        let p = undump(&bad, b"=x").unwrap();
        assert_eq!(p.uvnames, vec![b"uxv".to_vec()]);
        assert_eq!(p.lineinfo, q.lineinfo);
    }

    /// The main prototype of a chunk compiled by the front end.
    fn compiled(src: &str) -> ProtoData {
        crate::frontend::compile(src.as_bytes(), b"=t").unwrap()
    }

    /// Index of the `nth` instruction with opcode `op`.
    fn find_op(p: &ProtoData, op: Op, nth: usize) -> usize {
        (1..p.bc.len())
            .filter(|&i| crate::bytecode::bc_op(p.bc[i]) == op)
            .nth(nth)
            .unwrap_or_else(|| panic!("no {:?} #{}", op, nth))
    }

    /// `p` fails `verify`, and its dump fails to load with the reference's
    /// message for bad bytecode (the loader runs `verify`).
    fn assert_rejected(p: &ProtoData, what: &str, reason: &str) {
        match verify(p) {
            Ok(()) => panic!("verify accepted: {}", what),
            Err(e) => assert!(e.contains(reason), "{}: {}", what, e),
        }
        for strip in [false, true] {
            let dump = crate::bytecode::writer::dump(p, strip);
            assert_eq!(
                err(&dump, b"=t"),
                "t: cannot load malformed bytecode",
                "{}",
                what
            );
            assert!(undump_unverified(&dump, b"=t").is_ok(), "{}", what);
        }
    }

    /// Found by running mutated dumps (flipped bytes of `string.dump`
    /// output): the loader handed the interpreter bytecode that read and
    /// wrote outside the frame, consumed values nothing had produced, or
    /// paired loop instructions wrongly, and the process crashed. Each case
    /// is one change to code the front end emits.
    #[test]
    fn verify_rejects_what_the_interpreter_cannot_run() {
        use crate::bytecode::{
            bc_a, bc_c, bc_d, ins_abc, ins_ad, set_a, set_b, set_c, set_d, set_j,
        };
        let base = compiled(
            "local t = {...}\n\
             local function f(...) return g(...) end\n\
             for i = 1, 2 do end\n\
             for k, v in pairs(t) do end\n\
             for k in f, t do end\n\
             local s = t[1] .. t[2] .. t[3]\n\
             g(1, 2)\n\
             do local x = 1; local h = function() return x end; return f(...) end",
        );
        assert_eq!(verify(&base), Ok(()));
        assert!(undump(&crate::bytecode::writer::dump(&base, false), b"=t").is_ok());
        let fs = base.framesize as u32;
        let change = |what: &str, reason: &str, f: &dyn Fn(&mut ProtoData)| {
            let mut p = base.clone();
            f(&mut p);
            assert_rejected(&p, what, reason);
        };
        let outside = "register outside the frame";
        let range = "slot range outside the frame";
        let missing = "missing constant or upvalue";
        let multres = "multiple values not produced right before";
        let pairing = "loop instructions do not match";
        // A call's argument range, its frame link slot, its results.
        let call = find_op(&base, Op::CALL, 1);
        change("CALL with C = 0", range, &|p| set_c(&mut p.bc[call], 0));
        change("CALL arguments past the frame", range, &|p| {
            let v = fs - bc_a(p.bc[call]);
            set_c(&mut p.bc[call], v)
        });
        change("CALL frame link past the frame", range, &|p| {
            p.bc[call] = ins_abc(Op::CALL, fs - 1, 1, 1)
        });
        change("CALL results past the frame", range, &|p| {
            let v = fs - bc_a(p.bc[call]) + 2;
            set_b(&mut p.bc[call], v)
        });
        // Variable numbers of values: TSETM, CALLMT, RETM, CALLM.
        let tsetm = find_op(&base, Op::TSETM, 0);
        change(
            "TSETM reading from another slot than VARG wrote",
            multres,
            &|p| set_a(&mut p.bc[tsetm], 2),
        );
        change("TSETM without VARG before it", multres, &|p| {
            p.bc[tsetm - 1] = ins_ad(Op::KSHORT, 1, 0)
        });
        change("TSETM at slot 0 (no table slot)", range, &|p| {
            set_a(&mut p.bc[tsetm], 0);
            set_a(&mut p.bc[tsetm - 1], 0);
        });
        change("TSETM with a missing number constant", missing, &|p| {
            let v = p.knum.len() as u32;
            set_d(&mut p.bc[tsetm], v)
        });
        let callmt = find_op(&base, Op::CALLMT, 0);
        change("jump to CALLMT past its VARG", multres, &|p| {
            let g = find_op(p, Op::GGET, 0);
            p.bc[g] = crate::bytecode::ins_aj(Op::JMP, 0, (callmt - g - 1) as i32);
        });
        change("UCLO into CALLMT reached by a jump itself", multres, &|p| {
            let uclo = callmt - 1;
            let k = find_op(p, Op::KSHORT, 3);
            p.bc[k] = crate::bytecode::ins_aj(Op::JMP, 0, (uclo - k - 1) as i32);
        });
        // Loops: FORI/FORL, ISNEXT/ITERN/ITERL, JMP/ITERC/ITERL.
        let fori = find_op(&base, Op::FORI, 0);
        let forl = find_op(&base, Op::FORL, 0);
        change("FORI and FORL on different slots", pairing, &|p| {
            let v = bc_a(p.bc[forl]) + 1;
            set_a(&mut p.bc[forl], v)
        });
        change("FORL not back to its FORI", pairing, &|p| {
            set_j(&mut p.bc[forl], -2)
        });
        change("FORI not past its FORL", pairing, &|p| {
            set_j(&mut p.bc[fori], 0)
        });
        change("FORI slots past the frame", range, &|p| {
            set_a(&mut p.bc[fori], fs - 3);
            set_a(&mut p.bc[forl], fs - 3);
        });
        let isnext = find_op(&base, Op::ISNEXT, 0);
        change("ISNEXT not to an ITERN", pairing, &|p| {
            set_j(&mut p.bc[isnext], 1)
        });
        change("ISNEXT to the ITERN of other slots", pairing, &|p| {
            let v = bc_a(p.bc[isnext]) + 1;
            set_a(&mut p.bc[isnext], v)
        });
        let itern = find_op(&base, Op::ITERN, 0);
        change("ITERN with its call slots past the frame", range, &|p| {
            for i in [isnext, itern, itern + 1] {
                set_a(&mut p.bc[i], fs - 3);
            }
        });
        change("ITERN with no hidden state below it", range, &|p| {
            for i in [isnext, itern, itern + 1] {
                set_a(&mut p.bc[i], 2);
            }
        });
        change("ITERL after the iterator of other slots", pairing, &|p| {
            let v = bc_a(p.bc[itern]) + 1;
            set_a(&mut p.bc[itern + 1], v)
        });
        let iterc = find_op(&base, Op::ITERC, 0);
        change(
            "ITERL not back to the instruction after the loop's JMP",
            pairing,
            &|p| set_j(&mut p.bc[iterc + 1], -1),
        );
        // Ranges: CAT, KNIL, RET, VARG.
        let cat = find_op(&base, Op::CAT, 0);
        change("CAT operands past the frame", range, &|p| {
            set_c(&mut p.bc[cat], fs)
        });
        change("KNIL past the frame", outside, &|p| {
            p.bc[cat] = ins_ad(Op::KNIL, 0, fs);
        });
        change("RET values past the frame", range, &|p| {
            p.bc[cat] = ins_ad(Op::RET, fs - 1, 3);
        });
        change("RET with D = 0", range, &|p| {
            p.bc[cat] = ins_ad(Op::RET, 0, 0)
        });
        change("VARG results past the frame", range, &|p| {
            p.bc[cat] = ins_abc(Op::VARG, fs - 1, 3, 0);
        });
        // Constants of the wrong kind, upvalues that do not exist.
        let gget = find_op(&base, Op::GGET, 0);
        change("GGET of a number constant index", missing, &|p| {
            let v = p.kgc.len() as u32;
            set_d(&mut p.bc[gget], v)
        });
        change("TDUP of a string", missing, &|p| {
            p.bc[cat] = ins_ad(Op::TDUP, 0, bc_d(p.bc[gget]))
        });
        change("UGET of a missing upvalue", missing, &|p| {
            p.bc[cat] = ins_ad(Op::UGET, 0, 0)
        });
        change(
            "KPRI of something else than nil/false/true",
            missing,
            &|p| p.bc[cat] = ins_ad(Op::KPRI, 0, 3),
        );
        // A child's upvalue on a slot the parent's frame does not have.
        change(
            "child upvalue outside the parent's frame",
            "refers to a missing slot",
            &|p| {
                for k in p.kgc.iter_mut() {
                    if let KGc::Child(c) = k {
                        if !c.uv.is_empty() {
                            c.uv[0] = crate::bytecode::PROTO_UV_LOCAL | fs as u16;
                        }
                    }
                }
            },
        );
        // The end of the function.
        change(
            "falls off the end after a loop",
            "falls off the end",
            &|p| {
                let n = p.bc.len();
                p.bc[n - 1] = crate::bytecode::ins_aj(Op::LOOP, 0, -1);
            },
        );
        change(
            "frame larger than the parser allows",
            "bad frame size",
            &|p| p.framesize = (MAX_FRAME_SLOTS + 1) as u8,
        );
        let _ = bc_c;
    }

    #[test]
    fn verify_accepts_reference_output_and_rejects_bad_operands() {
        use crate::bytecode::{ins_abc, ins_ad, ins_aj, Op};
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bytecode/");
        for name in [
            "ops",
            "strings",
            "tdup",
            "closures",
            "ffi_consts",
            "manyconsts",
            "longlines",
            "deep",
        ] {
            for ext in ["g.raw", "s.raw"] {
                let data = std::fs::read(format!("{}{}.{}", dir, name, ext)).unwrap();
                assert_eq!(
                    verify(&undump(&data, b"=x").unwrap()),
                    Ok(()),
                    "{}.{}",
                    name,
                    ext
                );
            }
        }
        let good = ProtoData {
            framesize: 2,
            bc: vec![
                ins_ad(Op::FUNCF, 2, 0),
                ins_ad(Op::KSTR, 0, 0),
                ins_ad(Op::RET1, 0, 2),
            ],
            kgc: vec![KGc::Str(b"s".to_vec())],
            ..ProtoData::default()
        };
        assert_eq!(verify(&good), Ok(()));
        let with = |ins: Vec<u32>| {
            let mut p = good.clone();
            p.bc.splice(1..2, ins);
            verify(&p)
        };
        assert!(
            with(vec![ins_ad(Op::KSTR, 0, 1)]).is_err(),
            "missing constant"
        );
        assert!(
            with(vec![ins_ad(Op::KNUM, 0, 0)]).is_err(),
            "missing number"
        );
        assert!(
            with(vec![ins_ad(Op::FNEW, 0, 0)]).is_err(),
            "string used as a function"
        );
        assert!(
            with(vec![ins_ad(Op::MOV, 2, 0)]).is_err(),
            "register outside the frame"
        );
        assert!(with(vec![ins_aj(Op::JMP, 0, 5)]).is_err(), "jump outside");
        assert!(
            with(vec![ins_ad(Op::ISLT, 0, 1)]).is_err(),
            "comparison without jump"
        );
        assert!(
            with(vec![ins_ad(Op::JLOOP, 0, 0)]).is_err(),
            "trace reference"
        );
        assert!(with(vec![0xff]).is_err(), "unknown opcode");
        assert!(
            with(vec![ins_abc(Op::CAT, 0, 1, 0)]).is_err(),
            "reversed range"
        );
        let mut p = good.clone();
        p.bc.pop();
        assert!(verify(&p).is_err(), "falls off the end");
    }
}
