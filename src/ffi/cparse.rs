//! The C declaration parser of the FFI: `ffi.cdef` declarations and the
//! abstract type declarations `ffi.typeof`, `ffi.new`, `ffi.cast` etc. take.
//!
//! This is not a validating C compiler: like LuaJIT's parser it accepts the
//! declarations found in real C headers (with GCC and MSVC extensions) and
//! builds the types they describe in the `CTState`, with the struct layout
//! of the x86-64 System V ABI. Error messages are LuaJIT's, because Lua
//! programs see them.
//!
//! A failed `cdef` leaves the type table as it was before the call.

use super::ctype::*;
use crate::mem::FallibleVec;

/// A value substituted for a `$` in a declaration (`ffi.typeof("$ *", ct)`).
#[derive(Clone, Debug)]
pub enum Param {
    /// A ctype (or the type of a cdata): `$` stands for a type.
    Type(CTypeId),
    /// A number: `$` stands for an integer constant (array sizes, enum
    /// values).
    Num(f64),
    /// A string: `$` stands for an identifier (a tag, a member or a
    /// declared name; never looked up as a typedef name).
    Ident(Vec<u8>),
}

/// Parse and register the declarations of `ffi.cdef`.
pub fn cdef(cts: &mut CTState, src: &[u8], params: &[Param]) -> Result<(), String> {
    let mark = Undo::mark(cts);
    let mut p = Parser::new(cts, src, params, Mode::Declarations);
    let mut r = p.run_cdef();
    let undo = std::mem::take(&mut p.undo);
    if r.is_ok() && cts.types.len() > MAX_TYPES {
        r = Err("table overflow".into());
    }
    if r.is_err() {
        undo.rollback(cts, mark);
    }
    r
}

/// Largest size of a C type or object.
const MAX_SIZE: u64 = 0x7fffffff;

/// Most types a state may hold (the reference's limit).
const MAX_TYPES: usize = 65536;

/// Parse an abstract type declaration (`"int[?]"`, `"struct foo *"`,
/// `"$ *"`) into a type id.
pub fn parse_type(cts: &mut CTState, src: &[u8], params: &[Param]) -> Result<CTypeId, String> {
    let mark = cts.types.len();
    let mut p = Parser::new(cts, src, params, Mode::Abstract);
    let r = p.run_type();
    if r.is_ok() && cts.types.len() > MAX_TYPES {
        cts.truncate_types(mark as CTypeId);
        return Err("table overflow".into());
    }
    r
}

/// Size of `id` with `nelem` elements for its variable part: VLAs
/// (`int[?]`) and VLS (structs whose last member is a VLA). `None` when the
/// size is unknown (incomplete types, functions, a VLA without `nelem`).
pub fn sizeof_with(cts: &CTState, id: CTypeId, nelem: Option<u64>) -> Option<u64> {
    let ct = cts.get(id);
    if ct.kind == CKind::Ptr && ct.has(CTF_REF) {
        return sizeof_with(cts, ct.child, nelem);
    }
    if ct.kind == CKind::Array && ct.has(CTF_VLA) {
        let n = nelem?;
        let esize = cts.get(ct.child).size;
        if esize == CTSIZE_INVALID {
            return None;
        }
        return n.checked_mul(esize as u64).filter(|&s| s <= MAX_SIZE);
    }
    if ct.kind == CKind::Struct && ct.has(CTF_VLS) {
        let n = nelem?;
        let last = ct.fields.last()?;
        let arr = cts.get(last.ctype);
        let esize = cts.get(arr.child).size as u64;
        return (last.offset as u64)
            .checked_add(n.checked_mul(esize)?)
            .filter(|&s| s <= MAX_SIZE);
    }
    if ct.size == CTSIZE_INVALID {
        None
    } else {
        Some(ct.size as u64)
    }
}

/// Offset of member `field` of the struct/union `id` (looking into
/// anonymous members), and for a bit field its bit position (relative to
/// the offset) and width.
pub fn offsetof(cts: &CTState, id: CTypeId, field: &[u8]) -> Option<(u32, Option<(u32, u32)>)> {
    let ct = cts.get(id);
    if ct.kind != CKind::Struct {
        return None;
    }
    let (f, off) = cts.find_field(id, field)?;
    if f.bitsize != 0 {
        Some((off, Some((f.bitpos as u32, f.bitsize as u32))))
    } else {
        Some((off, None))
    }
}

// ---------------------------------------------------------------------------
// Undo log: a failed cdef leaves no trace.

/// What a parse changed in the type table, to roll it back on error.
#[derive(Default)]
///
/// Like every list of the parser that grows with the declarations, the undo
/// lists grow fallibly: running out of memory raises the Lua memory error
/// (crate::mem).
struct Undo {
    decls: FallibleVec<Vec<u8>>,
    tags: FallibleVec<Vec<u8>>,
    /// Types that existed before and were modified (completed forward
    /// declarations, refreshed qualified copies), with their old value.
    modified: FallibleVec<(CTypeId, CType)>,
    /// Structs that got member constants.
    member_consts: FallibleVec<CTypeId>,
}

impl Undo {
    fn mark(cts: &CTState) -> usize {
        cts.types.len()
    }
    fn rollback(self, cts: &mut CTState, mark: usize) {
        for name in self.decls {
            cts.decls.remove(&name);
        }
        for name in self.tags {
            cts.tags.remove(&name);
        }
        for id in self.member_consts {
            cts.member_consts.remove(&id);
        }
        for (id, ct) in self.modified.into_iter().rev() {
            if (id as usize) < mark {
                cts.types[id as usize] = ct;
            }
        }
        cts.truncate_types(mark as CTypeId);
    }
}

// ---------------------------------------------------------------------------
// Lexer.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Eof,
    /// An identifier; `true` when it came from a `$` parameter (never a
    /// typedef name).
    Name(Vec<u8>, bool),
    /// An integer constant: value and whether it is unsigned.
    Int(u32, bool),
    Str(Vec<u8>),
    /// A `$` that stands for a type.
    TypeParam(CTypeId),
    /// An operator or punctuator (multi-character ones are encoded, see
    /// `OP_*`).
    Op(u16),
}

const OP_EQ: u16 = 256;
const OP_NE: u16 = 257;
const OP_LE: u16 = 258;
const OP_GE: u16 = 259;
const OP_ANDAND: u16 = 260;
const OP_OROR: u16 = 261;
const OP_SHL: u16 = 262;
const OP_SHR: u16 = 263;
const OP_ARROW: u16 = 264;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Declarations,
    Abstract,
}

type PResult<T> = Result<T, String>;

// ---------------------------------------------------------------------------
// Declarations as parsed, before they become types.

/// Attributes collected from `__attribute__`, `__declspec` and keywords.
#[derive(Clone, Default)]
struct Attrs {
    /// Requested minimum alignment (`aligned(n)`), 0 if none.
    align: u32,
    packed: bool,
    /// The size in bytes a `mode(...)` gives a scalar type (0 if none).
    mode_size: u32,
    /// The size of a vector type (`vector_size(n)` or a vector mode such
    /// as `V4SF`) as the reference keeps it: log2, in 4 bits, 0 for none
    /// (so `vector_size(1)` is no vector).
    vector_size_log2: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum Storage {
    None,
    Typedef,
    Extern,
    Static,
}

/// A declaration specifier: the base type and everything said about it.
struct DeclSpec {
    base: CTypeId,
    storage: Storage,
    attrs: Attrs,
    /// An `asm("symbol")` among the specifiers: it names the first
    /// declarator's symbol, as in the reference.
    asm_name: Option<Vec<u8>>,
    /// Qualifiers waiting for the first pointer of each declarator.
    pointer_qual: u32,
}

/// One step from a type to a derived type, in application order.
enum DeclOp {
    Ptr(u32),
    Ref,
    /// Array dimension: `Some(n)`, `None` for `[?]` (VLA), and flexible
    /// `[]` arrays have `flex` set.
    Array {
        len: Option<u32>,
        flex: bool,
    },
    Func {
        params: Vec<CField>,
        vararg: bool,
    },
}

#[derive(Default)]
struct Declarator {
    name: Option<Vec<u8>>,
    ops: Vec<DeclOp>,
    attrs: Attrs,
    asm_name: Option<Vec<u8>>,
    /// Qualifiers read after a `(` (or at the end of a declarator) that
    /// no pointer has taken yet: like the reference, the next `*` takes
    /// them.
    pending_qual: u32,
    /// The width after `:` of a bit field.
    bit_width: Option<u32>,
}

/// A struct/union member before layout.
struct Member {
    name: Vec<u8>,
    ctype: CTypeId,
    bits: Option<u32>,
    attrs: Attrs,
}

/// A value of a constant expression: 32 bits and a C type (see the
/// constant expression parser).
#[derive(Clone, Copy)]
struct CVal {
    bits: u32,
    ty: CTypeId,
}

impl CVal {
    fn int(v: i32) -> CVal {
        CVal {
            bits: v as u32,
            ty: CTID_INT32,
        }
    }
    fn uint(v: u32) -> CVal {
        CVal {
            bits: v,
            ty: CTID_UINT32,
        }
    }
}

struct Parser<'a> {
    cts: &'a mut CTState,
    src: &'a [u8],
    pos: usize,
    line: u32,
    tok: Tok,
    /// Source spelling of `tok` for error messages.
    tok_text: String,
    params: &'a [Param],
    next_param: usize,
    mode: Mode,
    /// Current `#pragma pack` value (0: none) and its push stack.
    pack: u32,
    pack_stack: Vec<u32>,
    undo: Undo,
    /// Nesting of declarators and of expressions, limited like the
    /// reference's (and to bound the recursion).
    depth: u32,
    /// Nesting of struct/union definitions.
    struct_depth: u32,
    /// Nesting of conditional expressions in `?` operands.
    cond_nesting: u32,
    /// Inside the body of a function definition, whose malformed numbers
    /// are not errors.
    skipping_body: bool,
}

/// Deepest nesting of declarators or of expressions.
const MAX_DEPTH: u32 = 20;
/// Deepest nesting of struct/union definitions. The reference has no such
/// limit; this one keeps the recursion within a small stack (about 1 KiB
/// per level).
const MAX_STRUCT_DEPTH: u32 = 200;
/// Levels of the `#pragma pack` stack, the current value included (the
/// reference's limit).
const MAX_PACK_LEVELS: usize = 7;
/// Deepest nesting of conditional expressions in the middle operand of
/// `?:`. The reference has no limit (and crashes deep enough); this one
/// bounds the recursion.
const MAX_COND_NESTING: u32 = 200;
/// Most type operations (pointers, arrays, functions) in one declarator.
const MAX_DECL_OPS: usize = 99;

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}
fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}
fn is_line_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

impl<'a> Parser<'a> {
    fn new(cts: &'a mut CTState, src: &'a [u8], params: &'a [Param], mode: Mode) -> Parser<'a> {
        let mut p = Parser {
            cts,
            src,
            pos: 0,
            line: 1,
            tok: Tok::Eof,
            tok_text: String::new(),
            params,
            next_param: 0,
            mode,
            pack: 0,
            pack_stack: Vec::new(),
            undo: Undo::default(),
            depth: 0,
            struct_depth: 0,
            cond_nesting: 0,
            skipping_body: false,
        };
        p.skip_splices();
        p
    }

    // -- Errors -------------------------------------------------------------

    fn err<T>(&self, msg: &str) -> PResult<T> {
        // Line numbers are signed 32-bit numbers in the reference (a line
        // marker can set any value); only those above 1 are shown.
        let line = self.line as i32;
        if line > 1 {
            Err(format!("{} at line {}", msg, line))
        } else {
            Err(msg.to_string())
        }
    }
    fn err_near<T>(&self, msg: &str) -> PResult<T> {
        self.err(&format!("{} near '{}'", msg, self.tok_text))
    }
    /// An error found while reading the token after the current one.
    fn err_lex<T>(&self, msg: &str) -> PResult<T> {
        if self.tok_text.is_empty() {
            self.err(msg)
        } else {
            self.err_near(msg)
        }
    }
    fn err_expected<T>(&self, what: &str) -> PResult<T> {
        self.err_near(&format!("'{}' expected", what))
    }
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("chunk has too many syntax levels");
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }
    fn err_size<T>(&self) -> PResult<T> {
        self.err("size of C type is unknown or too large")
    }
    fn err_type<T>(&self) -> PResult<T> {
        self.err("invalid C type")
    }
    fn err_redefine<T>(&self, name: &[u8]) -> PResult<T> {
        self.err(&format!(
            "attempt to redefine '{}'",
            String::from_utf8_lossy(name)
        ))
    }

    // -- Lexer --------------------------------------------------------------
    //
    // The lexer reads characters as the reference does: a backslash before
    // a line break splices the lines everywhere (in names, numbers,
    // strings, comments and between the characters of an operator), any of
    // `\n`, `\r`, `\r\n` and `\n\r` is one line break, and a NUL byte ends
    // the input. Line breaks inside string literals are not counted, and a
    // splice counts as soon as the character before it has been read.

    /// The byte at `i`; 0 past the end.
    fn byte(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// The current character; 0 at the end of the input.
    fn ch(&self) -> u8 {
        self.byte(self.pos)
    }

    /// Move past the current character and the line splices after it.
    fn bump(&mut self) {
        if self.pos < self.src.len() {
            self.pos += 1;
        }
        self.skip_splices();
    }

    fn skip_splices(&mut self) {
        while self.ch() == b'\\' && is_line_break(self.byte(self.pos + 1)) {
            self.pos += 1;
            self.skip_line_break();
        }
    }

    /// Move past the line break at `pos` (one or two characters) and count it.
    fn skip_line_break(&mut self) {
        let first = self.ch();
        self.pos += 1;
        let second = self.ch();
        if is_line_break(second) && second != first {
            self.pos += 1;
        }
        self.line = self.line.wrapping_add(1);
    }

    /// Advance to the next token.
    fn next(&mut self) -> PResult<()> {
        let (t, text) = self.lex()?;
        self.tok = t;
        self.tok_text = text;
        Ok(())
    }

    /// Collect the characters of a name or a number.
    fn ident_chars(&mut self) -> Vec<u8> {
        let mut chars = FallibleVec::new();
        while is_ident_char(self.ch()) {
            chars.push(self.ch());
            self.bump();
        }
        chars.into_vec()
    }

    fn lex(&mut self) -> PResult<(Tok, String)> {
        loop {
            let c = self.ch();
            match c {
                0 => return Ok((Tok::Eof, "<eof>".into())),
                b'\n' | b'\r' => {
                    self.skip_line_break();
                    self.skip_splices();
                }
                b' ' | b'\t' | 0x0b | 0x0c => self.bump(),
                b'/' => {
                    self.bump();
                    match self.ch() {
                        b'*' => self.skip_block_comment(),
                        b'/' => {
                            while !is_line_break(self.ch()) && self.ch() != 0 {
                                self.bump();
                            }
                        }
                        _ => return Ok((Tok::Op(c as u16), "/".into())),
                    }
                }
                _ if is_ident_start(c) => {
                    let name = self.ident_chars();
                    let text = String::from_utf8_lossy(&name).into_owned();
                    return Ok((Tok::Name(name, false), text));
                }
                _ if c.is_ascii_digit() => {
                    let digits = self.ident_chars();
                    let text = String::from_utf8_lossy(&digits).into_owned();
                    return match parse_int_literal(&digits) {
                        Some((v, u)) => Ok((Tok::Int(v, u), text)),
                        None if self.skipping_body => Ok((Tok::Int(0, false), text)),
                        None => {
                            self.tok_text = text;
                            self.err_near("malformed number")
                        }
                    };
                }
                b'"' | b'\'' => {
                    self.bump();
                    return self.lex_string(c);
                }
                b'$' => {
                    self.bump();
                    return self.lex_param();
                }
                _ => {
                    self.bump();
                    let second = self.ch();
                    let two = match (c, second) {
                        (b'=', b'=') => Some((OP_EQ, "==")),
                        (b'!', b'=') => Some((OP_NE, "!=")),
                        (b'<', b'=') => Some((OP_LE, "<=")),
                        (b'>', b'=') => Some((OP_GE, ">=")),
                        (b'&', b'&') => Some((OP_ANDAND, "&&")),
                        (b'|', b'|') => Some((OP_OROR, "||")),
                        (b'<', b'<') => Some((OP_SHL, "<<")),
                        (b'>', b'>') => Some((OP_SHR, ">>")),
                        (b'-', b'>') => Some((OP_ARROW, "->")),
                        _ => None,
                    };
                    if let Some((op, text)) = two {
                        self.bump();
                        return Ok((Tok::Op(op), text.into()));
                    }
                    let text = if c.is_ascii_control() {
                        format!("char({})", c)
                    } else {
                        (c as char).to_string()
                    };
                    return Ok((Tok::Op(c as u16), text));
                }
            }
        }
    }

    /// Skip a `/* */` comment; the current character is its `*`. An
    /// unterminated comment runs to the end of the input.
    fn skip_block_comment(&mut self) {
        self.bump();
        loop {
            match self.ch() {
                0 => return,
                b'*' => {
                    self.bump();
                    if self.ch() == b'/' {
                        self.bump();
                        return;
                    }
                }
                b'\n' | b'\r' => {
                    self.skip_line_break();
                    self.skip_splices();
                }
                _ => self.bump(),
            }
        }
    }

    fn lex_param(&mut self) -> PResult<(Tok, String)> {
        let text = "$".to_string();
        let Some(p) = self.params.get(self.next_param) else {
            return self.err("wrong number of type parameters");
        };
        self.next_param += 1;
        Ok(match p {
            Param::Type(id) => (Tok::TypeParam(*id), text),
            Param::Ident(name) => (Tok::Name(name.clone(), true), text),
            Param::Num(n) => {
                // Numbers outside the 32-bit range stay out of range for
                // size checks: saturate instead of wrapping.
                let v = *n;
                let i = if v.is_nan() {
                    0
                } else if v >= 4294967295.0 {
                    u32::MAX
                } else if v < -2147483648.0 {
                    i32::MIN as u32
                } else if v < 0.0 {
                    (v as i64) as i32 as u32
                } else {
                    v as u32
                };
                (Tok::Int(i, v >= 2147483648.0), text)
            }
        })
    }

    /// A string literal or a character constant; the opening quote has
    /// been read. Line breaks do not end it, the end of the input does.
    fn lex_string(&mut self, quote: u8) -> PResult<(Tok, String)> {
        let mut s = FallibleVec::new();
        loop {
            let c = self.ch();
            if c == quote {
                self.bump();
                break;
            }
            if c == 0 {
                return self.err("unfinished string near '<eof>'");
            }
            self.bump();
            if c != b'\\' {
                s.push(c);
                continue;
            }
            let e = self.ch();
            match e {
                0 => return self.err("unfinished string near '<eof>'"),
                b'x' => {
                    let mut v: u32 = 0;
                    self.bump();
                    while let Some(d) = (self.ch() as char).to_digit(16) {
                        v = (v << 4) | d;
                        self.bump();
                    }
                    s.push(v as u8);
                }
                // Up to three decimal digits, read as octal (`\8` and `\9`
                // included, as in the reference).
                b'0'..=b'9' => {
                    let mut v: u32 = 0;
                    for _ in 0..3 {
                        if !self.ch().is_ascii_digit() {
                            break;
                        }
                        v = v * 8 + (self.ch() - b'0') as u32;
                        self.bump();
                    }
                    s.push(v as u8);
                }
                _ => {
                    self.bump();
                    s.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'a' => 7,
                        b'b' => 8,
                        b'f' => 12,
                        b'v' => 11,
                        b'e' => 27,
                        other => other,
                    });
                }
            }
        }
        if quote == b'\'' {
            // A character constant: its value as a (signed) char.
            if s.len() != 1 {
                return self.err_lex("''' expected");
            }
            let v = s[0] as i8 as i32;
            let text = String::from_utf8_lossy(&s).into_owned();
            return Ok((Tok::Int(v as u32, false), text));
        }
        let text = String::from_utf8_lossy(&s).into_owned();
        Ok((Tok::Str(s.into_vec()), text))
    }

    // -- Token helpers -------------------------------------------------------

    fn is_op(&self, c: u16) -> bool {
        self.tok == Tok::Op(c)
    }
    fn accept_op(&mut self, c: u16) -> PResult<bool> {
        if self.is_op(c) {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }
    fn expect_op(&mut self, c: u16) -> PResult<()> {
        if self.accept_op(c)? {
            Ok(())
        } else {
            self.err_expected(&op_text(c))
        }
    }
    fn name(&self) -> Option<&[u8]> {
        match &self.tok {
            Tok::Name(n, _) => Some(n),
            _ => None,
        }
    }
    /// The current token is a keyword (an unparameterised name in `KEYWORDS`).
    fn keyword(&self) -> Option<Kw> {
        match &self.tok {
            Tok::Name(n, false) => keyword(n),
            _ => None,
        }
    }
    /// The current token is a typedef name.
    fn typedef_name(&self) -> Option<CTypeId> {
        match &self.tok {
            Tok::Name(n, false) if keyword(n).is_none() => match self.cts.decls.get(n) {
                Some(CDecl::Typedef(id)) => Some(*id),
                _ => None,
            },
            _ => None,
        }
    }
    /// Can the current token start a declaration specifier?
    fn starts_decl_spec(&self) -> bool {
        if matches!(self.tok, Tok::TypeParam(_)) {
            return true;
        }
        if let Some(k) = self.keyword() {
            return k.is_decl_spec();
        }
        self.typedef_name().is_some()
    }

    // -- Top level -----------------------------------------------------------

    fn run_cdef(&mut self) -> PResult<()> {
        self.next()?;
        let mut first = true;
        while self.tok != Tok::Eof {
            if self.accept_op(b';' as u16)? {
                first = false;
                continue;
            }
            if self.is_op(b'#' as u16) {
                self.directive()?;
                continue;
            }
            self.declaration(first)?;
            first = false;
        }
        if self.next_param != self.params.len() {
            return self.err("wrong number of type parameters");
        }
        Ok(())
    }

    fn run_type(&mut self) -> PResult<CTypeId> {
        self.next()?;
        let spec = self.decl_spec(0)?;
        let d = self.declarator(DeclKind::Abstract, &spec)?;
        let id = self.build_type(spec.base, &d.ops, &merge_attrs(&spec.attrs, &d.attrs))?;
        if self.tok != Tok::Eof {
            return self.err_expected("<eof>");
        }
        if self.next_param != self.params.len() {
            return self.err("wrong number of type parameters");
        }
        Ok(id)
    }

    /// A line starting with `#`: a line marker as `gcc -E` writes them
    /// (`# 12 "file.h" 1 3 4`) or `#line 12 "file.h"`, which set the line
    /// number that errors show, or a `#pragma`. The reference has no
    /// preprocessor, so any other directive is an error.
    fn directive(&mut self) -> PResult<()> {
        let hash_line = self.line;
        self.next()?;
        if let Tok::Int(line, _) = self.tok {
            return self.line_marker(hash_line, line);
        }
        if self.is_name("line") {
            self.next()?;
            let Tok::Int(line, _) = self.tok else {
                return self.err_expected("<identifier>");
            };
            return self.line_marker(hash_line, line);
        }
        if self.is_name("pragma") {
            return self.pragma(hash_line);
        }
        self.err_near("unexpected symbol")
    }

    /// The name of a directive, also when it came from a `$` parameter
    /// (the reference compares names only).
    fn is_name(&self, s: &str) -> bool {
        matches!(&self.tok, Tok::Name(n, _) if n == s.as_bytes())
    }

    /// Skip the rest of the marker's line (its tokens are still read, so
    /// an unfinished string there is an error) and number the next line
    /// `line`.
    fn line_marker(&mut self, hash_line: u32, line: u32) -> PResult<()> {
        self.skip_rest_of_line(hash_line)?;
        // Like the reference, the first token after the marker gets the
        // number, however many line breaks come before it.
        self.line = line;
        Ok(())
    }

    fn skip_rest_of_line(&mut self, line: u32) -> PResult<()> {
        while self.tok != Tok::Eof && self.line == line {
            self.next()?;
        }
        Ok(())
    }

    /// `#pragma pack(...)`; other pragmas are skipped. Whatever follows
    /// the `)` of a `pack` is read as declarations, as in the reference.
    fn pragma(&mut self, hash_line: u32) -> PResult<()> {
        self.next()?;
        if !self.is_name("pack") {
            return self.skip_rest_of_line(hash_line);
        }
        self.next()?;
        self.expect_op(b'(' as u16)?;
        if let Tok::Name(..) = self.tok {
            if self.is_name("push") {
                if self.pack_stack.len() + 1 >= MAX_PACK_LEVELS {
                    return self.err_near("chunk has too many syntax levels");
                }
                self.pack_stack.push(self.pack);
            } else if self.is_name("pop") {
                // Popping an empty stack keeps the current value.
                if let Some(pack) = self.pack_stack.pop() {
                    self.pack = pack;
                }
            } else {
                return self.err_near("unexpected symbol");
            }
            self.next()?;
            if !self.accept_op(b',' as u16)? {
                return self.expect_op(b')' as u16);
            }
        }
        self.pack = match self.tok {
            Tok::Int(v, _) => {
                self.next()?;
                // The largest power of two not above the value (0 counts
                // as 1).
                1u32 << floor_log2(v)
            }
            _ => 0,
        };
        self.expect_op(b')' as u16)
    }

    /// One declaration of `ffi.cdef`: typedefs, externs, static constants or
    /// just struct/union/enum declarations.
    fn declaration(&mut self, first: bool) -> PResult<()> {
        let spec = self.decl_spec(STORAGE_DECLARATION)?;
        if self.is_op(b';' as u16) || self.tok == Tok::Eof {
            // Only declares a struct, union or enum (`typedef struct s;`
            // too, as in the reference).
            let ct = self.cts.get(spec.base);
            if matches!(ct.kind, CKind::Struct | CKind::Enum) {
                return self.accept_op(b';' as u16).map(|_| ());
            }
            return self.err_expected("<identifier>");
        }
        let mut spec_asm_name = spec.asm_name.clone();
        loop {
            let mut d = self.declarator(DeclKind::Named, &spec)?;
            if let Some(symbol) = spec_asm_name.take() {
                d.asm_name.get_or_insert(symbol);
            }
            let name = d.name.clone().expect("named declarator");
            let attrs = merge_attrs(&spec.attrs, &d.attrs);
            let ty = self.build_type(spec.base, &d.ops, &attrs)?;
            let exists = self.cts.decls.contains_key(&name);
            match spec.storage {
                Storage::Typedef => {
                    if !exists {
                        self.add_decl(name, CDecl::Typedef(ty));
                    }
                }
                Storage::Static if !exists && self.cts.get(ty).kind == CKind::Func => {
                    let symbol = d.asm_name.clone();
                    self.add_decl(name, CDecl::Extern { ctype: ty, symbol });
                }
                Storage::Static if !exists => {
                    let ct = self.cts.get(ty);
                    if !(ct.is_integer() && ct.has(CTF_CONST) && ct.size <= 4) {
                        return self.err_type();
                    }
                    let (size, unsigned) = (ct.size, ct.has(CTF_UNSIGNED));
                    self.expect_op(b'=' as u16)?;
                    // (Any value: the reference does not check its type.)
                    let v = self.expr_cond()?;
                    let value = convert_int(v.bits as i32 as i64, size, unsigned);
                    // (Its type keeps the `const`: in expressions it is not
                    // a plain `int`, as in the reference.)
                    self.add_decl(name, CDecl::Constant { ctype: ty, value });
                }
                _ => {
                    if !exists {
                        let symbol = d.asm_name.clone();
                        self.add_decl(name, CDecl::Extern { ctype: ty, symbol });
                    }
                }
            }
            if !self.accept_op(b',' as u16)? {
                break;
            }
        }
        if self.tok != Tok::Eof || !first {
            self.expect_op(b';' as u16)?;
        }
        Ok(())
    }

    /// Skip the body of a function definition: the current token is its
    /// `{`. As in the reference, the body's tokens are read (from the
    /// second one on, malformed numbers are not errors), only the braces
    /// are counted, and the closing `}` becomes a `;` that ends the
    /// declaration.
    fn skip_function_body(&mut self) -> PResult<()> {
        self.next()?;
        self.skipping_body = true;
        let mut depth = 1u32;
        loop {
            match self.tok {
                Tok::Eof => return self.err_expected("}"),
                Tok::Op(c) if c == b'{' as u16 => depth += 1,
                Tok::Op(c) if c == b'}' as u16 => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            self.next()?;
        }
        self.skipping_body = false;
        self.tok = Tok::Op(b';' as u16);
        self.tok_text = ";".into();
        Ok(())
    }

    fn add_member_const(&mut self, id: CTypeId, f: CField) {
        self.undo.member_consts.push(id);
        crate::mem::reserve_entry(&mut self.cts.member_consts);
        let consts = self.cts.member_consts.entry(id).or_default();
        crate::mem::reserve_vec(consts, 1);
        consts.push(f);
    }

    fn add_decl(&mut self, name: Vec<u8>, d: CDecl) {
        self.undo.decls.push(name.clone());
        crate::mem::reserve_entry(&mut self.cts.decls);
        self.cts.decls.insert(name, d);
    }

    // -- Declaration specifiers ----------------------------------------------

    /// Parse storage class, qualifiers, type specifiers and attributes.
    ///
    /// Like the reference, the simple specifier keywords are collected as a
    /// set (`long` twice making `long long`), the first keyword that implies
    /// a size (`int`, `char`, `double`, `__int8`, ...) fixes the size, and
    /// a second one ends the specifiers, as does any specifier keyword after
    /// a struct, union, enum or typedef name. A struct, union, enum or
    /// typedef name is only taken while nothing but qualifiers, storage
    /// classes and `void`/`_Bool`/`inline` came before it. Whatever ends the
    /// specifiers is left for the declarator (which usually rejects it).
    /// `storage` is the set of storage classes allowed here (`SPEC_*` bits).
    fn decl_spec(&mut self, storage: u32) -> PResult<DeclSpec> {
        let mut words = 0u32;
        let mut size = 0u32;
        let mut named: Option<CTypeId> = None;
        let mut qual = 0;
        let mut attrs = Attrs::default();
        let mut asm_name = None;
        loop {
            self.qualifiers_and_attributes(&mut qual, &mut attrs, &mut asm_name)?;
            if let Some((word, word_size)) = self.keyword().and_then(spec_word) {
                if word_size != 0 {
                    if size != 0 {
                        break;
                    }
                    size = word_size;
                }
                if word & words & SPEC_LONG != 0 {
                    words |= SPEC_LONG_LONG;
                }
                words |= word;
                if word & SPEC_STORAGE != 0 {
                    if word & storage == 0 {
                        return self.err_near("bad storage class");
                    }
                } else if named.is_some() {
                    break;
                }
                self.next()?;
                continue;
            }
            let sized_words = SPEC_SHORT | SPEC_LONG | SPEC_SIGNED | SPEC_UNSIGNED | SPEC_COMPLEX;
            if size != 0 || named.is_some() || words & sized_words != 0 {
                break;
            }
            match self.keyword() {
                Some(kw @ (Kw::Struct | Kw::Union)) => {
                    named = Some(self.struct_spec(
                        kw == Kw::Union,
                        &mut qual,
                        &mut attrs,
                        &mut asm_name,
                    )?);
                    continue;
                }
                Some(Kw::Enum) => {
                    named = Some(self.enum_spec(&mut qual, &mut attrs, &mut asm_name)?);
                    continue;
                }
                _ => {}
            }
            if let Tok::TypeParam(id) = self.tok {
                named = Some(id);
                self.next()?;
                continue;
            }
            if let Some(id) = self.typedef_name() {
                named = Some(id);
                self.next()?;
                continue;
            }
            break;
        }
        if words & SPEC_COMPLEX != 0 {
            named = Some(if size == 4 {
                CTID_COMPLEX_FLOAT
            } else {
                CTID_COMPLEX_DOUBLE
            });
        }
        let unsigned = words & SPEC_UNSIGNED != 0;
        let id = if let Some(id) = named {
            id
        } else if words & SPEC_VOID != 0 {
            CTID_VOID
        } else if words & SPEC_BOOL != 0 {
            let allowed = SPEC_STORAGE | SPEC_BOOL | SPEC_INT | SPEC_SIGNED | SPEC_UNSIGNED;
            if words & !allowed != 0 {
                return self.err_type();
            }
            let size = if size == 0 { 1 } else { size };
            let sign = if words & SPEC_SIGNED != 0 {
                0
            } else {
                CTF_UNSIGNED
            };
            let align = size.min(MAX_ALIGN);
            self.cts
                .intern(CType::new(CKind::Num, CTF_BOOL | sign, size, align, 0))
        } else if words & SPEC_FLOAT != 0 {
            if words & SPEC_LONG != 0 {
                CTID_LONGDOUBLE
            } else if size == 4 {
                CTID_FLOAT
            } else {
                CTID_DOUBLE
            }
        } else if words & SPEC_CHAR != 0 {
            // Plain `char` is signed, as on x86-64.
            CTState::int_type(1, unsigned)
        } else {
            let size = if words & SPEC_SHORT != 0 {
                2
            } else if words & SPEC_LONG != 0 {
                8
            } else if size != 0 {
                size
            } else if words & (SPEC_SIGNED | SPEC_UNSIGNED) != 0 {
                4
            } else {
                return self.err_near("declaration specifier expected");
            };
            CTState::int_type(size, unsigned)
        };
        // Like the reference, qualifiers on a function type (through a
        // typedef) are left for the first pointer of the declarator:
        // `const fn_t *` is a const pointer.
        let mut pointer_qual = 0;
        let id = if qual == 0 {
            id
        } else if self.cts.get(id).kind == CKind::Func {
            pointer_qual = qual;
            id
        } else {
            self.cts.qualified(id, qual)
        };
        let storage = if words & SPEC_TYPEDEF != 0 {
            Storage::Typedef
        } else if words & SPEC_STATIC != 0 {
            Storage::Static
        } else if words & SPEC_EXTERN != 0 {
            Storage::Extern
        } else {
            Storage::None
        };
        Ok(DeclSpec {
            base: id,
            storage,
            attrs,
            asm_name,
            pointer_qual,
        })
    }

    /// `mode(...)` and `vector_size(...)` attributes on a number type (not
    /// a bool; on others they are ignored, as in the reference): a mode
    /// sets the size (of a floating-point type only to 4 or 8 bytes), and
    /// a vector size at least the element's makes a vector of it.
    fn apply_mode(&mut self, id: CTypeId, mode_size: u32, attrs: &Attrs) -> CTypeId {
        let ct = self.cts.get(id).clone();
        if ct.kind != CKind::Num || ct.has(CTF_BOOL) {
            return id;
        }
        let mut id = id;
        let fp = ct.has(CTF_FP);
        if mode_size != 0 && (!fp || mode_size == 4 || mode_size == 8) {
            let mut sized = ct.clone();
            sized.flags &= !CTF_LONGDOUBLE;
            sized.size = mode_size;
            sized.align = mode_size.min(MAX_ALIGN);
            id = self.cts.intern(sized);
        }
        let vlog2 = attrs.vector_size_log2;
        let elem = self.cts.get(id);
        if vlog2 != 0 && vlog2 >= floor_log2(elem.size) {
            let size = 1 << vlog2;
            let align = size.min(MAX_ALIGN).max(elem.align);
            let qual = elem.flags & CTF_QUAL;
            id = self
                .cts
                .intern(CType::new(CKind::Array, CTF_VECTOR | qual, size, align, id));
        }
        id
    }

    /// A machine mode as GCC names them: an optional vector length
    /// (`V4`), the size (`Q`uarter, `H`alf, `S`ingle, `D`ouble, `T`etra,
    /// `O`cta) and `I` or `F`; anything else is ignored, as is what follows.
    fn mode_attribute(&mut self, name: &[u8], attrs: &mut Attrs) {
        let mut s = name.strip_prefix(b"__").unwrap_or(name);
        let mut vector_len = 0u32;
        if let Some(rest) = s.strip_prefix(b"V") {
            let digits = rest
                .iter()
                .take(2)
                .take_while(|c| c.is_ascii_digit())
                .count();
            // (At least one character is taken as a digit, like the
            // reference.)
            let digits = digits.max(1).min(rest.len());
            for &c in &rest[..digits] {
                vector_len = vector_len * 10 + (c as u32).wrapping_sub(b'0' as u32);
            }
            s = &rest[digits..];
        }
        let size = match s.first() {
            Some(b'Q') => 1,
            Some(b'H') => 2,
            Some(b'S') => 4,
            Some(b'D') => 8,
            Some(b'T') => 16,
            Some(b'O') => 32,
            _ => return,
        };
        if matches!(s.get(1), Some(b'I' | b'F')) {
            attrs.mode_size = size;
            if vector_len != 0 {
                attrs.vector_size_log2 = floor_log2(vector_len.wrapping_mul(size)) & ATTR_LOG2_MASK;
            }
        }
    }

    /// `__attribute__((...))` and `__declspec(...)`.
    fn attributes(&mut self, attrs: &mut Attrs) -> PResult<()> {
        let declspec = self.keyword() == Some(Kw::Declspec);
        self.next()?;
        self.expect_op(b'(' as u16)?;
        if !declspec {
            self.expect_op(b'(' as u16)?;
        }
        while !self.is_op(b')' as u16) {
            let Some(n) = self.name().map(|n| n.to_vec()) else {
                if self.accept_op(b',' as u16)? {
                    continue;
                }
                return self.err_expected(")");
            };
            let n = strip_underscores(&n);
            self.next()?;
            match n {
                b"aligned" | b"align" => {
                    if self.accept_op(b'(' as u16)? {
                        attrs.align = 1 << (floor_log2(self.expr_size()?) & ATTR_LOG2_MASK);
                        self.expect_op(b')' as u16)?;
                    } else {
                        attrs.align = 16;
                    }
                }
                b"packed" => attrs.packed = true,
                b"mode" => {
                    self.expect_op(b'(' as u16)?;
                    if let Some(m) = self.name().map(|n| n.to_vec()) {
                        self.mode_attribute(&m, attrs);
                        self.next()?;
                    }
                    self.expect_op(b')' as u16)?;
                }
                b"vector_size" => {
                    self.expect_op(b'(' as u16)?;
                    let size = self.expr_size()?;
                    if size != 0 {
                        attrs.vector_size_log2 = floor_log2(size) & ATTR_LOG2_MASK;
                    }
                    self.expect_op(b')' as u16)?;
                }
                _ => {
                    if self.accept_op(b'(' as u16)? {
                        self.skip_parens_rest()?;
                    }
                }
            }
        }
        self.next()?;
        if !declspec {
            self.expect_op(b')' as u16)?;
        }
        Ok(())
    }

    /// Skip to the `)` matching an already consumed `(`, and past it.
    fn skip_parens_rest(&mut self) -> PResult<()> {
        let mut depth = 1;
        loop {
            if self.tok == Tok::Eof {
                return self.err_expected(")");
            }
            if self.is_op(b'(' as u16) {
                depth += 1;
            } else if self.is_op(b')' as u16) {
                depth -= 1;
                if depth == 0 {
                    return self.next();
                }
            }
            self.next()?;
        }
    }

    /// Qualifiers and attributes, wherever the reference reads them: among
    /// the declaration specifiers, after a `*`, after a `(` and at the end
    /// of a declarator. `const`/`volatile` go to `qual`; `restrict`,
    /// `__extension__`, calling conventions (which only matter on 32-bit
    /// x86) and `__ptr32`/`__ptr64` are read and ignored.
    fn qualifiers_and_attributes(
        &mut self,
        qual: &mut u32,
        attrs: &mut Attrs,
        asm_name: &mut Option<Vec<u8>>,
    ) -> PResult<()> {
        loop {
            match self.keyword() {
                Some(Kw::Const) => *qual |= CTF_CONST,
                Some(Kw::Volatile) => *qual |= CTF_VOLATILE,
                Some(
                    Kw::Restrict
                    | Kw::Extension
                    | Kw::Cdecl
                    | Kw::Stdcall
                    | Kw::Fastcall
                    | Kw::Thiscall
                    | Kw::Ptr32
                    | Kw::Ptr64,
                ) => {}
                Some(Kw::Attribute | Kw::Declspec) => {
                    self.attributes(attrs)?;
                    continue;
                }
                Some(Kw::Asm) => {
                    self.asm_label(asm_name)?;
                    continue;
                }
                _ => return Ok(()),
            }
            self.next()?;
        }
    }

    /// `asm("symbol")`: the strings inside are joined; an empty `asm()`
    /// names nothing.
    fn asm_label(&mut self, asm_name: &mut Option<Vec<u8>>) -> PResult<()> {
        self.next()?;
        self.expect_op(b'(' as u16)?;
        if let Tok::Str(first) = &self.tok {
            let mut s = first.clone();
            self.next()?;
            while let Tok::Str(part) = &self.tok {
                s.extend_from_slice(part);
                self.next()?;
            }
            *asm_name = Some(s);
        }
        self.expect_op(b')' as u16)
    }

    /// Qualifiers and attributes inside a declarator: qualifiers wait in
    /// `pending_qual` for the next pointer.
    fn declarator_attrs(&mut self, d: &mut Declarator) -> PResult<()> {
        let mut qual = d.pending_qual;
        let mut attrs = std::mem::take(&mut d.attrs);
        let mut asm_name = d.asm_name.take();
        let r = self.qualifiers_and_attributes(&mut qual, &mut attrs, &mut asm_name);
        d.pending_qual = qual;
        d.attrs = attrs;
        d.asm_name = asm_name;
        r
    }

    // -- Declarators ----------------------------------------------------------

    /// A declarator after the specifiers `spec`.
    fn declarator(&mut self, kind: DeclKind, spec: &DeclSpec) -> PResult<Declarator> {
        let mut d = Declarator {
            pending_qual: spec.pointer_qual,
            ..Declarator::default()
        };
        self.declarator_into(&mut d, kind)?;
        Ok(d)
    }

    /// Parse a (possibly nested) declarator, appending its type operations
    /// to `d.ops` in application order.
    fn declarator_into(&mut self, d: &mut Declarator, kind: DeclKind) -> PResult<()> {
        self.enter()?;
        self.declarator_body(d, kind)?;
        self.leave();
        if d.ops.len() > MAX_DECL_OPS {
            return self.err("chunk has too many syntax levels");
        }
        Ok(())
    }

    /// One level of a declarator, read as the reference reads it: pointers
    /// and references; then a `(` that starts a parameter list (where a
    /// name is optional and a type or `)` follows the attributes after it)
    /// or a nested declarator, or else the name; array and function
    /// suffixes; and attributes at the end.
    fn declarator_body(&mut self, d: &mut Declarator, kind: DeclKind) -> PResult<()> {
        // Operator lists are as long as the declaration: grown fallibly
        // (crate::mem).
        let mut prefix = crate::mem::FallibleVec::new();
        loop {
            if self.accept_op(b'*' as u16)? {
                self.declarator_attrs(d)?;
                prefix.push(DeclOp::Ptr(std::mem::take(&mut d.pending_qual)));
            } else if self.accept_op(b'&' as u16)? || self.accept_op(OP_ANDAND)? {
                d.pending_qual = 0;
                prefix.push(DeclOp::Ref);
            } else {
                break;
            }
        }
        let mut inner: Option<Declarator> = None;
        let mut suffix = crate::mem::FallibleVec::new();
        if self.accept_op(b'(' as u16)? {
            self.declarator_attrs(d)?;
            if kind != DeclKind::Named && (self.is_op(b')' as u16) || self.starts_decl_spec()) {
                suffix.push(self.function_suffix()?);
            } else {
                let mut sub = Declarator {
                    pending_qual: d.pending_qual,
                    ..Declarator::default()
                };
                self.declarator_into(&mut sub, kind)?;
                d.pending_qual = std::mem::take(&mut sub.pending_qual);
                self.expect_op(b')' as u16)?;
                inner = Some(sub);
            }
        } else if let Some(n) = self.declarator_name() {
            if kind == DeclKind::Abstract {
                // A name where none may be: the reference reports the end
                // it expected.
                return self.err_expected("<eof>");
            }
            d.name = Some(n);
            self.next()?;
        } else if kind == DeclKind::Named {
            return self.err_expected("<identifier>");
        }
        loop {
            if self.accept_op(b'[' as u16)? {
                suffix.push(self.array_suffix()?);
            } else if self.accept_op(b'(' as u16)? {
                suffix.push(self.function_suffix()?);
            } else {
                break;
            }
        }
        if kind == DeclKind::Field && self.accept_op(b':' as u16)? {
            d.bit_width = Some(self.expr_size()?);
        }
        self.declarator_attrs(d)?;
        crate::mem::reserve_vec(&mut d.ops, prefix.len() + suffix.len());
        d.ops.extend(prefix);
        d.ops.extend(suffix.into_iter().rev());
        if let Some(sub) = inner {
            if sub.name.is_some() {
                d.name = sub.name;
            }
            if sub.asm_name.is_some() {
                d.asm_name = sub.asm_name;
            }
            if sub.bit_width.is_some() {
                d.bit_width = sub.bit_width;
            }
            d.attrs = merge_attrs(&d.attrs, &sub.attrs);
            crate::mem::reserve_vec(&mut d.ops, sub.ops.len());
            d.ops.extend(sub.ops);
        }
        Ok(())
    }

    /// The current token as a declarator's name: an identifier that is not
    /// a keyword (typedef names included), or a `$` string parameter.
    fn declarator_name(&self) -> Option<Vec<u8>> {
        match &self.tok {
            Tok::Name(n, param) if *param || keyword(n).is_none() => Some(n.clone()),
            _ => None,
        }
    }

    /// An array suffix after its `[`.
    fn array_suffix(&mut self) -> PResult<DeclOp> {
        let mut qual = 0;
        let mut attrs = Attrs::default();
        let mut asm_name = None;
        self.qualifiers_and_attributes(&mut qual, &mut attrs, &mut asm_name)?;
        if self.accept_op(b']' as u16)? {
            return Ok(DeclOp::Array {
                len: None,
                flex: true,
            });
        }
        if self.accept_op(b'?' as u16)? {
            self.expect_op(b']' as u16)?;
            return Ok(DeclOp::Array {
                len: None,
                flex: false,
            });
        }
        let n = self.expr_size()?;
        self.expect_op(b']' as u16)?;
        Ok(DeclOp::Array {
            len: Some(n),
            flex: false,
        })
    }

    /// A function suffix after its `(`: the parameters, and the body of a
    /// function definition if one follows.
    fn function_suffix(&mut self) -> PResult<DeclOp> {
        let (params, vararg) = self.param_list()?;
        if self.is_op(b'{' as u16) {
            self.skip_function_body()?;
        }
        Ok(DeclOp::Func { params, vararg })
    }

    /// Parameters after `(` up to and including `)`.
    fn param_list(&mut self) -> PResult<(Vec<CField>, bool)> {
        let mut params = FallibleVec::new();
        let mut vararg = false;
        if self.accept_op(b')' as u16)? {
            return Ok((params.into_vec(), false));
        }
        loop {
            if self.accept_op(b'.' as u16)? {
                // `...` is three tokens: `. . .` is a vararg too.
                self.expect_op(b'.' as u16)?;
                self.expect_op(b'.' as u16)?;
                vararg = true;
                break;
            }
            let spec = self.decl_spec(STORAGE_PARAMETER)?;
            let d = self.declarator(DeclKind::Optional, &spec)?;
            let attrs = merge_attrs(&spec.attrs, &d.attrs);
            let mut ty = self.build_type(spec.base, &d.ops, &attrs)?;
            let ct = self.cts.get(ty);
            if ct.kind == CKind::Void && d.name.is_none() && params.is_empty() && d.ops.is_empty() {
                // `(void)`: no parameters.
                if !self.is_op(b')' as u16) {
                    return self.err_expected(")");
                }
                break;
            }
            // Arrays and functions as parameters are pointers.
            match ct.kind {
                CKind::Array if !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR) => {
                    let elem = ct.child;
                    ty = self.cts.ptr_to(elem);
                }
                CKind::Func => ty = self.cts.ptr_to(ty),
                _ => {}
            }
            params.push(CField::new(d.name.as_deref().unwrap_or(b""), ty));
            if !self.accept_op(b',' as u16)? {
                break;
            }
        }
        self.expect_op(b')' as u16)?;
        Ok((params.into_vec(), vararg))
    }

    /// Apply declarator operations to a base type.
    fn build_type(&mut self, base: CTypeId, ops: &[DeclOp], attrs: &Attrs) -> PResult<CTypeId> {
        let mut id = base;
        // Like the reference: vector attributes apply to the base type,
        // and a scalar mode too unless a pointer (which takes the mode as
        // its own size) is being declared.
        let pointer = ops
            .iter()
            .any(|op| matches!(op, DeclOp::Ptr(_) | DeclOp::Ref));
        let mode_size = if pointer { 0 } else { attrs.mode_size };
        if mode_size != 0 || attrs.vector_size_log2 != 0 {
            id = self.apply_mode(id, mode_size, attrs);
        }
        if attrs.align != 0 && ops.is_empty() {
            id = self.with_align(id, attrs.align);
        }
        for op in ops {
            let ct = self.cts.get(id);
            match op {
                DeclOp::Ptr(qual) => {
                    if ct.kind == CKind::Ptr && ct.has(CTF_REF) {
                        return self.err_type();
                    }
                    id = self.cts.ptr_to(id);
                    if *qual != 0 {
                        id = self.cts.qualified(id, *qual);
                    }
                }
                DeclOp::Ref => {
                    if ct.is_ref() {
                        return self.err_type();
                    }
                    id = self.cts.ref_to(id);
                }
                DeclOp::Array { len, flex } => {
                    let (esize, ekind) = (ct.size, ct.kind);
                    if matches!(ekind, CKind::Func | CKind::Void) || esize == CTSIZE_INVALID {
                        return self.err_size();
                    }
                    if ekind == CKind::Ptr && ct.has(CTF_REF) {
                        return self.err_type();
                    }
                    id = match (len, flex) {
                        (Some(n), _) => {
                            if (esize as u64) * (*n as u64) > 0x7fffffff {
                                return self.err_size();
                            }
                            self.cts.array_of(id, Some(*n))
                        }
                        (None, false) => self.cts.array_of(id, None),
                        (None, true) => self.cts.flex_array_of(id),
                    };
                }
                DeclOp::Func { params, vararg } => {
                    if ct.kind == CKind::Func
                        || (ct.kind == CKind::Array && !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR))
                    {
                        return self.err_type();
                    }
                    let mut f = CType::new(CKind::Func, 0, CTSIZE_INVALID, 1, id);
                    if *vararg {
                        f.flags |= CTF_VARARG;
                    }
                    f.fields = params.clone();
                    id = self.cts.add(f);
                }
            }
        }
        if attrs.align != 0 && !ops.is_empty() {
            id = self.with_align(id, attrs.align);
        }
        Ok(id)
    }

    /// A variant of scalar or derived type `id` with at least alignment
    /// `align` (aggregates keep their own alignment).
    /// `id` with an alignment attribute. Like the reference, functions and
    /// references ignore it.
    fn with_align(&mut self, id: CTypeId, align: u32) -> CTypeId {
        let ct = self.cts.get(id);
        if align == ct.align || ct.kind == CKind::Func || ct.is_ref() {
            return id;
        }
        if matches!(ct.kind, CKind::Struct | CKind::Enum) {
            return self.cts.aligned_aggregate(id, align);
        }
        let mut c = ct.clone();
        c.align = align;
        self.cts.intern(c)
    }

    // -- Structs, unions, enums --------------------------------------------

    /// The tag after `struct`/`union`/`enum` (with attributes around it).
    /// The tag after `struct`/`union`/`enum`. Qualifiers and attributes
    /// before it belong to the declaration specifiers (as do those after
    /// a body); none may come between the tag and its body.
    fn tag_name(
        &mut self,
        qual: &mut u32,
        attrs: &mut Attrs,
        asm_name: &mut Option<Vec<u8>>,
    ) -> PResult<Option<Vec<u8>>> {
        self.qualifiers_and_attributes(qual, attrs, asm_name)?;
        let name = self.declarator_name();
        if name.is_some() {
            self.next()?;
        }
        Ok(name)
    }

    /// Look up or create the struct/union/enum type of a tag.
    fn tag_type(
        &mut self,
        name: &[u8],
        kind: CKind,
        union: bool,
        defining: bool,
    ) -> PResult<CTypeId> {
        if let Some(&id) = self.cts.tags.get(name) {
            let ct = self.cts.get(id);
            if ct.kind != kind || (kind == CKind::Struct && ct.has(CTF_UNION) != union) {
                return self.err_redefine(name);
            }
            if defining && ct.has(CTF_COMPLETE) {
                return self.err_redefine(name);
            }
            return Ok(id);
        }
        if self.mode == Mode::Abstract {
            return self.err(&format!(
                "undeclared or implicit tag '{}'",
                String::from_utf8_lossy(name)
            ));
        }
        let id = self.new_tagged(kind, union, name);
        crate::mem::reserve_entry(&mut self.cts.tags);
        self.cts.tags.insert(crate::mem::vec_from_slice(name), id);
        self.undo.tags.push(crate::mem::vec_from_slice(name));
        Ok(id)
    }

    fn new_tagged(&mut self, kind: CKind, union: bool, name: &[u8]) -> CTypeId {
        let mut ct = if kind == CKind::Enum {
            CType::new(CKind::Enum, 0, CTSIZE_INVALID, 1, CTID_INT32)
        } else {
            CType::new(
                CKind::Struct,
                if union { CTF_UNION } else { 0 },
                CTSIZE_INVALID,
                1,
                0,
            )
        };
        ct.name = name.to_vec();
        self.cts.add(ct)
    }

    /// A struct or union specifier. `qual`, `attrs` and `asm_name` are
    /// those of the declaration specifiers it is part of: like the
    /// reference, the struct is laid out with all the attributes given
    /// there so far (`__attribute__((packed)) struct { ... }` is packed).
    fn struct_spec(
        &mut self,
        union: bool,
        qual: &mut u32,
        attrs: &mut Attrs,
        asm_name: &mut Option<Vec<u8>>,
    ) -> PResult<CTypeId> {
        self.next()?;
        let name = self.tag_name(qual, attrs, asm_name)?;
        let has_body = self.is_op(b'{' as u16);
        let id = match &name {
            Some(n) => self.tag_type(n, CKind::Struct, union, has_body)?,
            None => {
                if !has_body {
                    return self.err_expected("<identifier>");
                }
                self.new_tagged(CKind::Struct, union, b"")
            }
        };
        if !has_body {
            return Ok(id);
        }
        self.next()?;
        self.struct_depth += 1;
        if self.struct_depth > MAX_STRUCT_DEPTH {
            return self.err("chunk has too many syntax levels");
        }
        let members = self.struct_members(id)?;
        self.struct_depth -= 1;
        self.qualifiers_and_attributes(qual, attrs, asm_name)?;
        self.layout(id, members, attrs)?;
        Ok(id)
    }

    /// Member declarations after `{`, up to and including `}`.
    fn struct_members(&mut self, id: CTypeId) -> PResult<Vec<Member>> {
        let mut members: FallibleVec<Member> = FallibleVec::new();
        let mut var_last = false;
        loop {
            if self.accept_op(b'}' as u16)? {
                break;
            }
            if self.accept_op(b';' as u16)? {
                continue;
            }
            if self.tok == Tok::Eof {
                return self.err_expected("}");
            }
            let spec = self.decl_spec(STORAGE_MEMBER)?;
            if spec.storage == Storage::Static {
                // C++-style `static const int X = 1;` members: constants of
                // the struct, not stored in it.
                loop {
                    if var_last {
                        return self.err_expected("}");
                    }
                    let d = self.declarator(DeclKind::Named, &spec)?;
                    let attrs = merge_attrs(&spec.attrs, &d.attrs);
                    let ty = self.build_type(spec.base, &d.ops, &attrs)?;
                    let ct = self.cts.get(ty);
                    if !(ct.is_integer() && ct.has(CTF_CONST) && ct.size <= 4) {
                        return self.err_type();
                    }
                    let (size, unsigned) = (ct.size, ct.has(CTF_UNSIGNED));
                    self.expect_op(b'=' as u16)?;
                    let v = self.expr_cond()?;
                    let mut f = CField::new(d.name.as_deref().unwrap_or(b""), ty);
                    f.value = convert_int(v.bits as i32 as i64, size, unsigned);
                    self.add_member_const(id, f);
                    if !self.accept_op(b',' as u16)? {
                        break;
                    }
                }
                self.expect_op(b';' as u16)?;
                continue;
            }
            loop {
                if var_last {
                    // Nothing may follow a flexible array member.
                    return self.err_expected("}");
                }
                let d = self.declarator(DeclKind::Field, &spec)?;
                let attrs = merge_attrs(&spec.attrs, &d.attrs);
                let ty = self.build_type(
                    spec.base,
                    &d.ops,
                    &Attrs {
                        align: 0,
                        ..attrs.clone()
                    },
                )?;
                let mut bits = None;
                if let Some(w) = d.bit_width {
                    let ct = self.cts.get(ty);
                    let ok_type = ct.kind == CKind::Num && !ct.is_fp() && ct.size <= 4;
                    // Only sized for a bit-field type (void's size is
                    // CTSIZE_INVALID, which would overflow the product).
                    let max_bits = if ct.has(CTF_BOOL) {
                        1
                    } else {
                        ct.size.saturating_mul(8)
                    };
                    if !ok_type || w > max_bits || (w == 0 && d.name.is_some()) {
                        // Report at the ':' like the reference.
                        self.tok_text = ":".into();
                        return self.err_near("invalid value");
                    }
                    bits = Some(w);
                } else if d.name.is_none() {
                    // An unnamed struct, union or enum member: the members
                    // of a struct or union are reached as if they were the
                    // outer struct's, an enum's constants through instances
                    // of the struct.
                    let ct = self.cts.get(ty);
                    if ct.kind == CKind::Enum {
                        for f in ct.fields.clone() {
                            self.add_member_const(id, f);
                        }
                    } else if ct.kind == CKind::Struct && !ct.has(CTF_VLS) {
                        members.push(Member {
                            name: Vec::new(),
                            ctype: ty,
                            bits: None,
                            attrs,
                        });
                    } else {
                        return self.err_expected("<identifier>");
                    }
                    if !self.accept_op(b',' as u16)? {
                        break;
                    }
                    continue;
                }
                let ct = self.cts.get(ty);
                if bits.is_none() {
                    // (Members without a size are reported when the struct
                    // is laid out, after its syntax, as in the reference.)
                    if ct.kind == CKind::Array && ct.size == CTSIZE_INVALID {
                        var_last = true;
                    }
                }
                members.push(Member {
                    name: d.name.unwrap_or_default(),
                    ctype: ty,
                    bits,
                    attrs,
                });
                if !self.accept_op(b',' as u16)? {
                    break;
                }
            }
            self.expect_op(b';' as u16)?;
        }
        Ok(members.into_vec())
    }

    /// Lay out the members of a struct/union and complete its type.
    fn layout(&mut self, id: CTypeId, members: Vec<Member>, attrs: &Attrs) -> PResult<()> {
        let union = self.cts.get(id).has(CTF_UNION);
        let struct_packed = attrs.packed;
        let pack = self.pack;
        let mut fields = FallibleVec::with_capacity(members.len());
        let mut bitpos: u64 = 0; // current end, in bits
        let mut size_bits: u64 = 0; // union: largest member
        let mut max_align: u32 = 1;
        let mut flags = 0;
        for m in members {
            let ct = self.cts.get(m.ctype);
            let (tsize, talign) = (ct.size, ct.align);
            let natural = if m.attrs.align > talign {
                m.attrs.align
            } else {
                talign
            };
            let mut align = natural;
            if struct_packed || m.attrs.packed {
                align = if m.attrs.align != 0 { m.attrs.align } else { 1 };
            }
            if pack != 0 && align > pack {
                align = pack;
            }
            if m.bits.is_none()
                && (ct.kind == CKind::Func
                    || (tsize == CTSIZE_INVALID && (union || ct.kind != CKind::Array)))
            {
                // No members without a size, but for a variable or
                // flexible array last in a struct.
                return self.err_size();
            }
            let start = if union { 0 } else { bitpos };
            let mut f = CField::new(&m.name, m.ctype);
            if let Some(w) = m.bits {
                let cbits = tsize as u64 * 8;
                let mut pos = start;
                if w == 0 {
                    // Zero width: align the next member to the type.
                    pos = round_up(pos, align as u64 * 8);
                    max_align = max_align.max(align);
                    if !union {
                        bitpos = pos;
                    }
                    continue;
                }
                if m.attrs.align != 0 {
                    // An explicit alignment starts a new unit.
                    pos = round_up(pos, align as u64 * 8);
                }
                // Packed bit fields may straddle units; others move to the
                // next unit of their type rather than straddle one.
                let packed_bits = struct_packed || m.attrs.packed || align < talign;
                if !packed_bits && (pos % cbits) + w as u64 > cbits {
                    pos = round_up(pos, align as u64 * 8);
                }
                let container = pos / cbits * tsize as u64;
                f.offset = container as u32;
                if pos % cbits != 0 || w as u64 != cbits {
                    // (A bit field filling its whole container is an
                    // ordinary member.)
                    f.bitpos = (pos - container * 8) as u8;
                    f.bitsize = w as u8;
                }
                max_align = max_align.max(align);
                let end = pos + w as u64;
                if union {
                    size_bits = size_bits.max(round_up(end, 8));
                } else {
                    bitpos = end;
                }
                if !m.name.is_empty() {
                    fields.push(f);
                }
                continue;
            }
            let off = round_up(round_up(start, 8) / 8, align as u64);
            f.offset = off as u32;
            max_align = max_align.max(align);
            let msize = if tsize == CTSIZE_INVALID {
                0
            } else {
                tsize as u64
            };
            if tsize == CTSIZE_INVALID && ct.kind == CKind::Array && ct.has(CTF_VLA) {
                flags |= CTF_VLS;
            }
            if ct.kind == CKind::Struct && ct.has(CTF_VLS) {
                flags |= CTF_VLS;
            }
            let end = (off + msize) * 8;
            if union {
                size_bits = size_bits.max(end);
            } else {
                bitpos = end;
            }
            if off + msize > 0x7fffffff {
                return self.err_size();
            }
            fields.push(f);
        }
        if attrs.align > max_align {
            max_align = attrs.align;
        }
        let total_bits = if union { size_bits } else { bitpos };
        let size = round_up(round_up(total_bits, 8) / 8, max_align as u64);
        if size > 0x7fffffff {
            return self.err_size();
        }
        let old = self.cts.get(id).clone();
        self.undo.modified.push((id, old));
        let ct = self.cts.get_mut(id);
        ct.fields = fields.into_vec();
        ct.size = if flags & CTF_VLS != 0 {
            CTSIZE_INVALID
        } else {
            size as u32
        };
        ct.align = max_align;
        ct.flags |= CTF_COMPLETE | flags;
        self.refresh_copies(id);
        Ok(())
    }

    /// Qualified copies of a struct/enum share its definition: update them
    /// after the original was completed.
    fn refresh_copies(&mut self, id: CTypeId) {
        for (copy, attribute_align) in self.cts.copies_of(id) {
            let old = self.cts.get(copy).clone();
            self.undo.modified.push((copy, old.clone()));
            let orig = self.cts.get(id).clone();
            let c = self.cts.get_mut(copy);
            c.size = orig.size;
            c.align = if attribute_align != 0 {
                attribute_align
            } else {
                orig.align
            };
            c.fields = orig.fields;
            c.flags = orig.flags | (old.flags & CTF_QUAL);
        }
    }

    fn enum_spec(
        &mut self,
        qual: &mut u32,
        attrs: &mut Attrs,
        asm_name: &mut Option<Vec<u8>>,
    ) -> PResult<CTypeId> {
        self.next()?;
        let name = self.tag_name(qual, attrs, asm_name)?;
        let has_body = self.is_op(b'{' as u16);
        let id = match &name {
            Some(n) => self.tag_type(n, CKind::Enum, false, has_body)?,
            None => {
                if !has_body {
                    return self.err_expected("<identifier>");
                }
                self.new_tagged(CKind::Enum, false, b"")
            }
        };
        if !has_body {
            return Ok(id);
        }
        self.next()?;
        let mut fields = FallibleVec::new();
        // The next constant's value; it becomes unsigned from 2^31 on.
        let mut next = CVal::int(0);
        // As in the reference, the enum is unsigned unless a constant is
        // explicitly given a negative value that is not of type unsigned.
        let mut unsigned = true;
        loop {
            let Some(cname) = self.declarator_name() else {
                return self.err_expected("<identifier>");
            };
            if self.cts.decls.contains_key(&cname) {
                return self.err_redefine(&cname);
            }
            self.next()?;
            if self.accept_op(b'=' as u16)? {
                let v = self.expr_int()?;
                let negative = (v.bits as i32) < 0;
                next = if v.ty == CTID_UINT32 && negative {
                    v
                } else {
                    if negative {
                        unsigned = false;
                    }
                    CVal::int(v.bits as i32)
                };
            }
            let value = if next.ty == CTID_UINT32 {
                next.bits as i64
            } else {
                next.bits as i32 as i64
            };
            let mut f = CField::new(&cname, CTID_INT32);
            f.value = value;
            fields.push(f);
            self.add_decl(
                cname,
                CDecl::Constant {
                    ctype: next.ty,
                    value,
                },
            );
            next.bits = next.bits.wrapping_add(1);
            if next.bits == 0x8000_0000 {
                next.ty = CTID_UINT32;
            }
            if !self.accept_op(b',' as u16)? || self.is_op(b'}' as u16) {
                break;
            }
        }
        self.expect_op(b'}' as u16)?;
        let base = if unsigned { CTID_UINT32 } else { CTID_INT32 };
        for f in fields.iter_mut() {
            f.ctype = base;
        }
        let old = self.cts.get(id).clone();
        self.undo.modified.push((id, old));
        let ct = self.cts.get_mut(id);
        ct.fields = fields.into_vec();
        ct.size = 4;
        ct.align = 4;
        ct.child = base;
        ct.flags |= CTF_COMPLETE;
        self.refresh_copies(id);
        Ok(id)
    }

    // -- Constant expressions ----------------------------------------------
    //
    // Values are computed as the reference computes them: 32 bits and a C
    // type. Arithmetic gives the operand type with the larger type id
    // (`(short)1 << 1` stays a short, `(char)1 + 1` is an int), casts only
    // change the type (no truncation), and only values of type exactly
    // `int` are signed in divisions, right shifts and comparisons. A string
    // literal's value is its size.

    /// An integer constant expression.
    fn expr_int(&mut self) -> PResult<CVal> {
        let v = self.expr_cond()?;
        if !self.cts.get(v.ty).is_integer() {
            return self.err("invalid value");
        }
        Ok(v)
    }

    /// A size (array length, bit width, attribute argument): an integer
    /// constant expression below 2^31.
    fn expr_size(&mut self) -> PResult<u32> {
        let v = self.expr_int()?;
        if v.bits > MAX_SIZE as u32 {
            return self.err_size();
        }
        Ok(v.bits)
    }

    /// Expressions separated by commas: the last one's value.
    fn expr_comma(&mut self) -> PResult<CVal> {
        loop {
            let v = self.expr_cond()?;
            if !self.accept_op(b',' as u16)? {
                return Ok(v);
            }
        }
    }

    /// `c ? a : b`, right-associative. A chain of conditions in the `:`
    /// operands is read in a loop (the reference has no limit there); the
    /// middle operands nest, up to `MAX_COND_NESTING`.
    fn expr_cond(&mut self) -> PResult<CVal> {
        let mut chain: FallibleVec<(CVal, CVal)> = FallibleVec::new();
        let mut last = loop {
            let c = self.expr_binary(1)?;
            if !self.accept_op(b'?' as u16)? {
                break c;
            }
            self.cond_nesting += 1;
            if self.cond_nesting > MAX_COND_NESTING {
                return self.err("chunk has too many syntax levels");
            }
            let middle = self.expr_comma();
            self.cond_nesting -= 1;
            let middle = middle?;
            self.expect_op(b':' as u16)?;
            chain.push((c, middle));
        };
        while let Some((c, middle)) = chain.pop() {
            last = CVal {
                bits: if c.bits != 0 { middle.bits } else { last.bits },
                ty: middle.ty.max(last.ty),
            };
        }
        Ok(last)
    }

    /// Binary operators of precedence `min` and above (precedence
    /// climbing; `*`, `/` and `%` take a unary right operand).
    fn expr_binary(&mut self, min: u8) -> PResult<CVal> {
        let mut lhs = self.expr_unary()?;
        while let Tok::Op(op) = self.tok {
            let Some(prec) = binary_prec(op) else { break };
            if prec < min {
                break;
            }
            self.next()?;
            let rhs = if prec == PREC_MULTIPLICATIVE {
                self.expr_unary()?
            } else {
                self.expr_binary(prec + 1)?
            };
            lhs = self.binary(op, lhs, rhs)?;
        }
        Ok(lhs)
    }

    fn binary(&self, op: u16, a: CVal, b: CVal) -> PResult<CVal> {
        let (x, y) = (a.bits, b.bits);
        let wider = a.ty.max(b.ty);
        let both_int = a.ty == CTID_INT32 && b.ty == CTID_INT32;
        let truth = |r: bool| CVal::int(r as i32);
        let arith = |bits: u32| CVal { bits, ty: wider };
        let ordered = |signed_cmp: fn(&i32, &i32) -> bool, unsigned_cmp: fn(&u32, &u32) -> bool| {
            truth(if both_int {
                signed_cmp(&(x as i32), &(y as i32))
            } else {
                unsigned_cmp(&x, &y)
            })
        };
        Ok(match op {
            OP_OROR => truth(x != 0 || y != 0),
            OP_ANDAND => truth(x != 0 && y != 0),
            OP_EQ => truth(x == y),
            OP_NE => truth(x != y),
            OP_LE => ordered(i32::le, u32::le),
            OP_GE => ordered(i32::ge, u32::ge),
            _ if op == b'<' as u16 => ordered(i32::lt, u32::lt),
            _ if op == b'>' as u16 => ordered(i32::gt, u32::gt),
            _ if op == b'|' as u16 => arith(x | y),
            _ if op == b'^' as u16 => arith(x ^ y),
            _ if op == b'&' as u16 => arith(x & y),
            // Shifts keep the left operand's type.
            OP_SHL => CVal {
                bits: x.wrapping_shl(y),
                ty: a.ty,
            },
            OP_SHR => CVal {
                bits: if a.ty == CTID_INT32 {
                    (x as i32).wrapping_shr(y) as u32
                } else {
                    x.wrapping_shr(y)
                },
                ty: a.ty,
            },
            _ if op == b'+' as u16 => arith(x.wrapping_add(y)),
            _ if op == b'-' as u16 => arith(x.wrapping_sub(y)),
            _ if op == b'*' as u16 => arith(x.wrapping_mul(y)),
            _ => {
                // '/' and '%': no division by zero, nor the one signed
                // division that overflows.
                let signed = wider == CTID_INT32;
                if y == 0 || (signed && x == i32::MIN as u32 && y == u32::MAX) {
                    return self.err("invalid value");
                }
                let div = op == b'/' as u16;
                arith(match (signed, div) {
                    (true, true) => ((x as i32) / (y as i32)) as u32,
                    (true, false) => ((x as i32) % (y as i32)) as u32,
                    (false, true) => x / y,
                    (false, false) => x % y,
                })
            }
        })
    }

    /// A unary expression with its postfix operators. Each level counts
    /// towards the nesting limit, as in the reference.
    fn expr_unary(&mut self) -> PResult<CVal> {
        self.enter()?;
        let v = self.expr_prefix()?;
        let v = self.postfix(v)?;
        self.leave();
        Ok(v)
    }

    fn expr_prefix(&mut self) -> PResult<CVal> {
        // A single-character operator token, if the current token is one.
        let single = match self.tok {
            Tok::Op(op) => u8::try_from(op).ok(),
            _ => None,
        };
        match single {
            Some(op @ (b'+' | b'-' | b'~' | b'!')) => {
                self.next()?;
                let v = self.expr_unary()?;
                return Ok(match op {
                    b'+' => v,
                    b'-' => CVal {
                        bits: v.bits.wrapping_neg(),
                        ..v
                    },
                    b'~' => CVal { bits: !v.bits, ..v },
                    _ => CVal::int((v.bits == 0) as i32),
                });
            }
            Some(b'(') => {
                self.next()?;
                if self.starts_decl_spec() {
                    // A cast: only the type changes.
                    let ty = self.type_name()?;
                    self.expect_op(b')' as u16)?;
                    let v = self.expr_unary()?;
                    return Ok(CVal { ty, ..v });
                }
                let v = self.expr_comma()?;
                self.expect_op(b')' as u16)?;
                return Ok(v);
            }
            Some(b'*') => {
                self.next()?;
                let v = self.expr_unary()?;
                let elem = self.element_type(v.ty, v.ty)?;
                return Ok(CVal { bits: 0, ty: elem });
            }
            Some(b'&') => {
                // The address of anything: a pointer to its type.
                self.next()?;
                let v = self.expr_unary()?;
                let ty = self.cts.ptr_to(v.ty);
                return Ok(CVal { ty, ..v });
            }
            _ => {}
        }
        if let Some(k @ (Kw::Sizeof | Kw::Alignof)) = self.keyword() {
            self.next()?;
            let v = if self.accept_op(b'(' as u16)? {
                let v = if self.starts_decl_spec() {
                    CVal {
                        bits: 0,
                        ty: self.type_name()?,
                    }
                } else {
                    self.expr_comma()?
                };
                self.expect_op(b')' as u16)?;
                v
            } else {
                self.expr_unary()?
            };
            let ct = self.cts.get(v.ty);
            let bits = if k == Kw::Alignof {
                ct.align
            } else if ct.size != CTSIZE_INVALID {
                ct.size
            } else if v.ty == CTID_A_CCHAR {
                // A string literal: its value is its size.
                v.bits
            } else {
                return self.err_size();
            };
            return Ok(CVal::uint(bits));
        }
        self.primary()
    }

    /// The element type of a pointer or array `ty` (through references);
    /// if `ty` is none, that of `other` (`1["ab"]` indexes too).
    fn element_type(&self, ty: CTypeId, other: CTypeId) -> PResult<CTypeId> {
        for id in [ty, other] {
            let id = self.cts.deref_refs(id);
            let ct = self.cts.get(id);
            if matches!(ct.kind, CKind::Ptr | CKind::Array) {
                return Ok(ct.child);
            }
            if id == self.cts.deref_refs(other) {
                return self.err(&format!("'{}' cannot be indexed", self.cts.repr(id)));
            }
        }
        unreachable!("the loop returns for `other`")
    }

    fn primary(&mut self) -> PResult<CVal> {
        match self.tok.clone() {
            Tok::Int(v, unsigned) => {
                self.next()?;
                Ok(if unsigned {
                    CVal::uint(v)
                } else {
                    CVal::int(v as i32)
                })
            }
            Tok::Str(first) => {
                // Adjacent string literals concatenate.
                let mut len = first.len();
                self.next()?;
                while let Tok::Str(more) = &self.tok {
                    len += more.len();
                    self.next()?;
                }
                Ok(CVal {
                    bits: (len as u32).wrapping_add(1),
                    ty: CTID_A_CCHAR,
                })
            }
            Tok::Name(n, false) if keyword(&n).is_none() => {
                let v = match self.cts.decls.get(&n) {
                    Some(CDecl::Constant { ctype, value }) => CVal {
                        bits: *value as u32,
                        ty: *ctype,
                    },
                    // An object or function: the reference's value is an
                    // internal id; only its type is of use (`sizeof`,
                    // `.`, `->`).
                    Some(CDecl::Extern { ctype, .. }) => CVal {
                        bits: *ctype,
                        ty: *ctype,
                    },
                    _ => return self.err_near("unexpected symbol"),
                };
                self.next()?;
                Ok(v)
            }
            _ => self.err_near("unexpected symbol"),
        }
    }

    /// Indexing, and member constants through `.` and `->`.
    fn postfix(&mut self, mut v: CVal) -> PResult<CVal> {
        loop {
            if self.accept_op(b'[' as u16)? {
                let index = self.expr_comma()?;
                let elem = self.element_type(v.ty, index.ty)?;
                self.expect_op(b']' as u16)?;
                v = CVal { bits: 0, ty: elem };
                continue;
            }
            let arrow = if self.is_op(b'.' as u16) {
                false
            } else if self.is_op(OP_ARROW) {
                true
            } else {
                return Ok(v);
            };
            let mut sid = self.cts.deref_refs(v.ty);
            if arrow {
                let ct = self.cts.get(sid);
                if !matches!(ct.kind, CKind::Ptr | CKind::Array) {
                    return self.err(&format!("'{}' cannot be indexed", self.cts.repr(sid)));
                }
                sid = self.cts.deref_refs(ct.child);
            }
            self.next()?;
            let Some(name) = self.name().map(|n| n.to_vec()) else {
                return self.err_expected("<identifier>");
            };
            let ct = self.cts.get(sid);
            let is_struct = ct.kind == CKind::Struct && ct.size != CTSIZE_INVALID;
            let member = if !is_struct {
                None
            } else if let Some(f) = self.cts.find_member_const(sid, &name) {
                Some(CVal {
                    bits: f.value as u32,
                    ty: f.ctype,
                })
            } else {
                match self.cts.find_field(sid, &name) {
                    Some((f, _)) if f.bitsize == 0 => Some(CVal {
                        bits: 0,
                        ty: f.ctype,
                    }),
                    _ => None,
                }
            };
            let Some(member) = member else {
                return self.err(&format!(
                    "'{}' has no member named '{}'",
                    self.cts.repr(sid),
                    String::from_utf8_lossy(&name)
                ));
            };
            v = member;
            self.next()?;
        }
    }

    /// A type name inside an expression (`sizeof(int *)`, casts).
    fn type_name(&mut self) -> PResult<CTypeId> {
        let spec = self.decl_spec(0)?;
        let d = self.declarator(DeclKind::Abstract, &spec)?;
        self.build_type(spec.base, &d.ops, &merge_attrs(&spec.attrs, &d.attrs))
    }
}

#[derive(Clone, Copy, PartialEq)]
enum DeclKind {
    /// No name allowed (type names).
    Abstract,
    /// A name is required (declarations).
    Named,
    /// A name is optional (parameters).
    Optional,
    /// A struct member: a name is optional and a bit width may follow.
    Field,
}

fn merge_attrs(a: &Attrs, b: &Attrs) -> Attrs {
    Attrs {
        align: if b.align != 0 { b.align } else { a.align },
        packed: a.packed || b.packed,
        mode_size: if b.mode_size != 0 {
            b.mode_size
        } else {
            a.mode_size
        },
        vector_size_log2: if b.vector_size_log2 != 0 {
            b.vector_size_log2
        } else {
            a.vector_size_log2
        },
    }
}

/// The reference keeps alignments and vector sizes as log2 in 4 bits:
/// larger values wrap (`aligned(65536)` is `aligned(1)`).
const ATTR_LOG2_MASK: u32 = 15;

/// The position of the highest set bit (0 for 0 and 1).
fn floor_log2(v: u32) -> u32 {
    31 - v.max(1).leading_zeros()
}

fn round_up(v: u64, a: u64) -> u64 {
    if a <= 1 {
        v
    } else {
        v.div_ceil(a) * a
    }
}

/// Truncate or sign-extend an integer to a C integer type.
fn convert_int(v: i64, size: u32, unsigned: bool) -> i64 {
    let bits = size.min(8) * 8;
    if bits >= 64 {
        return v;
    }
    let mask = (1u64 << bits) - 1;
    let u = (v as u64) & mask;
    if unsigned {
        u as i64
    } else {
        let sign = 1u64 << (bits - 1);
        ((u ^ sign).wrapping_sub(sign)) as i64
    }
}

/// Parse a C integer literal (decimal, hex, octal; `u` suffix): its 32-bit
/// value and whether it is unsigned. `None` for malformed numbers and
/// values beyond 32 bits.
fn parse_int_literal(s: &[u8]) -> Option<(u32, bool)> {
    let mut end = s.len();
    let mut unsigned = false;
    if end > 1 && (s[end - 1] == b'u' || s[end - 1] == b'U') {
        unsigned = true;
        end -= 1;
    }
    let body = &s[..end];
    let (digits, radix) = if body.len() > 2 && (body.starts_with(b"0x") || body.starts_with(b"0X"))
    {
        (&body[2..], 16)
    } else if body.len() > 1 && body[0] == b'0' {
        (&body[1..], 8)
    } else {
        (body, 10)
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix)? as u64;
        v = v * radix as u64 + d;
        if v > u32::MAX as u64 {
            return None;
        }
    }
    if v > 0x7fffffff {
        unsigned = true;
    }
    Some((v as u32, unsigned))
}

fn strip_underscores(n: &[u8]) -> &[u8] {
    if n.len() > 4 && n.starts_with(b"__") && n.ends_with(b"__") {
        &n[2..n.len() - 2]
    } else {
        n
    }
}

/// The precedence of `*`, `/` and `%`, whose right operand is a unary
/// expression.
const PREC_MULTIPLICATIVE: u8 = 10;

fn binary_prec(op: u16) -> Option<u8> {
    Some(match op {
        OP_OROR => 1,
        OP_ANDAND => 2,
        _ if op == b'|' as u16 => 3,
        _ if op == b'^' as u16 => 4,
        _ if op == b'&' as u16 => 5,
        OP_EQ | OP_NE => 6,
        OP_LE | OP_GE => 7,
        _ if op == b'<' as u16 || op == b'>' as u16 => 7,
        OP_SHL | OP_SHR => 8,
        _ if op == b'+' as u16 || op == b'-' as u16 => 9,
        _ if op == b'*' as u16 || op == b'/' as u16 || op == b'%' as u16 => PREC_MULTIPLICATIVE,
        _ => return None,
    })
}

fn op_text(c: u16) -> String {
    match c {
        OP_EQ => "==".into(),
        OP_NE => "!=".into(),
        OP_LE => "<=".into(),
        OP_GE => ">=".into(),
        OP_ANDAND => "&&".into(),
        OP_OROR => "||".into(),
        OP_SHL => "<<".into(),
        OP_SHR => ">>".into(),
        OP_ARROW => "->".into(),
        _ => (c as u8 as char).to_string(),
    }
}

// ---------------------------------------------------------------------------
// Keywords.

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kw {
    Typedef,
    Extern,
    Static,
    Auto,
    Register,
    Inline,
    Extension,
    Const,
    Volatile,
    Restrict,
    Void,
    /// `_Bool`: takes its size from another keyword (`_Bool int` is 4 bytes).
    Bool,
    /// `bool`: one byte unless said otherwise.
    BoolSized,
    Char,
    Int,
    Float,
    Double,
    Int8,
    Int16,
    Int32,
    Int64,
    Long,
    Short,
    Signed,
    Unsigned,
    Complex,
    Struct,
    Union,
    Enum,
    Attribute,
    Declspec,
    Asm,
    Cdecl,
    Stdcall,
    Fastcall,
    Thiscall,
    Ptr32,
    Ptr64,
    Sizeof,
    Alignof,
}

impl Kw {
    fn is_decl_spec(self) -> bool {
        !matches!(self, Kw::Sizeof | Kw::Alignof)
    }
}

fn keyword(n: &[u8]) -> Option<Kw> {
    Some(match n {
        b"typedef" => Kw::Typedef,
        b"extern" => Kw::Extern,
        b"static" => Kw::Static,
        b"auto" => Kw::Auto,
        b"register" => Kw::Register,
        b"inline" | b"__inline" | b"__inline__" => Kw::Inline,
        b"__extension__" => Kw::Extension,
        b"const" | b"__const" | b"__const__" => Kw::Const,
        b"volatile" | b"__volatile" | b"__volatile__" => Kw::Volatile,
        b"restrict" | b"__restrict" | b"__restrict__" => Kw::Restrict,
        b"void" => Kw::Void,
        b"_Bool" => Kw::Bool,
        b"bool" => Kw::BoolSized,
        b"char" => Kw::Char,
        b"int" => Kw::Int,
        b"float" => Kw::Float,
        b"double" => Kw::Double,
        b"__int8" => Kw::Int8,
        b"__int16" => Kw::Int16,
        b"__int32" => Kw::Int32,
        b"__int64" => Kw::Int64,
        b"long" => Kw::Long,
        b"short" => Kw::Short,
        b"signed" | b"__signed" | b"__signed__" => Kw::Signed,
        b"unsigned" => Kw::Unsigned,
        b"complex" | b"_Complex" | b"__complex" | b"__complex__" => Kw::Complex,
        b"struct" => Kw::Struct,
        b"union" => Kw::Union,
        b"enum" => Kw::Enum,
        b"__attribute__" | b"__attribute" => Kw::Attribute,
        b"__declspec" => Kw::Declspec,
        b"asm" | b"__asm" | b"__asm__" => Kw::Asm,
        b"__cdecl" => Kw::Cdecl,
        b"__stdcall" => Kw::Stdcall,
        b"__fastcall" => Kw::Fastcall,
        b"__thiscall" => Kw::Thiscall,
        b"__ptr32" => Kw::Ptr32,
        b"__ptr64" => Kw::Ptr64,
        b"sizeof" => Kw::Sizeof,
        b"__alignof__" | b"__alignof" => Kw::Alignof,
        _ => return None,
    })
}

// The simple declaration specifier keywords, collected as a set.
const SPEC_VOID: u32 = 1 << 0;
const SPEC_BOOL: u32 = 1 << 1;
const SPEC_CHAR: u32 = 1 << 2;
const SPEC_INT: u32 = 1 << 3;
const SPEC_FLOAT: u32 = 1 << 4;
const SPEC_LONG: u32 = 1 << 5;
const SPEC_LONG_LONG: u32 = 1 << 6;
const SPEC_SHORT: u32 = 1 << 7;
const SPEC_COMPLEX: u32 = 1 << 8;
const SPEC_SIGNED: u32 = 1 << 9;
const SPEC_UNSIGNED: u32 = 1 << 10;
const SPEC_INLINE: u32 = 1 << 11;
const SPEC_TYPEDEF: u32 = 1 << 12;
const SPEC_EXTERN: u32 = 1 << 13;
const SPEC_STATIC: u32 = 1 << 14;
const SPEC_AUTO: u32 = 1 << 15;
const SPEC_REGISTER: u32 = 1 << 16;
const SPEC_STORAGE: u32 = SPEC_TYPEDEF | SPEC_EXTERN | SPEC_STATIC | SPEC_AUTO | SPEC_REGISTER;
/// The storage classes `ffi.cdef` declarations may have.
const STORAGE_DECLARATION: u32 = SPEC_TYPEDEF | SPEC_EXTERN | SPEC_STATIC;
/// The storage classes of struct members (C++-style constants).
const STORAGE_MEMBER: u32 = SPEC_STATIC;
/// The storage classes of function parameters.
const STORAGE_PARAMETER: u32 = SPEC_REGISTER;
/// `void` implies a size for the "second sized keyword" rule, but none
/// that is ever used.
const SIZE_OF_VOID_KEYWORD: u32 = u32::MAX;
/// Largest alignment of a scalar type.
const MAX_ALIGN: u32 = 16;

/// A simple declaration specifier keyword: its `SPEC_*` bit and the size
/// in bytes it implies (0 for none).
fn spec_word(kw: Kw) -> Option<(u32, u32)> {
    Some(match kw {
        Kw::Void => (SPEC_VOID, SIZE_OF_VOID_KEYWORD),
        Kw::Bool => (SPEC_BOOL, 0),
        Kw::BoolSized => (SPEC_BOOL, 1),
        Kw::Char => (SPEC_CHAR, 1),
        Kw::Int => (SPEC_INT, 4),
        Kw::Int8 => (SPEC_INT, 1),
        Kw::Int16 => (SPEC_INT, 2),
        Kw::Int32 => (SPEC_INT, 4),
        Kw::Int64 => (SPEC_INT, 8),
        Kw::Float => (SPEC_FLOAT, 4),
        Kw::Double => (SPEC_FLOAT, 8),
        Kw::Long => (SPEC_LONG, 0),
        Kw::Short => (SPEC_SHORT, 0),
        Kw::Complex => (SPEC_COMPLEX, 0),
        Kw::Signed => (SPEC_SIGNED, 0),
        Kw::Unsigned => (SPEC_UNSIGNED, 0),
        Kw::Inline => (SPEC_INLINE, 0),
        Kw::Typedef => (SPEC_TYPEDEF, 0),
        Kw::Extern => (SPEC_EXTERN, 0),
        Kw::Static => (SPEC_STATIC, 0),
        Kw::Auto => (SPEC_AUTO, 0),
        Kw::Register => (SPEC_REGISTER, 0),
        _ => return None,
    })
}

#[cfg(test)]
#[path = "cparse_tests.rs"]
mod tests;
