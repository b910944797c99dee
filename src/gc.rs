//! Memory and the garbage collector.
//!
//! Every byte the VM allocates goes through the state's `lua_Alloc`. GC
//! objects start with a common header (next-object link, mark bits, type)
//! and live on one all-objects list (strings live on the intern table's
//! chains instead). The collector is a mark and sweep collector with an
//! explicit gray stack; it only runs at safe points (`check`), where every
//! live value is reachable from the roots.

use crate::func::{GcFunc, GcProto, GcUpval};
use crate::state::{lua_State, GlobalState};
use crate::string::GcStr;
use crate::table::GcTab;
use crate::udata::GcUdata;
use crate::value::*;
use std::ptr;

/// Common header of every collectable object (`#[repr(C)]`, LuaJIT's layout).
#[repr(C)]
pub struct GcHeader {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
}

/// Mark bits.
pub const MARK_BLACK: u8 = 0x01;
/// Never collected (interned metamethod names, the main thread).
pub const MARK_FIXED: u8 = 0x20;
/// A userdata whose finalizer ran or was scheduled.
pub const MARK_FINALIZED: u8 = 0x08;
/// Userdata with a finalizer are ordered on a separate list.
pub const MARK_WEAK_KEYS: u8 = 0x02;
pub const MARK_WEAK_VALUES: u8 = 0x04;

/// Collector state, part of the global state.
#[repr(C)]
pub struct GcState {
    /// Bytes currently allocated.
    pub total: usize,
    /// Collect when `total` reaches this.
    pub threshold: usize,
    /// Size after the last collection.
    pub estimate: usize,
    /// All objects except strings.
    pub root: *mut GcHeader,
    /// Percent of the live size to wait before the next cycle (setpause).
    pub pause: u32,
    pub stepmul: u32,
    /// Collection stopped by `collectgarbage("stop")`.
    pub stopped: bool,
    /// Collect at every check (stress mode for tests).
    pub stress: bool,
    /// A collection is running (re-entrancy guard).
    pub running: bool,
    pub gray: RawVec<*mut GcHeader>,
    pub weak: RawVec<*mut GcHeader>,
    pub tobefnz: RawVec<*mut GcHeader>,
}

/// A tiny growable array whose storage comes from the state allocator.
#[repr(C)]
pub struct RawVec<T: Copy> {
    pub ptr: *mut T,
    pub len: usize,
    pub cap: usize,
}

impl<T: Copy> RawVec<T> {
    pub const fn new() -> Self {
        RawVec {
            ptr: ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }
    pub fn push(&mut self, g: &mut GlobalState, v: T) {
        if self.len == self.cap {
            let ncap = if self.cap == 0 { 16 } else { self.cap * 2 };
            let sz = std::mem::size_of::<T>();
            self.ptr = mem_realloc(g, self.ptr as *mut u8, self.cap * sz, ncap * sz) as *mut T;
            self.cap = ncap;
        }
        // SAFETY: len < cap after growing; ptr holds cap elements.
        unsafe { self.ptr.add(self.len).write(v) };
        self.len += 1;
    }
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            None
        } else {
            self.len -= 1;
            // SAFETY: index len was initialised by push.
            Some(unsafe { self.ptr.add(self.len).read() })
        }
    }
    pub fn get(&self, i: usize) -> T {
        assert!(i < self.len);
        // SAFETY: bounds checked above.
        unsafe { self.ptr.add(i).read() }
    }
    pub fn set(&mut self, i: usize, v: T) {
        assert!(i < self.len);
        // SAFETY: bounds checked above.
        unsafe { self.ptr.add(i).write(v) }
    }
    pub fn last_mut(&mut self) -> Option<&mut T> {
        if self.len == 0 {
            None
        } else {
            // SAFETY: index len-1 is initialised.
            Some(unsafe { &mut *self.ptr.add(self.len - 1) })
        }
    }
    pub fn clear(&mut self) {
        self.len = 0;
    }
    pub fn free(&mut self, g: &mut GlobalState) {
        mem_free(g, self.ptr as *mut u8, self.cap * std::mem::size_of::<T>());
        *self = RawVec::new();
    }
}

/// Raised (as a Lua memory error) when the allocator fails.
pub fn out_of_memory(g: &mut GlobalState) -> ! {
    crate::error::throw_oom(g)
}

/// Reallocate through the state's allocator; `nsize == 0` frees.
pub fn mem_realloc(g: &mut GlobalState, p: *mut u8, osize: usize, nsize: usize) -> *mut u8 {
    let f = g.allocf.expect("allocator");
    // SAFETY: lua_Alloc contract: (ud, ptr, osize, nsize) with ptr either
    // null or a block of osize bytes previously returned by this allocator.
    let np = unsafe { f(g.allocud, p as *mut _, osize, nsize) } as *mut u8;
    if np.is_null() && nsize > 0 {
        out_of_memory(g);
    }
    g.gc.total =
        g.gc.total
            .wrapping_sub(if p.is_null() { 0 } else { osize })
            .wrapping_add(nsize);
    np
}

pub fn mem_alloc(g: &mut GlobalState, size: usize) -> *mut u8 {
    mem_realloc(g, ptr::null_mut(), 0, size)
}

pub fn mem_free(g: &mut GlobalState, p: *mut u8, size: usize) {
    if !p.is_null() {
        mem_realloc(g, p, size, 0);
    }
}

/// Allocate a new GC object of `size` bytes, link it on the all-objects list.
pub fn new_object(g: &mut GlobalState, size: usize, tid: u32) -> *mut GcHeader {
    let o = mem_alloc(g, size) as *mut GcHeader;
    // SAFETY: o points to at least size >= sizeof(GcHeader) fresh bytes.
    unsafe {
        ptr::write_bytes(o as *mut u8, 0, size);
        (*o).gct = tid as u8;
        (*o).marked = 0;
        (*o).next = g.gc.root;
    }
    g.gc.root = o;
    o
}

/// Run a collection if the allocation debt says so. Must only be called at
/// safe points: every live value reachable from the roots (stack below top).
#[inline]
pub fn check(l: *mut lua_State) {
    // SAFETY: l is a live state; its global state outlives it.
    let g = unsafe { &mut *(*l).glref };
    if (g.gc.total >= g.gc.threshold || g.gc.stress) && !g.gc.stopped && !g.gc.running {
        full_gc(l);
    }
}

/// A full collection cycle.
pub fn full_gc(l: *mut lua_State) {
    // SAFETY: see `check`.
    let g = unsafe { &mut *(*l).glref };
    if g.gc.running {
        return;
    }
    g.gc.running = true;
    mark_roots(g);
    propagate(g);
    separate_finalizable(g);
    propagate(g);
    clear_weak(g);
    sweep(g);
    g.gc.estimate = g.gc.total;
    set_threshold(g);
    g.gc.running = false;
    call_finalizers(l);
}

pub fn set_threshold(g: &mut GlobalState) {
    let base = g.gc.estimate.max(64 * 1024);
    g.gc.threshold = base / 100 * g.gc.pause.max(100) as usize;
}

#[inline]
fn is_marked(o: *mut GcHeader) -> bool {
    // SAFETY: o is a live object header.
    unsafe { (*o).marked & (MARK_BLACK | MARK_FIXED) != 0 }
}

/// Mark a value's object gray (push on the gray stack) if it is white.
#[inline]
pub fn mark_value(g: &mut GlobalState, v: TValue) {
    if v.is_gc() {
        mark_object(g, v.gc_ptr());
    }
}

pub fn mark_object(g: &mut GlobalState, o: *mut GcHeader) {
    if o.is_null() {
        return;
    }
    // SAFETY: o is a live object header.
    unsafe {
        if (*o).marked & MARK_BLACK != 0 {
            return;
        }
        (*o).marked |= MARK_BLACK;
        if (*o).gct as u32 == TID_STR {
            return; // strings have no references
        }
    }
    g.gc.gray.push_raw(o);
}

impl RawVec<*mut GcHeader> {
    /// Push without holding a second &mut GlobalState: the gray stack grows
    /// through the allocator directly.
    pub fn push_raw(&mut self, o: *mut GcHeader) {
        if self.len == self.cap {
            let ncap = if self.cap == 0 { 256 } else { self.cap * 2 };
            let sz = std::mem::size_of::<*mut GcHeader>();
            // The gray stack uses the system allocator: it is collector
            // scratch memory, freed at the end of the state.
            let layout = std::alloc::Layout::array::<*mut GcHeader>(ncap).unwrap();
            // SAFETY: layout is non-zero; old block copied then freed with its layout.
            unsafe {
                let np = std::alloc::alloc(layout) as *mut *mut GcHeader;
                if np.is_null() {
                    std::alloc::handle_alloc_error(layout);
                }
                if !self.ptr.is_null() {
                    ptr::copy_nonoverlapping(self.ptr, np, self.len);
                    std::alloc::dealloc(
                        self.ptr as *mut u8,
                        std::alloc::Layout::from_size_align(
                            self.cap * sz,
                            std::mem::align_of::<*mut GcHeader>(),
                        )
                        .unwrap(),
                    );
                }
                self.ptr = np;
            }
            self.cap = ncap;
        }
        // SAFETY: len < cap.
        unsafe { self.ptr.add(self.len).write(o) };
        self.len += 1;
    }
    pub fn free_raw(&mut self) {
        if !self.ptr.is_null() {
            let layout = std::alloc::Layout::array::<*mut GcHeader>(self.cap).unwrap();
            // SAFETY: allocated by push_raw with this layout.
            unsafe { std::alloc::dealloc(self.ptr as *mut u8, layout) };
        }
        *self = RawVec::new();
    }
}

fn mark_roots(g: &mut GlobalState) {
    g.gc.gray.clear();
    g.gc.weak.clear();
    mark_object(g, g.mainthread as *mut GcHeader);
    let reg = g.registry;
    mark_value(g, reg);
    for i in 0..g.basemt.len() {
        let mt = g.basemt[i];
        mark_object(g, mt as *mut GcHeader);
    }
    for i in 0..g.gc.tobefnz.len {
        let o = g.gc.tobefnz.get(i);
        mark_object(g, o);
    }
}

fn propagate(g: &mut GlobalState) {
    while let Some(o) = g.gc.gray.pop() {
        traverse(g, o);
    }
}

fn traverse(g: &mut GlobalState, o: *mut GcHeader) {
    // SAFETY: o is a live, marked object of the type its gct says.
    unsafe {
        match (*o).gct as u32 {
            TID_TAB => crate::table::traverse(g, o as *mut GcTab),
            TID_FUNC => crate::func::traverse_func(g, o as *mut GcFunc),
            TID_PROTO => crate::func::traverse_proto(g, o as *mut GcProto),
            TID_UPVAL => {
                let uv = o as *mut GcUpval;
                mark_value(g, *(*uv).v);
            }
            TID_THREAD => crate::state::traverse_thread(g, o as *mut lua_State),
            TID_UDATA => {
                let u = o as *mut GcUdata;
                mark_object(g, (*u).metatable as *mut GcHeader);
                mark_object(g, (*u).env as *mut GcHeader);
            }
            _ => {}
        }
    }
}

/// Userdata that became unreachable and have a `__gc` metamethod are
/// resurrected for one more cycle and queued for finalization.
fn separate_finalizable(g: &mut GlobalState) {
    let first_new = g.gc.tobefnz.len;
    let mut o = g.gc.root;
    while !o.is_null() {
        // SAFETY: walking the all-objects list; every entry is live.
        unsafe {
            if (*o).gct as u32 == TID_UDATA
                && (*o).marked & (MARK_BLACK | MARK_FIXED | MARK_FINALIZED) == 0
            {
                let u = o as *mut GcUdata;
                let mt = (*u).metatable;
                if !mt.is_null() && !crate::meta::fast_get(g, mt, crate::meta::MM_GC).is_nil() {
                    (*o).marked |= MARK_FINALIZED;
                    g.gc.tobefnz.push_raw(o);
                    mark_object(g, o);
                }
            }
            o = (*o).next;
        }
    }
    // The all-objects list is newest first and finalizers run from the end
    // of tobefnz: reverse the new entries so the newest object is
    // finalized first, as in LuaJIT.
    let n = g.gc.tobefnz.len;
    let (mut i, mut j) = (first_new, n);
    while i + 1 < j {
        j -= 1;
        let a = g.gc.tobefnz.get(i);
        let b = g.gc.tobefnz.get(j);
        g.gc.tobefnz.set(i, b);
        g.gc.tobefnz.set(j, a);
        i += 1;
    }
}

/// Entries of weak tables whose key or value was not marked are removed.
fn clear_weak(g: &mut GlobalState) {
    for i in 0..g.gc.weak.len {
        let t = g.gc.weak.get(i);
        crate::table::clear_weak(t, |v| {
            if !v.is_gc() || v.is_str() {
                false
            } else {
                !is_marked(v.gc_ptr()) || (v.is_udata() && finalized_pending(v))
            }
        });
    }
}

fn finalized_pending(v: TValue) -> bool {
    // SAFETY: v refers to a live userdata.
    unsafe { (*v.gc_ptr()).marked & MARK_FINALIZED != 0 }
}

fn sweep(g: &mut GlobalState) {
    // Objects.
    let mut prev: *mut *mut GcHeader = &mut g.gc.root;
    // SAFETY: unlinking dead objects from a singly linked list we own.
    unsafe {
        while !(*prev).is_null() {
            let o = *prev;
            if (*o).marked & (MARK_BLACK | MARK_FIXED) != 0 {
                (*o).marked &= !MARK_BLACK;
                prev = &mut (*o).next;
            } else {
                *prev = (*o).next;
                free_object(g, o);
            }
        }
    }
    crate::string::sweep_strings(g);
}

/// Free one dead object.
pub fn free_object(g: &mut GlobalState, o: *mut GcHeader) {
    // SAFETY: o is dead (unreachable) and of the type gct says.
    unsafe {
        match (*o).gct as u32 {
            TID_TAB => crate::table::free(g, o as *mut GcTab),
            TID_FUNC => crate::func::free_func(g, o as *mut GcFunc),
            TID_PROTO => crate::func::free_proto(g, o as *mut GcProto),
            TID_UPVAL => crate::func::free_upval(g, o as *mut GcUpval),
            TID_THREAD => crate::state::free_thread(g, o as *mut lua_State),
            TID_UDATA => crate::udata::free(g, o as *mut GcUdata),
            TID_STR => crate::string::free(g, o as *mut GcStr),
            _ => unreachable!("bad object type"),
        }
    }
}

/// Call pending `__gc` metamethods (errors in them are reported as warnings
/// on stderr the way LuaJIT propagates them: raised to the caller).
pub fn call_finalizers(l: *mut lua_State) {
    loop {
        // SAFETY: l is live.
        let g = unsafe { &mut *(*l).glref };
        let o = match g.gc.tobefnz.pop() {
            Some(o) => o,
            None => break,
        };
        let ud = TValue::gcobj(TID_UDATA, o);
        // SAFETY: o is a userdata kept alive until this call.
        let mt = unsafe { (*(o as *mut GcUdata)).metatable };
        if mt.is_null() {
            continue;
        }
        let f = crate::meta::fast_get(g, mt, crate::meta::MM_GC);
        if f.is_nil() {
            continue;
        }
        let was_stopped = g.gc.stopped;
        g.gc.stopped = true;
        let r = crate::vm::pcall_values(l, f, &[ud], 0);
        // SAFETY: l is live.
        let g = unsafe { &mut *(*l).glref };
        g.gc.stopped = was_stopped;
        if let Err(e) = r {
            // LuaJIT rethrows errors from finalizers.
            crate::vm::push(l, e);
            crate::error::throw(l);
        }
    }
}

/// Write barrier for tables (no-op for a non-incremental collector, kept so
/// every store site already calls it).
#[inline(always)]
pub fn barrier_table(_g: &mut GlobalState, _t: *mut GcTab) {}

/// At state close: run every pending finalizer, then the finalizers of all
/// remaining userdata (newest first), as Lua 5.1 does.
pub fn finalize_all(l: *mut lua_State) {
    call_finalizers(l);
    // SAFETY: l is live.
    let g = unsafe { &mut *(*l).glref };
    let mut o = g.gc.root;
    while !o.is_null() {
        // SAFETY: walking the all-objects list.
        unsafe {
            if (*o).gct as u32 == TID_UDATA && (*o).marked & MARK_FINALIZED == 0 {
                let u = o as *mut GcUdata;
                if !(*u).metatable.is_null()
                    && !crate::meta::fast_get(g, (*u).metatable, crate::meta::MM_GC).is_nil()
                {
                    (*o).marked |= MARK_FINALIZED;
                    g.gc.tobefnz.push_raw(o);
                }
            }
            o = (*o).next;
        }
    }
    // tobefnz is a stack: reverse so the newest object is finalized first.
    let n = g.gc.tobefnz.len;
    for i in 0..n / 2 {
        let a = g.gc.tobefnz.get(i);
        let b = g.gc.tobefnz.get(n - 1 - i);
        g.gc.tobefnz.set(i, b);
        g.gc.tobefnz.set(n - 1 - i, a);
    }
    loop {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call_finalizers(l)));
        if r.is_ok() {
            break;
        }
    }
}
