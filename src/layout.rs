//! Layout facts of everything C code or machine code reads, in one place.
//!
//! One submodule per concept (an object type, a state, the frame encoding,
//! a C API struct). Each holds the byte offsets of its fields as named
//! constants taken from the real struct (`offset_of!`), its size and
//! alignment, and compile-time assertions that they have the values we
//! intend: LuaJIT's (GC64, 64-bit) where our struct mirrors LuaJIT's, and
//! where it does not, the values the struct has today, so that moving a
//! field is a decision taken here and not an accident. A moved field fails
//! the build (`error[E0080]: evaluation panicked: layout:
//! luajit::layout::lua_state::TOP is not 40`).
//!
//! The trace compiler's back ends (x86-64, ARM64) address fields through
//! these constants only, never through numbers of their own.
//!
//! The C API structs (`lua_Debug`, `luaL_Buffer`, `luaL_Reg`) and types
//! are also checked from C: the unit test `c_api_matches_the_headers`
//! compiles `_Static_assert`s of the headers' `offsetof`/`sizeof`/
//! `_Alignof` against Rust's values with the C compiler.
//!
//! Only one fact lives elsewhere: the io library's file payload (`IoFile`,
//! whose `FILE*` C modules read first in a `FILE*` userdata) keeps its
//! fields private, so its assertion sits beside it in `stdlib/io.rs`.
//!
//! All values are for 64-bit targets (x86-64 and ARM64 Linux, LP64), as
//! the NaN-boxed values require.

use std::mem::{align_of, offset_of, size_of};

const _: () = assert!(
    size_of::<usize>() == 8,
    "the layouts below are those of 64-bit targets"
);

/// Asserts at compile time that each constant has the value we intend;
/// the error names the constant that moved.
macro_rules! expect {
    ($($name:ident = $value:expr;)*) => {
        $(
            const _: () = assert!(
                $name == $value,
                concat!("layout: ", module_path!(), "::", stringify!($name), " is not ", stringify!($value))
            );
        )*
    };
}

/// Size of an element of an array field, named by a projection that is
/// never called.
const fn element_size<S, T, const N: usize>(_field: fn(&S) -> &[T; N]) -> usize {
    size_of::<T>()
}

/// Asserts that an object type starts with the common GC header.
macro_rules! starts_with_gc_header {
    ($($ty:ty),*) => {
        $(
            const _: () = assert!(
                offset_of!($ty, next) == NEXT
                    && offset_of!($ty, marked) == MARKED
                    && offset_of!($ty, gct) == GCT,
                concat!("layout: ", stringify!($ty), " does not start with the GC header")
            );
        )*
    };
}

/// `value::TValue`: one stack slot, table slot or constant (NaN-boxed).
pub mod tvalue {
    use super::*;
    use crate::value::TValue;

    pub const SIZE: usize = size_of::<TValue>();
    pub const ALIGN: usize = align_of::<TValue>();
    expect! {
        SIZE = 8;
        ALIGN = 8;
    }
}

/// Frames on a thread's stack (LuaJIT's FR2 layout, see `state`): the
/// function sits two slots below the frame's base, the frame link one
/// slot below. A link is either the return PC of a Lua caller (its low
/// bits are 0, `FRAME_LUA`, because instructions are 4-byte aligned) or
/// the byte distance to the previous base ORed with the frame type
/// (distances are whole slots, so the type fits in the low 3 bits).
pub mod frame {
    use super::*;
    use crate::bytecode::Ins;
    pub use crate::state::{
        FRAME_C, FRAME_CONT, FRAME_CP, FRAME_LUA, FRAME_LUAP, FRAME_PCALL, FRAME_PCALLH,
        FRAME_TYPE, FRAME_TYPEP, FRAME_VARG,
    };

    /// Slots below the base: the called function.
    pub const FUNC_SLOT: usize = 2;
    /// Slots below the base: the frame link.
    pub const LINK_SLOT: usize = 1;
    /// Byte offsets from the base.
    pub const FUNC: isize = -((FUNC_SLOT * tvalue::SIZE) as isize);
    pub const LINK: isize = -((LINK_SLOT * tvalue::SIZE) as isize);
    /// Size of one bytecode instruction (a Lua frame's link is a PC).
    pub const INS_SIZE: usize = size_of::<Ins>();

    expect! {
        FUNC = -16;
        LINK = -8;
        INS_SIZE = 4;
        FRAME_LUA = 0;
        FRAME_C = 1;
        FRAME_CONT = 2;
        FRAME_VARG = 3;
        FRAME_LUAP = 4;
        FRAME_CP = 5;
        FRAME_PCALL = 6;
        FRAME_PCALLH = 7;
        FRAME_TYPE = 3;
        FRAME_TYPEP = 7;
    }
    // A return PC's low bits (FRAME_TYPE) are zero, a base distance's low
    // bits (FRAME_TYPEP) are free for the type.
    const _: () = assert!(align_of::<Ins>() == FRAME_TYPE as usize + 1);
    const _: () = assert!(tvalue::SIZE == FRAME_TYPEP as usize + 1);
}

/// `hotcount::HotCounters`, in the global state at
/// `global_state::HOT`: 16-bit counters that generated code decrements
/// too, indexed by bits of the bytecode address.
pub mod hot_counters {
    use super::*;
    use crate::hotcount::HotCounters;

    pub const COUNT: usize = offset_of!(HotCounters, count);
    pub const START: usize = offset_of!(HotCounters, start);
    /// Bytes per counter.
    pub const ENTRY_SIZE: usize = element_size(|h: &HotCounters| &h.count);
    pub const SIZE: usize = size_of::<HotCounters>();
    pub const ALIGN: usize = align_of::<HotCounters>();
    expect! {
        COUNT = 0;
        START = 128;
        ENTRY_SIZE = 2;
        SIZE = 130;
        ALIGN = 2;
    }
}

/// `gc::GcHeader`: the header every collectable object starts with
/// (LuaJIT's GCHeader).
pub mod gc_header {
    use super::*;
    use crate::ffi::cdata::GcCdata;
    use crate::func::{GcFunc, GcProto, GcUpval};
    use crate::gc::GcHeader;
    use crate::state::lua_State;
    use crate::string::GcStr;
    use crate::table::GcTab;
    use crate::udata::GcUdata;

    pub const NEXT: usize = offset_of!(GcHeader, next);
    pub const MARKED: usize = offset_of!(GcHeader, marked);
    pub const GCT: usize = offset_of!(GcHeader, gct);
    expect! {
        NEXT = 0;
        MARKED = 8;
        GCT = 9;
    }
    starts_with_gc_header!(GcStr, GcTab, GcFunc, GcProto, GcUpval, GcUdata, GcCdata, lua_State);

    // As in LuaJIT, the metatable of tables and userdata and the
    // environment of functions and userdata share an offset.
    const _: () = assert!(offset_of!(GcTab, metatable) == offset_of!(GcUdata, metatable));
    const _: () = assert!(offset_of!(GcFunc, env) == offset_of!(GcUdata, env));
}

/// `string::GcStr` (LuaJIT's GCstr): the bytes follow the header, then a
/// NUL.
pub mod gc_str {
    use super::*;
    use crate::string::GcStr;

    pub const RESERVED: usize = offset_of!(GcStr, reserved);
    pub const HASHALG: usize = offset_of!(GcStr, hashalg);
    pub const SID: usize = offset_of!(GcStr, sid);
    pub const HASH: usize = offset_of!(GcStr, hash);
    pub const LEN: usize = offset_of!(GcStr, len);
    pub const SIZE: usize = size_of::<GcStr>();
    pub const ALIGN: usize = align_of::<GcStr>();
    /// The first byte of the string.
    pub const DATA: usize = SIZE;
    expect! {
        RESERVED = 10;
        HASHALG = 11;
        SID = 12;
        HASH = 16;
        LEN = 20;
        SIZE = 24;
        ALIGN = 8;
    }
}

/// `table::GcTab` (LuaJIT's GCtab, GC64): a colocated array part of up to
/// `table::MAX_COLO` slots follows the header.
pub mod gc_tab {
    use super::*;
    use crate::table::GcTab;

    pub const NOMM: usize = offset_of!(GcTab, nomm);
    pub const COLO: usize = offset_of!(GcTab, colo);
    pub const ARRAY: usize = offset_of!(GcTab, array);
    pub const GCLIST: usize = offset_of!(GcTab, gclist);
    pub const METATABLE: usize = offset_of!(GcTab, metatable);
    pub const NODE: usize = offset_of!(GcTab, node);
    pub const ASIZE: usize = offset_of!(GcTab, asize);
    pub const HMASK: usize = offset_of!(GcTab, hmask);
    pub const FREETOP: usize = offset_of!(GcTab, freetop);
    pub const SIZE: usize = size_of::<GcTab>();
    pub const ALIGN: usize = align_of::<GcTab>();
    /// The colocated array part.
    pub const COLO_ARRAY: usize = SIZE;
    expect! {
        NOMM = 10;
        COLO = 11;
        ARRAY = 16;
        GCLIST = 24;
        METATABLE = 32;
        NODE = 40;
        ASIZE = 48;
        HMASK = 52;
        FREETOP = 56;
        SIZE = 64;
        ALIGN = 8;
    }
}

/// `table::Node` (LuaJIT's Node, GC64): one slot of a table's hash part.
pub mod node {
    use super::*;
    use crate::table::Node;

    pub const VAL: usize = offset_of!(Node, val);
    pub const KEY: usize = offset_of!(Node, key);
    pub const NEXT: usize = offset_of!(Node, next);
    pub const SIZE: usize = size_of::<Node>();
    pub const ALIGN: usize = align_of::<Node>();
    expect! {
        VAL = 0;
        KEY = 8;
        NEXT = 16;
        SIZE = 24;
        ALIGN = 8;
    }
}

/// `func::GcFunc`, Lua and C closures in one struct. The header up to `pc`
/// is LuaJIT's GCfuncHeader; unlike LuaJIT, a Lua closure keeps its
/// prototype in `proto` (LuaJIT derives it from `pc`) and a C closure its
/// function in `f`, and the upvalue array (upvalue object pointers for a
/// Lua closure, values for a C closure) follows both.
pub mod gc_func {
    use super::*;
    use crate::func::GcFunc;

    pub const FFID: usize = offset_of!(GcFunc, ffid);
    pub const NUPVALUES: usize = offset_of!(GcFunc, nupvalues);
    pub const ENV: usize = offset_of!(GcFunc, env);
    pub const GCLIST: usize = offset_of!(GcFunc, gclist);
    pub const PC: usize = offset_of!(GcFunc, pc);
    pub const PROTO: usize = offset_of!(GcFunc, proto);
    pub const F: usize = offset_of!(GcFunc, f);
    pub const SIZE: usize = size_of::<GcFunc>();
    pub const ALIGN: usize = align_of::<GcFunc>();
    /// The upvalue array, 8 bytes per upvalue (`func::func_size`).
    pub const UPVALUES: usize = SIZE;
    expect! {
        FFID = 10;
        NUPVALUES = 11;
        ENV = 16;
        GCLIST = 24;
        PC = 32;
        PROTO = 40;
        F = 48;
        SIZE = 56;
        ALIGN = 8;
    }
}

/// `func::GcProto`. Ours, not LuaJIT's GCproto: the constants are in two
/// arrays (`kgc`, `knum`) and the instructions behind `bc`, not colocated.
pub mod gc_proto {
    use super::*;
    use crate::func::GcProto;

    pub const NUMPARAMS: usize = offset_of!(GcProto, numparams);
    pub const FRAMESIZE: usize = offset_of!(GcProto, framesize);
    pub const SIZEBC: usize = offset_of!(GcProto, sizebc);
    pub const GCLIST: usize = offset_of!(GcProto, gclist);
    pub const KGC: usize = offset_of!(GcProto, kgc);
    pub const KNUM: usize = offset_of!(GcProto, knum);
    pub const UV: usize = offset_of!(GcProto, uv);
    pub const SIZEKGC: usize = offset_of!(GcProto, sizekgc);
    pub const SIZEKN: usize = offset_of!(GcProto, sizekn);
    pub const SIZEUV: usize = offset_of!(GcProto, sizeuv);
    pub const FLAGS: usize = offset_of!(GcProto, flags);
    pub const TRACE: usize = offset_of!(GcProto, trace);
    pub const CHUNKNAME: usize = offset_of!(GcProto, chunkname);
    pub const FIRSTLINE: usize = offset_of!(GcProto, firstline);
    pub const NUMLINE: usize = offset_of!(GcProto, numline);
    pub const LINEINFO: usize = offset_of!(GcProto, lineinfo);
    pub const UVNAMES: usize = offset_of!(GcProto, uvnames);
    pub const VARINFO: usize = offset_of!(GcProto, varinfo);
    pub const SIZEVARINFO: usize = offset_of!(GcProto, sizevarinfo);
    pub const BC: usize = offset_of!(GcProto, bc);
    pub const SIZE: usize = size_of::<GcProto>();
    pub const ALIGN: usize = align_of::<GcProto>();
    expect! {
        NUMPARAMS = 10;
        FRAMESIZE = 11;
        SIZEBC = 12;
        GCLIST = 16;
        KGC = 24;
        KNUM = 32;
        UV = 40;
        SIZEKGC = 48;
        SIZEKN = 52;
        SIZEUV = 56;
        FLAGS = 57;
        TRACE = 58;
        CHUNKNAME = 64;
        FIRSTLINE = 72;
        NUMLINE = 76;
        LINEINFO = 80;
        UVNAMES = 88;
        VARINFO = 96;
        SIZEVARINFO = 104;
        BC = 112;
        SIZE = 120;
        ALIGN = 8;
    }
}

/// `func::GcUpval`. LuaJIT's GCupval up to the value (`closed`,
/// `immutable`, `tv`); then ours: `v` points at `tv` when closed, at the
/// stack slot when open.
pub mod gc_upval {
    use super::*;
    use crate::func::GcUpval;

    pub const CLOSED: usize = offset_of!(GcUpval, closed);
    pub const IMMUTABLE: usize = offset_of!(GcUpval, immutable);
    pub const TV: usize = offset_of!(GcUpval, tv);
    pub const V: usize = offset_of!(GcUpval, v);
    pub const OPEN_NEXT: usize = offset_of!(GcUpval, open_next);
    pub const THREAD: usize = offset_of!(GcUpval, thread);
    pub const GCLIST: usize = offset_of!(GcUpval, gclist);
    pub const SIZE: usize = size_of::<GcUpval>();
    pub const ALIGN: usize = align_of::<GcUpval>();
    expect! {
        CLOSED = 10;
        IMMUTABLE = 11;
        TV = 16;
        V = 24;
        OPEN_NEXT = 32;
        THREAD = 40;
        GCLIST = 48;
        SIZE = 56;
        ALIGN = 8;
    }
}

/// `udata::GcUdata` (LuaJIT's GCudata, GC64): the payload follows the
/// header at `udata::HEADER`, 16-byte aligned.
pub mod gc_udata {
    use super::*;
    use crate::udata::GcUdata;

    pub const UDTYPE: usize = offset_of!(GcUdata, udtype);
    pub const ENV: usize = offset_of!(GcUdata, env);
    pub const LEN: usize = offset_of!(GcUdata, len);
    pub const METATABLE: usize = offset_of!(GcUdata, metatable);
    pub const SIZE: usize = size_of::<GcUdata>();
    pub const ALIGN: usize = align_of::<GcUdata>();
    /// The payload (what `lua_touserdata` returns).
    pub const PAYLOAD: usize = crate::udata::HEADER;
    expect! {
        UDTYPE = 10;
        ENV = 16;
        LEN = 24;
        METATABLE = 32;
        SIZE = 48;
        ALIGN = 8;
        PAYLOAD = 48;
    }
}

/// `ffi::cdata::GcCdata`. Ours, not LuaJIT's GCcdata (which has a 16-bit
/// type id at offset 10 and keeps its flags in `marked`): the C value
/// follows the 16-byte header.
pub mod gc_cdata {
    use super::*;
    use crate::ffi::cdata::GcCdata;

    pub const FLAGS: usize = offset_of!(GcCdata, flags);
    pub const CTYPEID: usize = offset_of!(GcCdata, ctypeid);
    pub const SIZE: usize = size_of::<GcCdata>();
    pub const ALIGN: usize = align_of::<GcCdata>();
    /// The C value.
    pub const PAYLOAD: usize = SIZE;
    expect! {
        FLAGS = 10;
        CTYPEID = 12;
        SIZE = 16;
        ALIGN = 8;
    }
}

/// `state::lua_State`, a thread. The fields up to `stacksize` are
/// LuaJIT's; the rest are ours. Its size is not fixed: only Rust
/// allocates threads.
pub mod lua_state {
    use super::*;
    use crate::state::lua_State;

    pub const DUMMY_FFID: usize = offset_of!(lua_State, dummy_ffid);
    pub const STATUS: usize = offset_of!(lua_State, status);
    pub const GLREF: usize = offset_of!(lua_State, glref);
    pub const GCLIST: usize = offset_of!(lua_State, gclist);
    pub const BASE: usize = offset_of!(lua_State, base);
    pub const TOP: usize = offset_of!(lua_State, top);
    pub const MAXSTACK: usize = offset_of!(lua_State, maxstack);
    pub const STACK: usize = offset_of!(lua_State, stack);
    pub const OPENUPVAL: usize = offset_of!(lua_State, openupval);
    pub const ENV: usize = offset_of!(lua_State, env);
    pub const CFRAME: usize = offset_of!(lua_State, cframe);
    pub const STACKSIZE: usize = offset_of!(lua_State, stacksize);
    pub const NCCALLS: usize = offset_of!(lua_State, nccalls);
    pub const RESUME_LEVEL: usize = offset_of!(lua_State, resume_level);
    pub const PROTECT: usize = offset_of!(lua_State, protect);
    pub const ERROBJ: usize = offset_of!(lua_State, errobj);
    pub const EXDATA: usize = offset_of!(lua_State, exdata);
    pub const EXDATA2: usize = offset_of!(lua_State, exdata2);
    pub const NYIELD: usize = offset_of!(lua_State, nyield);
    pub const INHOOK: usize = offset_of!(lua_State, inhook);
    pub const SAVEDPC: usize = offset_of!(lua_State, savedpc);
    pub const SCRATCH: usize = offset_of!(lua_State, scratch);
    pub const YIELD_BASE: usize = offset_of!(lua_State, yield_base);
    pub const NATIVE_OVERFLOW: usize = offset_of!(lua_State, native_overflow);
    pub const ALIGN: usize = align_of::<lua_State>();
    expect! {
        // LuaJIT's.
        DUMMY_FFID = 10;
        STATUS = 11;
        GLREF = 16;
        GCLIST = 24;
        BASE = 32;
        TOP = 40;
        MAXSTACK = 48;
        STACK = 56;
        OPENUPVAL = 64;
        ENV = 72;
        CFRAME = 80;
        STACKSIZE = 88;
        // Ours.
        NCCALLS = 92;
        RESUME_LEVEL = 96;
        PROTECT = 104;
        ERROBJ = 128;
        EXDATA = 136;
        EXDATA2 = 144;
        NYIELD = 152;
        INHOOK = 156;
        SAVEDPC = 160;
        SCRATCH = 168;
        YIELD_BASE = 176;
        NATIVE_OVERFLOW = 184;
        ALIGN = 8;
    }
}

/// `state::GlobalState`, shared by all threads of a VM. Ours, not LuaJIT's
/// global_State. Offsets into the collector state and the hot counters
/// are given from the start of the global state. Its size is not fixed:
/// only Rust allocates it.
pub mod global_state {
    use super::*;
    use crate::state::GlobalState;

    pub const ALLOCF: usize = offset_of!(GlobalState, allocf);
    pub const ALLOCUD: usize = offset_of!(GlobalState, allocud);
    pub const STRTAB: usize = offset_of!(GlobalState, strtab);
    pub const STRTAB_CHAINS: usize = offset_of!(GlobalState, strtab.chains);
    pub const STRTAB_MASK: usize = offset_of!(GlobalState, strtab.mask);
    pub const GC: usize = offset_of!(GlobalState, gc);
    /// Bytes allocated, and the point at which the collector runs a step.
    pub const GC_TOTAL: usize = offset_of!(GlobalState, gc.total);
    pub const GC_THRESHOLD: usize = offset_of!(GlobalState, gc.threshold);
    pub const GC_PHASE: usize = offset_of!(GlobalState, gc.phase);
    pub const GC_CURRENTWHITE: usize = offset_of!(GlobalState, gc.currentwhite);
    pub const MAINTHREAD: usize = offset_of!(GlobalState, mainthread);
    pub const REGISTRY: usize = offset_of!(GlobalState, registry);
    pub const NILNODE: usize = offset_of!(GlobalState, nilnode);
    pub const BASEMT: usize = offset_of!(GlobalState, basemt);
    pub const MMNAME: usize = offset_of!(GlobalState, mmname);
    pub const PANIC: usize = offset_of!(GlobalState, panic);
    pub const HOOK: usize = offset_of!(GlobalState, hook);
    pub const HOOKMASK: usize = offset_of!(GlobalState, hookmask);
    pub const HOOKCOUNT: usize = offset_of!(GlobalState, hookcount);
    pub const HOOKCOUNTER: usize = offset_of!(GlobalState, hookcounter);
    pub const PRNG: usize = offset_of!(GlobalState, prng);
    pub const JIT_ON: usize = offset_of!(GlobalState, jit_on);
    pub const VERSION: usize = offset_of!(GlobalState, version);
    pub const HOT: usize = offset_of!(GlobalState, hot);
    /// The hot counters (`hotcount::HotCounters`, 16-bit each) and their
    /// start value.
    pub const HOT_COUNT: usize = offset_of!(GlobalState, hot.count);
    pub const HOT_START: usize = offset_of!(GlobalState, hot.start);
    pub const OOM_MSG: usize = offset_of!(GlobalState, oom_msg);
    pub const WRAPCF: usize = offset_of!(GlobalState, wrapcf);
    pub const DEFAULT_ARENA: usize = offset_of!(GlobalState, default_arena);
    pub const FFI: usize = offset_of!(GlobalState, ffi);
    pub const NATIVE_STACK: usize = offset_of!(GlobalState, native_stack);
    pub const CUR_THREAD: usize = offset_of!(GlobalState, cur_thread);
    pub const OOM_RESERVE: usize = offset_of!(GlobalState, oom_reserve);
    pub const OOM_EXCEPTION: usize = offset_of!(GlobalState, oom_exception);
    pub const ALIGN: usize = align_of::<GlobalState>();
    expect! {
        ALLOCF = 0;
        ALLOCUD = 8;
        STRTAB = 16;
        STRTAB_CHAINS = 16;
        STRTAB_MASK = 24;
        GC = 40;
        GC_TOTAL = 40;
        GC_THRESHOLD = 48;
        GC_PHASE = 160;
        GC_CURRENTWHITE = 161;
        MAINTHREAD = 168;
        REGISTRY = 176;
        NILNODE = 184;
        BASEMT = 208;
        MMNAME = 296;
        PANIC = 448;
        HOOK = 456;
        HOOKMASK = 464;
        HOOKCOUNT = 468;
        HOOKCOUNTER = 472;
        PRNG = 480;
        JIT_ON = 512;
        VERSION = 520;
        HOT = 528;
        HOT_COUNT = 528;
        HOT_START = 656;
        OOM_MSG = 664;
        WRAPCF = 672;
        DEFAULT_ARENA = 680;
        FFI = 688;
        NATIVE_STACK = 696;
        CUR_THREAD = 736;
        OOM_RESERVE = 744;
        OOM_EXCEPTION = 752;
        ALIGN = 8;
    }
}

/// `capi::types::lua_Debug`: exactly `struct lua_Debug` of include/lua.h.
pub mod lua_debug {
    use super::*;
    use crate::capi::types::lua_Debug;

    pub const EVENT: usize = offset_of!(lua_Debug, event);
    pub const NAME: usize = offset_of!(lua_Debug, name);
    pub const NAMEWHAT: usize = offset_of!(lua_Debug, namewhat);
    pub const WHAT: usize = offset_of!(lua_Debug, what);
    pub const SOURCE: usize = offset_of!(lua_Debug, source);
    pub const CURRENTLINE: usize = offset_of!(lua_Debug, currentline);
    pub const NUPS: usize = offset_of!(lua_Debug, nups);
    pub const LINEDEFINED: usize = offset_of!(lua_Debug, linedefined);
    pub const LASTLINEDEFINED: usize = offset_of!(lua_Debug, lastlinedefined);
    pub const SHORT_SRC: usize = offset_of!(lua_Debug, short_src);
    pub const I_CI: usize = offset_of!(lua_Debug, i_ci);
    pub const SIZE: usize = size_of::<lua_Debug>();
    pub const ALIGN: usize = align_of::<lua_Debug>();
    expect! {
        EVENT = 0;
        NAME = 8;
        NAMEWHAT = 16;
        WHAT = 24;
        SOURCE = 32;
        CURRENTLINE = 40;
        NUPS = 44;
        LINEDEFINED = 48;
        LASTLINEDEFINED = 52;
        SHORT_SRC = 56;
        I_CI = 116;
        SIZE = 120;
        ALIGN = 8;
    }
}

/// `capi::types::luaL_Buffer`: exactly `luaL_Buffer` of include/lauxlib.h
/// (C code writes through `p` into `buffer` with `luaL_addchar`).
pub mod lual_buffer {
    use super::*;
    use crate::capi::types::luaL_Buffer;

    pub const P: usize = offset_of!(luaL_Buffer, p);
    pub const LVL: usize = offset_of!(luaL_Buffer, lvl);
    pub const L: usize = offset_of!(luaL_Buffer, L);
    pub const BUFFER: usize = offset_of!(luaL_Buffer, buffer);
    pub const SIZE: usize = size_of::<luaL_Buffer>();
    pub const ALIGN: usize = align_of::<luaL_Buffer>();
    expect! {
        P = 0;
        LVL = 8;
        L = 16;
        BUFFER = 24;
        SIZE = 8216;
        ALIGN = 8;
    }
}

/// `capi::types::luaL_Reg`: exactly `luaL_Reg` of include/lauxlib.h.
pub mod lual_reg {
    use super::*;
    use crate::capi::types::luaL_Reg;

    pub const NAME: usize = offset_of!(luaL_Reg, name);
    pub const FUNC: usize = offset_of!(luaL_Reg, func);
    pub const SIZE: usize = size_of::<luaL_Reg>();
    pub const ALIGN: usize = align_of::<luaL_Reg>();
    expect! {
        NAME = 0;
        FUNC = 8;
        SIZE = 16;
        ALIGN = 8;
    }
}

/// The scalar and function-pointer types of the C API: `lua_Number` is a
/// `double`, `lua_Integer` a `ptrdiff_t`, and a nullable function pointer
/// (`Option<fn>`) is one pointer, as in C.
pub mod c_types {
    use super::*;
    use crate::capi::types::{
        luaJIT_profile_callback, lua_Alloc, lua_CFunction, lua_Hook, lua_Integer, lua_Number,
        lua_Reader, lua_Writer,
    };

    pub const LUA_NUMBER_SIZE: usize = size_of::<lua_Number>();
    pub const LUA_INTEGER_SIZE: usize = size_of::<lua_Integer>();
    pub const FN_PTR_SIZE: usize = size_of::<*const ()>();
    expect! {
        LUA_NUMBER_SIZE = 8;
        LUA_INTEGER_SIZE = 8;
        FN_PTR_SIZE = 8;
    }
    const _: () = assert!(
        size_of::<lua_CFunction>() == FN_PTR_SIZE
            && size_of::<lua_Alloc>() == FN_PTR_SIZE
            && size_of::<lua_Reader>() == FN_PTR_SIZE
            && size_of::<lua_Writer>() == FN_PTR_SIZE
            && size_of::<lua_Hook>() == FN_PTR_SIZE
            && size_of::<luaJIT_profile_callback>() == FN_PTR_SIZE
    );
}

#[cfg(test)]
mod tests {
    //! The C API structs checked from C: `_Static_assert`s that the
    //! headers in include/ give every field the offset and size Rust gives
    //! it, compiled (not run) with the C compiler for the target.
    use super::*;
    use crate::capi::types::{
        luaL_Buffer, luaL_Reg, lua_Debug, lua_Integer, lua_Number, LUAL_BUFFERSIZE, LUA_IDSIZE,
    };
    use std::fmt::Write;
    use std::process::Command;

    /// A struct's name, size, alignment and (field, offset, size) list.
    type StructFacts = (
        &'static str,
        usize,
        usize,
        Vec<(&'static str, usize, usize)>,
    );

    /// Size of a field, from a projection that is never called.
    fn field_size<T, F>(_: fn(&T) -> &F) -> usize {
        size_of::<F>()
    }

    /// The facts of a struct, as Rust lays it out, for the listed fields.
    macro_rules! facts {
        ($ty:ident: $($f:ident),*) => {
            (
                stringify!($ty),
                size_of::<$ty>(),
                align_of::<$ty>(),
                vec![$((stringify!($f), offset_of!($ty, $f), field_size(|s: &$ty| &s.$f))),*],
            )
        };
    }

    /// Every field of the C API structs.
    fn rust_facts() -> Vec<StructFacts> {
        vec![
            facts!(lua_Debug: event, name, namewhat, what, source, currentline, nups,
                linedefined, lastlinedefined, short_src, i_ci),
            facts!(luaL_Buffer: p, lvl, L, buffer),
            facts!(luaL_Reg: name, func),
        ]
    }

    /// The C program: one `_Static_assert` per fact. Sizes catch a field
    /// that only C has.
    fn c_checks(structs: &[StructFacts]) -> String {
        let mut c = String::from(
            "#include <stddef.h>\n#include \"lua.h\"\n#include \"lauxlib.h\"\n\
             #define CHECK(what, rust) _Static_assert((what) == (rust), #what \" is not \" #rust \" (Rust)\");\n",
        );
        for (ty, size, align, fields) in structs {
            writeln!(c, "CHECK(sizeof({ty}), {size})").unwrap();
            writeln!(c, "CHECK(_Alignof({ty}), {align})").unwrap();
            for (f, offset, fsize) in fields {
                writeln!(c, "CHECK(offsetof({ty}, {f}), {offset})").unwrap();
                writeln!(c, "CHECK(sizeof((({ty} *)0)->{f}), {fsize})").unwrap();
            }
        }
        writeln!(c, "CHECK(LUA_IDSIZE, {LUA_IDSIZE})").unwrap();
        writeln!(c, "CHECK(LUAL_BUFFERSIZE, {LUAL_BUFFERSIZE})").unwrap();
        let number = size_of::<lua_Number>();
        writeln!(
            c,
            "CHECK(_Generic((lua_Number)0, double: sizeof(double), default: 0), {number})"
        )
        .unwrap();
        let integer = size_of::<lua_Integer>();
        writeln!(
            c,
            "CHECK(_Generic((lua_Integer)0, ptrdiff_t: sizeof(ptrdiff_t), default: 0), {integer})"
        )
        .unwrap();
        c
    }

    /// The C compiler for the target being tested: `$CC`, else the cross
    /// compiler when testing ARM64 (under emulation), else `cc`.
    fn c_compiler() -> String {
        if let Ok(cc) = std::env::var("CC") {
            return cc;
        }
        let cross = "aarch64-linux-gnu-gcc";
        if cfg!(target_arch = "aarch64") && Command::new(cross).arg("--version").output().is_ok() {
            return cross.to_string();
        }
        "cc".to_string()
    }

    /// Compiles `src` against include/; the compiler's errors if it fails.
    fn compile(name: &str, src: &str) -> Result<(), String> {
        let dir =
            std::env::temp_dir().join(format!("luajit-rs-layout-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("layout.c");
        std::fs::write(&file, src).unwrap();
        let include = concat!(env!("CARGO_MANIFEST_DIR"), "/include");
        let cc = c_compiler();
        let out = Command::new(&cc)
            .args(["-std=c11", "-fsyntax-only", "-I", include])
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("cannot run the C compiler {cc}: {e}"));
        std::fs::remove_dir_all(&dir).unwrap();
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    #[test]
    fn c_api_matches_the_headers() {
        if let Err(errors) = compile("ok", &c_checks(&rust_facts())) {
            panic!("the C headers disagree with Rust's layout:\n{errors}");
        }
    }

    #[test]
    fn a_moved_field_fails_the_c_check() {
        let mut facts = rust_facts();
        // lua_Debug.currentline, as if it had moved by one int.
        facts[0].3[5].1 += size_of::<std::os::raw::c_int>();
        let errors = compile("moved", &c_checks(&facts)).unwrap_err();
        assert!(
            errors.contains("offsetof(lua_Debug, currentline)"),
            "{errors}"
        );
    }
}
