//! Operand modes of every opcode: what the A, B and C/D fields of an
//! instruction mean. The listing uses them to decide how to print an
//! operand and which constant to show as a comment; the loader's callers can
//! use them to check operands.
//!
//! The modes themselves are columns of the opcode table in `super` (they
//! follow the modes the reference reports through `jit.util.funcbc`,
//! checked opcode by opcode against `luajit` by `jit_util`'s tests).

use super::Op;

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

/// Shorthand for an unused operand in the opcode table.
pub const ___: Mode = Mode::None;

/// How the trace recorder handles an opcode (a column of the opcode table
/// the recorder will fill in).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RecordClass {
    /// Not recorded yet: recording it aborts the trace ("NYI: bytecode").
    Nyi,
}

/// Everything the opcode table (`super::Op`) says about one opcode.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OpDef {
    pub modes: OpModes,
    /// The metamethod (`crate::meta::MM_*`) the opcode may call.
    pub metamethod: Option<usize>,
    pub record: RecordClass,
}

impl OpDef {
    pub const fn new(
        a: Mode,
        b: Mode,
        cd: Mode,
        metamethod: Option<usize>,
        record: RecordClass,
    ) -> OpDef {
        OpDef {
            modes: OpModes { a, b, cd },
            metamethod,
            record,
        }
    }
}

/// Operand modes of an opcode.
#[inline]
pub fn modes(op: Op) -> OpModes {
    op.record().modes
}

#[cfg(test)]
mod tests {
    use super::*;
    use Mode::{Base, Dst, Num, RBase};

    const fn m(a: Mode, b: Mode, cd: Mode) -> OpModes {
        OpModes { a, b, cd }
    }

    #[test]
    fn spot_checks() {
        assert_eq!(modes(Op::TSETM), m(Base, ___, Num));
        assert_eq!(modes(Op::CAT), m(Dst, RBase, RBase));
        assert_eq!(modes(Op::FUNCCW), m(RBase, ___, ___));
        assert!(modes(Op::TGETS).is_abc());
        assert!(!modes(Op::GGET).is_abc());
    }
}
