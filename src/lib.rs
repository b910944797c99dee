//! A drop-in replacement for LuaJIT 2.1.
//!
//! VM core: `alloc` (the default allocator), `value` (tagged values), `gc` (memory, collector), `string`,
//! `table`, `func` (prototypes, closures, upvalues), `udata`, `state`
//! (threads, stacks, frames), `meta` (metamethods), `error`, `debug`,
//! `vm` (interpreter), `layout` (the checked offsets that C code and
//! machine code rely on). Front end: `frontend` (lexer, parser), `bytecode`
//! (instruction set, dump format, listing). Libraries: `stdlib`. C API:
//! `capi`. Numbered sets shared with LuaJIT (bytecodes, fast-function ids)
//! are declared once each (`concept_table`, `fastfunc`), and `vmdef`
//! renders the `jit/vmdef.lua` module from them.

pub mod alloc;
pub mod bitop_exec;
pub mod bytecode;
pub mod capi;
pub mod chunkname;
pub mod concept_table;
pub mod cstack;
pub mod debug;
pub mod error;
pub mod fastfunc;
pub mod ffi;
pub mod frontend;
pub mod func;
pub mod gc;
pub mod hotcount;
pub mod layout;
pub mod mem;
pub mod meta;
pub mod numfmt;
pub mod stack_check;
pub mod state;
pub mod stdlib;
pub mod string;
pub mod strscan;
pub mod table;
pub mod udata;
pub mod value;
pub mod vm;
pub mod vmdef;
