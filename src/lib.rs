//! A drop-in replacement for LuaJIT 2.1.

pub mod bytecode;
pub mod capi;
pub mod state;
