//! Lua states (threads) and the global state they share: the value stack,
//! frame links, open upvalues, protected-call records, and per-VM data.
//!
//! Frame layout (LuaJIT's 64-bit "FR2" layout): a frame with base `b` has
//! its function in slot `b-2` and its frame link in slot `b-1`. The link is
//! either the return PC (a Lua caller, type bits 00) or a byte delta to the
//! previous frame's base ORed with the frame type.

use crate::capi::types::{lua_Alloc, lua_CFunction, lua_Hook};
use crate::func::GcUpval;
use crate::gc::{
    mark_object, mark_value, mem_alloc, mem_free, GcHeader, GcState, RawVec, MARK_FIXED,
};
use crate::string::{GcStr, StrTab};
use crate::table::{GcTab, Node};
use crate::value::*;
use std::os::raw::{c_int, c_void};
use std::ptr;

pub const FRAME_LUA: u64 = 0;
pub const FRAME_C: u64 = 1;
pub const FRAME_CONT: u64 = 2;
pub const FRAME_VARG: u64 = 3;
pub const FRAME_LUAP: u64 = 4;
pub const FRAME_CP: u64 = 5;
pub const FRAME_PCALL: u64 = 6;
pub const FRAME_PCALLH: u64 = 7;
pub const FRAME_TYPE: u64 = 3;
pub const FRAME_TYPEP: u64 = 7;

/// Thread status codes (lua.h).
pub const LUA_OK: u8 = 0;
pub const LUA_YIELD: u8 = 1;
pub const LUA_ERRRUN: u8 = 2;
pub const LUA_ERRSYNTAX: u8 = 3;
pub const LUA_ERRMEM: u8 = 4;
pub const LUA_ERRERR: u8 = 5;

/// Highest usable stack size in slots (LuaJIT's LJ_STACK_MAX): `maxstack`
/// is never further than this above the stack's start, except while a
/// stack overflow error is being handled.
pub const STACK_MAX: usize = 65500;
/// Slots allocated above `maxstack` for the VM's own use (LuaJIT's
/// LJ_STACK_EXTRA with two-slot frames): a metamethod's continuation frame
/// and arguments are written there before the callee checks its frame.
pub const STACK_EXTRA: usize = 5 + 2;
/// Usable size of a new stack (LuaJIT: 2*LUA_MINSTACK slots, one of them
/// above `maxstack`).
pub const STACK_START: usize = 2 * crate::vm::LUA_MINSTACK - 1;
/// Slots allocated for a stack with `usable` slots below `maxstack`.
pub const fn stack_alloc_size(usable: usize) -> usize {
    usable + 1 + STACK_EXTRA
}
/// Allocated size of a stack at the normal limit: a larger stack is handling
/// a stack overflow error.
pub const STACK_MAXEX: usize = stack_alloc_size(STACK_MAX);
/// Usable size while a stack overflow error is handled: one slot for the
/// message and 2*LUA_MINSTACK for the error handler (LuaJIT's numbers, so
/// that the same handlers get to run).
pub const STACK_OVERFLOW_USABLE: usize = STACK_MAX + 1 + 2 * crate::vm::LUA_MINSTACK;
/// Stack slots one C function may claim (luaconf.h's LUAI_MAXCSTACK).
pub const LUAI_MAXCSTACK: usize = 8000;
/// Native nesting depth at which the native recursion guard trips where
/// the native stack's bounds are unknown (see `cstack`).
pub const MAX_CCALLS: u32 = 200;

/// Kinds of protected-call records.
pub const PROT_PCALL: u8 = 0;
pub const PROT_XPCALL: u8 = 1;
/// lua_pcall/lua_cpcall/resume from native code: caught natively.
pub const PROT_NATIVE: u8 = 2;

/// A protected call in progress (pcall/xpcall from Lua, lua_pcall from C).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Protect {
    /// Offset (slots) of the protected function's frame base from `stack`.
    pub base: usize,
    /// Offset of the error handler slot (xpcall/lua_pcall errfunc), or 0.
    pub handler: usize,
    /// Native nesting level the record belongs to.
    pub nlevel: u32,
    pub kind: u8,
}

/// A Lua thread (`lua_State *` in C). The first fields follow LuaJIT's
/// layout so that future machine code can address them at fixed offsets.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct lua_State {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    pub dummy_ffid: u8,
    pub status: u8,
    pub glref: *mut GlobalState,
    pub gclist: *mut GcHeader,
    pub base: *mut TValue,
    pub top: *mut TValue,
    pub maxstack: *mut TValue,
    pub stack: *mut TValue,
    pub openupval: *mut GcUpval,
    pub env: *mut GcTab,
    pub cframe: *mut c_void,
    pub stacksize: u32,
    /// Native nesting depth (interpreter entries, C calls into Lua).
    pub nccalls: u32,
    /// Native level at which this coroutine was last resumed: yields are
    /// only possible from this level.
    pub resume_level: u32,
    /// Protected calls in progress, innermost last.
    pub protect: RawVec<Protect>,
    /// The error object of the error being raised.
    pub errobj: TValue,
    pub exdata: *mut c_void,
    pub exdata2: *mut c_void,
    /// Number of values a yielding C function passed to lua_yield.
    pub nyield: u32,
    /// Non-zero while running hooks (no recursive hooks).
    pub inhook: u8,
    /// PC (next instruction) of the running Lua frame, saved by the
    /// interpreter before anything that can raise an error or call out.
    pub savedpc: *const crate::bytecode::Ins,
    /// Scratch slot for pseudo-index values (globals, environment).
    pub scratch: TValue,
    /// Stack offset of the frame base a suspended coroutine yielded from
    /// (its visible base then points at the yielded values).
    pub yield_base: usize,
    /// Set while an error raised by the native recursion guard is being
    /// handled: its handler may use the native stack's reserve.
    pub native_overflow: u8,
}

/// A handle to a live Lua thread: the currency of the VM's functions.
///
/// Type invariant: the pointer is non-null and points to a thread object
/// whose memory stays valid, in a global state that is not closed, for as
/// long as the handle or any copy of it is used. A handle does not root the
/// thread: its holder keeps the thread reachable (it is the running thread,
/// the main thread, or is referenced from a stack or the registry), as it
/// would keep any GC object reachable while using it.
///
/// Handles are made only by `unsafe` code ([`State::from_raw`]) and by the
/// C ABI: the C API functions take `State` parameters, so a C caller's
/// `lua_State *` becomes one (the Lua manual requires a valid state there;
/// the layout is that of a non-null pointer). Code holding a `State`
/// therefore reaches the thread's fields without proving liveness again.
/// Field access goes through the raw pointer (`(*l.as_ptr()).top`), by
/// value, so no Rust reference to the thread is ever formed that another
/// path could alias.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct State(ptr::NonNull<lua_State>);

impl State {
    /// A handle to the thread at `l`.
    ///
    /// # Safety
    /// `l` is non-null and satisfies the type invariant: it points to a
    /// live thread object for as long as the handle is used.
    #[inline(always)]
    pub unsafe fn from_raw(l: *mut lua_State) -> State {
        debug_assert!(!l.is_null());
        // SAFETY: the caller guarantees l is non-null.
        State(unsafe { ptr::NonNull::new_unchecked(l) })
    }

    /// The thread's address, for raw field access and for C.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut lua_State {
        self.0.as_ptr()
    }

    /// The global state the thread belongs to.
    #[inline(always)]
    pub fn global_ptr(self) -> *mut GlobalState {
        // SAFETY: a live thread's glref points to its live global state
        // (set when the thread is made, never changed); read by value.
        unsafe { (*self.as_ptr()).glref }
    }
}

/// Per-VM state shared by all threads.
#[repr(C)]
pub struct GlobalState {
    pub allocf: lua_Alloc,
    pub allocud: *mut c_void,
    pub strtab: StrTab,
    pub gc: GcState,
    pub mainthread: *mut lua_State,
    pub registry: TValue,
    /// Shared empty hash part.
    pub nilnode: Node,
    /// Metatables of non-table types, indexed by lua type (LUA_T*).
    pub basemt: [*mut GcTab; 11],
    /// Interned metamethod names.
    pub mmname: [*mut GcStr; crate::meta::MM_N],
    pub panic: lua_CFunction,
    pub hook: lua_Hook,
    pub hookmask: i32,
    pub hookcount: i32,
    pub hookcounter: i32,
    /// Fast-function closures by id, for the interpreter's fast paths.
    pub prng: [u64; 4],
    pub jit_on: bool,
    pub version: f64,
    /// Hot counters of loops and functions (for the trace compiler).
    pub hot: crate::hotcount::HotCounters,
    /// "not enough memory", interned and fixed at creation so that memory
    /// errors never need to allocate their message.
    pub oom_msg: *mut GcStr,
    /// The wrapper set with LUAJIT_MODE_WRAPCFUNC: while set, C functions
    /// are called as `wrapper(L, f)`.
    pub wrapcf: Option<unsafe extern "C-unwind" fn(*mut lua_State, lua_CFunction) -> c_int>,
    /// The arena of the default allocator when luaL_newstate made this
    /// state; lua_close destroys it after the last block is freed.
    pub default_arena: *mut crate::alloc::Arena,
    /// The FFI's state, created on first use.
    pub ffi: *mut crate::ffi::FfiState,
    /// Bounds of the native stack, for the native recursion guard.
    pub native_stack: crate::cstack::NativeStack,
    /// The thread whose code runs now: the innermost coroutine being
    /// resumed, or the thread of the innermost lua_pcall, or the main
    /// thread; null while the state is being created. Memory errors are
    /// raised on it.
    pub cur_thread: *mut lua_State,
    /// Rust heap held back for handling memory errors
    /// (`error::OOM_RESERVE` bytes, or null while memory is short).
    pub oom_reserve: *mut u8,
    /// The exception object memory errors unwind with, made with the
    /// state so that raising one allocates nothing (null if that failed).
    pub oom_exception: *mut c_void,
}

impl GlobalState {
    #[inline(always)]
    pub fn nilnode(&mut self) -> *mut Node {
        &mut self.nilnode
    }
    #[inline(always)]
    pub fn nilnode_const(&self) -> *mut Node {
        &self.nilnode as *const Node as *mut Node
    }
    pub fn mmname(&self, mm: usize) -> *mut GcStr {
        self.mmname[mm]
    }
    /// The main thread (a fixed object: it lives as long as the global
    /// state). Not available while the state is being made.
    #[inline]
    pub fn main_thread(&self) -> State {
        assert!(!self.mainthread.is_null(), "main thread not made yet");
        // SAFETY: non-null; the main thread is freed only by close_state,
        // after its last use.
        unsafe { State::from_raw(self.mainthread) }
    }
}

// ---- Access to the global state.
//
// The global state is shared by all threads of a VM and reached from each
// through `glref`. It is never borrowed for long:
// - Leaf operations (allocation, interning, barriers, table primitives,
//   metatable lookups) take `&mut GlobalState`. Such a reference is made
//   only for the duration of one leaf call, and a leaf never runs Lua
//   code, never calls a function that takes a `State`, and never steps
//   the collector (steps happen only at `gc::check(l)` points, which take
//   a `State`). So no second reference to the global state can appear
//   while one is live. The methods below make that reference for the
//   common leaves, each justified once.
// - Everything else reads and writes fields by value through
//   `State::global_ptr()`, or uses `State::global_mut` (unsafe) for a
//   short exclusive section whose SAFETY comment says why nothing else
//   reaches the global state meanwhile.
// - Code that needs both splits itself: the collector's step runs its
//   leaf part (`gc::step_leaf`) and returns what to do next, and only then
//   runs a finalizer; too long a string is refused by `State::intern`
//   before the leaf is entered. Errors a leaf raises itself (memory
//   errors) unwind out of it; the one exception to the rule is an error
//   nothing would catch, where the leaf hands the thread to the panic
//   function and the process exits (`error::raise_from_leaf`).
impl State {
    /// Exclusive access to the global state.
    ///
    /// # Safety
    /// While the returned reference is used, no other reference to the
    /// global state may be made or used: the caller does not run Lua code,
    /// call functions that take a `State`, or step the collector, and it
    /// drops the reference before doing so.
    #[inline(always)]
    pub unsafe fn global_mut<'a>(self) -> &'a mut GlobalState {
        // SAFETY: glref points to the live global state; exclusivity is
        // the caller's obligation.
        unsafe { &mut *self.global_ptr() }
    }

    /// Run one leaf operation on the global state.
    #[inline(always)]
    fn leaf<R>(self, f: impl FnOnce(&mut GlobalState) -> R) -> R {
        // SAFETY: only the leaf wrappers below call this, each with a leaf
        // function of the core (see the section comment): the reference
        // lives for that call only and nothing in it reaches the global
        // state another way.
        f(unsafe { self.global_mut() })
    }

    /// A string value (interned).
    #[inline]
    pub fn new_str(self, s: &[u8]) -> TValue {
        TValue::gcobj(TID_STR, self.intern(s) as *const GcHeader)
    }

    /// An interned string object. Too long a string raises "string length
    /// overflow" here, with the running position (not in the leaf).
    #[inline]
    pub fn intern(self, s: &[u8]) -> *mut GcStr {
        if s.len() >= crate::string::MAX_STR_LEN {
            self.string_overflow();
        }
        self.leaf(|g| crate::string::intern(g, s))
    }

    /// Raise "string length overflow" (out of line: interning is hot).
    #[cold]
    #[inline(never)]
    fn string_overflow(self) -> ! {
        crate::error::throw_msg(self, crate::string::STRING_OVERFLOW_MSG)
    }

    /// The metamethod `mm` of a value (nil if none).
    #[inline]
    pub fn get_mm(self, v: TValue, mm: usize) -> TValue {
        self.leaf(|g| crate::meta::get_mm(g, v, mm))
    }

    /// The backward write barrier after a store into table `t`.
    ///
    /// # Safety
    /// `t` points to a live table.
    #[inline]
    pub unsafe fn barrier_table(self, t: *mut GcTab) {
        // SAFETY: t is live (this function's contract).
        self.leaf(|g| unsafe { crate::gc::barrier_table(g, t) })
    }

    /// The registry table's value.
    #[inline]
    pub fn registry(self) -> TValue {
        // SAFETY: a field of the live global state, read by value.
        unsafe { (*self.global_ptr()).registry }
    }

    /// The main thread of this thread's VM.
    #[inline]
    pub fn main_thread(self) -> State {
        // SAFETY: the main thread is set before any other handle exists
        // and freed only by close_state, after its last use.
        unsafe { State::from_raw((*self.global_ptr()).mainthread) }
    }

    /// Whether this is its VM's main thread.
    #[inline]
    pub fn is_main_thread(self) -> bool {
        // SAFETY: a field of the live global state, read by value.
        self.as_ptr() == unsafe { (*self.global_ptr()).mainthread }
    }
}

/// Make the zeroed thread object at `l` a thread of `g` with a new stack.
///
/// # Safety
/// `l` points to a zeroed thread object of `g`'s heap; `g` is a live
/// global state (its allocator set up).
unsafe fn init_thread(l: *mut lua_State, g: *mut GlobalState) {
    // SAFETY: l points to a zeroed thread object; g is live.
    unsafe {
        (*l).glref = g;
        (*l).status = LUA_OK;
        (*l).errobj = TValue::NIL;
        (*l).protect = RawVec::new();
        let gr = &mut *g;
        let n = stack_alloc_size(STACK_START);
        let st = mem_alloc(gr, n * 8) as *mut TValue;
        for i in 0..n {
            *st.add(i) = TValue::NIL;
        }
        (*l).stack = st;
        (*l).stacksize = n as u32;
        (*l).maxstack = st.add(STACK_START);
        // The bottom frame: a dummy function slot and a C frame link.
        *st = TValue::NIL;
        *st.add(1) = TValue(FRAME_C);
        (*l).base = st.add(2);
        (*l).top = st.add(2);
        // SAFETY: l is now a thread with its stack.
        crate::stack_check::debug_check_frames(State::from_raw(l));
    }
}

/// Protected-call records the main thread has room for from the start, so
/// that a lua_pcall from C needs no allocation to set up its protection.
const MAIN_PROTECT_RESERVE: usize = 16;

/// Create a new VM with the given allocator; null if it fails.
///
/// Every allocation failure during setup (all go through `f`) unwinds to
/// here; the partly built state is then freed block by block and null
/// returned, as LuaJIT's lua_newstate does.
///
/// # Safety
/// `f` with `ud` is an allocator keeping the `lua_Alloc` contract (a block
/// of the size asked for, or null; frees and resizes of its own blocks).
pub unsafe fn new_state(f: lua_Alloc, ud: *mut c_void) -> Option<State> {
    let f = f?;
    // SAFETY: f with ud is a valid allocator (this function's contract);
    // the global state and the main thread are made in its blocks, zeroed
    // before use, and nothing else refers to them until this returns.
    unsafe {
        let gsize = std::mem::size_of::<GlobalState>();
        let g = f(ud, ptr::null_mut(), 0, gsize) as *mut GlobalState;
        if g.is_null() {
            return None;
        }
        ptr::write_bytes(g as *mut u8, 0, gsize);
        let gr = &mut *g;
        gr.allocf = Some(f);
        gr.allocud = ud;
        gr.gc.total = gsize;
        crate::gc::init(gr);
        gr.nilnode = Node {
            val: TValue::NIL,
            key: TValue::NIL,
            next: ptr::null_mut(),
        };
        gr.registry = TValue::NIL;
        gr.version = 501.0;
        gr.jit_on = true;
        gr.hot = crate::hotcount::HotCounters::new(crate::hotcount::DEFAULT_HOTLOOP);
        // cur_thread stays null until the end: a memory error then unwinds
        // to the catch below instead of treating itself as unprotected.
        let r = crate::error::catch(|| {
            let gr = &mut *g;
            crate::string::init_strtab(gr);
            let l = crate::gc::new_object(gr, std::mem::size_of::<lua_State>(), TID_THREAD)
                as *mut lua_State;
            (*l).marked |= MARK_FIXED;
            gr.mainthread = l;
            init_thread(l, g);
            (*l).protect.reserve(gr, MAIN_PROTECT_RESERVE);
            let reg = crate::table::new(gr, 0, 2);
            gr.registry = TValue::gcobj(TID_TAB, reg as *const GcHeader);
            let env = crate::table::new(gr, 0, 6);
            (*l).env = env;
            crate::meta::init_mmnames(gr);
            let oom = crate::string::intern(gr, b"not enough memory");
            (*oom).marked |= MARK_FIXED;
            gr.oom_msg = oom;
            l
        });
        match r {
            Ok(l) => {
                let gr = &mut *g;
                gr.cur_thread = l;
                gr.oom_exception = crate::error::new_oom_exception();
                crate::error::refill_reserve(gr);
                crate::gc::start(gr);
                Some(State::from_raw(l))
            }
            Err(p) => {
                if !p.is::<crate::error::LuaThrow>() {
                    crate::error::rethrow(p);
                }
                // g is the global state under construction, which nothing
                // else refers to.
                free_partial_state(g);
                None
            }
        }
    }
}

/// Free what a failed `new_state` had allocated, then the global state.
///
/// # Safety
/// `g` is a global state under construction that nothing else refers to;
/// it is not used afterwards.
unsafe fn free_partial_state(g: *mut GlobalState) {
    // SAFETY: g is the global state under construction; nothing else
    // refers to it (this function's contract). Every object is on the
    // object list or the intern table; the main thread, if made, is not
    // on the object list.
    unsafe {
        let gr = &mut *g;
        gr.gc.running = true;
        let main = gr.mainthread;
        crate::gc::free_all(gr);
        if !gr.strtab.chains.is_null() {
            crate::string::free_all(gr);
        }
        if !main.is_null() {
            free_thread_parts(gr, main);
            mem_free(gr, main as *mut u8, std::mem::size_of::<lua_State>());
        }
        let f = gr.allocf.expect("allocator");
        f(
            gr.allocud,
            g as *mut c_void,
            std::mem::size_of::<GlobalState>(),
            0,
        );
    }
}

/// Free everything of a VM (lua_close).
pub fn close_state(l: State) {
    let main = l.main_thread();
    // Run pending and all remaining finalizers (Lua 5.1 calls every __gc at close).
    // SAFETY: main is live; its stack pointer is read by value.
    crate::func::close_upvals(main, unsafe { (*main.as_ptr()).stack });
    let _ = crate::error::catch(|| crate::gc::finalize_all(main));
    // SAFETY: no Lua code runs any more: from here on only this function
    // reaches the global state, through g, until it frees it.
    let g = unsafe { main.global_mut() };
    g.gc.running = true;
    // Free all objects.
    crate::gc::free_all(g);
    crate::string::free_all(g);
    crate::ffi::free_state(g);
    crate::error::release_reserve(g);
    // SAFETY: the state's own exception object, not in flight (no error is
    // being raised), cleared right after.
    unsafe { crate::error::free_oom_exception(g.oom_exception) };
    g.oom_exception = ptr::null_mut();
    // SAFETY: the main thread is not on the object list, so it was not
    // freed above; its object is freed here, last.
    unsafe {
        free_thread_parts(g, main.as_ptr());
        mem_free(
            g,
            main.as_ptr() as *mut u8,
            std::mem::size_of::<lua_State>(),
        );
    }
    let f = g.allocf.unwrap();
    let ud = g.allocud;
    let arena = g.default_arena;
    // SAFETY: g was allocated by f with this size.
    unsafe {
        f(
            ud,
            g as *mut GlobalState as *mut c_void,
            std::mem::size_of::<GlobalState>(),
            0,
        )
    };
    if !arena.is_null() {
        // SAFETY: luaL_newstate made this arena for this state, whose last
        // block was just freed.
        unsafe { crate::alloc::Arena::destroy(arena) };
    }
}

/// A new coroutine sharing the globals of `l`.
pub fn new_thread(l: State) -> State {
    let size = std::mem::size_of::<lua_State>();
    // SAFETY: a leaf call on the global state.
    let l1 = crate::gc::new_object(unsafe { l.global_mut() }, size, TID_THREAD) as *mut lua_State;
    // SAFETY: l1 is a new zeroed thread object of l's global state. New
    // threads inherit their creator's globals and (as in OpenResty's
    // LuaJIT) its exdata pointers.
    unsafe {
        init_thread(l1, l.global_ptr());
        (*l1).env = (*l.as_ptr()).env;
        (*l1).exdata = (*l.as_ptr()).exdata;
        (*l1).exdata2 = (*l.as_ptr()).exdata2;
        // The new thread is referenced only by the caller, who pushes it
        // before anything can collect.
        State::from_raw(l1)
    }
}

/// Free a thread's stack and protected-call records.
///
/// # Safety
/// `l` points to a thread object of `g` that is not freed yet, whose
/// stack is not used afterwards.
unsafe fn free_thread_parts(g: &mut GlobalState, l: *mut lua_State) {
    // SAFETY: l is not freed (this function's contract); its stack and
    // protect records are owned by it.
    unsafe {
        let st = (*l).stack;
        let n = (*l).stacksize as usize;
        mem_free(g, st as *mut u8, n * 8);
        (*l).stack = ptr::null_mut();
        (*l).protect.free(g);
    }
}

/// Free a dead thread, closing the open upvalues that still point into
/// its stack (they may be reachable from closures that survive it).
///
/// # Safety
/// `l` points to a dead thread object of `g` that is not freed yet; it is
/// not used afterwards. Its open upvalues are not freed yet.
pub unsafe fn free_thread(g: &mut GlobalState, l: *mut lua_State) {
    // SAFETY: l and its open upvalues are not freed (this function's
    // contract); the upvalues point into its stack, still allocated.
    unsafe {
        let mut uv = (*l).openupval;
        while !uv.is_null() {
            let next = (*uv).open_next;
            (*uv).tv = *(*uv).v;
            (*uv).v = &mut (*uv).tv;
            (*uv).closed = 1;
            (*uv).thread = ptr::null_mut();
            (*uv).open_next = ptr::null_mut();
            uv = next;
        }
        (*l).openupval = ptr::null_mut();
        free_thread_parts(g, l);
        mem_free(g, l as *mut u8, std::mem::size_of::<lua_State>());
    }
}

/// Mark a thread's stack (below top) and references. In the atomic phase
/// the unused part of the stack is cleared, so that stale values there are
/// never mistaken for live ones later.
pub fn traverse_thread(g: &mut GlobalState, l: State, atomic: bool) {
    // SAFETY: the thread is being traversed, so it is not freed; slots
    // below top hold values or frame links, and
    // frame links never look like GC references (PCs and small deltas
    // have itype 0, i.e. they look like numbers).
    unsafe {
        mark_object(g, (*l.as_ptr()).env as *mut GcHeader);
        mark_value(g, (*l.as_ptr()).errobj);
        let mut p = (*l.as_ptr()).stack;
        let top = (*l.as_ptr()).top;
        while p < top {
            mark_value(g, *p);
            p = p.add(1);
        }
        if atomic {
            let end = (*l.as_ptr()).stack.add((*l.as_ptr()).stacksize as usize);
            while p < end {
                *p = TValue::NIL;
                p = p.add(1);
            }
        }
        let mut uv = (*l.as_ptr()).openupval;
        while !uv.is_null() {
            mark_object(g, uv as *mut GcHeader);
            uv = (*uv).open_next;
        }
    }
}

/// Grow the stack so that `n` more slots above top are usable (raises
/// "stack overflow" when they cannot be).
#[inline]
pub fn check_stack(l: State, n: usize) {
    // SAFETY: fields of the live thread, read by value; maxstack and top
    // point into the same stack.
    unsafe {
        if ((*l.as_ptr()).maxstack.offset_from((*l.as_ptr()).top)) < n as isize {
            grow_stack(l, n);
        }
    }
}

/// Make sure more than `n` slots above top are free, growing the stack as
/// LuaJIT's lj_state_checkstack does (where C code, not the VM, needs room).
#[inline]
pub fn reserve_stack(l: State, n: usize) {
    // SAFETY: fields of the live thread, read by value; maxstack and top
    // point into the same stack.
    unsafe {
        if ((*l.as_ptr()).maxstack.offset_from((*l.as_ptr()).top)) <= n as isize {
            grow_stack(l, n);
        }
    }
}

/// Make `n` slots above top usable, letting them reach into the
/// STACK_EXTRA slots above `maxstack` (where LuaJIT writes a metamethod's
/// frame without a check): the callee's own frame check follows and grows
/// the stack, or raises the overflow in the callee, as in LuaJIT.
#[inline]
pub fn check_stack_extra(l: State, n: usize) {
    // SAFETY: fields of the live thread, read by value; maxstack and top
    // point into the same stack, which has STACK_EXTRA slots above
    // maxstack.
    unsafe {
        if ((*l.as_ptr())
            .maxstack
            .add(STACK_EXTRA)
            .offset_from((*l.as_ptr()).top))
            < n as isize
        {
            check_stack(l, n);
        }
    }
}

/// Whether the stack is enlarged beyond STACK_MAX for a stack overflow
/// error's handler.
pub fn in_stack_overflow(l: State) -> bool {
    // SAFETY: a field of the live thread, read by value.
    unsafe { (*l.as_ptr()).stacksize as usize > STACK_MAXEX }
}

/// Grow the stack by at least `need` slots; as in LuaJIT, a request that
/// would take the stack to STACK_MAX or beyond raises a stack overflow
/// error instead. The running frame (`L.base`, `L.savedpc`) must be
/// walkable: the error names its position and its handler runs above it.
#[cold]
pub fn grow_stack(l: State, need: usize) {
    // SAFETY: a field of the live thread, read by value.
    let size = unsafe { (*l.as_ptr()).stacksize as usize };
    let wanted = size + need;
    if wanted >= STACK_MAX {
        crate::error::stack_overflow(l);
    }
    // Double the size where that is enough, for amortised growth.
    let usable = if wanted < 2 * size {
        (2 * size).min(STACK_MAX)
    } else {
        wanted
    };
    resize_stack(l, usable);
}

/// Enlarge the stack beyond STACK_MAX for the handler of a stack overflow
/// error.
pub fn enter_stack_overflow(l: State) {
    resize_stack(l, STACK_OVERFLOW_USABLE);
}

/// After an error was caught: take the stack back to its normal limit if
/// it was enlarged for an overflow error's handler, and leave the native
/// recursion guard's reserve.
pub fn end_overflow(l: State) {
    // SAFETY: fields of the live thread, read and written by value; top
    // and stack point into the same stack.
    unsafe {
        (*l.as_ptr()).native_overflow = 0;
        let used = (*l.as_ptr()).top.offset_from((*l.as_ptr()).stack) as usize;
        if in_stack_overflow(l) && used < STACK_MAX - 1 {
            resize_stack(l, STACK_MAX);
        }
    }
}

/// Reallocate the stack with `usable` slots below `maxstack` (and
/// STACK_EXTRA + 1 above), rebasing every pointer into it.
fn resize_stack(l: State, usable: usize) {
    // SAFETY: reallocating the stack and rebasing every pointer into it;
    // callers only shrink a stack whose used part stays below `usable`.
    unsafe {
        let osize = (*l.as_ptr()).stacksize as usize;
        let nsize = stack_alloc_size(usable);
        let old = (*l.as_ptr()).stack;
        // A leaf call on the global state.
        let new = crate::gc::mem_realloc(l.global_mut(), old as *mut u8, osize * 8, nsize * 8)
            as *mut TValue;
        for i in osize..nsize {
            *new.add(i) = TValue::NIL;
        }
        let delta = (new as isize) - (old as isize);
        let rebase = |p: *mut TValue| (p as isize + delta) as *mut TValue;
        (*l.as_ptr()).stack = new;
        (*l.as_ptr()).stacksize = nsize as u32;
        (*l.as_ptr()).base = rebase((*l.as_ptr()).base);
        (*l.as_ptr()).top = rebase((*l.as_ptr()).top);
        (*l.as_ptr()).maxstack = new.add(usable);
        let mut uv = (*l.as_ptr()).openupval;
        while !uv.is_null() {
            (*uv).v = rebase((*uv).v);
            uv = (*uv).open_next;
        }
        // Frame links are relative (deltas and PCs): they survive the move.
        crate::stack_check::debug_check_stack(l);
        if (*l.as_ptr()).status == LUA_OK {
            crate::stack_check::debug_check_frames(l);
        }
    }
}

/// Shrink-on-reset helper for lua_resetthread: clear the thread to a fresh state.
pub fn reset_thread(l: State) {
    // SAFETY: fields of the live thread, written by value; its stack
    // always has room for the bottom frame's two slots.
    unsafe {
        crate::func::close_upvals(l, (*l.as_ptr()).stack);
        let st = (*l.as_ptr()).stack;
        *st = TValue::NIL;
        *st.add(1) = TValue(FRAME_C);
        (*l.as_ptr()).base = st.add(2);
        (*l.as_ptr()).top = st.add(2);
        (*l.as_ptr()).status = LUA_OK;
        (*l.as_ptr()).protect.clear();
        (*l.as_ptr()).errobj = TValue::NIL;
        (*l.as_ptr()).nccalls = 0;
    }
    end_overflow(l);
    crate::stack_check::debug_check_frames(l);
}

/// Type of a frame link.
#[inline(always)]
pub fn frame_type(link: u64) -> u64 {
    link & FRAME_TYPE
}
#[inline(always)]
pub fn frame_typep(link: u64) -> u64 {
    link & FRAME_TYPEP
}
