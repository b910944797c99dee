//! Parser and bytecode emitter. Mirrors the structure of LuaJIT's single
//! pass compiler: expressions are described by `ExpDesc` until they have to
//! be materialised in a register, conditional code is built from jump lists
//! threaded through the emitted jump instructions, and registers are
//! allocated as a stack on top of the active local variables.

use super::lexer::*;
use super::CompileOptions;
use crate::bytecode::ktable::KTable;
use crate::bytecode::*;
use crate::mem::{reserve_entry, CollectFallible, FallibleVec, ToVecFallible};
use crate::stdlib::bitops::{self, tobit};
use crate::strscan::CdataNumber;
use crate::table::hsize2hbits;

type PResult<T> = Result<T, Vec<u8>>;

const NO_JMP: u32 = u32::MAX;
const MAX_SLOTS: u32 = 250;
const MAX_LOCVAR: u32 = 200;
const MAX_UPVAL: u32 = 60;
const MAX_XLEVEL: u32 = 200;
const MAX_KCONST: usize = 65536;
/// Native stack the parser may use. LuaJIT's syntax level limit keeps a
/// release build far below this (about 256 KiB at the limit); unoptimised
/// builds have much larger frames, and this guard turns what would be a
/// stack overflow there into the "too many syntax levels" error.
const MAX_STACK_USE: usize = 768 * 1024;
/// Syntax nesting below which the thread's stack bounds are not looked up
/// (that costs a read of /proc/self/maps on the main thread): a few levels
/// fit any stack, and most chunks never nest deeper.
const SHALLOW_LEVELS: u32 = 16;

/// Approximate address of the current stack frame.
#[inline(always)]
fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

fn stack_used(base: usize) -> usize {
    base.saturating_sub(stack_addr())
}

/// Marks an upvalue of the enclosing function in `uvtmp` (else a vstack index).
const UV_PARENT: u32 = 0x1000_0000;

/// Expression kinds, in LuaJIT's order (the constant kinds come first).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum EK {
    KNil,
    KFalse,
    KTrue,
    KStr,
    KNum,
    /// 64-bit integer or complex constant (FFI): `cdata`.
    KCdata,
    /// info = register, aux = vstack index.
    Local,
    /// info = upvalue index, aux = vstack index of the variable.
    Upval,
    /// sval = name.
    Global,
    /// info = table register, aux = key: register, 256+byte, or !(string const).
    Indexed,
    /// info = pc of the jump.
    Jmp,
    /// info = pc of the instruction whose A operand is still free.
    Relocable,
    /// info = register.
    NonReloc,
    /// info = pc of the call, aux = base register.
    Call,
    /// A call behind safe navigation (`f?.()` ...): as `Call`, followed by
    /// the JMP and KPRI that give nil when the chain stopped early.
    CallNav,
    Void,
}

#[derive(Clone, Copy, Debug)]
struct ExpDesc {
    k: EK,
    info: u32,
    aux: u32,
    sval: StrId,
    nval: f64,
    cdata: Option<CdataNumber>,
    /// True and false jump lists.
    t: u32,
    f: u32,
}

impl ExpDesc {
    fn new(k: EK, info: u32) -> ExpDesc {
        ExpDesc {
            k,
            info,
            aux: 0,
            sval: 0,
            nval: 0.0,
            cdata: None,
            t: NO_JMP,
            f: NO_JMP,
        }
    }
    fn num(n: f64) -> ExpDesc {
        let mut e = ExpDesc::new(EK::KNum, 0);
        e.nval = n;
        e
    }
    fn str(s: StrId) -> ExpDesc {
        let mut e = ExpDesc::new(EK::KStr, 0);
        e.sval = s;
        e
    }
    #[inline]
    fn has_jump(&self) -> bool {
        self.t != self.f
    }
    #[inline]
    fn is_k(&self) -> bool {
        self.k <= EK::KNum
    }
    #[inline]
    fn is_k_nojump(&self) -> bool {
        self.is_k() && !self.has_jump()
    }
    #[inline]
    fn is_numk(&self) -> bool {
        self.k == EK::KNum
    }
    #[inline]
    fn is_numk_nojump(&self) -> bool {
        self.is_numk() && !self.has_jump()
    }
    fn num_is_zero(&self) -> bool {
        self.nval == 0.0
    }
}

// Binary operators, in LuaJIT's order (ORDER OPR: the arithmetic ones in
// the order of their bytecodes, then the bit operators in the order of
// BAND..BSAR).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum BinOpr {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    BAnd,
    BOr,
    BXor,
    BShl,
    BShr,
    BSar,
    Concat,
    Ne,
    Eq,
    Lt,
    Ge,
    Le,
    Gt,
    And,
    Or,
    Coal,
}

/// Left and right priority of each operator (right < left: right
/// associative), LuaJIT's table since the bit operators came.
const PRIORITY: [(u32, u32); 22] = [
    (10, 10), // +
    (10, 10), // -
    (11, 11), // *
    (11, 11), // /
    (11, 11), // %
    (14, 13), // ^
    (6, 6),   // &
    (4, 4),   // |
    (5, 5),   // ~
    (7, 7),   // <<
    (7, 7),   // >>
    (7, 7),   // ~>>
    (9, 8),   // ..
    (3, 3),   // ~= !=
    (3, 3),   // ==
    (3, 3),   // <
    (3, 3),   // >=
    (3, 3),   // <=
    (3, 3),   // >
    (2, 2),   // and &&
    (1, 1),   // or ||
    (1, 1),   // ??
];
const UNARY_PRIORITY: u32 = 12;

/// Internal names of hidden locals (`(for index)` ...): never const.
fn is_internal_name(name: StrId) -> bool {
    name <= NAME_FOR_CTL
}

fn token_binop(tok: Token) -> Option<BinOpr> {
    Some(match tok {
        t if t == b'+' as Token => BinOpr::Add,
        t if t == b'-' as Token => BinOpr::Sub,
        t if t == b'*' as Token => BinOpr::Mul,
        t if t == b'/' as Token => BinOpr::Div,
        t if t == b'%' as Token => BinOpr::Mod,
        t if t == b'^' as Token => BinOpr::Pow,
        t if t == b'&' as Token => BinOpr::BAnd,
        t if t == b'|' as Token => BinOpr::BOr,
        t if t == b'~' as Token => BinOpr::BXor,
        TK_SHL => BinOpr::BShl,
        TK_SHR => BinOpr::BShr,
        TK_SAR => BinOpr::BSar,
        TK_CONCAT => BinOpr::Concat,
        TK_NE | TK_NE_ => BinOpr::Ne,
        TK_EQ => BinOpr::Eq,
        t if t == b'<' as Token => BinOpr::Lt,
        TK_GE => BinOpr::Ge,
        TK_LE => BinOpr::Le,
        t if t == b'>' as Token => BinOpr::Gt,
        TK_AND | TK_AND_ => BinOpr::And,
        TK_OR | TK_OR_ => BinOpr::Or,
        TK_COAL => BinOpr::Coal,
        _ => return None,
    })
}

/// Is the token a name? `goto` (Lua 5.1 has no goto statement without a
/// label after it) and the soft keywords `const` and `continue` are.
fn is_name(tok: Token) -> bool {
    matches!(tok, TK_NAME | TK_GOTO | TK_CONST | TK_CONTINUE)
}

// Expression flags: how the context restricts an expression.
/// The result is not used (the start of a statement).
const EXPR_F_NORES: u32 = 0x01;
/// No method call (`a:b()`) at this level: the true branch of `?:`.
const EXPR_F_NOCOLON: u32 = 0x02;
/// No safe navigation: the targets of an assignment.
const EXPR_F_NONAV: u32 = 0x04;
/// One expression, not a list: the body of a short function.
const EXPR_F_RET1: u32 = 0x08;

// Scope flags.
const FSCOPE_LOOP: u8 = 0x01;
const FSCOPE_BREAK: u8 = 0x02;
const FSCOPE_GOLA: u8 = 0x04;
const FSCOPE_UPVAL: u8 = 0x08;
const FSCOPE_NOCLOSE: u8 = 0x10;
const FSCOPE_CONT: u8 = 0x20;

#[derive(Clone, Copy)]
struct FuncScope {
    vstart: usize,
    nactvar: u32,
    flags: u8,
}

// Variable stack entry flags.
const VSTACK_VAR_RW: u8 = 0x01;
const VSTACK_GOTO: u8 = 0x02;
const VSTACK_LABEL: u8 = 0x04;
const VSTACK_CONST: u8 = 0x08;

/// A local variable, pending goto or label (LuaJIT keeps all three on one
/// stack so that scoping works the same for them).
#[derive(Clone, Copy)]
struct VarSlot {
    /// None: an invalidated goto or label.
    name: Option<StrId>,
    startpc: u32,
    endpc: u32,
    slot: u32,
    info: u8,
}

enum KEntry {
    Str(StrId),
    Cdata(KGc),
    Child(ProtoData),
    Table(KGc),
}

struct FuncState {
    /// Instructions with their line; [0] is the FUNCF/FUNCV header.
    bc: FallibleVec<Ins>,
    lines: FallibleVec<u32>,
    lasttarget: u32,
    /// Pending jumps to the next instruction.
    jpc: u32,
    freereg: u32,
    nactvar: u32,
    kstr: FastMap<StrId, u32>,
    knum_map: FastMap<u64, u32>,
    kgc: FallibleVec<KEntry>,
    knum: FallibleVec<f64>,
    /// Upvalue sources of child prototypes (kgc index, uvtmp), resolved when
    /// this function is finished.
    child_uv: FallibleVec<(usize, Vec<u32>)>,
    scopes: FallibleVec<FuncScope>,
    flags: u8,
    numparams: u32,
    framesize: u32,
    /// vstack index of each active local, by register.
    varmap: FallibleVec<usize>,
    /// vstack index of the variable behind each upvalue.
    uvmap: FallibleVec<usize>,
    uvtmp: FallibleVec<u32>,
    linedefined: u32,
    vbase: usize,
}

impl FuncState {
    fn new(vbase: usize, linedefined: u32) -> FuncState {
        FuncState {
            bc: FallibleVec::with_capacity(64),
            lines: FallibleVec::with_capacity(64),
            lasttarget: 0,
            jpc: NO_JMP,
            freereg: 0,
            nactvar: 0,
            kstr: FastMap::default(),
            knum_map: FastMap::default(),
            kgc: FallibleVec::new(),
            knum: FallibleVec::new(),
            child_uv: FallibleVec::new(),
            scopes: FallibleVec::new(),
            flags: 0,
            numparams: 0,
            framesize: 1,
            varmap: FallibleVec::new(),
            uvmap: FallibleVec::new(),
            uvtmp: FallibleVec::new(),
            linedefined,
            vbase,
        }
    }
    #[inline]
    fn pc(&self) -> u32 {
        self.bc.len() as u32
    }
}

struct Parser<'a> {
    ls: Lexer<'a>,
    fs: FuncState,
    outer: FallibleVec<FuncState>,
    vstack: FallibleVec<VarSlot>,
    level: u32,
    /// First error found while emitting an instruction.
    pending_err: Option<Vec<u8>>,
    /// Reused buffer for the targets of an assignment.
    lhs_buf: FallibleVec<ExpDesc>,
    /// Stack address at entry, for the stack use guard.
    stack_base: usize,
    /// Lowest stack address the parser may reach on this thread (looked
    /// up once nesting gets deep; `Some(None)`: bounds unknown).
    stack_floor: Option<Option<usize>>,
    /// The names of the `const` declaration being parsed so far.
    pending_consts: FallibleVec<StrId>,
    /// Emit bytecode for FR2 mode (64-bit, two-slot frame links): the
    /// native format; else the 32-bit format, which cannot run here.
    opts_fr2: bool,
}

pub fn parse_chunk(source: &[u8], chunkname: &[u8], opts: &CompileOptions) -> PResult<ProtoData> {
    let ls = Lexer::new(source, chunkname);
    ls.check_header()?;
    parse_with(ls, opts).0
}

/// Parse a chunk from a lexer that is set up (header skipped, not bytecode).
/// The flag says the lexer's reader failed (then the result is moot).
pub fn parse_with<'a>(mut ls: Lexer<'a>, opts: &CompileOptions) -> (PResult<ProtoData>, bool) {
    ls.ffi_literals = opts.ffi_literals;
    let mut p = Parser {
        ls,
        fs: FuncState::new(0, 0),
        outer: FallibleVec::new(),
        vstack: FallibleVec::new(),
        level: 0,
        pending_err: None,
        lhs_buf: FallibleVec::new(),
        stack_base: stack_addr(),
        stack_floor: None,
        pending_consts: FallibleVec::new(),
        opts_fr2: opts.fr2,
    };
    let r = p.main_chunk();
    (r, p.ls.reader_failed)
}

impl<'a> Parser<'a> {
    fn main_chunk(&mut self) -> PResult<ProtoData> {
        let p = self;
        p.fs.flags |= PROTO_VARARG;
        p.scope_begin(0);
        p.emit_ad(Op::FUNCV, 0, 0);
        p.next()?;
        p.block_body()?;
        if p.ls.tok != TK_EOF {
            return Err(p.err_token(TK_EOF));
        }
        let line = p.ls.linenumber;
        let (pt, _) = p.fs_finish(line)?;
        Ok(pt)
    }
}

// ---------------------------------------------------------------------------
// Errors and token helpers.
impl<'a> Parser<'a> {
    fn next(&mut self) -> PResult<()> {
        self.ls.next()
    }
    fn err_syntax(&self, msg: &str) -> Vec<u8> {
        self.ls.error(self.ls.tok, msg.as_bytes())
    }
    fn err_token(&self, tok: Token) -> Vec<u8> {
        let mut m = b"'".to_vec();
        m.extend_from_slice(&self.ls.token_text(tok));
        m.extend_from_slice(b"' expected");
        self.ls.error(self.ls.tok, &m)
    }
    fn err_limit(&self, limit: u32, what: &str) -> Vec<u8> {
        let m = if self.fs.linedefined == 0 {
            format!("main function has more than {} {}", limit, what)
        } else {
            format!(
                "function at line {} has more than {} {}",
                self.fs.linedefined, limit, what
            )
        };
        self.ls.error(0, m.as_bytes())
    }
    fn check_limit(&self, v: u32, limit: u32, what: &str) -> PResult<()> {
        if v >= limit {
            Err(self.err_limit(limit, what))
        } else {
            Ok(())
        }
    }
    fn lex_opt(&mut self, tok: Token) -> PResult<bool> {
        if self.ls.tok == tok {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }
    fn lex_check(&mut self, tok: Token) -> PResult<()> {
        if self.ls.tok != tok {
            return Err(self.err_token(tok));
        }
        self.next()
    }
    fn lex_match(&mut self, what: Token, who: Token, line: u32) -> PResult<()> {
        if !self.lex_opt(what)? {
            if line == self.ls.linenumber {
                return Err(self.err_token(what));
            }
            let m = [
                &b"'"[..],
                &self.ls.token_text(what),
                b"' expected (to close '",
                &self.ls.token_text(who),
                format!("' at line {})", line).as_bytes(),
            ]
            .concat();
            return Err(self.ls.error(self.ls.tok, &m));
        }
        Ok(())
    }
    /// Name token (`goto`, `const` and `continue` count as names).
    fn lex_str(&mut self) -> PResult<StrId> {
        if !is_name(self.ls.tok) {
            return Err(self.err_token(TK_NAME));
        }
        let s = self.ls.tok_str;
        self.next()?;
        Ok(s)
    }
    fn synlevel_begin(&mut self) -> PResult<()> {
        self.level += 1;
        if self.level >= MAX_XLEVEL
            || stack_used(self.stack_base) > MAX_STACK_USE
            || self.level >= SHALLOW_LEVELS && self.below_stack_floor()
        {
            return Err(self.ls.error(0, b"chunk has too many syntax levels"));
        }
        Ok(())
    }
    /// Whether the parser is about to run out of this thread's native
    /// stack (a thread made with a small stack, e.g. 64 KiB).
    fn below_stack_floor(&mut self) -> bool {
        let floor = *self
            .stack_floor
            .get_or_insert_with(crate::cstack::plain_recursion_floor);
        floor.is_some_and(|f| stack_addr() <= f)
    }
    fn synlevel_end(&mut self) {
        self.level -= 1;
    }
}

// ---------------------------------------------------------------------------
// Bytecode emission, constants, registers and jumps.
impl<'a> Parser<'a> {
    fn emit(&mut self, ins: Ins) -> u32 {
        let pc = self.fs.pc();
        let jpc = self.fs.jpc;
        self.fs.jpc = NO_JMP;
        // A jump that cannot reach this instruction is reported at the next
        // statement boundary (the message is built now, as LuaJIT does).
        if let Err(e) = self.jmp_patchval(jpc, pc, NO_REG, pc) {
            self.pending_err.get_or_insert(e);
        }
        self.fs.bc.push(ins);
        self.fs.lines.push(self.ls.lastline);
        pc
    }
    fn emit_ad(&mut self, op: Op, a: u32, d: u32) -> u32 {
        self.emit(ins_ad(op, a, d))
    }
    fn emit_abc(&mut self, op: Op, a: u32, b: u32, c: u32) -> u32 {
        self.emit(ins_abc(op, a, b, c))
    }
    fn emit_aj(&mut self, op: Op, a: u32, j: i32) -> u32 {
        self.emit(ins_aj(op, a, j))
    }

    fn const_num(&mut self, n: f64) -> u32 {
        // 0 and -0 share a slot, as in LuaJIT's constant table.
        let key = if n == 0.0 { 0 } else { n.to_bits() };
        if let Some(&i) = self.fs.knum_map.get(&key) {
            return i;
        }
        let i = self.fs.knum.len() as u32;
        self.fs.knum.push(n);
        reserve_entry(&mut self.fs.knum_map);
        self.fs.knum_map.insert(key, i);
        i
    }
    fn const_str(&mut self, s: StrId) -> u32 {
        if let Some(&i) = self.fs.kstr.get(&s) {
            return i;
        }
        let i = self.fs.kgc.len() as u32;
        self.fs.kgc.push(KEntry::Str(s));
        reserve_entry(&mut self.fs.kstr);
        self.fs.kstr.insert(s, i);
        i
    }

    fn reg_bump(&mut self, n: u32) -> PResult<()> {
        let sz = self.fs.freereg + n;
        if sz > self.fs.framesize {
            if sz >= MAX_SLOTS {
                return Err(self.err_syntax("function or expression too complex"));
            }
            self.fs.framesize = sz;
        }
        Ok(())
    }
    fn reg_reserve(&mut self, n: u32) -> PResult<()> {
        self.reg_bump(n)?;
        self.fs.freereg += n;
        Ok(())
    }
    fn reg_free(&mut self, reg: u32) {
        if reg >= self.fs.nactvar {
            self.fs.freereg -= 1;
            debug_assert_eq!(reg, self.fs.freereg, "bad regfree");
        }
    }
    fn expr_free(&mut self, e: &ExpDesc) {
        if e.k == EK::NonReloc {
            self.reg_free(e.info);
        }
    }

    // --- jumps -------------------------------------------------------------
    fn jmp_next(&self, pc: u32) -> u32 {
        let delta = bc_j(self.fs.bc[pc as usize]);
        if delta == -1 {
            NO_JMP
        } else {
            (pc as i64 + 1 + delta as i64) as u32
        }
    }
    /// Does any jump in the list need a boolean value materialised?
    fn jmp_novalue(&self, mut list: u32) -> bool {
        while list != NO_JMP {
            let p = self.fs.bc[if list >= 1 { list - 1 } else { list } as usize];
            let op = bc_op(p);
            if !(op == Op::ISTC || op == Op::ISFC || bc_a(p) == NO_REG) {
                return true;
            }
            list = self.jmp_next(list);
        }
        false
    }
    fn jmp_patchtestreg(&mut self, pc: u32, reg: u32) -> bool {
        let ip = if pc >= 1 { pc - 1 } else { pc } as usize;
        let ins = self.fs.bc[ip];
        let op = bc_op(ins);
        if op == Op::ISTC || op == Op::ISFC {
            if reg != NO_REG && reg != bc_d(ins) {
                set_a(&mut self.fs.bc[ip], reg);
            } else {
                let nop = if op == Op::ISTC { Op::IST } else { Op::ISF };
                set_op(&mut self.fs.bc[ip], nop);
                set_a(&mut self.fs.bc[ip], 0);
            }
        } else if bc_a(ins) == NO_REG {
            if reg == NO_REG {
                let a = bc_a(self.fs.bc[pc as usize]);
                self.fs.bc[ip] = ins_aj(Op::JMP, a, 0);
            } else {
                set_a(&mut self.fs.bc[ip], reg);
                if reg >= bc_a(self.fs.bc[ip + 1]) {
                    set_a(&mut self.fs.bc[ip + 1], reg + 1);
                }
            }
        } else {
            return false;
        }
        true
    }
    fn jmp_dropval(&mut self, mut list: u32) {
        while list != NO_JMP {
            self.jmp_patchtestreg(list, NO_REG);
            list = self.jmp_next(list);
        }
    }
    fn jmp_patchins(&mut self, pc: u32, dest: u32) -> PResult<()> {
        let offset = dest as i64 - (pc as i64 + 1) + BCBIAS_J as i64;
        if offset < 0 || offset > BCMAX_D as i64 {
            return Err(self.err_syntax("control structure too long"));
        }
        set_d(&mut self.fs.bc[pc as usize], offset as u32);
        Ok(())
    }
    fn jmp_append(&mut self, l1: &mut u32, l2: u32) -> PResult<()> {
        if l2 == NO_JMP {
            return Ok(());
        }
        if *l1 == NO_JMP {
            *l1 = l2;
            return Ok(());
        }
        let mut list = *l1;
        loop {
            let next = self.jmp_next(list);
            if next == NO_JMP {
                break;
            }
            list = next;
        }
        self.jmp_patchins(list, l2)
    }
    fn jmp_patchval(&mut self, mut list: u32, vtarget: u32, reg: u32, dtarget: u32) -> PResult<()> {
        while list != NO_JMP {
            let next = self.jmp_next(list);
            if self.jmp_patchtestreg(list, reg) {
                self.jmp_patchins(list, vtarget)?;
            } else {
                self.jmp_patchins(list, dtarget)?;
            }
            list = next;
        }
        Ok(())
    }
    fn jmp_tohere(&mut self, list: u32) -> PResult<()> {
        self.fs.lasttarget = self.fs.pc();
        let mut jpc = self.fs.jpc;
        self.jmp_append(&mut jpc, list)?;
        self.fs.jpc = jpc;
        Ok(())
    }
    fn jmp_patch(&mut self, list: u32, target: u32) -> PResult<()> {
        if target == self.fs.pc() {
            self.jmp_tohere(list)
        } else {
            self.jmp_patchval(list, target, NO_REG, target)
        }
    }
    fn emit_jmp(&mut self) -> PResult<u32> {
        let jpc = self.fs.jpc;
        let mut j = self.fs.pc() - 1;
        self.fs.jpc = NO_JMP;
        let ins = self.fs.bc[j as usize];
        if j as i32 >= self.fs.lasttarget as i32 && bc_op(ins) == Op::UCLO {
            set_j(&mut self.fs.bc[j as usize], -1);
            self.fs.lasttarget = j + 1;
        } else {
            let fr = self.fs.freereg;
            j = self.emit_aj(Op::JMP, fr, -1);
        }
        self.jmp_append(&mut j, jpc)?;
        Ok(j)
    }
    fn invert_cond(&mut self, e: &ExpDesc) {
        let ip = (e.info - 1) as usize;
        let ins = self.fs.bc[ip];
        let op = Op::from_u8(bc_op_raw(ins) ^ 1).unwrap();
        set_op(&mut self.fs.bc[ip], op);
    }

    // --- expressions to registers -----------------------------------------
    fn emit_nil(&mut self, mut from: u32, mut n: u32) {
        if self.fs.pc() > self.fs.lasttarget && self.fs.jpc == NO_JMP {
            let ip = self.fs.pc() as usize - 1;
            let ins = self.fs.bc[ip];
            let pfrom = bc_a(ins);
            match bc_op(ins) {
                Op::KPRI if bc_d(ins) == PRI_NIL => {
                    let merge = if from == pfrom {
                        if n == 1 {
                            return;
                        }
                        true
                    } else if from == pfrom + 1 {
                        from = pfrom;
                        n += 1;
                        true
                    } else {
                        false
                    };
                    if merge {
                        self.fs.bc[ip] = ins_ad(Op::KNIL, from, from + n - 1);
                        return;
                    }
                }
                Op::KNIL => {
                    let pto = bc_d(ins);
                    if pfrom <= from && from <= pto + 1 {
                        if from + n - 1 > pto {
                            set_d(&mut self.fs.bc[ip], from + n - 1);
                        }
                        return;
                    }
                }
                _ => {}
            }
        }
        if n == 1 {
            self.emit_ad(Op::KPRI, from, PRI_NIL);
        } else {
            self.emit_ad(Op::KNIL, from, from + n - 1);
        }
    }

    fn expr_discharge(&mut self, e: &mut ExpDesc) {
        let ins = match e.k {
            EK::Upval => ins_ad(Op::UGET, 0, e.info),
            EK::Global => {
                let k = self.const_str(e.sval);
                ins_ad(Op::GGET, 0, k)
            }
            EK::Indexed => {
                let rc = e.aux;
                let ins = if (rc as i32) < 0 {
                    ins_abc(Op::TGETS, 0, e.info, !rc)
                } else if rc > BCMAX_C {
                    ins_abc(Op::TGETB, 0, e.info, rc - (BCMAX_C + 1))
                } else {
                    self.reg_free(rc);
                    ins_abc(Op::TGETV, 0, e.info, rc)
                };
                self.reg_free(e.info);
                ins
            }
            EK::Call | EK::CallNav => {
                e.info = e.aux;
                e.k = EK::NonReloc;
                return;
            }
            EK::Local => {
                e.k = EK::NonReloc;
                return;
            }
            _ => return,
        };
        e.info = self.emit(ins);
        e.k = EK::Relocable;
    }

    fn expr_toreg_nobranch(&mut self, e: &mut ExpDesc, reg: u32) {
        self.expr_discharge(e);
        let ins = match e.k {
            EK::KStr => {
                let k = self.const_str(e.sval);
                ins_ad(Op::KSTR, reg, k)
            }
            EK::KNum => {
                let n = e.nval;
                let k = n as i32;
                if (-32768..=32767).contains(&k) && n == k as f64 {
                    ins_ad(Op::KSHORT, reg, k as u16 as u32)
                } else {
                    let c = self.const_num(n);
                    ins_ad(Op::KNUM, reg, c)
                }
            }
            EK::KCdata => {
                self.fs.flags |= PROTO_FFI;
                // Each literal is its own object: no sharing of the slot.
                let k = match e.cdata.unwrap() {
                    CdataNumber::I64(v) => KGc::I64(v),
                    CdataNumber::U64(v) => KGc::U64(v),
                    CdataNumber::Imag(v) => KGc::Complex(0.0, v),
                };
                let idx = self.fs.kgc.len() as u32;
                self.fs.kgc.push(KEntry::Cdata(k));
                ins_ad(Op::KCDATA, reg, idx)
            }
            EK::Relocable => {
                set_a(&mut self.fs.bc[e.info as usize], reg);
                e.info = reg;
                e.k = EK::NonReloc;
                return;
            }
            EK::NonReloc => {
                if reg == e.info {
                    return;
                }
                ins_ad(Op::MOV, reg, e.info)
            }
            EK::KNil => {
                self.emit_nil(reg, 1);
                e.info = reg;
                e.k = EK::NonReloc;
                return;
            }
            EK::KFalse => ins_ad(Op::KPRI, reg, PRI_FALSE),
            EK::KTrue => ins_ad(Op::KPRI, reg, PRI_TRUE),
            _ => return, // Void or Jmp
        };
        self.emit(ins);
        e.info = reg;
        e.k = EK::NonReloc;
    }

    fn expr_toreg(&mut self, e: &mut ExpDesc, reg: u32) -> PResult<()> {
        self.expr_toreg_nobranch(e, reg);
        if e.k == EK::Jmp {
            let mut t = e.t;
            self.jmp_append(&mut t, e.info)?;
            e.t = t;
        }
        if e.has_jump() {
            let mut jfalse = NO_JMP;
            let mut jtrue = NO_JMP;
            if self.jmp_novalue(e.t) || self.jmp_novalue(e.f) {
                let jval = if e.k == EK::Jmp {
                    NO_JMP
                } else {
                    self.emit_jmp()?
                };
                jfalse = self.emit_ad(Op::KPRI, reg, PRI_FALSE);
                let fr = self.fs.freereg;
                self.emit_aj(Op::JMP, fr, 1);
                jtrue = self.emit_ad(Op::KPRI, reg, PRI_TRUE);
                self.jmp_tohere(jval)?;
            }
            let jend = self.fs.pc();
            self.fs.lasttarget = jend;
            self.jmp_patchval(e.f, jend, reg, jfalse)?;
            self.jmp_patchval(e.t, jend, reg, jtrue)?;
        }
        e.f = NO_JMP;
        e.t = NO_JMP;
        e.info = reg;
        e.k = EK::NonReloc;
        Ok(())
    }

    fn expr_tonextreg(&mut self, e: &mut ExpDesc) -> PResult<()> {
        self.expr_discharge(e);
        self.expr_free(e);
        self.reg_reserve(1)?;
        let r = self.fs.freereg - 1;
        self.expr_toreg(e, r)
    }

    fn expr_toanyreg(&mut self, e: &mut ExpDesc) -> PResult<u32> {
        self.expr_discharge(e);
        if e.k == EK::NonReloc {
            if !e.has_jump() {
                return Ok(e.info);
            }
            if e.info >= self.fs.nactvar {
                let r = e.info;
                self.expr_toreg(e, r)?;
                return Ok(e.info);
            }
        }
        self.expr_tonextreg(e)?;
        Ok(e.info)
    }

    fn expr_toval(&mut self, e: &mut ExpDesc) -> PResult<()> {
        if e.has_jump() {
            self.expr_toanyreg(e)?;
        } else {
            self.expr_discharge(e);
        }
        Ok(())
    }

    fn emit_store(&mut self, var: &ExpDesc, e: &mut ExpDesc) -> PResult<()> {
        let ins = match var.k {
            EK::Local => {
                self.vstack[var.aux as usize].info |= VSTACK_VAR_RW;
                self.expr_free(e);
                return self.expr_toreg(e, var.info);
            }
            EK::Upval => {
                self.vstack[var.aux as usize].info |= VSTACK_VAR_RW;
                self.expr_toval(e)?;
                match e.k {
                    EK::KNil => ins_ad(Op::USETP, var.info, PRI_NIL),
                    EK::KFalse => ins_ad(Op::USETP, var.info, PRI_FALSE),
                    EK::KTrue => ins_ad(Op::USETP, var.info, PRI_TRUE),
                    EK::KStr => {
                        let k = self.const_str(e.sval);
                        ins_ad(Op::USETS, var.info, k)
                    }
                    EK::KNum => {
                        let k = self.const_num(e.nval);
                        ins_ad(Op::USETN, var.info, k)
                    }
                    _ => {
                        let r = self.expr_toanyreg(e)?;
                        ins_ad(Op::USETV, var.info, r)
                    }
                }
            }
            EK::Global => {
                let ra = self.expr_toanyreg(e)?;
                let k = self.const_str(var.sval);
                ins_ad(Op::GSET, ra, k)
            }
            _ => {
                debug_assert_eq!(var.k, EK::Indexed);
                let ra = self.expr_toanyreg(e)?;
                let rc = var.aux;
                if (rc as i32) < 0 {
                    ins_abc(Op::TSETS, ra, var.info, !rc)
                } else if rc > BCMAX_C {
                    ins_abc(Op::TSETB, ra, var.info, rc - (BCMAX_C + 1))
                } else {
                    // Free a key register allocated after the value (only
                    // from table constructors) so the frees stay in order.
                    if e.k == EK::NonReloc && ra >= self.fs.nactvar && rc >= ra {
                        self.reg_free(rc);
                    }
                    ins_abc(Op::TSETV, ra, var.info, rc)
                }
            }
        };
        self.emit(ins);
        self.expr_free(e);
        Ok(())
    }

    fn expr_index(&mut self, t: &mut ExpDesc, e: &mut ExpDesc) -> PResult<()> {
        t.k = EK::Indexed;
        if e.is_numk() {
            let n = e.nval;
            let k = n as i32;
            if (0..=255).contains(&k) && n == k as f64 {
                t.aux = BCMAX_C + 1 + k as u32;
                return Ok(());
            }
        } else if e.k == EK::KStr {
            let idx = self.const_str(e.sval);
            if idx <= BCMAX_C {
                t.aux = !idx;
                return Ok(());
            }
        }
        t.aux = self.expr_toanyreg(e)?;
        Ok(())
    }

    // --- branches ----------------------------------------------------------
    fn emit_branch(&mut self, e: &mut ExpDesc, cond: bool) -> PResult<u32> {
        if e.k == EK::Relocable {
            let ins = self.fs.bc[e.info as usize];
            if bc_op(ins) == Op::NOT {
                self.fs.bc[e.info as usize] =
                    ins_ad(if cond { Op::ISF } else { Op::IST }, 0, bc_d(ins));
                return self.emit_jmp();
            }
        }
        if e.k != EK::NonReloc {
            self.reg_reserve(1)?;
            let r = self.fs.freereg - 1;
            self.expr_toreg_nobranch(e, r);
        }
        self.emit_ad(if cond { Op::ISTC } else { Op::ISFC }, NO_REG, e.info);
        let pc = self.emit_jmp()?;
        self.expr_free(e);
        Ok(pc)
    }
    fn emit_branch_t(&mut self, e: &mut ExpDesc) -> PResult<()> {
        self.expr_discharge(e);
        let pc = match e.k {
            EK::KStr | EK::KNum | EK::KTrue => NO_JMP,
            EK::Jmp => {
                self.invert_cond(e);
                e.info
            }
            EK::KFalse | EK::KNil => {
                self.expr_toreg_nobranch(e, NO_REG);
                self.emit_jmp()?
            }
            _ => self.emit_branch(e, false)?,
        };
        let mut f = e.f;
        self.jmp_append(&mut f, pc)?;
        e.f = f;
        self.jmp_tohere(e.t)?;
        e.t = NO_JMP;
        Ok(())
    }
    fn emit_branch_f(&mut self, e: &mut ExpDesc) -> PResult<()> {
        self.expr_discharge(e);
        let pc = match e.k {
            EK::KNil | EK::KFalse => NO_JMP,
            EK::Jmp => e.info,
            EK::KStr | EK::KNum | EK::KTrue => {
                self.expr_toreg_nobranch(e, NO_REG);
                self.emit_jmp()?
            }
            _ => self.emit_branch(e, true)?,
        };
        let mut t = e.t;
        self.jmp_append(&mut t, pc)?;
        e.t = t;
        self.jmp_tohere(e.f)?;
        e.f = NO_JMP;
        Ok(())
    }

    // --- operators ---------------------------------------------------------
    fn fold_arith(opr: BinOpr, e1: &mut ExpDesc, e2: &ExpDesc) -> bool {
        if !e1.is_numk_nojump() || !e2.is_numk_nojump() {
            return false;
        }
        let (a, b) = (e1.nval, e2.nval);
        let n = match opr {
            BinOpr::Add => a + b,
            BinOpr::Sub => a - b,
            BinOpr::Mul => a * b,
            BinOpr::Div => a / b,
            BinOpr::Mod => a - (a / b).floor() * b,
            BinOpr::Pow => a.powf(b),
            _ => return false,
        };
        if n.is_nan() || (n == 0.0 && n.is_sign_negative()) {
            return false;
        }
        e1.nval = n;
        true
    }

    /// Constant-fold a bit operator on two number constants (to the 32-bit
    /// result, as the bytecode would compute it).
    fn fold_bitop(opr: BinOpr, e1: &mut ExpDesc, e2: &ExpDesc) -> bool {
        if !e1.is_numk_nojump() || !e2.is_numk_nojump() {
            return false;
        }
        let (a, b) = (tobit(e1.nval), tobit(e2.nval));
        let k = match opr {
            BinOpr::BAnd => bitops::band(a, b),
            BinOpr::BOr => bitops::bor(a, b),
            BinOpr::BXor => bitops::bxor(a, b),
            BinOpr::BShl => bitops::lshift(a, b),
            BinOpr::BShr => bitops::rshift(a, b),
            BinOpr::BSar => bitops::arshift(a, b),
            _ => return false,
        };
        e1.nval = k as f64;
        true
    }

    fn emit_arith(&mut self, opr: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc) -> PResult<()> {
        let (op, rb, rc);
        if opr == BinOpr::Pow {
            op = Op::POW;
            rc = self.expr_toanyreg(e2)?;
            rb = self.expr_toanyreg(e1)?;
        } else if opr >= BinOpr::BAnd {
            op = Op::from_u8(Op::BAND as u8 + (opr as u8 - BinOpr::BAnd as u8)).unwrap();
            rc = self.expr_toanyreg(e2)?;
            rb = self.expr_toanyreg(e1)?;
        } else {
            let base = opr as u8 - BinOpr::Add as u8;
            // Discharge the 2nd operand first: VINDEXED might free registers.
            self.expr_toval(e2)?;
            let mut kind = 2; // 0: VN, 1: NV, 2: VV
            let mut c = u32::MAX;
            if e2.is_numk() {
                let k = self.const_num(e2.nval);
                if k <= BCMAX_C {
                    c = k;
                    kind = 0;
                }
            }
            if kind != 0 {
                c = self.expr_toanyreg(e2)?;
            }
            self.expr_toval(e1)?;
            let mut b = u32::MAX;
            if e1.is_numk() && !e2.is_numk() {
                let t = self.const_num(e1.nval);
                if t <= BCMAX_B {
                    b = c;
                    c = t;
                    kind = 1;
                }
            }
            if kind != 1 {
                b = self.expr_toanyreg(e1)?;
            }
            rb = b;
            rc = c;
            let first = match kind {
                0 => Op::ADDVN as u8,
                1 => Op::ADDNV as u8,
                _ => Op::ADDVV as u8,
            };
            op = Op::from_u8(first + base).unwrap();
        }
        if e1.k == EK::NonReloc && e1.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        if e2.k == EK::NonReloc && e2.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        e1.info = self.emit_abc(op, 0, rb, rc);
        e1.k = EK::Relocable;
        Ok(())
    }

    fn emit_comp(&mut self, opr: BinOpr, e1in: &mut ExpDesc, e2in: &mut ExpDesc) -> PResult<()> {
        self.expr_toval(e1in)?;
        let mut a = *e1in;
        let mut b = *e2in;
        let ins;
        if opr == BinOpr::Eq || opr == BinOpr::Ne {
            let eq = opr == BinOpr::Eq;
            if a.is_k() {
                std::mem::swap(&mut a, &mut b);
            }
            let ra = self.expr_toanyreg(&mut a)?;
            self.expr_toval(&mut b)?;
            ins = match b.k {
                EK::KNil | EK::KFalse | EK::KTrue => {
                    let pri = b.k as u32;
                    ins_ad(if eq { Op::ISEQP } else { Op::ISNEP }, ra, pri)
                }
                EK::KStr => {
                    let k = self.const_str(b.sval);
                    ins_ad(if eq { Op::ISEQS } else { Op::ISNES }, ra, k)
                }
                EK::KNum => {
                    let k = self.const_num(b.nval);
                    ins_ad(if eq { Op::ISEQN } else { Op::ISNEN }, ra, k)
                }
                _ => {
                    let rd = self.expr_toanyreg(&mut b)?;
                    ins_ad(if eq { Op::ISEQV } else { Op::ISNEV }, ra, rd)
                }
            };
        } else {
            let (op, ra, rd);
            match opr {
                BinOpr::Gt | BinOpr::Ge => {
                    std::mem::swap(&mut a, &mut b);
                    op = if opr == BinOpr::Gt {
                        Op::ISLT
                    } else {
                        Op::ISLE
                    };
                    self.expr_toval(&mut a)?;
                    ra = self.expr_toanyreg(&mut a)?;
                    rd = self.expr_toanyreg(&mut b)?;
                }
                _ => {
                    op = if opr == BinOpr::Lt {
                        Op::ISLT
                    } else {
                        Op::ISLE
                    };
                    rd = self.expr_toanyreg(&mut b)?;
                    ra = self.expr_toanyreg(&mut a)?;
                }
            }
            ins = ins_ad(op, ra, rd);
        }
        if a.k == EK::NonReloc && a.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        if b.k == EK::NonReloc && b.info >= self.fs.nactvar {
            self.fs.freereg -= 1;
        }
        self.emit(ins);
        let j = self.emit_jmp()?;
        *e1in = ExpDesc::new(EK::Jmp, j);
        Ok(())
    }

    fn emit_binop_left(&mut self, op: BinOpr, e: &mut ExpDesc) -> PResult<()> {
        match op {
            BinOpr::And => self.emit_branch_t(e),
            BinOpr::Or => self.emit_branch_f(e),
            BinOpr::Coal => {
                // Keep the left value when it is not nil, else replace it
                // in the same register by the right one.
                self.expr_tonextreg(e)?;
                let reg = e.info;
                self.emit_ad(Op::ISNEP, reg, PRI_NIL);
                e.aux = self.emit_jmp()?;
                self.reg_free(reg);
                Ok(())
            }
            BinOpr::Concat => self.expr_tonextreg(e),
            BinOpr::Eq | BinOpr::Ne => {
                if !e.is_k_nojump() {
                    self.expr_toanyreg(e)?;
                }
                Ok(())
            }
            _ => {
                if !e.is_numk_nojump() {
                    self.expr_toanyreg(e)?;
                }
                Ok(())
            }
        }
    }

    fn emit_binop(&mut self, op: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc) -> PResult<()> {
        match op {
            BinOpr::Add | BinOpr::Sub | BinOpr::Mul | BinOpr::Div | BinOpr::Mod | BinOpr::Pow => {
                if Self::fold_arith(op, e1, e2) {
                    return Ok(());
                }
                self.emit_arith(op, e1, e2)
            }
            BinOpr::BAnd
            | BinOpr::BOr
            | BinOpr::BXor
            | BinOpr::BShl
            | BinOpr::BShr
            | BinOpr::BSar => {
                if Self::fold_bitop(op, e1, e2) {
                    return Ok(());
                }
                self.fs.flags |= PROTO_BITOP;
                self.emit_arith(op, e1, e2)
            }
            BinOpr::Coal => {
                self.expr_tonextreg(e2)?;
                self.jmp_tohere(e1.aux)
            }
            BinOpr::And => {
                self.expr_discharge(e2);
                let mut f = e2.f;
                self.jmp_append(&mut f, e1.f)?;
                e2.f = f;
                *e1 = *e2;
                Ok(())
            }
            BinOpr::Or => {
                self.expr_discharge(e2);
                let mut t = e2.t;
                self.jmp_append(&mut t, e1.t)?;
                e2.t = t;
                *e1 = *e2;
                Ok(())
            }
            BinOpr::Concat => {
                self.expr_toval(e2)?;
                if e2.k == EK::Relocable && bc_op(self.fs.bc[e2.info as usize]) == Op::CAT {
                    self.expr_free(e1);
                    set_b(&mut self.fs.bc[e2.info as usize], e1.info);
                    e1.info = e2.info;
                } else {
                    self.expr_tonextreg(e2)?;
                    self.expr_free(e2);
                    self.expr_free(e1);
                    e1.info = self.emit_abc(Op::CAT, 0, e1.info, e2.info);
                }
                e1.k = EK::Relocable;
                Ok(())
            }
            _ => self.emit_comp(op, e1, e2),
        }
    }

    fn emit_unop(&mut self, op: Op, e: &mut ExpDesc) -> PResult<()> {
        if op == Op::NOT {
            std::mem::swap(&mut e.f, &mut e.t);
            self.jmp_dropval(e.f);
            self.jmp_dropval(e.t);
            self.expr_discharge(e);
            match e.k {
                EK::KNil | EK::KFalse => {
                    e.k = EK::KTrue;
                    return Ok(());
                }
                _ if e.is_k() || e.k == EK::KCdata => {
                    e.k = EK::KFalse;
                    return Ok(());
                }
                EK::Jmp => {
                    self.invert_cond(e);
                    return Ok(());
                }
                EK::Relocable => {
                    self.reg_reserve(1)?;
                    let r = self.fs.freereg - 1;
                    set_a(&mut self.fs.bc[e.info as usize], r);
                    e.info = r;
                    e.k = EK::NonReloc;
                }
                _ => {}
            }
        } else {
            if op == Op::BNOT && !e.has_jump() && e.is_numk() {
                e.nval = bitops::bnot(tobit(e.nval)) as f64;
                return Ok(());
            }
            if op == Op::BNOT {
                self.fs.flags |= PROTO_BITOP;
            }
            if op == Op::UNM && !e.has_jump() && e.is_numk() && !e.num_is_zero() {
                e.nval = -e.nval;
                return Ok(());
            }
            if op == Op::UNM && !e.has_jump() && e.k == EK::KCdata {
                // Folded in place: cdata constants are not shared.
                e.cdata = e.cdata.map(|c| match c {
                    CdataNumber::I64(v) => CdataNumber::I64(v.wrapping_neg()),
                    CdataNumber::U64(v) => CdataNumber::U64(v.wrapping_neg()),
                    CdataNumber::Imag(v) => CdataNumber::Imag(-v),
                });
                return Ok(());
            }
            self.expr_toanyreg(e)?;
        }
        self.expr_free(e);
        e.info = self.emit_ad(op, 0, e.info);
        e.k = EK::Relocable;
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Variables, scopes, gotos and labels.
impl<'a> Parser<'a> {
    /// Declare the `n`th new local (active after `var_add`); returns its
    /// vstack index.
    fn var_new(&mut self, n: u32, name: StrId) -> PResult<usize> {
        if !is_internal_name(name) && self.const_in_scope(name) {
            let m = [
                &b"attempt to re-declare const variable '"[..],
                self.ls.strings.get(name),
                b"'",
            ]
            .concat();
            return Err(self.ls.error(0, &m));
        }
        self.check_limit(self.fs.nactvar + n, MAX_LOCVAR, "local variables")?;
        let vidx = self.vstack.len();
        self.vstack.push(VarSlot {
            name: Some(name),
            startpc: 0,
            endpc: 0,
            slot: 0,
            info: 0,
        });
        let r = (self.fs.nactvar + n) as usize;
        if self.fs.varmap.len() <= r {
            self.fs.varmap.resize(r + 1, 0);
        }
        self.fs.varmap[r] = vidx;
        Ok(vidx)
    }
    /// Is a const variable called `name` visible here: an active local of
    /// this function or of an enclosing one, or one of the names of the
    /// `const` declaration being parsed (`pending_consts`)?
    fn const_in_scope(&self, name: StrId) -> bool {
        let active = |fs: &FuncState| {
            fs.varmap[..fs.nactvar as usize].iter().any(|&vi| {
                let v = &self.vstack[vi];
                v.name == Some(name) && v.info & VSTACK_CONST != 0
            })
        };
        self.pending_consts.contains(&name) || active(&self.fs) || self.outer.iter().any(active)
    }
    fn var_add(&mut self, nvars: u32) {
        let pc = self.fs.pc();
        for _ in 0..nvars {
            let slot = self.fs.nactvar;
            let v = &mut self.vstack[self.fs.varmap[slot as usize]];
            v.startpc = pc;
            v.slot = slot;
            self.fs.nactvar += 1;
        }
    }
    /// Assigning to `e`: refuse a const variable.
    fn var_assign(&self, e: &ExpDesc) -> PResult<()> {
        if e.k == EK::Local || e.k == EK::Upval {
            let v = &self.vstack[e.aux as usize];
            if v.info & VSTACK_CONST != 0 {
                let name = self.ls.strings.get(v.name.unwrap_or(0));
                let m = [&b"attempt to assign to const variable '"[..], name, b"'"].concat();
                return Err(self.ls.error(0, &m));
            }
        }
        Ok(())
    }
    fn var_remove(&mut self, tolevel: u32) {
        let pc = self.fs.pc();
        while self.fs.nactvar > tolevel {
            self.fs.nactvar -= 1;
            let vi = self.fs.varmap[self.fs.nactvar as usize];
            self.vstack[vi].endpc = pc;
        }
    }
    fn var_get(&self, fs: &FuncState, slot: u32) -> &VarSlot {
        &self.vstack[fs.varmap[slot as usize]]
    }

    /// Resolve a name: local of the current function, upvalue, or global.
    fn var_lookup(&mut self, name: StrId) -> PResult<ExpDesc> {
        let depth = self.outer.len();
        let mut e = ExpDesc::new(EK::Global, 0);
        e.sval = name;
        self.lookup_in(depth, name, &mut e, true)?;
        Ok(e)
    }

    fn fs_at(&mut self, depth: usize) -> &mut FuncState {
        if depth == self.outer.len() {
            &mut self.fs
        } else {
            &mut self.outer[depth]
        }
    }

    /// Look `name` up in the function at `depth` (outer.len() = current);
    /// returns the vstack index of the variable, or None for a global.
    fn lookup_in(
        &mut self,
        depth: usize,
        name: StrId,
        e: &mut ExpDesc,
        first: bool,
    ) -> PResult<Option<usize>> {
        let found = {
            let fs = if depth == self.outer.len() {
                &self.fs
            } else {
                &self.outer[depth]
            };
            let mut r = None;
            for i in (0..fs.nactvar).rev() {
                if self.var_get(fs, i).name == Some(name) {
                    r = Some(i);
                    break;
                }
            }
            r
        };
        if let Some(reg) = found {
            *e = ExpDesc::new(EK::Local, reg);
            if !first {
                // The variable is captured: its scope must close upvalues.
                let fs = self.fs_at(depth);
                for bl in fs.scopes.iter_mut().rev() {
                    if bl.nactvar <= reg {
                        bl.flags |= FSCOPE_UPVAL;
                        break;
                    }
                }
            }
            let vidx = self.fs_at(depth).varmap[reg as usize];
            e.aux = vidx as u32;
            return Ok(Some(vidx));
        }
        if depth == 0 {
            return Ok(None);
        }
        match self.lookup_in(depth - 1, name, e, false)? {
            Some(vidx) => {
                let idx = self.lookup_uv(depth, vidx, e)?;
                e.info = idx;
                e.k = EK::Upval;
                Ok(Some(vidx))
            }
            None => Ok(None),
        }
    }

    fn lookup_uv(&mut self, depth: usize, vidx: usize, e: &ExpDesc) -> PResult<u32> {
        {
            let fs = if depth == self.outer.len() {
                &self.fs
            } else {
                &self.outer[depth]
            };
            if let Some(i) = fs.uvmap.iter().position(|&v| v == vidx) {
                return Ok(i as u32);
            }
            if fs.uvmap.len() as u32 >= MAX_UPVAL {
                let m = if fs.linedefined == 0 {
                    format!("main function has more than {} upvalues", MAX_UPVAL)
                } else {
                    format!(
                        "function at line {} has more than {} upvalues",
                        fs.linedefined, MAX_UPVAL
                    )
                };
                return Err(self.ls.error(0, m.as_bytes()));
            }
        }
        let tmp = if e.k == EK::Local {
            vidx as u32
        } else {
            UV_PARENT | e.info
        };
        let fs = self.fs_at(depth);
        fs.uvmap.push(vidx);
        fs.uvtmp.push(tmp);
        Ok(fs.uvmap.len() as u32 - 1)
    }

    fn scope_begin(&mut self, flags: u8) {
        let bl = FuncScope {
            vstart: self.vstack.len(),
            nactvar: self.fs.nactvar,
            flags,
        };
        self.fs.scopes.push(bl);
    }

    fn scope_end(&mut self) -> PResult<()> {
        let mut bl = self.fs.scopes.pop().unwrap();
        self.var_remove(bl.nactvar);
        self.fs.freereg = self.fs.nactvar;
        if bl.flags & (FSCOPE_UPVAL | FSCOPE_NOCLOSE) == FSCOPE_UPVAL {
            self.emit_aj(Op::UCLO, bl.nactvar, 0);
        }
        debug_assert!(
            bl.flags & (FSCOPE_LOOP | FSCOPE_CONT) != (FSCOPE_LOOP | FSCOPE_CONT),
            "dangling continue"
        );
        if bl.flags & (FSCOPE_LOOP | FSCOPE_BREAK) == (FSCOPE_LOOP | FSCOPE_BREAK) {
            bl.flags &= !FSCOPE_BREAK;
            let idx = self.gola_new(NAME_BREAK, VSTACK_LABEL, self.fs.pc())?;
            let label = self.vstack[idx];
            self.vstack.truncate(idx);
            self.gola_resolve(&bl, &label)?;
        }
        if bl.flags & (FSCOPE_GOLA | FSCOPE_BREAK | FSCOPE_CONT) != 0 {
            self.gola_fixup(&bl)?;
        }
        Ok(())
    }

    /// Resolve the pending `continue` jumps of the innermost scope (a
    /// loop's body or the loop itself) to `cont`.
    fn scope_continue(&mut self, cont: u32) -> PResult<()> {
        let Some(bl) = self.fs.scopes.last_mut() else {
            return Ok(());
        };
        if bl.flags & FSCOPE_CONT == 0 {
            return Ok(());
        }
        bl.flags &= !FSCOPE_CONT;
        let bl = *bl;
        let idx = self.gola_new(NAME_CONT, VSTACK_LABEL, cont)?;
        let label = self.vstack[idx];
        self.vstack.truncate(idx);
        self.gola_resolve(&bl, &label)
    }

    fn gola_new(&mut self, name: StrId, info: u8, pc: u32) -> PResult<usize> {
        let idx = self.vstack.len();
        self.vstack.push(VarSlot {
            name: Some(name),
            startpc: pc,
            endpc: 0,
            slot: self.fs.nactvar,
            info,
        });
        Ok(idx)
    }

    fn gola_patch(&mut self, vg: usize, label: &VarSlot) -> PResult<()> {
        let pc = self.vstack[vg].startpc;
        self.vstack[vg].name = None;
        set_a(&mut self.fs.bc[pc as usize], label.slot);
        self.jmp_patch(pc, label.startpc)
    }

    fn gola_close(&mut self, vg: usize) -> PResult<()> {
        let pc = self.vstack[vg].startpc;
        let slot = self.vstack[vg].slot;
        set_a(&mut self.fs.bc[pc as usize], slot);
        if bc_op(self.fs.bc[pc as usize]) == Op::JMP {
            let next = self.jmp_next(pc);
            if next != NO_JMP {
                self.jmp_patch(next, pc)?;
            }
            set_op(&mut self.fs.bc[pc as usize], Op::UCLO);
            set_j(&mut self.fs.bc[pc as usize], -1);
        }
        Ok(())
    }

    /// Resolve pending forward gotos of scope `bl` to `label`.
    fn gola_resolve(&mut self, bl: &FuncScope, label: &VarSlot) -> PResult<()> {
        let end = self.vstack.len().min(usize::MAX);
        for vg in bl.vstart..end {
            let g = self.vstack[vg];
            if g.name == label.name && g.info & VSTACK_GOTO != 0 {
                if g.slot < label.slot {
                    let var = self.var_get(&self.fs, g.slot).name.unwrap_or(0);
                    let line = self.fs.lines[g.startpc as usize];
                    // Names are bytes (not necessarily UTF-8): build bytes.
                    let m = if g.name == Some(NAME_CONT) {
                        [
                            &b"<continue> jumps into the scope of local '"[..],
                            self.ls.strings.get(var),
                            b"'",
                        ]
                        .concat()
                    } else {
                        [
                            &b"<goto "[..],
                            self.ls.strings.get(g.name.unwrap()),
                            b"> jumps into the scope of local '",
                            self.ls.strings.get(var),
                            b"'",
                        ]
                        .concat()
                    };
                    return Err(self.ls.error_at(0, &m, line));
                }
                self.gola_patch(vg, label)?;
            }
        }
        Ok(())
    }

    /// Fix up the remaining gotos and labels of a scope being closed.
    fn gola_fixup(&mut self, bl: &FuncScope) -> PResult<()> {
        let ve = self.vstack.len();
        for v in bl.vstart..ve {
            let Some(name) = self.vstack[v].name else {
                continue;
            };
            let info = self.vstack[v].info;
            if info & VSTACK_LABEL != 0 {
                self.vstack[v].name = None;
                let label = self.vstack[v];
                for vg in v + 1..ve {
                    let g = self.vstack[vg];
                    if g.name == Some(name) && g.info & VSTACK_GOTO != 0 {
                        if bl.flags & FSCOPE_UPVAL != 0 && g.slot > label.slot {
                            self.gola_close(vg)?;
                        }
                        self.gola_patch(vg, &label)?;
                    }
                }
            } else if info & VSTACK_GOTO != 0 {
                if let Some(prev) = self.fs.scopes.last_mut() {
                    prev.flags |= match name {
                        NAME_BREAK => FSCOPE_BREAK,
                        NAME_CONT => FSCOPE_CONT,
                        _ => FSCOPE_GOLA,
                    };
                    self.vstack[v].slot = bl.nactvar;
                    if bl.flags & FSCOPE_UPVAL != 0 {
                        self.gola_close(v)?;
                    }
                } else {
                    let line = self.fs.lines[self.vstack[v].startpc as usize];
                    let m = if name == NAME_BREAK {
                        b"no loop to break".to_vec()
                    } else if name == NAME_CONT {
                        b"no loop to continue".to_vec()
                    } else {
                        [&b"undefined label '"[..], self.ls.strings.get(name), b"'"].concat()
                    };
                    return Err(self.ls.error_at(0, &m, line));
                }
            }
        }
        Ok(())
    }

    fn gola_findlabel(&self, name: StrId) -> Option<usize> {
        let start = self.fs.scopes.last().map_or(0, |b| b.vstart);
        (start..self.vstack.len())
            .find(|&i| self.vstack[i].name == Some(name) && self.vstack[i].info & VSTACK_LABEL != 0)
    }
}

// ---------------------------------------------------------------------------
// Function state finalisation.
impl<'a> Parser<'a> {
    fn fixup_ret(&mut self) -> PResult<()> {
        let lastpc = self.fs.pc();
        let lastop = bc_op(self.fs.bc[lastpc as usize - 1]);
        let is_ret = matches!(
            lastop,
            Op::RETM | Op::RET | Op::RET0 | Op::RET1 | Op::CALLT | Op::CALLMT
        );
        if lastpc <= self.fs.lasttarget || !is_ret {
            if self.fs.scopes.last().unwrap().flags & FSCOPE_UPVAL != 0 {
                self.emit_aj(Op::UCLO, 0, 0);
            }
            self.emit_ad(Op::RET0, 0, 1);
        }
        self.fs.scopes.last_mut().unwrap().flags |= FSCOPE_NOCLOSE;
        self.scope_end()?;
        if self.fs.flags & PROTO_FIXUP_RETURN != 0 {
            for pc in 1..lastpc {
                let ins = self.fs.bc[pc as usize];
                match bc_op(ins) {
                    Op::CALLMT | Op::CALLT | Op::RETM | Op::RET | Op::RET0 | Op::RET1 => {
                        let off = self.emit(ins);
                        self.fs.lines[off as usize] = self.fs.lines[pc as usize];
                        let offset = off as i64 - (pc as i64 + 1) + BCBIAS_J as i64;
                        if offset > BCMAX_D as i64 {
                            return Err(self.err_syntax("too many returns before first closure"));
                        }
                        self.fs.bc[pc as usize] = ins_ad(Op::UCLO, 0, offset as u32);
                    }
                    // Returns after the first closure already close upvalues.
                    // (Stopping at the first UCLO instead would miss returns
                    // behind a goto or break that closes upvalues.)
                    Op::FNEW => return Ok(()),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Finish the current function; returns its prototype and the upvalue
    /// sources (uvtmp) that the parent resolves when it finishes.
    fn fs_finish(&mut self, line: u32) -> PResult<(ProtoData, Vec<u32>)> {
        self.fixup_ret()?;
        if let Some(e) = self.pending_err.take() {
            return Err(e);
        }
        let fs = &self.fs;
        if fs.knum.len() > MAX_KCONST || fs.kgc.len() > MAX_KCONST {
            return Err(self.err_limit(MAX_KCONST as u32, "constants"));
        }
        let fs = std::mem::replace(&mut self.fs, FuncState::new(0, 0));
        let mut pt = ProtoData {
            flags: fs.flags & !(PROTO_HAS_RETURN | PROTO_FIXUP_RETURN),
            numparams: fs.numparams as u8,
            framesize: fs.framesize as u8,
            ..Default::default()
        };
        let mut bc = fs.bc;
        // As LuaJIT marks a prototype for the other word size: NOT.
        let header = if !self.opts_fr2 {
            Op::NOT
        } else if fs.flags & PROTO_VARARG != 0 {
            Op::FUNCV
        } else {
            Op::FUNCF
        };
        bc[0] = ins_ad(header, fs.framesize, 0);
        pt.bc = bc.into_vec();
        let mut lines = fs.lines;
        lines[0] = fs.linedefined;
        pt.lineinfo = lines.into_vec();
        pt.firstline = fs.linedefined;
        pt.numline = line - fs.linedefined;
        pt.chunkname = self.ls.chunkname.to_vec_fallible();
        // Constants.
        let mut child_uv = fs.child_uv.into_iter().peekable();
        let mut kgc = FallibleVec::with_capacity(fs.kgc.len());
        for (i, k) in fs.kgc.into_iter().enumerate() {
            kgc.push(match k {
                KEntry::Str(s) => KGc::Str(self.ls.strings.get(s).to_vec_fallible()),
                KEntry::Table(t) | KEntry::Cdata(t) => t,
                KEntry::Child(mut child) => {
                    if let Some((_, uvtmp)) = child_uv.next_if(|(ci, _)| *ci == i) {
                        child.uv = uvtmp
                            .iter()
                            .map(|&t| {
                                if t & UV_PARENT != 0 {
                                    (t & !UV_PARENT) as u16
                                } else {
                                    let v = &self.vstack[t as usize];
                                    let mut r = v.slot as u16 | PROTO_UV_LOCAL;
                                    if v.info & VSTACK_VAR_RW == 0 {
                                        r |= PROTO_UV_IMMUTABLE;
                                    }
                                    r
                                }
                            })
                            .collect_fallible();
                    }
                    KGc::Child(Box::new(child))
                }
            });
        }
        pt.kgc = kgc.into_vec();
        pt.knum = fs
            .knum
            .iter()
            .map(|&n| {
                let k = n as i32;
                if n == k as f64 {
                    KNum::Int(k)
                } else {
                    KNum::Num(n)
                }
            })
            .collect_fallible();
        // Debug info.
        pt.uvnames = fs
            .uvmap
            .iter()
            .map(|&v| {
                self.ls
                    .strings
                    .get(self.vstack[v].name.unwrap_or(0))
                    .to_vec_fallible()
            })
            .collect_fallible();
        let mut varinfo = FallibleVec::new();
        for v in &self.vstack[fs.vbase..] {
            if v.info & (VSTACK_GOTO | VSTACK_LABEL) != 0 {
                continue;
            }
            let Some(name) = v.name else { continue };
            varinfo.push(VarInfo {
                name: self.ls.strings.get(name).to_vec_fallible(),
                startpc: v.startpc,
                endpc: v.endpc,
            });
        }
        pt.varinfo = varinfo.into_vec();
        self.vstack.truncate(fs.vbase);
        if let Some(parent) = self.outer.pop() {
            self.fs = parent;
        }
        Ok((pt, fs.uvtmp.into_vec()))
    }
}

// ---------------------------------------------------------------------------
// Expressions.
impl<'a> Parser<'a> {
    // (Always inlined: no frame of its own per nesting level, which counts
    // in unoptimised builds, see MAX_STACK_USE.)
    #[inline(always)]
    fn expr(&mut self) -> PResult<ExpDesc> {
        self.expr_flags(0)
    }

    /// An expression under the context's restrictions (`EXPR_F_*`), with
    /// the conditional operator `c ? a : b` (right associative, below all
    /// binary operators).
    fn expr_flags(&mut self, eflags: u32) -> PResult<ExpDesc> {
        let mut v = ExpDesc::new(EK::Void, 0);
        self.expr_binop(&mut v, 0, eflags)?;
        if self.ls.tok == b'?' as Token {
            self.expr_conditional(&mut v)?;
        }
        Ok(v)
    }

    /// `? a : b` after the condition `v`. Out of line: the recursion through
    /// nested expressions keeps small frames (see MAX_STACK_USE).
    #[inline(never)]
    fn expr_conditional(&mut self, v: &mut ExpDesc) -> PResult<()> {
        self.next()?; // Skip `?`.
        {
            let mut escapelist = NO_JMP;
            self.emit_branch_t(v)?;
            let cond = v.f;
            // A method call needs parentheses in the true branch: its
            // colon would be taken for the separator.
            *v = self.expr_flags(EXPR_F_NOCOLON)?;
            self.expr_tonextreg(v)?;
            let reg = v.info;
            let j = self.emit_jmp()?;
            self.jmp_append(&mut escapelist, j)?;
            self.jmp_tohere(cond)?;
            self.lex_check(b':' as Token)?;
            self.reg_free(reg);
            *v = self.expr_flags(0)?;
            self.expr_tonextreg(v)?;
            self.jmp_tohere(escapelist)?;
        }
        Ok(())
    }

    fn expr_next(&mut self) -> PResult<()> {
        let mut e = self.expr()?;
        self.expr_tonextreg(&mut e)
    }

    fn expr_binop(&mut self, v: &mut ExpDesc, limit: u32, eflags: u32) -> PResult<Option<BinOpr>> {
        self.synlevel_begin()?;
        self.expr_unop(v, eflags)?;
        let mut op = token_binop(self.ls.tok);
        while let Some(o) = op {
            if PRIORITY[o as usize].0 <= limit {
                break;
            }
            self.next()?;
            self.emit_binop_left(o, v)?;
            let mut v2 = ExpDesc::new(EK::Void, 0);
            let nextop = self.expr_binop(&mut v2, PRIORITY[o as usize].1, eflags)?;
            self.emit_binop(o, v, &mut v2)?;
            op = nextop;
        }
        self.synlevel_end();
        Ok(op)
    }

    fn expr_unop(&mut self, v: &mut ExpDesc, eflags: u32) -> PResult<()> {
        let op = match self.ls.tok {
            TK_NOT => Op::NOT,
            t if t == b'!' as Token => Op::NOT,
            t if t == b'-' as Token => Op::UNM,
            t if t == b'#' as Token => Op::LEN,
            t if t == b'~' as Token => Op::BNOT,
            _ => return self.expr_simple(v, eflags),
        };
        self.next()?;
        self.expr_binop(v, UNARY_PRIORITY, eflags)?;
        self.emit_unop(op, v)
    }

    fn expr_simple(&mut self, v: &mut ExpDesc, eflags: u32) -> PResult<()> {
        match self.ls.tok {
            TK_NUMBER => {
                if let Some(c) = self.ls.tok_cdata {
                    *v = ExpDesc::new(EK::KCdata, 0);
                    v.cdata = Some(c);
                } else {
                    *v = ExpDesc::num(self.ls.tok_num);
                }
            }
            TK_STRING => *v = ExpDesc::str(self.ls.tok_str),
            TK_NIL => *v = ExpDesc::new(EK::KNil, 0),
            TK_TRUE => *v = ExpDesc::new(EK::KTrue, 0),
            TK_FALSE => *v = ExpDesc::new(EK::KFalse, 0),
            TK_DOTS => {
                if self.fs.flags & PROTO_VARARG == 0 {
                    return Err(self.err_syntax("cannot use '...' outside a vararg function"));
                }
                self.reg_reserve(1)?;
                let base = self.fs.freereg - 1;
                let np = self.fs.numparams;
                let pc = self.emit_abc(Op::VARG, base, 2, np);
                *v = ExpDesc::new(EK::Call, pc);
                v.aux = base;
            }
            t if t == b'{' as Token => return self.expr_table(v),
            TK_FUNCTION => {
                self.next()?;
                let line = self.ls.linenumber;
                return self.parse_body(v, false, line);
            }
            t if t == b'|' as Token || t == TK_OR_ => {
                let line = self.ls.linenumber;
                return self.parse_shortfunc(v, None, eflags, line);
            }
            _ => return self.expr_primary(v, eflags),
        }
        self.next()
    }

    fn expr_str(&mut self) -> PResult<ExpDesc> {
        let s = self.lex_str()?;
        Ok(ExpDesc::str(s))
    }

    /// `v.name` or `v:name`: `skip` the current `.` or `:` token (after
    /// `v` is in a register, so its code gets the line before the dot, as
    /// in Debian's LuaJIT; today's skips first), or it is skipped already
    /// (after `?.`).
    fn expr_field(&mut self, v: &mut ExpDesc, skip: bool) -> PResult<()> {
        self.expr_toanyreg(v)?;
        if skip {
            self.next()?;
        }
        let mut key = self.expr_str()?;
        self.expr_index(v, &mut key)
    }

    fn expr_bracket(&mut self) -> PResult<ExpDesc> {
        self.next()?;
        let mut v = self.expr()?;
        self.expr_toval(&mut v)?;
        self.lex_check(b']' as Token)?;
        Ok(v)
    }

    /// A primary expression with its suffixes. A nil before `?.` jumps
    /// past the rest of the chain: the jumps are returned (NO_JMP: none).
    fn expr_primary_nav(&mut self, v: &mut ExpDesc, eflags: u32) -> PResult<u32> {
        let mut xpc = NO_JMP;
        let tok = self.ls.tok;
        if tok == b'(' as Token {
            let line = self.ls.linenumber;
            self.next()?;
            *v = self.expr()?; // The context's flags stop at parentheses.
            self.lex_match(b')' as Token, b'(' as Token, line)?;
            self.expr_discharge(v);
        } else if is_name(tok) {
            let line = self.ls.linenumber;
            let name = self.lex_str()?;
            if eflags & EXPR_F_NORES == 0 && self.ls.tok == TK_ARROW {
                self.parse_shortfunc(v, Some(name), eflags, line)?;
                return Ok(xpc);
            }
            *v = self.var_lookup(name)?;
        } else {
            return Err(self.err_syntax("unexpected symbol"));
        }
        if Self::is_suffix_start(self.ls.tok) {
            self.expr_suffixes(v, eflags, &mut xpc)?;
        }
        Ok(xpc)
    }

    /// The suffixes of a primary expression (fields, indexing, calls,
    /// safe navigation); `xpc` collects the jumps of `?.`. Out of line: the
    /// recursion through parenthesized expressions keeps small frames.
    #[inline(never)]
    fn expr_suffixes(&mut self, v: &mut ExpDesc, eflags: u32, xpc: &mut u32) -> PResult<()> {
        // Each kind of suffix is parsed out of line, so that this loop,
        // which calls and bracketed keys recurse through, keeps a small
        // frame in unoptimised builds (see MAX_STACK_USE).
        loop {
            let mut nav = false;
            if eflags & EXPR_F_NONAV == 0 && self.ls.tok == TK_NAV {
                self.suffix_nav(v, xpc)?;
                nav = true;
            }
            let tok = self.ls.tok;
            let is_call;
            if tok == b'[' as Token {
                self.suffix_bracket(v)?;
                is_call = false;
            } else if tok == b':' as Token {
                if eflags & EXPR_F_NOCOLON != 0 {
                    if nav {
                        return Err(self.err_syntax("unexpected symbol"));
                    }
                    break;
                }
                // `obj:method?.(...)`: no call when the method is nil.
                nav = self.suffix_method(v, xpc)?;
                is_call = true;
            } else if tok == b'(' as Token || tok == TK_STRING || tok == b'{' as Token {
                self.suffix_call(v)?;
                is_call = true;
            } else if nav {
                self.expr_field(v, false)?;
                is_call = false;
            } else if tok == b'.' as Token {
                self.expr_field(v, true)?;
                is_call = false;
            } else {
                break;
            }
            if is_call && nav && eflags & EXPR_F_NORES == 0 && !Self::is_suffix_start(self.ls.tok) {
                break; // A call ends the chain: keep its results open.
            }
            if nav && eflags & EXPR_F_NORES == 0 {
                self.expr_tonextreg(v)?;
            }
        }
        Ok(())
    }

    /// `?.`: skip it, and jump out of the chain when `v` is nil.
    #[inline(never)]
    fn suffix_nav(&mut self, v: &mut ExpDesc, xpc: &mut u32) -> PResult<()> {
        self.next()?;
        let r = self.expr_toanyreg(v)?;
        self.emit_ad(Op::ISEQP, r, PRI_NIL);
        let j = self.emit_jmp()?;
        self.jmp_append(xpc, j)
    }

    /// `v[key]`.
    #[inline(never)]
    fn suffix_bracket(&mut self, v: &mut ExpDesc) -> PResult<()> {
        self.expr_toanyreg(v)?;
        let mut key = self.expr_bracket()?;
        self.expr_index(v, &mut key)
    }

    /// `v:name(args)` or `v:name?.(args)`; true for the latter.
    #[inline(never)]
    fn suffix_method(&mut self, v: &mut ExpDesc, xpc: &mut u32) -> PResult<bool> {
        self.next()?;
        let key = self.expr_str()?;
        self.emit_method(v, &key)?;
        let mut nav = false;
        if self.lex_opt(TK_NAV)? {
            nav = true;
            self.emit_ad(Op::ISEQP, v.info, PRI_NIL);
            let j = self.emit_jmp()?;
            self.jmp_append(xpc, j)?;
        }
        self.parse_args(v)?;
        Ok(nav)
    }

    /// `v(args)`, `v"str"`, `v{...}`.
    #[inline(never)]
    fn suffix_call(&mut self, v: &mut ExpDesc) -> PResult<()> {
        self.expr_tonextreg(v)?;
        if self.opts_fr2 {
            self.reg_reserve(1)?; // frame link slot
        }
        self.parse_args(v)
    }

    /// Can the token continue a primary expression?
    fn is_suffix_start(tok: Token) -> bool {
        tok == TK_NAV
            || tok == b'[' as Token
            || tok == b':' as Token
            || tok == b'(' as Token
            || tok == TK_STRING
            || tok == b'{' as Token
            || tok == b'.' as Token
    }

    #[inline(always)]
    fn expr_primary(&mut self, v: &mut ExpDesc, eflags: u32) -> PResult<()> {
        let xpc = self.expr_primary_nav(v, eflags)?;
        if xpc != NO_JMP {
            // The chain stopped at a nil: its value is nil.
            let around = self.emit_jmp()?;
            self.jmp_tohere(xpc)?;
            if v.k == EK::Call {
                v.k = EK::CallNav; // Still points to the CALL/CALLM.
                self.emit_ad(Op::KPRI, v.aux, PRI_NIL);
            } else {
                self.emit_ad(Op::KPRI, v.info, PRI_NIL);
            }
            self.jmp_tohere(around)?;
        }
        Ok(())
    }

    fn emit_method(&mut self, e: &mut ExpDesc, key: &ExpDesc) -> PResult<()> {
        let obj = self.expr_toanyreg(e)?;
        self.expr_free(e);
        let func = self.fs.freereg;
        let fr2 = self.opts_fr2 as u32;
        self.emit_ad(Op::MOV, func + 1 + fr2, obj);
        let idx = self.const_str(key.sval);
        if idx <= BCMAX_C {
            self.reg_reserve(2 + fr2)?;
            self.emit_abc(Op::TGETS, func, obj, idx);
        } else {
            self.reg_reserve(3 + fr2)?;
            self.emit_ad(Op::KSTR, func + 2 + fr2, idx);
            self.emit_abc(Op::TGETV, func, obj, func + 2 + fr2);
            self.fs.freereg -= 1;
        }
        e.info = func;
        e.k = EK::NonReloc;
        Ok(())
    }

    fn parse_args(&mut self, e: &mut ExpDesc) -> PResult<()> {
        let line = self.ls.linenumber;
        let mut args;
        let tok = self.ls.tok;
        if tok == b'(' as Token {
            if line != self.ls.lastline {
                return Err(self.err_syntax("ambiguous syntax (function call x new statement)"));
            }
            self.next()?;
            if self.ls.tok == b')' as Token {
                args = ExpDesc::new(EK::Void, 0);
            } else {
                args = ExpDesc::new(EK::Void, 0);
                self.expr_list(&mut args)?;
                if args.k == EK::Call {
                    set_b(&mut self.fs.bc[args.info as usize], 0);
                }
            }
            self.lex_match(b')' as Token, b'(' as Token, line)?;
        } else if tok == b'{' as Token {
            args = ExpDesc::new(EK::Void, 0);
            self.expr_table(&mut args)?;
        } else if tok == TK_STRING {
            args = ExpDesc::str(self.ls.tok_str);
            self.next()?;
        } else {
            return Err(self.err_syntax("function arguments expected"));
        }
        let base = e.info;
        let fr2 = self.opts_fr2 as u32;
        let ins = if args.k == EK::Call {
            ins_abc(Op::CALLM, base, 2, args.aux - base - 1 - fr2)
        } else {
            if args.k != EK::Void {
                self.expr_tonextreg(&mut args)?;
            }
            ins_abc(Op::CALL, base, 2, self.fs.freereg - base - fr2)
        };
        let pc = self.emit(ins);
        *e = ExpDesc::new(EK::Call, pc);
        e.aux = base;
        self.fs.lines[pc as usize] = line;
        self.fs.freereg = base + 1;
        Ok(())
    }

    fn expr_list(&mut self, v: &mut ExpDesc) -> PResult<u32> {
        let mut n = 1;
        *v = self.expr()?;
        while self.lex_opt(b',' as Token)? {
            self.expr_tonextreg(v)?;
            *v = self.expr()?;
            n += 1;
        }
        Ok(n)
    }

    fn expr_table(&mut self, e: &mut ExpDesc) -> PResult<()> {
        let line = self.ls.linenumber;
        let mut template: Option<(usize, KTable<Option<KTabVal>>)> = None;
        let mut vcall = false;
        let mut needarr = false;
        let mut narr: u32 = 1;
        let mut nhash: u32 = 0;
        let mut freg = self.fs.freereg;
        let pc = self.emit_ad(Op::TNEW, freg, 0);
        *e = ExpDesc::new(EK::NonReloc, freg);
        self.reg_reserve(1)?;
        freg += 1;
        self.lex_check(b'{' as Token)?;
        while self.ls.tok != b'}' as Token {
            vcall = false;
            let mut key;
            if self.ls.tok == b'[' as Token {
                key = self.expr_bracket()?;
                if !key.is_k() {
                    self.expr_index(e, &mut key)?;
                }
                if key.is_numk() && key.num_is_zero() {
                    needarr = true;
                } else {
                    nhash += 1;
                }
                self.lex_check(b'=' as Token)?;
            } else if is_name(self.ls.tok) && self.ls.lookahead()? == b'=' as Token {
                key = self.expr_str()?;
                self.lex_check(b'=' as Token)?;
                nhash += 1;
            } else {
                key = ExpDesc::num(narr as f64);
                narr += 1;
                needarr = true;
                vcall = true;
            }
            let mut val = self.expr()?;
            let mut nonconst = true;
            if key.is_k() && key.k != EK::KNil && (key.k == EK::KStr || val.is_k_nojump()) {
                if template.is_none() {
                    let kidx = self.fs.kgc.len();
                    self.fs
                        .kgc
                        .push(KEntry::Table(KGc::Table(KTable::new(0, 0))));
                    self.fs.bc[pc as usize] = ins_ad(Op::TDUP, freg - 1, kidx as u32);
                    // Sized with the counts so far, as LuaJIT sizes it.
                    let t = KTable::new(if needarr { narr } else { 0 }, hsize2hbits(nhash));
                    template = Some((kidx, t));
                }
                vcall = false;
                let tk = self.ktab_value(&key);
                // A value stored by code holds its key's node meanwhile.
                let tv = val.is_k_nojump().then(|| self.ktab_value(&val));
                nonconst = tv.is_none();
                template.as_mut().unwrap().1.set(tk, tv);
            }
            if nonconst {
                if val.k != EK::Call {
                    self.expr_toanyreg(&mut val)?;
                    vcall = false;
                }
                if key.is_k() {
                    self.expr_index(e, &mut key)?;
                }
                let var = *e;
                self.emit_store(&var, &mut val)?;
            }
            self.fs.freereg = freg;
            if !self.lex_opt(b',' as Token)? && !self.lex_opt(b';' as Token)? {
                break;
            }
        }
        self.lex_match(b'}' as Token, b'{' as Token, line)?;
        if vcall {
            let mut ip = self.fs.pc() as usize - 1;
            let k = self.const_num(f64::from_bits(0x4330_0000_0000_0000 | (narr - 1) as u64));
            if narr > 256 {
                self.fs.bc.pop();
                self.fs.lines.pop();
                ip -= 1;
            }
            self.fs.bc[ip] = ins_ad(Op::TSETM, freg, k);
            set_b(&mut self.fs.bc[ip - 1], 0);
        }
        if pc == self.fs.pc() - 1 {
            e.info = pc;
            self.fs.freereg -= 1;
            e.k = EK::Relocable;
        } else {
            e.k = EK::NonReloc;
        }
        match template {
            None => {
                let n = if !needarr {
                    0
                } else if narr < 3 {
                    3
                } else if narr > 0x7ff {
                    0x7ff
                } else {
                    narr
                };
                set_d(&mut self.fs.bc[pc as usize], n | (hsize2hbits(nhash) << 11));
            }
            Some((kidx, mut t)) => {
                if needarr && (t.array.len() as u32) < narr {
                    t.reasize(narr - 1);
                }
                // Keys whose values the code stores stay, with nil values
                // (the copies find their nodes when the code stores them).
                let t = t.map_values(|v| v.unwrap_or(KTabVal::Nil));
                self.fs.kgc[kidx] = KEntry::Table(KGc::Table(t));
            }
        }
        Ok(())
    }

    fn ktab_value(&self, e: &ExpDesc) -> KTabVal {
        match e.k {
            EK::KNil => KTabVal::Nil,
            EK::KFalse => KTabVal::False,
            EK::KTrue => KTabVal::True,
            EK::KStr => KTabVal::Str(self.ls.strings.get(e.sval).to_vec_fallible()),
            _ => {
                let n = e.nval;
                let k = n as i32;
                if n == k as f64 {
                    KTabVal::Int(k)
                } else {
                    KTabVal::Num(n)
                }
            }
        }
    }

    /// Parameters between `before` and `after`: `(...)` of a function,
    /// `|...|` of a short function.
    fn parse_params(&mut self, needself: bool, before: Token, after: Token) -> PResult<u32> {
        self.lex_check(before)?;
        let mut nparams = 0;
        if needself {
            self.var_new(nparams, NAME_SELF)?;
            nparams += 1;
        }
        if self.ls.tok != after {
            loop {
                if is_name(self.ls.tok) {
                    let n = self.lex_str()?;
                    self.var_new(nparams, n)?;
                    nparams += 1;
                } else if self.ls.tok == TK_DOTS {
                    self.next()?;
                    self.fs.flags |= PROTO_VARARG;
                    break;
                } else {
                    return Err(self.err_syntax("<name> or '...' expected"));
                }
                if !self.lex_opt(b',' as Token)? {
                    break;
                }
            }
        }
        self.var_add(nparams);
        self.reg_reserve(nparams)?;
        self.lex_check(after)?;
        Ok(nparams)
    }

    /// Start a nested function: its state becomes the current one.
    fn proto_enter(&mut self, line: u32) {
        let vbase = self.vstack.len();
        let parent = std::mem::replace(&mut self.fs, FuncState::new(vbase, line));
        self.outer.push(parent);
        self.scope_begin(0);
    }

    /// The nested function's header, once its parameters are known.
    fn proto_begin(&mut self, nparams: u32) {
        self.fs.numparams = nparams;
        self.emit_ad(Op::FUNCF, 0, 0); // Placeholder.
    }

    /// Finish the nested function and store it in the parent's constants:
    /// `e` becomes its FNEW.
    fn proto_finish(&mut self, e: &mut ExpDesc) -> PResult<()> {
        self.ls.lastline = self.ls.linenumber;
        let (pt, uvtmp) = self.fs_finish(self.ls.linenumber)?;
        // A parent of a function with cdata constants or bit operators is
        // marked too (the dump header's flags come from the main function).
        self.fs.flags |= pt.flags & (PROTO_FFI | PROTO_BITOP);
        let kidx = self.fs.kgc.len();
        self.fs.kgc.push(KEntry::Child(pt));
        self.fs.child_uv.push((kidx, uvtmp));
        let pc = self.emit_ad(Op::FNEW, 0, kidx as u32);
        *e = ExpDesc::new(EK::Relocable, pc);
        if self.fs.flags & PROTO_CHILD == 0 {
            if self.fs.flags & PROTO_HAS_RETURN != 0 {
                self.fs.flags |= PROTO_FIXUP_RETURN;
            }
            self.fs.flags |= PROTO_CHILD;
        }
        Ok(())
    }

    fn parse_body(&mut self, e: &mut ExpDesc, needself: bool, line: u32) -> PResult<()> {
        self.proto_enter(line);
        let np = self.parse_params(needself, b'(' as Token, b')' as Token)?;
        self.proto_begin(np);
        self.block_body()?;
        if self.ls.tok != TK_END {
            self.lex_match(TK_END, TK_FUNCTION, line)?;
        }
        self.proto_finish(e)?;
        self.next()
    }

    /// A short function: `|a, b| -> expr`, `|| -> expr`, `name -> expr`
    /// (`name` given), or with `-> do ... end` as its body. The body of
    /// the expression form is one expression, returned.
    fn parse_shortfunc(
        &mut self,
        e: &mut ExpDesc,
        name: Option<StrId>,
        eflags: u32,
        line: u32,
    ) -> PResult<()> {
        self.proto_enter(line);
        let mut nparams = 0;
        if let Some(name) = name {
            self.var_new(nparams, name)?;
            nparams += 1;
            self.var_add(nparams);
            self.reg_reserve(1)?;
        } else if !self.lex_opt(TK_OR_)? {
            nparams = self.parse_params(false, b'|' as Token, b'|' as Token)?;
        }
        self.lex_check(TK_ARROW)?;
        self.proto_begin(nparams);
        if self.lex_opt(TK_DO)? {
            self.block_body()?;
            if !self.lex_opt(TK_END)? {
                self.lex_match(TK_END, TK_DO, line)?;
            }
        } else {
            self.parse_return(eflags | EXPR_F_RET1)?;
        }
        self.proto_finish(e)?;
        // LuaJIT builds a finished function's debug info in the lexer's
        // token buffer. A short function finishes after the token behind
        // it was scanned, so an error "near" that token (a name, number or
        // string) shows what the buffer then holds, up to its first NUL:
        // the function's first upvalue name, else its first variable's.
        if let Some(KEntry::Child(pt)) = self.fs.kgc.last() {
            let text = Self::debug_info_text(pt);
            self.ls.sb.clear();
            self.ls.sb.extend_from_slice(&text);
        }
        Ok(())
    }

    /// A prototype's upvalue and variable names as LuaJIT lays them out
    /// while finishing it: upvalue names NUL-terminated, then each
    /// variable's name (NUL-terminated; an internal one as its index byte)
    /// with its ULEB128 start (from the previous one's) and length, then
    /// a NUL.
    fn debug_info_text(pt: &ProtoData) -> FallibleVec<u8> {
        fn uleb(out: &mut FallibleVec<u8>, mut v: u32) {
            while v >= 0x80 {
                out.push((v as u8 & 0x7f) | 0x80);
                v >>= 7;
            }
            out.push(v as u8);
        }
        let mut out = FallibleVec::new();
        for name in &pt.uvnames {
            out.extend_from_slice(name);
            out.push(0);
        }
        let mut lastpc = 0;
        for v in &pt.varinfo {
            match crate::bytecode::reader::INTERNAL_VAR_NAMES
                .iter()
                .position(|n| *n == &v.name[..])
            {
                Some(i) => out.push(i as u8 + 1),
                None => {
                    out.extend_from_slice(&v.name);
                    out.push(0);
                }
            }
            uleb(&mut out, v.startpc.wrapping_sub(lastpc));
            uleb(&mut out, v.endpc.wrapping_sub(v.startpc));
            lastpc = v.startpc;
        }
        out.push(0);
        out
    }
}

// ---------------------------------------------------------------------------
// Statements.
impl<'a> Parser<'a> {
    fn is_block_end(tok: Token) -> bool {
        matches!(tok, TK_ELSE | TK_ELSEIF | TK_END | TK_UNTIL | TK_EOF)
    }

    /// A sequence of statements (LuaJIT's parse_chunk).
    fn block_body(&mut self) -> PResult<()> {
        self.synlevel_begin()?;
        let mut islast = false;
        while !islast && !Self::is_block_end(self.ls.tok) {
            islast = self.parse_stmt()?;
            if let Some(e) = self.pending_err.take() {
                return Err(e);
            }
            self.lex_opt(b';' as Token)?;
            self.fs.freereg = self.fs.nactvar;
        }
        self.synlevel_end();
        Ok(())
    }

    fn parse_block(&mut self) -> PResult<()> {
        self.scope_begin(0);
        self.block_body()?;
        self.scope_end()
    }

    fn parse_stmt(&mut self) -> PResult<bool> {
        let line = self.ls.linenumber;
        match self.ls.tok {
            TK_IF => self.parse_if(line)?,
            TK_WHILE => self.parse_while(line)?,
            TK_DO => {
                self.next()?;
                self.parse_block()?;
                self.lex_match(TK_END, TK_DO, line)?;
            }
            TK_FOR => self.parse_for(line)?,
            TK_REPEAT => self.parse_repeat(line)?,
            TK_FUNCTION => self.parse_func(line)?,
            TK_LOCAL => self.parse_local(0)?,
            TK_CONST => {
                // A soft keyword: a declaration only before a name or
                // `function`.
                let next = self.ls.lookahead()?;
                if is_name(next) || next == TK_FUNCTION {
                    self.parse_local(VSTACK_CONST)?;
                } else {
                    self.parse_call_assign()?;
                }
            }
            TK_RETURN => {
                self.next()?;
                self.parse_return(0)?;
                return Ok(true);
            }
            TK_BREAK => {
                self.next()?;
                self.parse_break()?;
                return Ok(true);
            }
            TK_CONTINUE => {
                // A soft keyword: a statement only at the end of a block.
                if !Self::is_block_end(self.ls.lookahead()?) {
                    self.parse_call_assign()?;
                } else {
                    self.next()?;
                    self.parse_continue()?;
                    return Ok(true);
                }
            }
            TK_LABEL => self.parse_label()?,
            TK_GOTO => {
                if is_name(self.ls.lookahead()?) {
                    self.next()?;
                    self.parse_goto()?;
                } else {
                    self.parse_call_assign()?;
                }
            }
            _ => self.parse_call_assign()?,
        }
        Ok(false)
    }

    /// `local ...` (vinfo 0) or `const ...` (VSTACK_CONST) declaration.
    fn parse_local(&mut self, vinfo: u8) -> PResult<()> {
        self.next()?; // Skip `local` or `const`.
        if self.lex_opt(TK_FUNCTION)? {
            let name = self.lex_str()?;
            let vidx = self.var_new(0, name)?;
            self.vstack[vidx].info = vinfo;
            let reg = self.fs.freereg;
            let mut v = ExpDesc::new(EK::Local, reg);
            v.aux = self.fs.varmap[reg as usize] as u32;
            self.reg_reserve(1)?;
            self.var_add(1);
            let mut b = ExpDesc::new(EK::Void, 0);
            let line = self.ls.linenumber;
            self.parse_body(&mut b, false, line)?;
            self.expr_free(&b);
            self.expr_toreg(&mut b, v.info)?;
            // The upvalue is in scope, but the local is only valid after the store.
            let vi = self.fs.varmap[self.fs.nactvar as usize - 1];
            self.vstack[vi].startpc = self.fs.pc();
        } else {
            let mut nvars = 0;
            loop {
                let n = self.lex_str()?;
                let vidx = self.var_new(nvars, n)?;
                if vinfo != 0 {
                    // The names of one const declaration are checked
                    // against each other too.
                    self.vstack[vidx].info = vinfo;
                    self.pending_consts.push(n);
                }
                nvars += 1;
                if !self.lex_opt(b',' as Token)? {
                    break;
                }
            }
            self.pending_consts.clear();
            let mut e = ExpDesc::new(EK::Void, 0);
            let nexps = if self.lex_opt(b'=' as Token)? {
                self.expr_list(&mut e)?
            } else {
                0
            };
            self.assign_adjust(nvars, nexps, &mut e)?;
            self.var_add(nvars);
        }
        Ok(())
    }

    fn assign_adjust(&mut self, nvars: u32, nexps: u32, e: &mut ExpDesc) -> PResult<()> {
        let mut extra = nvars as i32 - nexps as i32;
        if e.k == EK::Call || e.k == EK::CallNav {
            extra += 1;
            if extra < 0 {
                extra = 0;
            }
            let pc = e.info as usize;
            set_b(&mut self.fs.bc[pc], extra as u32 + 1);
            if extra > 1 {
                self.reg_reserve(extra as u32 - 1)?;
            }
            if e.k == EK::CallNav {
                // The CALL is followed by the JMP around the KPRI that gives
                // nil when the chain stopped: both cover all the results.
                let base = e.aux;
                debug_assert!(
                    matches!(bc_op(self.fs.bc[pc]), Op::CALL | Op::CALLM)
                        && bc_op(self.fs.bc[pc + 1]) == Op::JMP
                        && bc_op(self.fs.bc[pc + 2]) == Op::KPRI,
                    "expected CALL|CALLM, JMP, KPRI inside safe navigation"
                );
                set_a(&mut self.fs.bc[pc + 1], base + extra as u32);
                if extra > 1 {
                    self.fs.bc[pc + 2] = ins_ad(Op::KNIL, base, base + extra as u32 - 1);
                }
            }
        } else {
            if e.k != EK::Void {
                self.expr_tonextreg(e)?;
            }
            if extra > 0 {
                let reg = self.fs.freereg;
                self.reg_reserve(extra as u32)?;
                self.emit_nil(reg, extra as u32);
            }
        }
        if nexps > nvars {
            self.fs.freereg -= nexps - nvars;
        }
        Ok(())
    }

    fn parse_call_assign(&mut self) -> PResult<()> {
        let mut v = ExpDesc::new(EK::Void, 0);
        let xpc = self.expr_primary_nav(&mut v, EXPR_F_NORES)?;
        if v.k == EK::Call {
            set_b(&mut self.fs.bc[v.info as usize], 1);
        } else {
            // Safe navigation does not go with several targets.
            if xpc != NO_JMP && self.ls.tok == b',' as Token {
                return Err(self.err_syntax("syntax error"));
            }
            if !self.parse_compound(&mut v)? {
                self.parse_assignment(v)?;
            }
        }
        if xpc != NO_JMP {
            self.jmp_tohere(xpc)?;
        }
        Ok(())
    }

    /// A compound assignment `v op= expr`, if that is what follows: `op` is
    /// one of `+ - * / % & | ~ << >> ~>> ..` and must be followed right away
    /// by `=`, or `v ~= expr` (xor); not `^=`.
    fn parse_compound(&mut self, e: &mut ExpDesc) -> PResult<bool> {
        if !(EK::Local <= e.k && e.k <= EK::Indexed) {
            return Ok(false);
        }
        let mut opr = match token_binop(self.ls.tok) {
            Some(o) if o <= BinOpr::Ne && o != BinOpr::Pow => o,
            _ => return Ok(false),
        };
        self.var_assign(e)?;
        if opr == BinOpr::Ne {
            if self.ls.tok != TK_NE {
                return Err(self.ls.error(b'!' as Token, b"'=' expected"));
            }
            opr = BinOpr::BXor;
        } else {
            if self.ls.cur_char() != b'=' as i32 {
                return Err(self.err_token(b'=' as Token));
            }
            self.next()?; // Skip the operator.
        }
        self.next()?; // Skip `=` (or the `~=` token).
        let estore = *e;
        if e.k == EK::Indexed {
            // Keep the table and key registers for the store.
            let freg = self.fs.freereg;
            self.expr_discharge(e);
            self.fs.freereg = freg;
        }
        if opr == BinOpr::Concat {
            self.expr_tonextreg(e)?;
        } else {
            self.expr_toanyreg(e)?;
        }
        let mut v = self.expr()?;
        self.emit_binop(opr, e, &mut v)?;
        self.emit_store(&estore, e)?;
        Ok(true)
    }

    fn parse_assignment(&mut self, first: ExpDesc) -> PResult<()> {
        let mut lhs = std::mem::take(&mut self.lhs_buf);
        lhs.clear();
        lhs.push(first);
        loop {
            let cur = *lhs.last().unwrap();
            if !(EK::Local <= cur.k && cur.k <= EK::Indexed) {
                return Err(self.err_syntax("syntax error"));
            }
            self.var_assign(&cur)?;
            if !self.lex_opt(b',' as Token)? {
                break;
            }
            let mut v = ExpDesc::new(EK::Void, 0);
            self.expr_primary(&mut v, EXPR_F_NONAV)?;
            if v.k == EK::Local {
                self.assign_hazard(&mut lhs, &v)?;
            }
            let nvars = lhs.len() as u32;
            self.check_limit(self.level + nvars, MAX_XLEVEL, "variable names")?;
            lhs.push(v);
        }
        self.lex_check(b'=' as Token)?;
        let nvars = lhs.len() as u32;
        let mut e = ExpDesc::new(EK::Void, 0);
        let nexps = self.expr_list(&mut e)?;
        let mut rest = lhs.len();
        if nexps == nvars {
            if e.k == EK::Call {
                if bc_op(self.fs.bc[e.info as usize]) == Op::VARG {
                    self.fs.freereg -= 1;
                    e.k = EK::Relocable;
                } else {
                    e.info = e.aux;
                    e.k = EK::NonReloc;
                }
            }
            let var = lhs[rest - 1];
            self.emit_store(&var, &mut e)?;
            rest -= 1;
        } else {
            self.assign_adjust(nvars, nexps, &mut e)?;
        }
        while rest > 0 {
            let var = lhs[rest - 1];
            let mut e = ExpDesc::new(EK::NonReloc, self.fs.freereg - 1);
            self.emit_store(&var, &mut e)?;
            rest -= 1;
        }
        self.lhs_buf = lhs;
        Ok(())
    }

    fn assign_hazard(&mut self, lhs: &mut [ExpDesc], v: &ExpDesc) -> PResult<()> {
        let reg = v.info;
        let tmp = self.fs.freereg;
        let mut hazard = false;
        for lh in lhs.iter_mut().rev() {
            if lh.k == EK::Indexed {
                if lh.info == reg {
                    hazard = true;
                    lh.info = tmp;
                }
                if lh.aux == reg {
                    hazard = true;
                    lh.aux = tmp;
                }
            }
        }
        if hazard {
            self.emit_ad(Op::MOV, tmp, reg);
            self.reg_reserve(1)?;
        }
        Ok(())
    }

    fn parse_func(&mut self, line: u32) -> PResult<()> {
        self.next()?;
        let name = self.lex_str()?;
        let mut v = self.var_lookup(name)?;
        let mut needself = false;
        while self.ls.tok == b'.' as Token {
            self.expr_field(&mut v, true)?;
        }
        if self.ls.tok == b':' as Token {
            needself = true;
            self.expr_field(&mut v, true)?;
        }
        self.var_assign(&v)?;
        let mut b = ExpDesc::new(EK::Void, 0);
        self.parse_body(&mut b, needself, line)?;
        self.emit_store(&v, &mut b)?;
        let last = self.fs.lines.len() - 1;
        self.fs.lines[last] = line;
        Ok(())
    }

    /// `return ...` (after the keyword), or the body of a short function
    /// (`EXPR_F_RET1`: exactly one expression).
    fn parse_return(&mut self, eflags: u32) -> PResult<()> {
        self.fs.flags |= PROTO_HAS_RETURN;
        let ins;
        if eflags & EXPR_F_RET1 == 0
            && (Self::is_block_end(self.ls.tok) || self.ls.tok == b';' as Token)
        {
            ins = ins_ad(Op::RET0, 0, 1);
        } else {
            let mut e = ExpDesc::new(EK::Void, 0);
            let nret = if eflags & EXPR_F_RET1 != 0 {
                e = self.expr_flags(eflags)?;
                1
            } else {
                self.expr_list(&mut e)?
            };
            if nret == 1 {
                if e.k == EK::Call {
                    let ci = self.fs.bc[e.info as usize];
                    if bc_op(ci) == Op::VARG {
                        set_b(&mut self.fs.bc[e.info as usize], 0);
                        ins = ins_ad(Op::RETM, self.fs.nactvar, e.aux - self.fs.nactvar);
                    } else {
                        self.fs.bc.pop();
                        self.fs.lines.pop();
                        let op = if bc_op(ci) == Op::CALLM {
                            Op::CALLMT
                        } else {
                            Op::CALLT
                        };
                        ins = ins_ad(op, bc_a(ci), bc_c(ci));
                    }
                } else {
                    let r = self.expr_toanyreg(&mut e)?;
                    ins = ins_ad(Op::RET1, r, 2);
                }
            } else if e.k == EK::Call {
                set_b(&mut self.fs.bc[e.info as usize], 0);
                ins = ins_ad(Op::RETM, self.fs.nactvar, e.aux - self.fs.nactvar);
            } else {
                self.expr_tonextreg(&mut e)?;
                ins = ins_ad(Op::RET, self.fs.nactvar, nret + 1);
            }
        }
        if self.fs.flags & PROTO_CHILD != 0 {
            self.emit_aj(Op::UCLO, 0, 0);
        }
        self.emit(ins);
        Ok(())
    }

    fn parse_continue(&mut self) -> PResult<()> {
        self.fs.scopes.last_mut().unwrap().flags |= FSCOPE_CONT;
        let j = self.emit_jmp()?;
        self.gola_new(NAME_CONT, VSTACK_GOTO, j)?;
        Ok(())
    }

    fn parse_break(&mut self) -> PResult<()> {
        self.fs.scopes.last_mut().unwrap().flags |= FSCOPE_BREAK;
        let j = self.emit_jmp()?;
        self.gola_new(NAME_BREAK, VSTACK_GOTO, j)?;
        Ok(())
    }

    fn parse_goto(&mut self) -> PResult<()> {
        let name = self.lex_str()?;
        if let Some(vl) = self.gola_findlabel(name) {
            let slot = self.vstack[vl].slot;
            self.emit_aj(Op::LOOP, slot, -1);
        }
        self.fs.scopes.last_mut().unwrap().flags |= FSCOPE_GOLA;
        let j = self.emit_jmp()?;
        self.gola_new(name, VSTACK_GOTO, j)?;
        Ok(())
    }

    fn parse_label(&mut self) -> PResult<()> {
        self.fs.lasttarget = self.fs.pc();
        self.fs.scopes.last_mut().unwrap().flags |= FSCOPE_GOLA;
        self.next()?;
        let name = self.lex_str()?;
        if self.gola_findlabel(name).is_some() {
            let m = [&b"duplicate label '"[..], self.ls.strings.get(name), b"'"].concat();
            return Err(self.ls.error(0, &m));
        }
        let idx = self.gola_new(name, VSTACK_LABEL, self.fs.pc())?;
        self.lex_check(TK_LABEL)?;
        // Consecutive labels.
        while self.ls.tok == TK_LABEL {
            self.synlevel_begin()?;
            self.parse_label()?;
            self.synlevel_end();
        }
        // A trailing label is considered to be outside of the scope of the
        // block's locals.
        if Self::is_block_end(self.ls.tok) && self.ls.tok != TK_UNTIL {
            self.vstack[idx].slot = self.fs.scopes.last().unwrap().nactvar;
        }
        let bl = *self.fs.scopes.last().unwrap();
        let label = self.vstack[idx];
        self.gola_resolve(&bl, &label)
    }

    fn expr_cond(&mut self) -> PResult<u32> {
        let mut v = self.expr()?;
        if v.k == EK::KNil {
            v.k = EK::KFalse;
        }
        self.emit_branch_t(&mut v)?;
        Ok(v.f)
    }

    fn parse_then(&mut self) -> PResult<u32> {
        self.next()?;
        let condexit = self.expr_cond()?;
        self.lex_check(TK_THEN)?;
        self.parse_block()?;
        Ok(condexit)
    }

    fn parse_if(&mut self, line: u32) -> PResult<()> {
        let mut escapelist = NO_JMP;
        let mut flist = self.parse_then()?;
        while self.ls.tok == TK_ELSEIF {
            let j = self.emit_jmp()?;
            self.jmp_append(&mut escapelist, j)?;
            self.jmp_tohere(flist)?;
            flist = self.parse_then()?;
        }
        if self.ls.tok == TK_ELSE {
            let j = self.emit_jmp()?;
            self.jmp_append(&mut escapelist, j)?;
            self.jmp_tohere(flist)?;
            self.next()?;
            self.parse_block()?;
        } else {
            self.jmp_append(&mut escapelist, flist)?;
        }
        self.jmp_tohere(escapelist)?;
        self.lex_match(TK_END, TK_IF, line)
    }

    fn parse_while(&mut self, line: u32) -> PResult<()> {
        self.next()?;
        let start = self.fs.pc();
        self.fs.lasttarget = start;
        let condexit = self.expr_cond()?;
        self.scope_begin(FSCOPE_LOOP);
        self.lex_check(TK_DO)?;
        let nact = self.fs.nactvar;
        let lp = self.emit_ad(Op::LOOP, nact, 0);
        self.parse_block()?;
        let j = self.emit_jmp()?;
        self.jmp_patch(j, start)?;
        self.lex_match(TK_END, TK_WHILE, line)?;
        self.scope_continue(start)?;
        self.scope_end()?;
        self.jmp_tohere(condexit)?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)
    }

    fn parse_repeat(&mut self, line: u32) -> PResult<()> {
        let lp = self.fs.pc();
        self.fs.lasttarget = lp;
        self.scope_begin(FSCOPE_LOOP);
        self.scope_begin(0);
        self.next()?;
        let nact = self.fs.nactvar;
        self.emit_ad(Op::LOOP, nact, 0);
        self.block_body()?;
        self.lex_match(TK_UNTIL, TK_REPEAT, line)?;
        // `continue` evaluates the condition (with the body's locals).
        self.scope_continue(self.fs.pc())?;
        let mut condexit = self.expr_cond()?;
        if self.fs.scopes.last().unwrap().flags & FSCOPE_UPVAL == 0 {
            self.scope_end()?;
        } else {
            self.parse_break()?;
            self.jmp_tohere(condexit)?;
            self.scope_end()?;
            condexit = self.emit_jmp()?;
        }
        self.jmp_patch(condexit, lp)?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)?;
        self.scope_end()
    }

    fn parse_for(&mut self, line: u32) -> PResult<()> {
        self.scope_begin(FSCOPE_LOOP);
        self.next()?;
        let varname = self.lex_str()?;
        if self.ls.tok == b'=' as Token {
            self.parse_for_num(varname, line)?;
        } else if self.ls.tok == b',' as Token || self.ls.tok == TK_IN {
            self.parse_for_iter(varname)?;
        } else {
            return Err(self.err_syntax("'=' or 'in' expected"));
        }
        self.lex_match(TK_END, TK_FOR, line)?;
        self.scope_end()
    }

    fn parse_for_num(&mut self, varname: StrId, line: u32) -> PResult<()> {
        let base = self.fs.freereg;
        self.var_new(0, NAME_FOR_IDX)?;
        self.var_new(1, NAME_FOR_STOP)?;
        self.var_new(2, NAME_FOR_STEP)?;
        self.var_new(3, varname)?;
        self.lex_check(b'=' as Token)?;
        self.expr_next()?;
        self.lex_check(b',' as Token)?;
        self.expr_next()?;
        if self.lex_opt(b',' as Token)? {
            self.expr_next()?;
        } else {
            let r = self.fs.freereg;
            self.emit_ad(Op::KSHORT, r, 1);
            self.reg_reserve(1)?;
        }
        self.var_add(3);
        self.lex_check(TK_DO)?;
        let lp = self.emit_aj(Op::FORI, base, -1);
        self.scope_begin(0);
        self.var_add(1);
        self.reg_reserve(1)?;
        self.parse_block()?;
        self.scope_end()?;
        self.scope_continue(self.fs.pc())?;
        let loopend = self.emit_aj(Op::FORL, base, -1);
        self.fs.lines[loopend as usize] = line;
        self.jmp_patchins(loopend, lp + 1)?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)
    }

    fn predict_next(&self, pc: u32) -> bool {
        let Some(&ins) = self.fs.bc.get(pc as usize) else {
            return false;
        };
        let name = match bc_op(ins) {
            Op::MOV => match self.fs.varmap.get(bc_d(ins) as usize) {
                Some(&vi) => self.vstack[vi].name,
                None => None,
            },
            Op::UGET => self
                .fs
                .uvmap
                .get(bc_d(ins) as usize)
                .and_then(|&vi| self.vstack[vi].name),
            Op::GGET => match self.fs.kgc.get(bc_d(ins) as usize) {
                Some(KEntry::Str(s)) => Some(*s),
                _ => None,
            },
            _ => None,
        };
        matches!(name, Some(NAME_PAIRS) | Some(NAME_NEXT))
    }

    fn parse_for_iter(&mut self, indexname: StrId) -> PResult<()> {
        let base = self.fs.freereg + 3;
        let exprpc = self.fs.pc();
        let mut nvars = 0;
        for n in [NAME_FOR_GEN, NAME_FOR_STATE, NAME_FOR_CTL, indexname] {
            self.var_new(nvars, n)?;
            nvars += 1;
        }
        while self.lex_opt(b',' as Token)? {
            let n = self.lex_str()?;
            self.var_new(nvars, n)?;
            nvars += 1;
        }
        self.lex_check(TK_IN)?;
        let line = self.ls.linenumber;
        let mut e = ExpDesc::new(EK::Void, 0);
        let nexps = self.expr_list(&mut e)?;
        self.assign_adjust(3, nexps, &mut e)?;
        // The iterator needs 3 more slots (function, state, control), and
        // the frame link of FR2 bytecode.
        self.reg_bump(3 + self.opts_fr2 as u32)?;
        let isnext = nvars <= 5 && self.predict_next(exprpc);
        self.var_add(3);
        self.lex_check(TK_DO)?;
        let lp = self.emit_aj(if isnext { Op::ISNEXT } else { Op::JMP }, base, -1);
        self.scope_begin(0);
        self.var_add(nvars - 3);
        self.reg_reserve(nvars - 3)?;
        self.parse_block()?;
        self.scope_end()?;
        let pc = self.fs.pc();
        self.jmp_patchins(lp, pc)?;
        self.scope_continue(pc)?;
        self.emit_abc(
            if isnext { Op::ITERN } else { Op::ITERC },
            base,
            nvars - 3 + 1,
            3,
        );
        let loopend = self.emit_aj(Op::ITERL, base, -1);
        self.fs.lines[loopend as usize - 1] = line;
        self.fs.lines[loopend as usize] = line;
        self.jmp_patchins(loopend, lp + 1)
    }
}
