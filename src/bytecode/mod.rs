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

use crate::concept_table::concept_table;
use crate::meta::{
    MM_ADD, MM_CALL, MM_CONCAT, MM_DIV, MM_EQ, MM_GC, MM_INDEX, MM_LE, MM_LEN, MM_LT, MM_MOD,
    MM_MUL, MM_NEWINDEX, MM_POW, MM_SUB, MM_UNM,
};
use opmodes::Mode::{Base, Cdata, Dst, Func, Jump, Lit, Lits, Num, Pri, RBase, Str, Tab, Uv, Var};
use opmodes::{OpDef, RecordClass, ___};

/// Not handled by the trace recorder yet (all of them, until it exists).
const NYI: RecordClass = RecordClass::Nyi;

concept_table! {
    /// Opcodes in LuaJIT 2.1 numbering (the numbering is part of the dump
    /// format), each with the modes of its A, B and C/D operands (`___`:
    /// unused; a used B means the ABC format), the metamethod it may call
    /// (part of `jit.util.funcbc`'s mode word) and how the trace recorder
    /// handles it. This is the only list of the bytecodes: `jit/vmdef.lua`'s
    /// `bcnames` is rendered from it (`crate::vmdef`).
    #[allow(clippy::upper_case_acronyms)]
    pub enum Op {
        count: NUM_OPS,
        names: OP_NAMES,
        records: OP_DEFS: [OpDef] = new,
    }
    // name  (A      B      C/D    metamethod          recording)
    ISLT   (Var,   ___,   Var,   Some(MM_LT),        NYI),
    ISGE   (Var,   ___,   Var,   Some(MM_LT),        NYI),
    ISLE   (Var,   ___,   Var,   Some(MM_LE),        NYI),
    ISGT   (Var,   ___,   Var,   Some(MM_LE),        NYI),
    ISEQV  (Var,   ___,   Var,   Some(MM_EQ),        NYI),
    ISNEV  (Var,   ___,   Var,   Some(MM_EQ),        NYI),
    ISEQS  (Var,   ___,   Str,   Some(MM_EQ),        NYI),
    ISNES  (Var,   ___,   Str,   Some(MM_EQ),        NYI),
    ISEQN  (Var,   ___,   Num,   Some(MM_EQ),        NYI),
    ISNEN  (Var,   ___,   Num,   Some(MM_EQ),        NYI),
    ISEQP  (Var,   ___,   Pri,   Some(MM_EQ),        NYI),
    ISNEP  (Var,   ___,   Pri,   Some(MM_EQ),        NYI),
    ISTC   (Dst,   ___,   Var,   None,               NYI),
    ISFC   (Dst,   ___,   Var,   None,               NYI),
    IST    (___,   ___,   Var,   None,               NYI),
    ISF    (___,   ___,   Var,   None,               NYI),
    ISTYPE (Var,   ___,   Lit,   None,               NYI),
    ISNUM  (Var,   ___,   Lit,   None,               NYI),
    MOV    (Dst,   ___,   Var,   None,               NYI),
    NOT    (Dst,   ___,   Var,   None,               NYI),
    UNM    (Dst,   ___,   Var,   Some(MM_UNM),       NYI),
    LEN    (Dst,   ___,   Var,   Some(MM_LEN),       NYI),
    ADDVN  (Dst,   Var,   Num,   Some(MM_ADD),       NYI),
    SUBVN  (Dst,   Var,   Num,   Some(MM_SUB),       NYI),
    MULVN  (Dst,   Var,   Num,   Some(MM_MUL),       NYI),
    DIVVN  (Dst,   Var,   Num,   Some(MM_DIV),       NYI),
    MODVN  (Dst,   Var,   Num,   Some(MM_MOD),       NYI),
    ADDNV  (Dst,   Var,   Num,   Some(MM_ADD),       NYI),
    SUBNV  (Dst,   Var,   Num,   Some(MM_SUB),       NYI),
    MULNV  (Dst,   Var,   Num,   Some(MM_MUL),       NYI),
    DIVNV  (Dst,   Var,   Num,   Some(MM_DIV),       NYI),
    MODNV  (Dst,   Var,   Num,   Some(MM_MOD),       NYI),
    ADDVV  (Dst,   Var,   Var,   Some(MM_ADD),       NYI),
    SUBVV  (Dst,   Var,   Var,   Some(MM_SUB),       NYI),
    MULVV  (Dst,   Var,   Var,   Some(MM_MUL),       NYI),
    DIVVV  (Dst,   Var,   Var,   Some(MM_DIV),       NYI),
    MODVV  (Dst,   Var,   Var,   Some(MM_MOD),       NYI),
    POW    (Dst,   Var,   Var,   Some(MM_POW),       NYI),
    CAT    (Dst,   RBase, RBase, Some(MM_CONCAT),    NYI),
    KSTR   (Dst,   ___,   Str,   None,               NYI),
    KCDATA (Dst,   ___,   Cdata, None,               NYI),
    KSHORT (Dst,   ___,   Lits,  None,               NYI),
    KNUM   (Dst,   ___,   Num,   None,               NYI),
    KPRI   (Dst,   ___,   Pri,   None,               NYI),
    KNIL   (Base,  ___,   Base,  None,               NYI),
    UGET   (Dst,   ___,   Uv,    None,               NYI),
    USETV  (Uv,    ___,   Var,   None,               NYI),
    USETS  (Uv,    ___,   Str,   None,               NYI),
    USETN  (Uv,    ___,   Num,   None,               NYI),
    USETP  (Uv,    ___,   Pri,   None,               NYI),
    UCLO   (RBase, ___,   Jump,  None,               NYI),
    FNEW   (Dst,   ___,   Func,  Some(MM_GC),        NYI),
    TNEW   (Dst,   ___,   Lit,   Some(MM_GC),        NYI),
    TDUP   (Dst,   ___,   Tab,   Some(MM_GC),        NYI),
    GGET   (Dst,   ___,   Str,   Some(MM_INDEX),     NYI),
    GSET   (Var,   ___,   Str,   Some(MM_NEWINDEX),  NYI),
    TGETV  (Dst,   Var,   Var,   Some(MM_INDEX),     NYI),
    TGETS  (Dst,   Var,   Str,   Some(MM_INDEX),     NYI),
    TGETB  (Dst,   Var,   Lit,   Some(MM_INDEX),     NYI),
    TGETR  (Dst,   Var,   Var,   Some(MM_INDEX),     NYI),
    TSETV  (Var,   Var,   Var,   Some(MM_NEWINDEX),  NYI),
    TSETS  (Var,   Var,   Str,   Some(MM_NEWINDEX),  NYI),
    TSETB  (Var,   Var,   Lit,   Some(MM_NEWINDEX),  NYI),
    TSETM  (Base,  ___,   Num,   Some(MM_NEWINDEX),  NYI),
    TSETR  (Var,   Var,   Var,   Some(MM_NEWINDEX),  NYI),
    CALLM  (Base,  Lit,   Lit,   Some(MM_CALL),      NYI),
    CALL   (Base,  Lit,   Lit,   Some(MM_CALL),      NYI),
    CALLMT (Base,  ___,   Lit,   Some(MM_CALL),      NYI),
    CALLT  (Base,  ___,   Lit,   Some(MM_CALL),      NYI),
    ITERC  (Base,  Lit,   Lit,   Some(MM_CALL),      NYI),
    ITERN  (Base,  Lit,   Lit,   Some(MM_CALL),      NYI),
    VARG   (Base,  Lit,   Lit,   None,               NYI),
    ISNEXT (Base,  ___,   Jump,  None,               NYI),
    RETM   (Base,  ___,   Lit,   None,               NYI),
    RET    (RBase, ___,   Lit,   None,               NYI),
    RET0   (RBase, ___,   Lit,   None,               NYI),
    RET1   (RBase, ___,   Lit,   None,               NYI),
    FORI   (Base,  ___,   Jump,  None,               NYI),
    JFORI  (Base,  ___,   Jump,  None,               NYI),
    FORL   (Base,  ___,   Jump,  None,               NYI),
    IFORL  (Base,  ___,   Jump,  None,               NYI),
    JFORL  (Base,  ___,   Lit,   None,               NYI),
    ITERL  (Base,  ___,   Jump,  None,               NYI),
    IITERL (Base,  ___,   Jump,  None,               NYI),
    JITERL (Base,  ___,   Lit,   None,               NYI),
    LOOP   (RBase, ___,   Jump,  None,               NYI),
    ILOOP  (RBase, ___,   Jump,  None,               NYI),
    JLOOP  (RBase, ___,   Lit,   None,               NYI),
    JMP    (RBase, ___,   Jump,  None,               NYI),
    // The bit operators of today's LuaJIT 2.1 (ORDER BIT; no metamethods).
    // Inserting them here renumbered only the function headers below,
    // which never occur in a dump.
    BNOT   (Dst,   ___,   Var,   None,               NYI),
    BAND   (Dst,   Var,   Var,   None,               NYI),
    BOR    (Dst,   Var,   Var,   None,               NYI),
    BXOR   (Dst,   Var,   Var,   None,               NYI),
    BSHL   (Dst,   Var,   Var,   None,               NYI),
    BSHR   (Dst,   Var,   Var,   None,               NYI),
    BSAR   (Dst,   Var,   Var,   None,               NYI),
    FUNCF  (RBase, ___,   ___,   None,               NYI),
    IFUNCF (RBase, ___,   ___,   None,               NYI),
    JFUNCF (RBase, ___,   Lit,   None,               NYI),
    FUNCV  (RBase, ___,   ___,   None,               NYI),
    IFUNCV (RBase, ___,   ___,   None,               NYI),
    JFUNCV (RBase, ___,   Lit,   None,               NYI),
    FUNCC  (RBase, ___,   ___,   None,               NYI),
    FUNCCW (RBase, ___,   ___,   None,               NYI),
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
/// Uses bit operator bytecodes (BNOT..BSAR); a dump of such a function has
/// the header flag `BCDUMP_F_BITOP`, which older LuaJITs refuse.
pub const PROTO_BITOP: u8 = 0x80;

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
