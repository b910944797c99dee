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
    parser::parse_chunk(source, chunkname)
}

#[cfg(test)]
mod tests;
