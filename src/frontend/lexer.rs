//! Lexer: turns Lua source bytes into tokens, following LuaJIT's rules
//! (long brackets of any level, `\x` `\z` `\u{...}` escapes, hex floats,
//! binary literals, identifiers may contain bytes >= 0x80).
//!
//! Tokens are `i32` codes: single-character tokens are their byte value,
//! everything else is one of the `TK_*` constants below.

use crate::mem::FallibleVec;
use std::collections::HashMap;

use crate::chunkname::short_src;
use crate::strscan;

pub type Token = i32;

// Reserved words first, in the order of `TOKEN_NAMES` (LuaJIT's TKDEF
// order). `const` and `continue` are soft keywords: the parser also takes
// them as names where a statement or expression cannot start with them.
pub const TK_AND: Token = 256;
pub const TK_BREAK: Token = 257;
pub const TK_CONST: Token = 258;
pub const TK_CONTINUE: Token = 259;
pub const TK_DO: Token = 260;
pub const TK_ELSE: Token = 261;
pub const TK_ELSEIF: Token = 262;
pub const TK_END: Token = 263;
pub const TK_FALSE: Token = 264;
pub const TK_FOR: Token = 265;
pub const TK_FUNCTION: Token = 266;
pub const TK_GOTO: Token = 267;
pub const TK_IF: Token = 268;
pub const TK_IN: Token = 269;
pub const TK_LOCAL: Token = 270;
pub const TK_NIL: Token = 271;
pub const TK_NOT: Token = 272;
pub const TK_OR: Token = 273;
pub const TK_REPEAT: Token = 274;
pub const TK_RETURN: Token = 275;
pub const TK_THEN: Token = 276;
pub const TK_TRUE: Token = 277;
pub const TK_UNTIL: Token = 278;
pub const TK_WHILE: Token = 279;
pub const TK_CONCAT: Token = 280;
pub const TK_DOTS: Token = 281;
pub const TK_EQ: Token = 282;
pub const TK_GE: Token = 283;
pub const TK_LE: Token = 284;
pub const TK_NE: Token = 285;
/// `?.` safe navigation.
pub const TK_NAV: Token = 286;
/// `??` nil coalescing.
pub const TK_COAL: Token = 287;
pub const TK_SHL: Token = 288;
pub const TK_SHR: Token = 289;
/// `~>>` arithmetic shift right.
pub const TK_SAR: Token = 290;
/// `&&`, `||`, `!=`: spellings of `and`, `or`, `~=`.
pub const TK_AND_: Token = 291;
pub const TK_OR_: Token = 292;
pub const TK_NE_: Token = 293;
/// `->` of a short function expression.
pub const TK_ARROW: Token = 294;
pub const TK_LABEL: Token = 295;
pub const TK_NUMBER: Token = 296;
pub const TK_NAME: Token = 297;
pub const TK_STRING: Token = 298;
pub const TK_EOF: Token = 299;

const NUM_RESERVED: usize = 24;

const TOKEN_NAMES: [&str; 44] = [
    "and", "break", "const", "continue", "do", "else", "elseif", "end", "false", "for", "function",
    "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
    "while", "..", "...", "==", ">=", "<=", "~=", "?.", "??", "<<", ">>", "~>>", "&&", "||", "!=",
    "->", "::", "<number>", "<name>", "<string>", "<eof>",
];

/// Interned string id. Ids below `FIRST_USER_STR` are the pre-interned
/// internal names below.
pub type StrId = u32;
pub const NAME_FOR_IDX: StrId = 0;
pub const NAME_FOR_STOP: StrId = 1;
pub const NAME_FOR_STEP: StrId = 2;
pub const NAME_FOR_GEN: StrId = 3;
pub const NAME_FOR_STATE: StrId = 4;
pub const NAME_FOR_CTL: StrId = 5;
pub const NAME_BREAK: StrId = 6;
pub const NAME_SELF: StrId = 7;
pub const NAME_PAIRS: StrId = 8;
pub const NAME_NEXT: StrId = 9;
/// Pending `continue` jumps: not a string a name can have (a label may be
/// called `continue`, a soft keyword).
pub const NAME_CONT: StrId = 10;
const PREINTERNED: [&[u8]; 11] = [
    b"(for index)",
    b"(for limit)",
    b"(for step)",
    b"(for generator)",
    b"(for state)",
    b"(for control)",
    b"break",
    b"self",
    b"pairs",
    b"next",
    b"(continue)",
];

/// Multiplicative hasher for the compiler's small keys (string ids,
/// number bits): much cheaper than SipHash and good enough for keys that are
/// not attacker-chosen in a way that matters for a one-shot compile.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

pub type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

fn hash_bytes(s: &[u8]) -> u32 {
    // Eight bytes at a time, multiply-rotate mixing.
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = s.len() as u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap());
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = 0u64;
    for (i, &b) in chunks.remainder().iter().enumerate() {
        tail |= (b as u64) << (8 * i);
    }
    h = (h ^ tail).wrapping_mul(K);
    (h ^ (h >> 32)) as u32
}

/// String interner shared by the whole compilation: all strings live in one
/// byte arena, found through an open-addressing table of ids.
///
/// Like all of the front end's growing storage (as long as the source),
/// these grow fallibly: running out of memory raises the Lua memory error
/// (see `crate::mem`).
pub struct Interner {
    bytes: FallibleVec<u8>,
    spans: FallibleVec<(u32, u32)>,
    hashes: FallibleVec<u32>,
    /// Slot: id + 1, or 0 when empty. Length is a power of two.
    table: FallibleVec<u32>,
    /// Reserved word index + 1 for each interned string (0: not reserved).
    reserved: FallibleVec<u8>,
}

impl Interner {
    fn new() -> Interner {
        let mut it = Interner {
            bytes: FallibleVec::with_capacity(4096),
            spans: FallibleVec::with_capacity(256),
            hashes: FallibleVec::with_capacity(256),
            table: FallibleVec::new(),
            reserved: FallibleVec::with_capacity(256),
        };
        it.table.resize(512, 0);
        for s in PREINTERNED {
            it.intern(s);
        }
        for (i, w) in TOKEN_NAMES[..NUM_RESERVED].iter().enumerate() {
            let id = it.intern(w.as_bytes());
            it.reserved[id as usize] = i as u8 + 1;
        }
        it
    }
    pub fn intern(&mut self, s: &[u8]) -> StrId {
        let h = hash_bytes(s);
        let mask = self.table.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.table[i];
            if slot == 0 {
                break;
            }
            let id = slot - 1;
            if self.hashes[id as usize] == h && self.get(id) == s {
                return id;
            }
            i = (i + 1) & mask;
        }
        let id = self.spans.len() as StrId;
        self.spans.push((self.bytes.len() as u32, s.len() as u32));
        self.bytes.extend_from_slice(s);
        self.hashes.push(h);
        self.reserved.push(0);
        self.table[i] = id + 1;
        if self.spans.len() * 2 > self.table.len() {
            self.grow();
        }
        id
    }
    fn grow(&mut self) {
        let n = self.table.len() * 2;
        let mut table = FallibleVec::new();
        table.resize(n, 0u32);
        for (id, &h) in self.hashes.iter().enumerate() {
            let mut i = h as usize & (n - 1);
            while table[i] != 0 {
                i = (i + 1) & (n - 1);
            }
            table[i] = id as u32 + 1;
        }
        self.table = table;
    }
    #[inline]
    pub fn get(&self, id: StrId) -> &[u8] {
        let (start, len) = self.spans[id as usize];
        &self.bytes[start as usize..(start + len) as usize]
    }
}

const EOF: i32 = -1;

#[inline]
fn is_ident(c: i32) -> bool {
    c >= 0 && (c >= 0x80 || (c as u8).is_ascii_alphanumeric() || c == b'_' as i32)
}
#[inline]
fn is_digit(c: i32) -> bool {
    (b'0' as i32..=b'9' as i32).contains(&c)
}
#[inline]
fn is_xdigit(c: i32) -> bool {
    c >= 0 && c < 0x80 && (c as u8).is_ascii_hexdigit()
}
#[inline]
fn is_space(c: i32) -> bool {
    c == b' ' as i32 || (9..=13).contains(&c)
}

pub type LexResult<T> = Result<T, Vec<u8>>;

/// Pull source for streamed input (`load(reader)`, `lua_load`): returns the
/// next piece of the chunk, an empty piece at the end, or `Err(())` when the
/// reader failed (the caller keeps the error; the lexer only stops).
pub type PieceReader<'r> = dyn FnMut() -> Result<Vec<u8>, ()> + 'r;

pub struct Lexer<'a> {
    /// Current piece of input (a copy of the whole chunk for slice
    /// sources). Owned, so a streamed piece can't change or go away while
    /// the lexer scans it, and a used-up piece is dropped.
    src: Vec<u8>,
    /// Index of the byte after the current character.
    pos: usize,
    /// Streamed input: more pieces come from here (None: `src` is all).
    stream: Option<&'a mut PieceReader<'a>>,
    /// The reader failed: the input ends here and the caller reports the
    /// reader's error instead of whatever the parser makes of it.
    pub reader_failed: bool,
    /// Current character or EOF.
    c: i32,
    /// Text of the token being scanned / last scanned (LuaJIT's `sb`),
    /// shown in "near" parts of error messages.
    pub sb: FallibleVec<u8>,
    pub tok: Token,
    pub tok_str: StrId,
    pub tok_num: f64,
    /// Value of a number token with an FFI suffix (only with `ffi_literals`).
    pub tok_cdata: Option<strscan::CdataNumber>,
    lookahead: Token,
    la_str: StrId,
    la_num: f64,
    la_cdata: Option<strscan::CdataNumber>,
    /// Accept `LL`/`ULL`/`i` literals (they need the FFI).
    pub ffi_literals: bool,
    /// Line of the current character.
    pub linenumber: u32,
    /// Line of the last token consumed by `next`.
    pub lastline: u32,
    pub chunkname: &'a [u8],
    pub strings: Interner,
    /// A byte order mark or `#` line was skipped.
    header: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &[u8], chunkname: &'a [u8]) -> Lexer<'a> {
        Self::with_source(crate::mem::vec_from_slice(src), None, chunkname)
    }

    /// A lexer that pulls its input from `read` piece by piece, only when it
    /// needs the next character (as LuaJIT does, so the reader is not
    /// called again after a syntax error).
    pub fn new_streamed(read: &'a mut PieceReader<'a>, chunkname: &'a [u8]) -> Lexer<'a> {
        Self::with_source(Vec::new(), Some(read), chunkname)
    }

    fn with_source(
        src: Vec<u8>,
        stream: Option<&'a mut PieceReader<'a>>,
        chunkname: &'a [u8],
    ) -> Lexer<'a> {
        let mut lx = Lexer {
            src,
            pos: 0,
            stream,
            reader_failed: false,
            c: EOF,
            sb: FallibleVec::with_capacity(64),
            tok: 0,
            tok_str: 0,
            tok_num: 0.0,
            tok_cdata: None,
            lookahead: TK_EOF,
            la_str: 0,
            la_num: 0.0,
            la_cdata: None,
            ffi_literals: false,
            linenumber: 1,
            lastline: 1,
            chunkname,
            strings: Interner::new(),
            header: false,
        };
        lx.advance();
        let (p, s) = (lx.pos, &lx.src);
        if lx.c == 0xef && s.len() >= p + 2 && s[p] == 0xbb && s[p + 1] == 0xbf {
            // UTF-8 byte order mark (only when it is in the first piece, as
            // in LuaJIT).
            lx.pos = p + 2;
            lx.advance();
            lx.header = true;
        }
        if lx.c == b'#' as i32 {
            // Skip a shebang line.
            while lx.c != EOF && !lx.is_eol() {
                lx.advance();
            }
            if lx.c != EOF {
                lx.newline();
            }
            lx.header = true;
        }
        lx
    }

    /// Bytecode behind a header line is refused (the loader only takes
    /// bytecode that starts with the signature byte).
    pub fn check_header(&self) -> LexResult<()> {
        if self.header && self.c == 0x1b {
            return Err(b"cannot load malformed bytecode".to_vec());
        }
        Ok(())
    }

    /// The current character starts a bytecode dump.
    pub fn is_bytecode_start(&self) -> bool {
        self.c == 0x1b
    }

    /// The current character and the rest of the buffered piece, which the
    /// lexer gives up (for the bytecode reader).
    pub fn take_buffered(&mut self) -> FallibleVec<u8> {
        let mut out = FallibleVec::new();
        if self.c != EOF {
            out.push(self.c as u8);
        }
        out.extend_from_slice(&self.src[self.pos..]);
        self.pos = self.src.len();
        out
    }

    /// Append the next piece of a streamed source to `out`; false at the
    /// end of the input (or when the reader failed).
    pub fn read_more(&mut self, out: &mut FallibleVec<u8>) -> bool {
        match self.next_piece() {
            Some(piece) => {
                out.extend_from_slice(&piece);
                true
            }
            None => false,
        }
    }

    #[inline]
    fn advance(&mut self) -> i32 {
        self.c = if self.pos < self.src.len() {
            let b = self.src[self.pos];
            self.pos += 1;
            b as i32
        } else {
            self.refill()
        };
        self.c
    }

    /// The current piece is used up: the first byte of the next one, or EOF.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> i32 {
        match self.next_piece() {
            Some(piece) => {
                self.src = piece;
                self.pos = 1;
                self.src[0] as i32
            }
            None => {
                self.pos = self.src.len();
                EOF
            }
        }
    }

    /// Pull the next non-empty piece from a streamed source. None at the
    /// end, and for slice sources. Like LuaJIT, the reader is asked again
    /// each time the lexer wants a character at the end of the input.
    fn next_piece(&mut self) -> Option<Vec<u8>> {
        let read = self.stream.as_mut()?;
        if self.reader_failed {
            return None;
        }
        match read() {
            Ok(piece) if !piece.is_empty() => Some(piece),
            Ok(_) => None,
            Err(()) => {
                self.reader_failed = true;
                None
            }
        }
    }
    #[inline]
    fn save(&mut self, c: i32) {
        self.sb.push(c as u8);
    }
    #[inline]
    fn save_next(&mut self) -> i32 {
        self.sb.push(self.c as u8);
        self.advance()
    }
    #[inline]
    fn is_eol(&self) -> bool {
        self.c == b'\n' as i32 || self.c == b'\r' as i32
    }
    fn newline(&mut self) {
        let old = self.c;
        self.advance();
        if self.is_eol() && self.c != old {
            self.advance(); // \n\r or \r\n
        }
        self.linenumber += 1;
    }

    /// The character after the current token (LuaJIT's `ls->c`): compound
    /// assignments want `=` right after their operator.
    #[inline]
    pub fn cur_char(&self) -> i32 {
        self.c
    }

    /// Text of a token for messages.
    pub fn token_text(&self, tok: Token) -> Vec<u8> {
        if tok > 255 {
            TOKEN_NAMES[(tok - 256) as usize].as_bytes().to_vec()
        } else if tok < 32 || tok == 127 {
            format!("char({})", tok).into_bytes()
        } else {
            vec![tok as u8]
        }
    }

    /// Build an error message at the current line; `near` is the token whose
    /// text is appended (0: none).
    pub fn error(&self, near: Token, msg: &[u8]) -> Vec<u8> {
        self.error_at(near, msg, self.linenumber)
    }
    pub fn error_at(&self, near: Token, msg: &[u8], line: u32) -> Vec<u8> {
        let mut out = short_src(self.chunkname);
        out.extend_from_slice(format!(":{}: ", line).as_bytes());
        out.extend_from_slice(msg);
        if near != 0 {
            out.extend_from_slice(b" near '");
            if near == TK_NAME || near == TK_STRING || near == TK_NUMBER {
                // The token text is formatted as a C string: it ends at a NUL.
                let end = self
                    .sb
                    .iter()
                    .position(|&c| c == 0)
                    .unwrap_or(self.sb.len());
                out.extend_from_slice(&self.sb[..end]);
            } else {
                out.extend_from_slice(&self.token_text(near));
            }
            out.push(b'\'');
        }
        out
    }

    /// Advance to the next token.
    pub fn next(&mut self) -> LexResult<()> {
        self.lastline = self.linenumber;
        if self.lookahead != TK_EOF {
            self.tok = self.lookahead;
            self.tok_str = self.la_str;
            self.tok_num = self.la_num;
            self.tok_cdata = self.la_cdata;
            self.lookahead = TK_EOF;
        } else {
            self.tok = self.scan()?;
        }
        Ok(())
    }

    /// Peek at the token after the current one.
    pub fn lookahead(&mut self) -> LexResult<Token> {
        let (s, n, c) = (self.tok_str, self.tok_num, self.tok_cdata);
        let t = self.scan()?;
        self.lookahead = t;
        self.la_str = self.tok_str;
        self.la_num = self.tok_num;
        self.la_cdata = self.tok_cdata;
        self.tok_str = s;
        self.tok_num = n;
        self.tok_cdata = c;
        Ok(t)
    }

    /// Count `=` of a long bracket; returns the level, or -(count)-1 if the
    /// bracket is not closed by the same character.
    fn skip_eq(&mut self) -> i32 {
        let s = self.c;
        let mut count = 0;
        while self.save_next() == b'=' as i32 && count < 0x2000_0000 {
            count += 1;
        }
        if self.c == s {
            count
        } else {
            -count - 1
        }
    }

    fn long_string(&mut self, sep: i32, is_string: bool) -> LexResult<()> {
        self.save_next(); // second '['
        if self.is_eol() {
            self.newline();
        }
        loop {
            match self.c {
                EOF => {
                    let m: &[u8] = if is_string {
                        b"unfinished long string"
                    } else {
                        b"unfinished long comment"
                    };
                    return Err(self.error(TK_EOF, m));
                }
                c if c == b']' as i32 => {
                    if self.skip_eq() == sep {
                        self.save_next();
                        break;
                    }
                }
                c if c == b'\n' as i32 || c == b'\r' as i32 => {
                    self.save(b'\n' as i32);
                    self.newline();
                    if !is_string {
                        self.sb.clear();
                    }
                }
                _ => {
                    if is_string {
                        self.save_next();
                    } else {
                        self.advance();
                    }
                }
            }
        }
        if is_string {
            let s = sep as usize + 2;
            self.tok_str = self.strings.intern(&self.sb[s..self.sb.len() - s]);
        }
        Ok(())
    }

    fn escape_error(&self) -> Vec<u8> {
        self.error(TK_STRING, b"invalid escape sequence")
    }

    fn string(&mut self) -> LexResult<()> {
        let delim = self.c;
        self.save_next();
        while self.c != delim {
            match self.c {
                EOF => return Err(self.error(TK_EOF, b"unfinished string")),
                c if c == b'\n' as i32 || c == b'\r' as i32 => {
                    return Err(self.error(TK_STRING, b"unfinished string"))
                }
                c if c == b'\\' as i32 => {
                    let c = self.advance();
                    let out: i32 = match c {
                        EOF => continue,
                        _ if c == b'a' as i32 => 7,
                        _ if c == b'b' as i32 => 8,
                        _ if c == b'f' as i32 => 12,
                        _ if c == b'n' as i32 => 10,
                        _ if c == b'r' as i32 => 13,
                        _ if c == b't' as i32 => 9,
                        _ if c == b'v' as i32 => 11,
                        _ if c == b'x' as i32 => {
                            let mut v = 0;
                            for _ in 0..2 {
                                let d = self.advance();
                                if !is_xdigit(d) {
                                    return Err(self.escape_error());
                                }
                                v = (v << 4) | (d as u8 as char).to_digit(16).unwrap() as i32;
                            }
                            v
                        }
                        _ if c == b'u' as i32 => {
                            if self.advance() != b'{' as i32 {
                                return Err(self.escape_error());
                            }
                            self.advance();
                            let mut v: u32 = 0;
                            loop {
                                if !is_xdigit(self.c) {
                                    return Err(self.escape_error());
                                }
                                v = (v << 4) | (self.c as u8 as char).to_digit(16).unwrap();
                                if v >= 0x110000 {
                                    return Err(self.escape_error());
                                }
                                if self.advance() == b'}' as i32 {
                                    break;
                                }
                            }
                            if (0xd800..0xe000).contains(&v) {
                                return Err(self.escape_error());
                            }
                            let mut buf = [0u8; 4];
                            let ch = char::from_u32(v).unwrap();
                            let enc = ch.encode_utf8(&mut buf);
                            let bytes = enc.as_bytes();
                            for &b in &bytes[..bytes.len() - 1] {
                                self.save(b as i32);
                            }
                            bytes[bytes.len() - 1] as i32
                        }
                        _ if c == b'z' as i32 => {
                            self.advance();
                            while is_space(self.c) {
                                if self.is_eol() {
                                    self.newline();
                                } else {
                                    self.advance();
                                }
                            }
                            continue;
                        }
                        _ if c == b'\n' as i32 || c == b'\r' as i32 => {
                            self.save(b'\n' as i32);
                            self.newline();
                            continue;
                        }
                        _ if c == b'\\' as i32 || c == b'"' as i32 || c == b'\'' as i32 => c,
                        _ => {
                            if !is_digit(c) {
                                return Err(self.escape_error());
                            }
                            let mut v = c - b'0' as i32;
                            if is_digit(self.advance()) {
                                v = v * 10 + (self.c - b'0' as i32);
                                if is_digit(self.advance()) {
                                    v = v * 10 + (self.c - b'0' as i32);
                                    if v > 255 {
                                        return Err(self.escape_error());
                                    }
                                    self.advance();
                                }
                            }
                            self.save(v);
                            continue;
                        }
                    };
                    self.save(out);
                    self.advance();
                }
                _ => {
                    self.save_next();
                }
            }
        }
        self.save_next(); // closing delimiter
        self.tok_str = self.strings.intern(&self.sb[1..self.sb.len() - 1]);
        Ok(())
    }

    fn number(&mut self) -> LexResult<()> {
        let mut xp = b'e' as i32;
        let mut c = self.c;
        // Underscores between the digits are dropped (`1_000_000`, also
        // `0_x1F`), as in today's LuaJIT 2.1.
        if c == b'0' as i32 {
            self.save(c);
            loop {
                c = self.advance();
                if c != b'_' as i32 {
                    break;
                }
            }
            if (c | 0x20) == b'x' as i32 {
                xp = b'p' as i32;
            }
        }
        while is_ident(self.c)
            || self.c == b'.' as i32
            || ((self.c == b'-' as i32 || self.c == b'+' as i32) && (c | 0x20) == xp)
        {
            if self.c != b'_' as i32 {
                c = self.c;
                self.save(c);
            }
            self.advance();
        }
        self.tok_cdata = None;
        if let Some(n) = strscan::lexer_number(&self.sb) {
            self.tok_num = n;
            return Ok(());
        }
        // 64-bit integer (LL/ULL) and imaginary (i) literals need the FFI;
        // without it they are malformed numbers, as in a LuaJIT build
        // without the FFI.
        if self.ffi_literals {
            if let Some(c) = strscan::lexer_cdata_number(&self.sb) {
                self.tok_cdata = Some(c);
                return Ok(());
            }
        }
        Err(self.error(TK_NUMBER, b"malformed number"))
    }

    /// A two-character token whose second character is the current one
    /// (then consumed), else the one-character token `single`.
    fn second_char(&mut self, single: Token, pairs: &[(u8, Token)]) -> Token {
        for &(second, tok) in pairs {
            if self.c == second as i32 {
                self.advance();
                return tok;
            }
        }
        single
    }

    fn scan(&mut self) -> LexResult<Token> {
        self.sb.clear();
        loop {
            let c = self.c;
            if is_ident(c) {
                if is_digit(c) {
                    self.number()?;
                    return Ok(TK_NUMBER);
                }
                loop {
                    self.save_next();
                    if !is_ident(self.c) {
                        break;
                    }
                }
                let id = self.strings.intern(&self.sb);
                self.tok_str = id;
                let r = self.strings.reserved[id as usize];
                return Ok(if r > 0 { 255 + r as Token } else { TK_NAME });
            }
            match c {
                EOF => return Ok(TK_EOF),
                10 | 13 => {
                    self.newline();
                    continue;
                }
                32 | 9 | 11 | 12 => {
                    self.advance();
                    continue;
                }
                0x2d => {
                    // '-'
                    if self.advance() != b'-' as i32 {
                        if self.c != b'>' as i32 {
                            return Ok(b'-' as Token);
                        }
                        self.advance();
                        return Ok(TK_ARROW);
                    }
                    self.advance();
                    if self.c == b'[' as i32 {
                        let sep = self.skip_eq();
                        self.sb.clear();
                        if sep >= 0 {
                            self.long_string(sep, false)?;
                            self.sb.clear();
                            continue;
                        }
                    }
                    while !self.is_eol() && self.c != EOF {
                        self.advance();
                    }
                    continue;
                }
                0x5b => {
                    // '['
                    let sep = self.skip_eq();
                    if sep >= 0 {
                        self.long_string(sep, true)?;
                        return Ok(TK_STRING);
                    } else if sep == -1 {
                        return Ok(b'[' as Token);
                    } else {
                        return Err(self.error(TK_STRING, b"invalid long string delimiter"));
                    }
                }
                0x3d => {
                    if self.advance() != b'=' as i32 {
                        return Ok(b'=' as Token);
                    }
                    self.advance();
                    return Ok(TK_EQ);
                }
                0x3c => {
                    // '<'
                    self.advance();
                    return Ok(self.second_char(b'<' as Token, &[(b'=', TK_LE), (b'<', TK_SHL)]));
                }
                0x3e => {
                    // '>'
                    self.advance();
                    return Ok(self.second_char(b'>' as Token, &[(b'=', TK_GE), (b'>', TK_SHR)]));
                }
                0x7e => {
                    // '~'
                    if self.advance() == b'=' as i32 {
                        self.advance();
                        return Ok(TK_NE);
                    }
                    if self.c == b'>' as i32 {
                        if self.advance() != b'>' as i32 {
                            return Err(self.error(b'~' as Token, b"unexpected symbol"));
                        }
                        self.advance();
                        return Ok(TK_SAR);
                    }
                    return Ok(b'~' as Token);
                }
                0x21 => {
                    // '!'
                    self.advance();
                    return Ok(self.second_char(b'!' as Token, &[(b'=', TK_NE_)]));
                }
                0x3f => {
                    // '?'
                    self.advance();
                    return Ok(self.second_char(b'?' as Token, &[(b'.', TK_NAV), (b'?', TK_COAL)]));
                }
                0x26 => {
                    // '&'
                    self.advance();
                    return Ok(self.second_char(b'&' as Token, &[(b'&', TK_AND_)]));
                }
                0x7c => {
                    // '|'
                    self.advance();
                    return Ok(self.second_char(b'|' as Token, &[(b'|', TK_OR_)]));
                }
                0x3a => {
                    if self.advance() != b':' as i32 {
                        return Ok(b':' as Token);
                    }
                    self.advance();
                    return Ok(TK_LABEL);
                }
                0x22 | 0x27 => {
                    self.string()?;
                    return Ok(TK_STRING);
                }
                0x2e => {
                    // '.'
                    if self.save_next() == b'.' as i32 {
                        self.advance();
                        if self.c == b'.' as i32 {
                            self.advance();
                            return Ok(TK_DOTS);
                        }
                        return Ok(TK_CONCAT);
                    } else if !is_digit(self.c) {
                        return Ok(b'.' as Token);
                    }
                    self.number()?;
                    return Ok(TK_NUMBER);
                }
                _ => {
                    self.advance();
                    return Ok(c as Token);
                }
            }
        }
    }
}
