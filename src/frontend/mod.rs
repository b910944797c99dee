//! Lua front end: source text -> LuaJIT 2.1 bytecode (`ProtoData`).
//!
//! Single pass, no syntax tree: the parser drives a code generator that
//! works on expression descriptors, the classic Lua compiler design, and
//! follows LuaJIT's instruction selection and register allocation so that
//! the output matches `luajit -bl`.

mod lexer;
mod parser;

use crate::bytecode::ProtoData;

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
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Accept the FFI's number literals (`1LL`, `2ULL`, `3i`) and emit KCDATA
    /// constants for them. Off: they are malformed numbers, as in a LuaJIT
    /// build without the FFI (switch on once the `ffi` library exists).
    pub ffi_literals: bool,
}

/// `compile` with options.
pub fn compile_with(
    source: &[u8],
    chunkname: &[u8],
    opts: &CompileOptions,
) -> Result<ProtoData, Vec<u8>> {
    parser::parse_chunk(source, chunkname, opts)
}

#[cfg(test)]
mod tests;
