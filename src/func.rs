//! Function prototypes, closures (Lua and C) and upvalues.

use crate::bytecode::{Ins, KGc, KNum, KTabVal, ProtoData};
use crate::capi::types::lua_CFunction;
use crate::fastfunc::FastFunc;
use crate::gc::{mark_object, mark_value, mem_alloc, mem_free, new_object, GcHeader};
use crate::mem::{CollectFallible, StateVec, ToVecFallible};
use crate::state::State;
use crate::state::{lua_State, GlobalState};
use crate::string::{intern, GcStr};
use crate::table::GcTab;
use crate::value::*;
use std::ptr;

/// Runtime variable info record.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct VarInfoRt {
    pub name: *mut GcStr,
    pub startpc: u32,
    pub endpc: u32,
}

/// A function prototype (immutable after loading).
#[repr(C)]
pub struct GcProto {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    pub numparams: u8,
    pub framesize: u8,
    pub sizebc: u32,
    pub gclist: *mut GcHeader,
    /// GC constants (strings, child prototypes, template tables) by D.
    pub kgc: *mut TValue,
    /// Number constants by D.
    pub knum: *mut TValue,
    pub uv: *mut u16,
    pub sizekgc: u32,
    pub sizekn: u32,
    pub sizeuv: u8,
    pub flags: u8,
    pub trace: u16,
    pub chunkname: *mut GcStr,
    pub firstline: u32,
    pub numline: u32,
    /// Absolute line per instruction, or null when stripped.
    pub lineinfo: *mut u32,
    pub uvnames: *mut *mut GcStr,
    pub varinfo: *mut VarInfoRt,
    pub sizevarinfo: u32,
    /// Instructions; bc[0] is the FUNCF/FUNCV header.
    pub bc: *mut Ins,
}

/// Fast-function ids (`ffid`, `crate::fastfunc`): a Lua function, a
/// plain C function; higher values are builtins.
pub const FF_LUA: u8 = FastFunc::Lua.id();
pub const FF_C: u8 = FastFunc::C.id();

/// A closure. Lua closures have `proto` set and `nupvalues` upvalue object
/// pointers after the header; C closures have `f` and `nupvalues` TValues.
#[repr(C)]
pub struct GcFunc {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    pub ffid: u8,
    pub nupvalues: u8,
    pub env: *mut GcTab,
    pub gclist: *mut GcHeader,
    pub pc: *const Ins,
    pub proto: *mut GcProto,
    pub f: lua_CFunction,
    upvals: [u64; 0],
}

impl GcFunc {
    #[inline(always)]
    pub fn is_lua(&self) -> bool {
        self.ffid == FF_LUA
    }
    /// Upvalue object `i` of a Lua closure.
    ///
    /// # Safety
    /// `self` is a closure object (not a copy of its header: the upvalues
    /// follow it in the same block) and `i < nupvalues`.
    #[inline(always)]
    pub unsafe fn uv(&self, i: usize) -> *mut GcUpval {
        debug_assert!(i < self.nupvalues as usize);
        // SAFETY: nupvalues slots follow the header (this function's
        // contract).
        unsafe { *(self.upvals.as_ptr().add(i) as *const *mut GcUpval) }
    }
    /// Set upvalue object `i` of a Lua closure.
    ///
    /// # Safety
    /// As for `uv`.
    #[inline(always)]
    pub unsafe fn set_uv(&mut self, i: usize, uv: *mut GcUpval) {
        debug_assert!(i < self.nupvalues as usize);
        // SAFETY: nupvalues slots follow the header (this function's
        // contract).
        unsafe { *(self.upvals.as_mut_ptr().add(i) as *mut *mut GcUpval) = uv }
    }
    /// Upvalue slot `i` of a C closure.
    ///
    /// # Safety
    /// As for `uv`.
    #[inline(always)]
    pub unsafe fn cuv(&mut self, i: usize) -> *mut TValue {
        debug_assert!(i < self.nupvalues as usize);
        // SAFETY: nupvalues slots follow the header (this function's
        // contract).
        unsafe { self.upvals.as_mut_ptr().add(i) as *mut TValue }
    }
}

/// An upvalue: open (points into a stack) or closed (holds its value).
#[repr(C)]
pub struct GcUpval {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    pub closed: u8,
    pub immutable: u8,
    pub tv: TValue,
    pub v: *mut TValue,
    /// Next open upvalue of the same thread (lower stack slot).
    pub open_next: *mut GcUpval,
    /// Identity for `upvalueid`/joins of open upvalues.
    pub thread: *mut lua_State,
    /// Collector list link (open upvalues reached during marking).
    pub gclist: *mut GcHeader,
}

pub fn func_size(nup: usize) -> usize {
    std::mem::size_of::<GcFunc>() + nup * 8
}

pub fn new_cfunc(
    g: &mut GlobalState,
    f: lua_CFunction,
    nup: usize,
    env: *mut GcTab,
) -> *mut GcFunc {
    let fnp = new_object(g, func_size(nup), TID_FUNC) as *mut GcFunc;
    // SAFETY: fnp is a fresh zeroed closure object with room for nup
    // upvalue slots.
    unsafe {
        (*fnp).ffid = FF_C;
        (*fnp).nupvalues = nup as u8;
        (*fnp).env = env;
        (*fnp).f = f;
        for i in 0..nup {
            *(*fnp).cuv(i) = TValue::NIL;
        }
    }
    fnp
}

/// A Lua closure of `pt` (its upvalues are the caller's to set).
///
/// # Safety
/// `pt` points to a live prototype.
pub unsafe fn new_lfunc(g: &mut GlobalState, pt: *mut GcProto, env: *mut GcTab) -> *mut GcFunc {
    // SAFETY: pt is a live prototype (this function's contract).
    let nup = unsafe { (*pt).sizeuv } as usize;
    let fnp = new_object(g, func_size(nup), TID_FUNC) as *mut GcFunc;
    // SAFETY: fnp is a fresh zeroed closure object; pt is live.
    unsafe {
        (*fnp).ffid = FF_LUA;
        (*fnp).nupvalues = nup as u8;
        (*fnp).env = env;
        (*fnp).proto = pt;
        (*fnp).pc = (*pt).bc;
    }
    fnp
}

/// A closed upvalue holding `v` (for main chunks and upvaluejoin).
pub fn new_closed_upval(g: &mut GlobalState, v: TValue) -> *mut GcUpval {
    let uv = new_object(g, std::mem::size_of::<GcUpval>(), TID_UPVAL) as *mut GcUpval;
    // SAFETY: uv is a fresh zeroed upvalue object.
    unsafe {
        (*uv).closed = 1;
        (*uv).tv = v;
        (*uv).v = &mut (*uv).tv;
    }
    uv
}

/// Find or create the open upvalue for a stack slot of `l`.
///
/// # Safety
/// `slot` is a slot of `l`'s stack below its top (a new open upvalue
/// points to it, and closing it reads it).
pub unsafe fn find_upval(l: State, slot: *mut TValue) -> *mut GcUpval {
    // SAFETY: the thread is live (State invariant); its open list holds
    // upvalues that are not freed (an unreachable one is unlinked when it
    // is freed), sorted by slot, descending. The global state is reached
    // for one leaf call at a time.
    unsafe {
        let mut prev: *mut *mut GcUpval = &raw mut (*l.as_ptr()).openupval;
        while !(*prev).is_null() && (**prev).v >= slot {
            if (**prev).v == slot {
                let uv = *prev;
                // An upvalue found unreachable but not swept yet is in use again.
                let g = l.global_mut();
                if crate::gc::is_dead(g, uv as *mut GcHeader) {
                    crate::gc::make_current_white(g, uv as *mut GcHeader);
                }
                return uv;
            }
            prev = &raw mut (**prev).open_next;
        }
        let uv =
            new_object(l.global_mut(), std::mem::size_of::<GcUpval>(), TID_UPVAL) as *mut GcUpval;
        (*uv).closed = 0;
        (*uv).v = slot;
        (*uv).thread = l.as_ptr();
        (*uv).open_next = *prev;
        *prev = uv;
        uv
    }
}

/// Close every open upvalue of `l` at or above `level` (`level` is only
/// compared with the upvalues' slots).
pub fn close_upvals(l: State, level: *mut TValue) {
    // SAFETY: the thread is live (State invariant); its open upvalues are
    // not freed and point to slots of its stack.
    unsafe {
        while !(*l.as_ptr()).openupval.is_null() && (*(*l.as_ptr()).openupval).v >= level {
            let uv = (*l.as_ptr()).openupval;
            (*l.as_ptr()).openupval = (*uv).open_next;
            (*uv).tv = *(*uv).v;
            (*uv).v = &mut (*uv).tv;
            (*uv).closed = 1;
            (*uv).open_next = ptr::null_mut();
        }
    }
}

/// Mark what a closure refers to.
///
/// # Safety
/// `f` points to a live closure.
pub unsafe fn traverse_func(g: &mut GlobalState, f: *mut GcFunc) {
    // SAFETY: f is a live closure (this function's contract); what it
    // refers to is live too; upvalue indices are below nupvalues.
    unsafe {
        mark_object(g, (*f).env as *mut GcHeader);
        if (*f).is_lua() {
            mark_object(g, (*f).proto as *mut GcHeader);
            for i in 0..(*f).nupvalues as usize {
                mark_object(g, (*f).uv(i) as *mut GcHeader);
            }
        } else {
            for i in 0..(*f).nupvalues as usize {
                mark_value(g, *(*f).cuv(i));
            }
        }
    }
}

/// Mark what a prototype refers to.
///
/// # Safety
/// `p` points to a live prototype.
pub unsafe fn traverse_proto(g: &mut GlobalState, p: *mut GcProto) {
    // SAFETY: p is a live prototype (this function's contract); its arrays
    // have the recorded sizes and hold live objects.
    unsafe {
        mark_object(g, (*p).chunkname as *mut GcHeader);
        for i in 0..(*p).sizekgc as usize {
            mark_value(g, *(*p).kgc.add(i));
        }
        if !(*p).uvnames.is_null() {
            for i in 0..(*p).sizeuv as usize {
                mark_object(g, *(*p).uvnames.add(i) as *mut GcHeader);
            }
        }
        for i in 0..(*p).sizevarinfo as usize {
            mark_object(g, (*(*p).varinfo.add(i)).name as *mut GcHeader);
        }
    }
}

/// Collector work charged for traversing a prototype (about its size).
///
/// # Safety
/// `p` points to a live prototype.
pub unsafe fn proto_size(p: *mut GcProto) -> usize {
    // SAFETY: p is a live prototype (this function's contract).
    unsafe {
        std::mem::size_of::<GcProto>()
            + (*p).sizebc as usize * 4
            + (*p).sizekgc as usize * 8
            + (*p).sizekn as usize * 8
            + (*p).sizevarinfo as usize * std::mem::size_of::<VarInfoRt>()
    }
}

/// Free a dead closure.
///
/// # Safety
/// `f` points to a dead closure that is not freed yet; it is not used
/// afterwards.
pub unsafe fn free_func(g: &mut GlobalState, f: *mut GcFunc) {
    // SAFETY: f is not freed yet (this function's contract).
    let n = unsafe { (*f).nupvalues } as usize;
    // SAFETY: the closure's block, of func_size(n) bytes, not used again.
    unsafe { mem_free(g, f as *mut u8, func_size(n)) };
}

/// Free a dead upvalue, unlinking it from its thread if still open.
///
/// # Safety
/// `uv` points to a dead upvalue that is not freed yet; it is not used
/// afterwards. An open upvalue's thread is not freed yet (a thread
/// detaches its open upvalues when it is freed).
pub unsafe fn free_upval(g: &mut GlobalState, uv: *mut GcUpval) {
    // SAFETY: uv is not freed, and the thread of an open one neither (this
    // function's contract); the thread's open list links upvalues.
    unsafe {
        if (*uv).closed == 0 && !(*uv).thread.is_null() {
            let l = (*uv).thread;
            let mut prev: *mut *mut GcUpval = &raw mut (*l).openupval;
            while !(*prev).is_null() {
                if *prev == uv {
                    *prev = (*uv).open_next;
                    break;
                }
                prev = &raw mut (**prev).open_next;
            }
        }
    }
    // SAFETY: the upvalue's block, unlinked above, not used again.
    unsafe { mem_free(g, uv as *mut u8, std::mem::size_of::<GcUpval>()) };
}

/// Free a dead prototype and its arrays.
///
/// # Safety
/// `p` points to a dead prototype that is not freed yet; it is not used
/// afterwards.
pub unsafe fn free_proto(g: &mut GlobalState, p: *mut GcProto) {
    // SAFETY: p is not freed yet (this function's contract); its arrays
    // were allocated with the recorded sizes.
    unsafe {
        let pr = &*p;
        let (bc, sizebc, kgc, sizekgc, knum, sizekn) =
            (pr.bc, pr.sizebc, pr.kgc, pr.sizekgc, pr.knum, pr.sizekn);
        let (uv, sizeuv, li, uvn, vi, nvi) = (
            pr.uv,
            pr.sizeuv,
            pr.lineinfo,
            pr.uvnames,
            pr.varinfo,
            pr.sizevarinfo,
        );
        mem_free(g, bc as *mut u8, sizebc as usize * 4);
        mem_free(g, kgc as *mut u8, sizekgc as usize * 8);
        mem_free(g, knum as *mut u8, sizekn as usize * 8);
        mem_free(g, uv as *mut u8, sizeuv as usize * 2);
        if !li.is_null() {
            mem_free(g, li as *mut u8, sizebc as usize * 4);
        }
        if !uvn.is_null() {
            mem_free(g, uvn as *mut u8, sizeuv as usize * 8);
        }
        if !vi.is_null() {
            mem_free(
                g,
                vi as *mut u8,
                nvi as usize * std::mem::size_of::<VarInfoRt>(),
            );
        }
    }
    // SAFETY: the prototype's block, not used again.
    unsafe { mem_free(g, p as *mut u8, std::mem::size_of::<GcProto>()) };
}

fn alloc_array<T: Copy>(g: &mut GlobalState, items: impl ExactSizeIterator<Item = T>) -> *mut T {
    let n = items.len();
    if n == 0 {
        return ptr::null_mut();
    }
    let p = mem_alloc(g, n * std::mem::size_of::<T>()) as *mut T;
    for (i, it) in items.enumerate() {
        // SAFETY: p has n entries.
        unsafe { p.add(i).write(it) };
    }
    p
}

/// Turn a front-end prototype into runtime GC objects (children first).
/// The caller must keep the result reachable (e.g. push it) before the next
/// collection; the objects created here are not collected before that
/// because collections only run at safe points.
pub fn proto_from_data(g: &mut GlobalState, d: &ProtoData) -> *mut GcProto {
    let chunkname = intern(g, &d.chunkname);
    // Scratch lists as long as the prototype's: in the state's memory.
    let mut kgc_vals: StateVec<TValue> = StateVec::with_capacity(g, d.kgc.len());
    for k in &d.kgc {
        kgc_vals.push(match k {
            KGc::Str(s) => TValue::gcobj(TID_STR, intern(g, s) as *const GcHeader),
            KGc::Child(c) => TValue::gcobj(TID_PROTO, proto_from_data(g, c) as *const GcHeader),
            KGc::Table(kt) => {
                let t = crate::table::from_template(g, kt, ktab_value, ktab_value);
                TValue::gcobj(TID_TAB, t as *const GcHeader)
            }
            KGc::I64(v) => {
                crate::ffi::new_constant(g, crate::ffi::Constant::Int64(*v as u64, false))
            }
            KGc::U64(v) => crate::ffi::new_constant(g, crate::ffi::Constant::Int64(*v, true)),
            KGc::Complex(re, im) => {
                crate::ffi::new_constant(g, crate::ffi::Constant::Complex(*re, *im))
            }
        });
    }
    let p = new_object(g, std::mem::size_of::<GcProto>(), TID_PROTO) as *mut GcProto;
    // SAFETY: p is a fresh zeroed prototype object. Each array is stored
    // with its size as soon as it is complete, so that a memory error in a
    // later allocation leaves a prototype free_proto can free.
    unsafe {
        let pr = &mut *p;
        pr.numparams = d.numparams;
        pr.framesize = d.framesize;
        pr.flags = d.flags;
        pr.chunkname = chunkname;
        pr.firstline = d.firstline;
        pr.numline = d.numline;
        pr.bc = alloc_array(g, d.bc.iter().copied());
        pr.sizebc = d.bc.len() as u32;
        pr.kgc = alloc_array(g, kgc_vals.iter().copied());
        pr.sizekgc = d.kgc.len() as u32;
        drop(kgc_vals);
        pr.knum = alloc_array(g, d.knum.iter().map(|k| TValue::num_checked(k.to_f64())));
        pr.sizekn = d.knum.len() as u32;
        pr.uv = alloc_array(g, d.uv.iter().copied());
        pr.sizeuv = d.uv.len() as u8;
        if d.lineinfo.len() == d.bc.len() {
            pr.lineinfo = alloc_array(g, d.lineinfo.iter().copied());
        }
        if d.uvnames.len() == d.uv.len() && !d.uv.is_empty() {
            let mut names: StateVec<*mut GcStr> = StateVec::with_capacity(g, d.uvnames.len());
            for n in &d.uvnames {
                names.push(intern(g, n));
            }
            pr.uvnames = alloc_array(g, names.iter().copied());
        }
        let mut vis: StateVec<VarInfoRt> = StateVec::with_capacity(g, d.varinfo.len());
        for v in &d.varinfo {
            vis.push(VarInfoRt {
                name: intern(g, &v.name),
                startpc: v.startpc,
                endpc: v.endpc,
            });
        }
        pr.varinfo = alloc_array(g, vis.iter().copied());
        pr.sizevarinfo = vis.len() as u32;
    }
    p
}

fn ktab_value(g: &mut GlobalState, v: &KTabVal) -> TValue {
    match v {
        KTabVal::Nil => TValue::NIL,
        KTabVal::False => TValue::FALSE,
        KTabVal::True => TValue::TRUE,
        KTabVal::Int(i) => TValue::num(*i as f64),
        KTabVal::Num(n) => TValue::num_checked(*n),
        KTabVal::Str(s) => TValue::gcobj(TID_STR, intern(g, s) as *const GcHeader),
    }
}

/// Convert a runtime prototype back to front-end form (for string.dump).
///
/// # Safety
/// `p` points to a live prototype. No collection step runs meanwhile (so
/// it and its constants stay live).
pub unsafe fn proto_to_data(p: *mut GcProto) -> ProtoData {
    // SAFETY: p is a live prototype (this function's contract); its arrays
    // have the recorded sizes and hold live constants (strings, child
    // prototypes, template tables); prototypes are never written after
    // loading except for their mark bits, which this does not read.
    unsafe {
        let pr = &*p;
        let bc: Vec<Ins> = (0..pr.sizebc as usize)
            .map(|i| *pr.bc.add(i))
            .collect_fallible();
        let kgc = (0..pr.sizekgc as usize)
            .map(|i| {
                let v = *pr.kgc.add(i);
                if v.is_str() {
                    KGc::Str(crate::string::str_bytes(v.as_ptr()).to_vec_fallible())
                } else if v.is(TID_PROTO) {
                    KGc::Child(Box::new(proto_to_data(v.as_ptr())))
                } else if v.is_tab() {
                    table_to_template(v.as_ptr())
                } else {
                    crate::ffi::constant_of(v)
                }
            })
            .collect_fallible();
        let knum = (0..pr.sizekn as usize)
            .map(|i| {
                let n = (*pr.knum.add(i)).as_num();
                let k = n as i32;
                if k as f64 == n && !(n == 0.0 && n.is_sign_negative()) {
                    KNum::Int(k)
                } else {
                    KNum::Num(n)
                }
            })
            .collect_fallible();
        let uv = (0..pr.sizeuv as usize)
            .map(|i| *pr.uv.add(i))
            .collect_fallible();
        let lineinfo = if pr.lineinfo.is_null() {
            vec![]
        } else {
            (0..pr.sizebc as usize)
                .map(|i| *pr.lineinfo.add(i))
                .collect_fallible()
        };
        let uvnames = if pr.uvnames.is_null() {
            vec![]
        } else {
            (0..pr.sizeuv as usize)
                .map(|i| crate::string::str_bytes(*pr.uvnames.add(i)).to_vec_fallible())
                .collect_fallible()
        };
        let varinfo = (0..pr.sizevarinfo as usize)
            .map(|i| {
                let v = *pr.varinfo.add(i);
                crate::bytecode::VarInfo {
                    name: crate::string::str_bytes(v.name).to_vec_fallible(),
                    startpc: v.startpc,
                    endpc: v.endpc,
                }
            })
            .collect_fallible();
        ProtoData {
            flags: pr.flags,
            numparams: pr.numparams,
            framesize: pr.framesize,
            bc,
            uv,
            kgc,
            knum,
            chunkname: crate::string::str_bytes(pr.chunkname).to_vec_fallible(),
            firstline: pr.firstline,
            numline: pr.numline,
            lineinfo,
            uvnames,
            varinfo,
        }
    }
}

fn tv_to_ktab(v: TValue) -> KTabVal {
    if v.is_nil() {
        KTabVal::Nil
    } else if v.is_false() {
        KTabVal::False
    } else if v.0 == TValue::TRUE.0 {
        KTabVal::True
    } else if v.is_str() {
        // SAFETY: a constant of a live template table (see proto_to_data).
        KTabVal::Str(unsafe { crate::string::str_bytes(v.as_ptr()) }.to_vec_fallible())
    } else {
        let n = v.as_num();
        let k = n as i32;
        if k as f64 == n && !(n == 0.0 && n.is_sign_negative()) {
            KTabVal::Int(k)
        } else {
            KTabVal::Num(n)
        }
    }
}

/// # Safety
/// `t` points to a live template table.
unsafe fn table_to_template(t: *mut GcTab) -> KGc {
    // SAFETY: t is live (this function's contract).
    KGc::Table(unsafe { crate::table::to_template(t, tv_to_ktab) })
}
