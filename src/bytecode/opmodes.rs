//! Operand modes of every opcode: what the A, B and C/D fields of an
//! instruction mean. The listing uses them to decide how to print an
//! operand and which constant to show as a comment; the loader's callers can
//! use them to check operands.
//!
//! The table follows the modes the reference reports through
//! `jit.util.funcbc` (checked opcode by opcode against `luajit`).

use super::{Op, NUM_OPS};

/// What an operand field holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Field unused.
    None,
    /// Destination register.
    Dst,
    /// Base register of a register range.
    Base,
    /// Any register (source variable).
    Var,
    /// Base register, read-only (returns, jumps that close upvalues).
    RBase,
    /// Upvalue index.
    Uv,
    /// Unsigned literal.
    Lit,
    /// Signed 16-bit literal.
    Lits,
    /// Primitive: 0 nil, 1 false, 2 true.
    Pri,
    /// Index into the number constants.
    Num,
    /// Index into the GC constants, a string.
    Str,
    /// Index into the GC constants, a template table.
    Tab,
    /// Index into the GC constants, a child prototype.
    Func,
    /// Jump offset, biased by `BCBIAS_J`.
    Jump,
    /// Index into the GC constants, a cdata constant.
    Cdata,
}

/// Modes of the A, B and C/D fields of one opcode. When `b` is not
/// `Mode::None` the instruction has the ABC format (C is 8 bits), else AD.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OpModes {
    pub a: Mode,
    pub b: Mode,
    pub cd: Mode,
}

impl OpModes {
    /// True when the instruction uses separate B and C fields.
    pub fn is_abc(self) -> bool {
        self.b != Mode::None
    }
}

const fn m(a: Mode, b: Mode, cd: Mode) -> OpModes {
    OpModes { a, b, cd }
}

use Mode::{Base, Cdata, Dst, Func, Jump, Lit, Lits, Num, Pri, RBase, Str, Tab, Uv, Var};
const NONE: Mode = Mode::None;

/// Modes indexed by opcode number.
pub const OP_MODES: [OpModes; NUM_OPS] = [
    m(Var, NONE, Var),    // ISLT
    m(Var, NONE, Var),    // ISGE
    m(Var, NONE, Var),    // ISLE
    m(Var, NONE, Var),    // ISGT
    m(Var, NONE, Var),    // ISEQV
    m(Var, NONE, Var),    // ISNEV
    m(Var, NONE, Str),    // ISEQS
    m(Var, NONE, Str),    // ISNES
    m(Var, NONE, Num),    // ISEQN
    m(Var, NONE, Num),    // ISNEN
    m(Var, NONE, Pri),    // ISEQP
    m(Var, NONE, Pri),    // ISNEP
    m(Dst, NONE, Var),    // ISTC
    m(Dst, NONE, Var),    // ISFC
    m(NONE, NONE, Var),   // IST
    m(NONE, NONE, Var),   // ISF
    m(Var, NONE, Lit),    // ISTYPE
    m(Var, NONE, Lit),    // ISNUM
    m(Dst, NONE, Var),    // MOV
    m(Dst, NONE, Var),    // NOT
    m(Dst, NONE, Var),    // UNM
    m(Dst, NONE, Var),    // LEN
    m(Dst, Var, Num),     // ADDVN
    m(Dst, Var, Num),     // SUBVN
    m(Dst, Var, Num),     // MULVN
    m(Dst, Var, Num),     // DIVVN
    m(Dst, Var, Num),     // MODVN
    m(Dst, Var, Num),     // ADDNV
    m(Dst, Var, Num),     // SUBNV
    m(Dst, Var, Num),     // MULNV
    m(Dst, Var, Num),     // DIVNV
    m(Dst, Var, Num),     // MODNV
    m(Dst, Var, Var),     // ADDVV
    m(Dst, Var, Var),     // SUBVV
    m(Dst, Var, Var),     // MULVV
    m(Dst, Var, Var),     // DIVVV
    m(Dst, Var, Var),     // MODVV
    m(Dst, Var, Var),     // POW
    m(Dst, RBase, RBase), // CAT
    m(Dst, NONE, Str),    // KSTR
    m(Dst, NONE, Cdata),  // KCDATA
    m(Dst, NONE, Lits),   // KSHORT
    m(Dst, NONE, Num),    // KNUM
    m(Dst, NONE, Pri),    // KPRI
    m(Base, NONE, Base),  // KNIL
    m(Dst, NONE, Uv),     // UGET
    m(Uv, NONE, Var),     // USETV
    m(Uv, NONE, Str),     // USETS
    m(Uv, NONE, Num),     // USETN
    m(Uv, NONE, Pri),     // USETP
    m(RBase, NONE, Jump), // UCLO
    m(Dst, NONE, Func),   // FNEW
    m(Dst, NONE, Lit),    // TNEW
    m(Dst, NONE, Tab),    // TDUP
    m(Dst, NONE, Str),    // GGET
    m(Var, NONE, Str),    // GSET
    m(Dst, Var, Var),     // TGETV
    m(Dst, Var, Str),     // TGETS
    m(Dst, Var, Lit),     // TGETB
    m(Dst, Var, Var),     // TGETR
    m(Var, Var, Var),     // TSETV
    m(Var, Var, Str),     // TSETS
    m(Var, Var, Lit),     // TSETB
    m(Base, NONE, Num),   // TSETM
    m(Var, Var, Var),     // TSETR
    m(Base, Lit, Lit),    // CALLM
    m(Base, Lit, Lit),    // CALL
    m(Base, NONE, Lit),   // CALLMT
    m(Base, NONE, Lit),   // CALLT
    m(Base, Lit, Lit),    // ITERC
    m(Base, Lit, Lit),    // ITERN
    m(Base, Lit, Lit),    // VARG
    m(Base, NONE, Jump),  // ISNEXT
    m(Base, NONE, Lit),   // RETM
    m(RBase, NONE, Lit),  // RET
    m(RBase, NONE, Lit),  // RET0
    m(RBase, NONE, Lit),  // RET1
    m(Base, NONE, Jump),  // FORI
    m(Base, NONE, Jump),  // JFORI
    m(Base, NONE, Jump),  // FORL
    m(Base, NONE, Jump),  // IFORL
    m(Base, NONE, Lit),   // JFORL
    m(Base, NONE, Jump),  // ITERL
    m(Base, NONE, Jump),  // IITERL
    m(Base, NONE, Lit),   // JITERL
    m(RBase, NONE, Jump), // LOOP
    m(RBase, NONE, Jump), // ILOOP
    m(RBase, NONE, Lit),  // JLOOP
    m(RBase, NONE, Jump), // JMP
    m(RBase, NONE, NONE), // FUNCF
    m(RBase, NONE, NONE), // IFUNCF
    m(RBase, NONE, Lit),  // JFUNCF
    m(RBase, NONE, NONE), // FUNCV
    m(RBase, NONE, NONE), // IFUNCV
    m(RBase, NONE, Lit),  // JFUNCV
    m(RBase, NONE, NONE), // FUNCC
    m(RBase, NONE, NONE), // FUNCCW
];

/// Operand modes of an opcode.
pub fn modes(op: Op) -> OpModes {
    OP_MODES[op as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_checks() {
        assert_eq!(modes(Op::TSETM), m(Base, NONE, Num));
        assert_eq!(modes(Op::CAT), m(Dst, RBase, RBase));
        assert_eq!(modes(Op::FUNCCW), m(RBase, NONE, NONE));
        assert!(modes(Op::TGETS).is_abc());
        assert!(!modes(Op::GGET).is_abc());
    }
}
