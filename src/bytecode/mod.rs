//! LuaJIT 2.1 bytecode: opcodes, the 32-bit instruction encoding and the
//! front-end prototype (`ProtoData`) that the parser and the bytecode loader
//! produce and the bytecode writer and the runtime consume.
//!
//! Instruction layout (LuaJIT's): bits 0-7 opcode, 8-15 A, 16-23 C, 24-31 B;
//! D is bits 16-31 (C and B together).

pub mod ktable;
pub mod listing;
pub mod opmodes;
pub mod reader;
pub mod writer;

/// Opcodes in LuaJIT 2.1 numbering (the numbering is part of the dump format).
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(clippy::upper_case_acronyms)]
pub enum Op {
    ISLT,
    ISGE,
    ISLE,
    ISGT,
    ISEQV,
    ISNEV,
    ISEQS,
    ISNES,
    ISEQN,
    ISNEN,
    ISEQP,
    ISNEP,
    ISTC,
    ISFC,
    IST,
    ISF,
    ISTYPE,
    ISNUM,
    MOV,
    NOT,
    UNM,
    LEN,
    ADDVN,
    SUBVN,
    MULVN,
    DIVVN,
    MODVN,
    ADDNV,
    SUBNV,
    MULNV,
    DIVNV,
    MODNV,
    ADDVV,
    SUBVV,
    MULVV,
    DIVVV,
    MODVV,
    POW,
    CAT,
    KSTR,
    KCDATA,
    KSHORT,
    KNUM,
    KPRI,
    KNIL,
    UGET,
    USETV,
    USETS,
    USETN,
    USETP,
    UCLO,
    FNEW,
    TNEW,
    TDUP,
    GGET,
    GSET,
    TGETV,
    TGETS,
    TGETB,
    TGETR,
    TSETV,
    TSETS,
    TSETB,
    TSETM,
    TSETR,
    CALLM,
    CALL,
    CALLMT,
    CALLT,
    ITERC,
    ITERN,
    VARG,
    ISNEXT,
    RETM,
    RET,
    RET0,
    RET1,
    FORI,
    JFORI,
    FORL,
    IFORL,
    JFORL,
    ITERL,
    IITERL,
    JITERL,
    LOOP,
    ILOOP,
    JLOOP,
    JMP,
    FUNCF,
    IFUNCF,
    JFUNCF,
    FUNCV,
    IFUNCV,
    JFUNCV,
    FUNCC,
    FUNCCW,
}

/// Number of opcodes.
pub const NUM_OPS: usize = Op::FUNCCW as usize + 1;

/// Opcode names as LuaJIT's listings print them, indexed by opcode number.
pub const OP_NAMES: [&str; NUM_OPS] = [
    "ISLT", "ISGE", "ISLE", "ISGT", "ISEQV", "ISNEV", "ISEQS", "ISNES", "ISEQN", "ISNEN", "ISEQP",
    "ISNEP", "ISTC", "ISFC", "IST", "ISF", "ISTYPE", "ISNUM", "MOV", "NOT", "UNM", "LEN", "ADDVN",
    "SUBVN", "MULVN", "DIVVN", "MODVN", "ADDNV", "SUBNV", "MULNV", "DIVNV", "MODNV", "ADDVV",
    "SUBVV", "MULVV", "DIVVV", "MODVV", "POW", "CAT", "KSTR", "KCDATA", "KSHORT", "KNUM", "KPRI",
    "KNIL", "UGET", "USETV", "USETS", "USETN", "USETP", "UCLO", "FNEW", "TNEW", "TDUP", "GGET",
    "GSET", "TGETV", "TGETS", "TGETB", "TGETR", "TSETV", "TSETS", "TSETB", "TSETM", "TSETR",
    "CALLM", "CALL", "CALLMT", "CALLT", "ITERC", "ITERN", "VARG", "ISNEXT", "RETM", "RET", "RET0",
    "RET1", "FORI", "JFORI", "FORL", "IFORL", "JFORL", "ITERL", "IITERL", "JITERL", "LOOP",
    "ILOOP", "JLOOP", "JMP", "FUNCF", "IFUNCF", "JFUNCF", "FUNCV", "IFUNCV", "JFUNCV", "FUNCC",
    "FUNCCW",
];

impl Op {
    /// Decode an opcode byte; `None` for bytes past the last opcode.
    pub fn from_u8(b: u8) -> Option<Op> {
        if (b as usize) < NUM_OPS {
            // SAFETY: Op is repr(u8) with contiguous discriminants 0..NUM_OPS.
            Some(unsafe { std::mem::transmute::<u8, Op>(b) })
        } else {
            None
        }
    }
    pub fn name(self) -> &'static str {
        OP_NAMES[self as usize]
    }
}

/// Bias of jump targets in the D operand: target = pc + 1 + (D - BCBIAS_J).
pub const BCBIAS_J: u32 = 0x8000;
/// Maximum register number / framesize.
pub const BCMAX_A: u32 = 0xff;
pub const BCMAX_B: u32 = 0xff;
pub const BCMAX_C: u32 = 0xff;
pub const BCMAX_D: u32 = 0xffff;
/// No register (used for "no destination" in some operands).
pub const NO_REG: u32 = BCMAX_A;

pub type Ins = u32;

#[inline]
pub const fn ins_abc(op: Op, a: u32, b: u32, c: u32) -> Ins {
    (op as u32) | (a << 8) | (b << 24) | (c << 16)
}
#[inline]
pub const fn ins_ad(op: Op, a: u32, d: u32) -> Ins {
    (op as u32) | (a << 8) | (d << 16)
}
#[inline]
pub const fn ins_aj(op: Op, a: u32, j: i32) -> Ins {
    ins_ad(op, a, (j + BCBIAS_J as i32) as u32)
}
#[inline]
pub const fn bc_op_raw(i: Ins) -> u8 {
    (i & 0xff) as u8
}
#[inline]
pub fn bc_op(i: Ins) -> Op {
    Op::from_u8(bc_op_raw(i)).unwrap_or(Op::JMP)
}
#[inline]
pub const fn bc_a(i: Ins) -> u32 {
    (i >> 8) & 0xff
}
#[inline]
pub const fn bc_b(i: Ins) -> u32 {
    i >> 24
}
#[inline]
pub const fn bc_c(i: Ins) -> u32 {
    (i >> 16) & 0xff
}
#[inline]
pub const fn bc_d(i: Ins) -> u32 {
    i >> 16
}
/// Signed jump offset of a jump-type D operand.
#[inline]
pub const fn bc_j(i: Ins) -> i32 {
    bc_d(i) as i32 - BCBIAS_J as i32
}
#[inline]
pub fn set_op(i: &mut Ins, op: Op) {
    *i = (*i & !0xff) | op as u32;
}
#[inline]
pub fn set_a(i: &mut Ins, a: u32) {
    *i = (*i & !0xff00) | (a << 8);
}
#[inline]
pub fn set_b(i: &mut Ins, b: u32) {
    *i = (*i & 0x00ff_ffff) | (b << 24);
}
#[inline]
pub fn set_c(i: &mut Ins, c: u32) {
    *i = (*i & !0x00ff_0000) | (c << 16);
}
#[inline]
pub fn set_d(i: &mut Ins, d: u32) {
    *i = (*i & 0xffff) | (d << 16);
}
#[inline]
pub fn set_j(i: &mut Ins, j: i32) {
    set_d(i, (j + BCBIAS_J as i32) as u32)
}

/// Primitive constants of KPRI/ISEQP/ISNEP/USETP/TSETx ... (LuaJIT's itype order).
pub const PRI_NIL: u32 = 0;
pub const PRI_FALSE: u32 = 1;
pub const PRI_TRUE: u32 = 2;

/// Prototype flags (LuaJIT's values).
pub const PROTO_CHILD: u8 = 0x01;
pub const PROTO_VARARG: u8 = 0x02;
pub const PROTO_FFI: u8 = 0x04;
pub const PROTO_NOJIT: u8 = 0x08;
pub const PROTO_ILOOP: u8 = 0x10;
pub const PROTO_HAS_RETURN: u8 = 0x20;
pub const PROTO_FIXUP_RETURN: u8 = 0x40;

/// Upvalue descriptor bits (in `ProtoData::uv`): the upvalue refers to a local
/// slot of the enclosing function (else to an upvalue of the enclosing function),
/// and whether that variable is never assigned after capture.
pub const PROTO_UV_LOCAL: u16 = 0x8000;
pub const PROTO_UV_IMMUTABLE: u16 = 0x4000;

/// A constant of a template table (TDUP).
#[derive(Clone, Debug, PartialEq)]
pub enum KTabVal {
    Nil,
    False,
    True,
    Int(i32),
    Num(f64),
    Str(Vec<u8>),
}

/// A GC constant of a prototype, indexed by the D operand of KSTR/FNEW/TDUP/
/// GGET/GSET/TGETS/TSETS/ISEQS/ISNES/USETS/KCDATA: `kgc[d]`.
/// (In LuaJIT's memory layout this is `proto_kgc(pt, ~d)`.)
#[derive(Clone, Debug, PartialEq)]
pub enum KGc {
    Str(Vec<u8>),
    Child(Box<ProtoData>),
    /// A template table, laid out as LuaJIT lays it out.
    Table(ktable::KTable),
    I64(i64),
    U64(u64),
    Complex(f64, f64),
}

/// A numeric constant, indexed by the D operand of KNUM/ISEQN/ISNEN/USETN and
/// the C operand of the xxVN/xxNV arithmetic instructions: `knum[d]`.
/// Integral values that fit an i32 are stored as `Int`, as LuaJIT does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KNum {
    Int(i32),
    Num(f64),
}

impl KNum {
    pub fn to_f64(self) -> f64 {
        match self {
            KNum::Int(i) => i as f64,
            KNum::Num(n) => n,
        }
    }
}

/// Debug info for one local variable: live from `startpc` (inclusive) to
/// `endpc` (exclusive), bytecode indices counting the function header as 0.
/// Internal variables use the names "(for index)", "(for limit)",
/// "(for step)", "(for generator)", "(for state)", "(for control)".
#[derive(Clone, Debug, PartialEq)]
pub struct VarInfo {
    pub name: Vec<u8>,
    pub startpc: u32,
    pub endpc: u32,
}

/// A function prototype as produced by the parser or the bytecode loader.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProtoData {
    /// PROTO_* flags.
    pub flags: u8,
    pub numparams: u8,
    /// Number of stack slots the function needs.
    pub framesize: u8,
    /// Instructions; index 0 is the FUNCF/FUNCV header instruction
    /// (A = framesize), exactly as in LuaJIT's in-memory prototypes.
    pub bc: Vec<Ins>,
    /// Upvalue descriptors (PROTO_UV_* flags | slot or parent upvalue index).
    pub uv: Vec<u16>,
    pub kgc: Vec<KGc>,
    pub knum: Vec<KNum>,
    /// Chunk name as given to the loader ("=stdin", "@file.lua", or source).
    pub chunkname: Vec<u8>,
    /// First line of the function definition (0 for the main chunk), and
    /// number of lines it spans (lastline - firstline).
    pub firstline: u32,
    pub numline: u32,
    /// Absolute source line of each instruction (same length as `bc`), empty
    /// when stripped.
    pub lineinfo: Vec<u32>,
    /// Upvalue names (same length as `uv`), empty when stripped.
    pub uvnames: Vec<Vec<u8>>,
    /// Local variable info, empty when stripped.
    pub varinfo: Vec<VarInfo>,
}
