//! Lua front end: source text -> LuaJIT 2.1 bytecode (`ProtoData`).
//!
//! Single pass, no syntax tree: the parser drives a code generator that
//! works on expression descriptors, the classic Lua compiler design, and
//! follows LuaJIT's instruction selection and register allocation so that
//! the output matches `luajit -bl`.

mod lexer;
mod parser;

use crate::bytecode::ProtoData;

pub use lexer::PieceReader;

/// Compile a Lua chunk. `chunkname` is as given to the loader (`=stdin`,
/// `@file.lua`, or the source itself); the error is the message LuaJIT's
/// loader returns, e.g. `[string "x = "]:1: unexpected symbol near '<eof>'`.
///
/// A chunk whose first byte is the bytecode signature (0x1b) is bytecode:
/// the caller hands it to the bytecode reader instead. A leading `#` line
/// (and a UTF-8 byte order mark) is skipped.
pub fn compile(source: &[u8], chunkname: &[u8]) -> Result<ProtoData, Vec<u8>> {
    compile_with(source, chunkname, &CompileOptions::default())
}

/// Compiler options.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// Accept the FFI's number literals (`1LL`, `2ULL`, `3i`) and emit KCDATA
    /// constants for them (the default). Off: they are malformed numbers, as
    /// in a LuaJIT build without the FFI.
    pub ffi_literals: bool,
    /// Emit bytecode for the FR2 frame layout (64-bit LuaJIT, the native
    /// format; the default); off: the 32-bit format (load mode "W"), whose
    /// prototypes can be dumped but not run.
    pub fr2: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            ffi_literals: true,
            fr2: true,
        }
    }
}

/// `compile` with options.
pub fn compile_with(
    source: &[u8],
    chunkname: &[u8],
    opts: &CompileOptions,
) -> Result<ProtoData, Vec<u8>> {
    parser::parse_chunk(source, chunkname, opts)
}

/// Input of `load`: a whole chunk, or a reader that returns it in pieces.
pub enum Source<'a> {
    Bytes(&'a [u8]),
    Reader(&'a mut PieceReader<'a>),
}

/// Why `load` failed.
#[derive(Debug)]
pub enum LoadError {
    /// Syntax error, bad bytecode or wrong mode: the message.
    Syntax(Vec<u8>),
    /// The reader failed; the caller has its error.
    Reader,
}

/// Load a chunk as LuaJIT's loader does: source text or bytecode (decided
/// by the first byte after an optional byte order mark / `#` line),
/// checked against `mode` ("t", "b", "bt"; None: both). A `W` in the mode
/// compiles or loads 32-bit (non-FR2) bytecode instead of the native
/// format (`X` asks for the native 64-bit one, which it is anyway): the
/// prototype's header instruction is then NOT, and it can be dumped or
/// looked at but not run (`is_native`). Other characters are ignored.
/// Streamed input is pulled only as far as the lexer (or the bytecode
/// framing) needs it, so the reader is not called again after a syntax
/// error.
pub fn load(
    source: Source<'_>,
    chunkname: &[u8],
    mode: Option<&[u8]>,
    opts: &CompileOptions,
) -> Result<ProtoData, LoadError> {
    let (mut ls, whole) = match source {
        Source::Bytes(b) => (lexer::Lexer::new(b, chunkname), Some(b)),
        Source::Reader(read) => (lexer::Lexer::new_streamed(read, chunkname), None),
    };
    let header = ls.check_header();
    if ls.reader_failed {
        return Err(LoadError::Reader);
    }
    header.map_err(LoadError::Syntax)?;
    let is_binary = ls.is_bytecode_start();
    let mut opts = opts.clone();
    if let Some(m) = mode {
        if !m.contains(if is_binary { &b'b' } else { &b't' }) {
            return Err(LoadError::Syntax(
                b"attempt to load chunk with wrong mode".to_vec(),
            ));
        }
        if m.contains(&b'W') {
            opts.fr2 = false;
        }
    }
    let opts = &opts;
    if is_binary {
        let gathered;
        let data = match whole {
            Some(b) => b,
            None => {
                gathered = gather_bytecode(&mut ls);
                if ls.reader_failed {
                    return Err(LoadError::Reader);
                }
                &gathered[..]
            }
        };
        return crate::bytecode::reader::undump_format(data, chunkname, opts.fr2)
            .map_err(LoadError::Syntax);
    }
    match parser::parse_with(ls, opts) {
        (_, true) => Err(LoadError::Reader),
        (r, false) => r.map_err(LoadError::Syntax),
    }
}

/// Is the prototype in this build's (FR2) format, so it can run? Load mode
/// "W" gives prototypes of the 32-bit format (header instruction NOT).
pub fn is_native(p: &ProtoData) -> bool {
    p.bc.first()
        .is_some_and(|&i| crate::bytecode::bc_op(i) != crate::bytecode::Op::NOT)
}

/// Read a streamed bytecode dump as far as LuaJIT's bytecode reader would
/// (it stops after the end mark instead of reading until the reader
/// returns nothing), so the reader sees the same calls. The dump is framed
/// as header, then prototypes each preceded by its ULEB128 length, then a
/// zero length.
fn gather_bytecode(ls: &mut lexer::Lexer) -> crate::mem::FallibleVec<u8> {
    struct Framer<'l, 'a> {
        ls: &'l mut lexer::Lexer<'a>,
        buf: crate::mem::FallibleVec<u8>,
        pos: usize,
        eof: bool,
    }
    impl Framer<'_, '_> {
        /// Make `n` bytes available after `pos` if the input has them.
        fn want(&mut self, n: usize) -> bool {
            // `pos` may have been moved past the input by a length field
            // of a truncated dump.
            while self.buf.len().saturating_sub(self.pos) < n && !self.eof {
                self.eof = !self.ls.read_more(&mut self.buf);
            }
            self.buf.len().saturating_sub(self.pos) >= n
        }
        fn uleb128(&mut self) -> Option<u64> {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let b = *self.buf.get(self.pos)?;
                self.pos += 1;
                v |= ((b & 0x7f) as u64) << shift;
                if b < 0x80 {
                    return Some(v);
                }
                shift += 7;
                if shift > 35 {
                    return None;
                }
            }
        }
    }
    let buf = ls.take_buffered();
    let mut fr = Framer {
        ls,
        buf,
        pos: 1,
        eof: false,
    };
    // Header: "LJ", version, flags, and the chunk name unless stripped.
    // Anything malformed stops the framing; the bytecode reader then
    // reports it.
    let _ = (|| -> Option<()> {
        fr.want(3 + 5 + 5);
        fr.pos += 3;
        let flags = fr.uleb128()?;
        if flags & 2 == 0 {
            let len = fr.uleb128()? as usize;
            fr.want(len);
            fr.pos += len;
        }
        loop {
            if fr.buf.get(fr.pos) == Some(&0) {
                return Some(());
            }
            fr.want(5);
            let len = fr.uleb128()? as usize;
            if len == 0 {
                return Some(());
            }
            if !fr.want(len) {
                return None;
            }
            fr.pos += len;
        }
    })();
    fr.buf
}

#[cfg(test)]
mod tests;
