//! The bytecode interpreter and the calling machinery.
//!
//! Lua-to-Lua calls, returns and tail calls run inside one loop without
//! native recursion; `pcall`/`xpcall` called from Lua are frames of that
//! loop too (so coroutines can yield across them). Native recursion only
//! happens where C code calls back into Lua (`lua_call`), for metamethods
//! (continuation frames) and for coroutine resumption.

use crate::bytecode::*;
use crate::error::{self, Operand};
use crate::fastfunc::FastFunc;
use crate::func::{self, GcFunc, GcProto, FF_C, FF_LUA};
use crate::gc::{self, GcHeader};
use crate::hotcount;
use crate::meta::{self, Arith};
use crate::state::*;
use crate::string::GcStr;
use crate::table::{self, GcTab};
use crate::value::*;
use std::ptr;

/// Fast-function ids handled by the interpreter itself.
pub const FF_PCALL: u8 = FastFunc::Pcall.id();
pub const FF_XPCALL: u8 = FastFunc::Xpcall.id();
pub const FF_NEXT: u8 = FastFunc::Next.id();

/// Minimum free slots a C function gets (LUA_MINSTACK).
pub const LUA_MINSTACK: usize = 20;

#[inline(always)]
unsafe fn slot(base: *mut TValue, i: u32) -> *mut TValue {
    // SAFETY: caller guarantees i < framesize.
    unsafe { base.add(i as usize) }
}

/// Push a value (growing the stack).
pub fn push(l: State, v: TValue) {
    check_stack(l, 1);
    // SAFETY: one free slot above top.
    unsafe {
        *(*l.as_ptr()).top = v;
        (*l.as_ptr()).top = (*l.as_ptr()).top.add(1);
    }
}

#[inline(always)]
fn link_delta(from_base: *mut TValue, to_base: *mut TValue, ty: u64) -> TValue {
    let d = (from_base as usize).wrapping_sub(to_base as usize) as u64;
    TValue(d | ty)
}

#[inline(always)]
fn delta_of(link: u64) -> usize {
    (link & !FRAME_TYPEP) as usize
}

/// Set up the frame of a Lua function whose function slot is `func` and
/// whose `nargs` arguments start at `func+2`. The link must already be
/// stored at `func+1`. Returns the frame base (which may differ from
/// `func+2` for vararg functions). May grow (move) the stack.
#[inline(always)]
unsafe fn enter_lua(l: *mut lua_State, func: *mut TValue, nargs: usize) -> *mut TValue {
    // SAFETY: func is a live stack slot holding a Lua function; the stack
    // has room for the frame (checked against maxstack).
    unsafe {
        // Fast path: a fixed-argument function, enough stack, no call hook
        // and no profiler sample waiting.
        let fnp: *mut GcFunc = (*func).as_ptr();
        let pt = (*fnp).proto;
        let framesize = (*pt).framesize as usize;
        let base = func.add(2);
        if (*pt).flags & PROTO_VARARG == 0
            && base.add(framesize) <= (*l).maxstack
            && (*(*l).glref).hookmask & HOOK_MASK_CALL == 0
            && !crate::stdlib::jit_profile::profile_pending(State::from_raw(l))
        {
            for i in nargs..(*pt).numparams as usize {
                *base.add(i) = TValue::NIL;
            }
            (*l).base = base;
            (*l).top = base.add(framesize);
            (*l).savedpc = (*pt).bc.add(1);
            let g = &mut *(*l).glref;
            if matches!(bc_op(*(*pt).bc), Op::FUNCF)
                && g.hot.tick((*pt).bc, hotcount::HOTCOUNT_CALL)
            {
                hotcount::became_hot(g, (*pt).bc);
            }
            crate::stack_check::debug_check_frame(State::from_raw(l), base);
            return base;
        }
        enter_lua_slow(l, func, nargs)
    }
}

#[inline(never)]
unsafe fn enter_lua_slow(l: *mut lua_State, func: *mut TValue, nargs: usize) -> *mut TValue {
    let mut func = func;
    // SAFETY: func is a live stack slot holding a Lua function.
    unsafe {
        let fnp: *mut GcFunc = (*func).as_ptr();
        let pt = (*fnp).proto;
        let framesize = (*pt).framesize as usize;
        let numparams = (*pt).numparams as usize;
        let vararg = (*pt).flags & PROTO_VARARG != 0;
        // The frame's slots from its base; a vararg frame's base is above
        // the passed arguments, a moved copy of the function and a link.
        let frame_slots = if vararg {
            2 + nargs + 2 + framesize
        } else {
            2 + framesize
        };
        while func.add(frame_slots) > (*l).maxstack {
            // As in LuaJIT, the callee's frame is the running one while the
            // stack grows: if it cannot, the error is raised in it (see
            // `error::stack_overflow`), at its first instruction.
            let func_off = func.offset_from((*l).stack);
            (*l).base = func.add(2);
            (*l).top = func.add(2 + nargs);
            (*l).savedpc = (*pt).bc.add(2);
            grow_stack(State::from_raw(l), framesize);
            func = (*l).stack.offset(func_off);
        }
        let mut base = func.add(2);
        if vararg {
            // Move the function, a VARG link and the fixed parameters above
            // the passed arguments; the varargs stay where they are.
            let nbase = base.add(nargs + 2);
            *nbase.sub(2) = *func;
            *nbase.sub(1) = link_delta(nbase, base, FRAME_VARG);
            for i in 0..numparams {
                if i < nargs {
                    *nbase.add(i) = *base.add(i);
                    *base.add(i) = TValue::NIL;
                } else {
                    *nbase.add(i) = TValue::NIL;
                }
            }
            base = nbase;
        } else {
            for i in nargs..numparams {
                *base.add(i) = TValue::NIL;
            }
        }
        (*l).base = base;
        (*l).top = base.add(framesize);
        (*l).savedpc = (*pt).bc.add(1);
        crate::stack_check::debug_check_frame(State::from_raw(l), base);
        let g = &mut *(*l).glref;
        if matches!(bc_op(*(*pt).bc), Op::FUNCF | Op::FUNCV)
            && g.hot.tick((*pt).bc, hotcount::HOTCOUNT_CALL)
        {
            hotcount::became_hot(g, (*pt).bc);
        }
        if crate::stdlib::jit_profile::profile_pending(State::from_raw(l)) {
            crate::stdlib::jit_profile::profile_deliver(State::from_raw(l));
            base = (*l).base;
        }
        if (*(*l).glref).hookmask & HOOK_MASK_CALL != 0
            && crate::capi::debugapi::hook_wanted(State::from_raw(l), HOOK_MASK_CALL)
        {
            crate::capi::debugapi::call_hook(State::from_raw(l), HOOK_EV_CALL, -1);
            return (*l).base;
        }
        base
    }
}

/// Grow the stack until the Lua frame at `base` (of prototype `pt`) has
/// `slots` slots, for VARG copying `nvar` varargs (LuaJIT asks for `nvar`
/// more slots each time). Raises a stack overflow error positioned at the
/// VARG instruction (L.savedpc) when the stack cannot grow.
#[cold]
#[inline(never)]
unsafe fn grow_for_varargs(
    l: *mut lua_State,
    base: *mut TValue,
    pt: *mut GcProto,
    slots: usize,
    nvar: usize,
) {
    // SAFETY: base is the running Lua frame of l.
    unsafe {
        (*l).base = base;
        (*l).top = base.add((*pt).framesize as usize);
        while (*l).base.add(slots) > (*l).maxstack {
            grow_stack(State::from_raw(l), nvar);
        }
    }
}

/// Hook masks and events (lua.h).
pub const HOOK_MASK_CALL: i32 = 1;
pub const HOOK_MASK_RET: i32 = 2;
pub const HOOK_MASK_LINE: i32 = 4;
pub const HOOK_MASK_COUNT: i32 = 8;
pub const HOOK_EV_CALL: i32 = 0;
pub const HOOK_EV_RET: i32 = 1;
pub const HOOK_EV_LINE: i32 = 2;
pub const HOOK_EV_COUNT: i32 = 3;

/// Line and count hooks before executing the instruction before `pc`.
/// `oldpc` tracks the last instruction a line event was checked for in
/// this frame (null after entering a function).
#[cold]
unsafe fn hook_instruction(
    l: *mut lua_State,
    pt: *mut GcProto,
    pc: *const Ins,
    oldpc: &mut *const Ins,
) {
    use crate::capi::debugapi::{call_hook, hook_wanted};
    // SAFETY: pc points into pt's bytecode, after the current instruction.
    unsafe {
        let g = &mut *(*l).glref;
        if g.hookmask & HOOK_MASK_COUNT != 0
            && g.hookcount > 0
            && hook_wanted(State::from_raw(l), HOOK_MASK_COUNT)
        {
            g.hookcounter -= 1;
            if g.hookcounter <= 0 || g.hookcounter > g.hookcount {
                g.hookcounter = g.hookcount;
                call_hook(State::from_raw(l), HOOK_EV_COUNT, -1);
            }
        }
        let g = &mut *(*l).glref;
        if g.hookmask & HOOK_MASK_LINE != 0
            && hook_wanted(State::from_raw(l), HOOK_MASK_LINE)
            && !(*pt).lineinfo.is_null()
        {
            let idx = pc.offset_from((*pt).bc) - 1;
            let line = *(*pt).lineinfo.add(idx as usize);
            let fire = if oldpc.is_null() {
                true
            } else {
                let oidx = oldpc.offset_from((*pt).bc) - 1;
                idx <= oidx || oidx < 0 || *(*pt).lineinfo.add(oidx as usize) != line
            };
            *oldpc = pc;
            if fire {
                call_hook(State::from_raw(l), HOOK_EV_LINE, line as i32);
            }
        }
    }
}

/// Call the C function in `func` with `nargs` arguments at `func+2`; the
/// link must already be stored. Returns the number of results, which are
/// at `L.top - n`, or None if the function yielded.
unsafe fn call_c(l: *mut lua_State, func: *mut TValue, nargs: usize) -> Option<usize> {
    // SAFETY: func is a live slot holding a C function.
    unsafe {
        let fnp: *mut GcFunc = (*func).as_ptr();
        let f = (*fnp).f.expect("C function pointer");
        (*l).base = func.add(2);
        (*l).top = func.add(2 + nargs);
        check_stack(State::from_raw(l), LUA_MINSTACK);
        crate::stack_check::debug_check_frame(State::from_raw(l), (*l).base);
        let hooked = (*(*l).glref).hookmask & (HOOK_MASK_CALL | HOOK_MASK_RET) != 0;
        if hooked && crate::capi::debugapi::hook_wanted(State::from_raw(l), HOOK_MASK_CALL) {
            crate::capi::debugapi::call_hook(State::from_raw(l), HOOK_EV_CALL, -1);
        }
        let n = match (*(*l).glref).wrapcf {
            Some(wrap) if (*fnp).ffid == func::FF_C => wrap(l, Some(f)),
            _ => f(l),
        };

        if n < 0 {
            if (*l).status == LUA_YIELD {
                return None;
            }
            error::throw_msg(
                State::from_raw(l),
                "C function returned a negative result count",
            );
        }
        let n = n as usize;
        if (*l).top.offset_from((*l).base) < n as isize {
            error::throw_msg(
                State::from_raw(l),
                "C function returned more results than it pushed",
            );
        }
        Some(n)
    }
}

/// Replace a non-function at `func` by its __call handler, shifting the
/// arguments (at `func+2..`) up by one. Returns the new argument count.
unsafe fn resolve_call(l: *mut lua_State, func: *mut TValue, nargs: usize, what: Operand) -> usize {
    // SAFETY: func..func+2+nargs are live slots; one more is made available.
    unsafe {
        let v = *func;
        let mm = meta::call_mm(State::from_raw(l), v);
        if !mm.is_func() {
            error::err_call(State::from_raw(l), v, what);
        }
        let off = func.offset_from((*l).stack);
        let end = func.add(2 + nargs);
        if end > (*l).top {
            (*l).top = end;
        }
        check_stack(State::from_raw(l), 1);
        let func = (*l).stack.offset(off);
        let mut i = nargs;
        while i > 0 {
            *func.add(2 + i) = *func.add(1 + i);
            i -= 1;
        }
        *func.add(2) = v;
        *func = mm;
        if func.add(3 + nargs) > (*l).top {
            (*l).top = func.add(3 + nargs);
        }
        nargs + 1
    }
}

/// Native call of the value at `func` (arguments at `func+2..`), linked with
/// `link` (FRAME_C / FRAME_CP / FRAME_CONT with delta to the caller's base).
/// Results end up at `func..`, `L.top` after them; returns their count.
pub fn call_native(l: State, func_off: isize, nargs: usize, link_ty: u64) -> usize {
    // SAFETY: l is live; func_off is a stack offset of a prepared call.
    unsafe {
        (*l.as_ptr()).nccalls += 1;
        crate::cstack::guard(l);
        let prev_off = (*l.as_ptr()).base.offset_from((*l.as_ptr()).stack);
        let mut func = (*l.as_ptr()).stack.offset(func_off);
        let mut nargs = nargs;
        while !(*func).is_func() {
            nargs = resolve_call(l.as_ptr(), func, nargs, Operand::None);
            func = (*l.as_ptr()).stack.offset(func_off);
        }
        let prev_base = (*l.as_ptr()).stack.offset(prev_off);
        *func.add(1) = link_delta(func.add(2), prev_base, link_ty);
        let fnp: *mut GcFunc = (*func).as_ptr();
        let nres;
        if (*fnp).ffid == FF_LUA {
            enter_lua(l.as_ptr(), func, nargs);
            execute(l, Entry::Call);
            if (*l.as_ptr()).status == LUA_YIELD {
                (*l.as_ptr()).nccalls -= 1;
                return 0;
            }
            let func = (*l.as_ptr()).stack.offset(func_off);
            nres = (*l.as_ptr()).top.offset_from(func) as usize;
        } else {
            match call_c(l.as_ptr(), func, nargs) {
                Some(n) => {
                    let func = (*l.as_ptr()).stack.offset(func_off);
                    let src = (*l.as_ptr()).top.sub(n);
                    ptr::copy(src, func, n);
                    (*l.as_ptr()).top = func.add(n);
                    (*l.as_ptr()).base = (*l.as_ptr()).stack.offset(prev_off);
                    nres = n;
                }
                None => {
                    // A C function yielded outside the interpreter loop: only
                    // valid at a coroutine's resume level, handled by resume.
                    (*l.as_ptr()).nccalls -= 1;
                    error::raise_yield();
                }
            }
        }
        (*l.as_ptr()).nccalls -= 1;
        nres
    }
}

/// Unwind payload used when a C function called directly by resume yields.
pub struct YieldUnwind;

/// Call `f(args)` from native code with the current frame as caller;
/// returns the results (all of them when nres < 0, else exactly nres).
pub fn call_values(l: State, f: TValue, args: &[TValue], nres: i32) -> Vec<TValue> {
    // SAFETY: l is live; we build [pc][nil][f][link][args] at top.
    unsafe {
        let in_lua = crate::debug::frame_at(l, 0)
            .map(|fr| fr.is_lua())
            .unwrap_or(false);
        // A continuation (2 slots), the function, its link and arguments.
        check_stack_extra(l, args.len() + 4);
        let top = (*l.as_ptr()).top;
        let (func, ty) = if in_lua {
            *top = TValue((*l.as_ptr()).savedpc as u64);
            *top.add(1) = TValue::NIL;
            (top.add(2), FRAME_CONT)
        } else {
            (top, FRAME_C)
        };
        *func = f;
        for (i, a) in args.iter().enumerate() {
            *func.add(2 + i) = *a;
        }
        (*l.as_ptr()).top = func.add(2 + args.len());
        let saved_pc = (*l.as_ptr()).savedpc;
        let func_off = func.offset_from((*l.as_ptr()).stack);
        let top_off = top.offset_from((*l.as_ptr()).stack);
        let n = call_native(l, func_off, args.len(), ty);
        let func = (*l.as_ptr()).stack.offset(func_off);
        let want = if nres < 0 { n } else { nres as usize };
        let mut out = Vec::with_capacity(want);
        for i in 0..want {
            out.push(if i < n { *func.add(i) } else { TValue::NIL });
        }
        (*l.as_ptr()).top = (*l.as_ptr()).stack.offset(top_off);
        (*l.as_ptr()).savedpc = saved_pc;
        out
    }
}

/// Call a metamethod and return its first result.
pub fn call_meta1(l: State, f: TValue, args: &[TValue]) -> TValue {
    call_values(l, f, args, 1)[0]
}

pub fn call_meta0(l: State, f: TValue, args: &[TValue]) {
    call_values(l, f, args, 0);
}

/// Protected native call; Err carries the error object.
pub fn pcall_values(
    l: State,
    f: TValue,
    args: &[TValue],
    nres: i32,
) -> Result<Vec<TValue>, TValue> {
    pcall_values_status(l, f, args, nres).map_err(|(_, e)| e)
}

/// Protected native call; Err carries the error status and object.
pub fn pcall_values_status(
    l: State,
    f: TValue,
    args: &[TValue],
    nres: i32,
) -> Result<Vec<TValue>, (u8, TValue)> {
    pcall_values_handled(l, f, args, nres, 0)
}

/// `pcall_values_status` whose protection record names the error handler
/// in slot `handler` (0: none): errors raised while an error handler runs
/// see the handler they interrupted, as in LuaJIT.
pub fn pcall_values_handled(
    l: State,
    f: TValue,
    args: &[TValue],
    nres: i32,
    handler: usize,
) -> Result<Vec<TValue>, (u8, TValue)> {
    // SAFETY: l is live; state is restored on error.
    unsafe {
        let base_off = (*l.as_ptr()).base.offset_from((*l.as_ptr()).stack);
        let top_off = (*l.as_ptr()).top.offset_from((*l.as_ptr()).stack);
        let nccalls = (*l.as_ptr()).nccalls;
        let savedpc = (*l.as_ptr()).savedpc;
        let nprot = (*l.as_ptr()).protect.len;
        (*l.as_ptr()).protect.push(
            g_of(l),
            Protect {
                base: top_off as usize,
                handler,
                nlevel: nccalls,
                kind: PROT_NATIVE,
            },
        );
        let r = error::catch(|| call_values(l, f, args, nres));
        (*l.as_ptr()).protect.len = nprot;
        match r {
            Ok(v) => Ok(v),
            Err(p) => {
                let status = error::caught_status(l, p);
                let e = if status == LUA_ERRMEM {
                    error::oom_value(g_of(l))
                } else {
                    (*l.as_ptr()).errobj
                };
                func::close_upvals(l, (*l.as_ptr()).stack.offset(top_off));
                (*l.as_ptr()).nccalls = nccalls;
                (*l.as_ptr()).base = (*l.as_ptr()).stack.offset(base_off);
                (*l.as_ptr()).top = (*l.as_ptr()).stack.offset(top_off);
                (*l.as_ptr()).savedpc = savedpc;
                end_overflow(l);
                Err((status, e))
            }
        }
    }
}

/// How the interpreter loop starts.
#[derive(Clone, Copy)]
pub enum Entry {
    /// Run the Lua frame at L.base from L.savedpc.
    Call,
    /// Return `nres` values at `L.top - nres` from the frame at L.base.
    Return(usize),
    /// Go on at L.savedpc in the frame at L.base with this `multres`, after
    /// line or count hooks were switched on or off.
    Switch(usize),
}

/// Run the interpreter until the natively entered frame returns, handling
/// errors caught by pcall/xpcall frames of this native level.
pub fn execute(l: State, entry: Entry) {
    // SAFETY: l is live.
    let nlevel = unsafe { (*l.as_ptr()).nccalls };
    let mut entry = entry;
    loop {
        let r = error::catch(|| unsafe { run(l.as_ptr(), entry) });
        match r {
            Ok(()) => return,
            Err(p) => {
                if p.is::<YieldUnwind>() {
                    error::rethrow(p);
                }
                // SAFETY: l is live; the record refers to its stack.
                unsafe {
                    let rec = match (*l.as_ptr()).protect.last_mut() {
                        Some(r) if r.nlevel == nlevel && r.kind != PROT_NATIVE => *r,
                        _ => error::rethrow_on(l, p),
                    };
                    let _status = error::caught_status(l, p);
                    (*l.as_ptr()).protect.len -= 1;
                    (*l.as_ptr()).nccalls = nlevel;
                    // The protected function's frame base; the pcall frame
                    // is below it (delta in its link).
                    let fbase = (*l.as_ptr()).stack.add(rec.base);
                    let link = (*fbase.sub(1)).0;
                    let pbase = (fbase as *mut u8).sub(delta_of(link)) as *mut TValue;
                    func::close_upvals(l, fbase.sub(2));
                    let e = if _status == LUA_ERRMEM {
                        error::oom_value(g_of(l))
                    } else {
                        (*l.as_ptr()).errobj
                    };
                    *pbase = TValue::FALSE;
                    *pbase.add(1) = e;
                    (*l.as_ptr()).base = pbase;
                    (*l.as_ptr()).top = pbase.add(2);
                    crate::stack_check::debug_check_frame(l, pbase);
                    // With the stack cut back, an enlarged stack may shrink.
                    end_overflow(l);
                    entry = Entry::Return(2);
                }
            }
        }
    }
}

/// A prototype's GC constants (strings, prototypes, templates), read
/// through the prototype at each use so that the interpreter loop does not
/// keep one more pointer live in a register (or spill it) across dispatch.
#[derive(Clone, Copy)]
struct KgcRef(*mut GcProto);

impl KgcRef {
    #[inline(always)]
    unsafe fn add(self, i: usize) -> *mut TValue {
        // SAFETY: the prototype is live; i indexes its GC constants.
        unsafe { (*self.0).kgc.add(i) }
    }
}

/// A prototype's number constants, read like `KgcRef`.
#[derive(Clone, Copy)]
struct KnumRef(*mut GcProto);

impl KnumRef {
    #[inline(always)]
    unsafe fn add(self, i: usize) -> *mut TValue {
        // SAFETY: the prototype is live; i indexes its number constants.
        unsafe { (*self.0).knum.add(i) }
    }
}

/// Builtins (LuaJIT's fast-function ids) the interpreter computes itself
/// when all their arguments are numbers and one result is wanted: the C
/// function would give the same result, only slower. Anything else (other
/// argument types, missing arguments) goes to the C function.
const FF_FAST_FIRST: u8 = FastFunc::MathAbs.id();
const FF_FAST_LAST: u8 = FastFunc::BitBxor.id();

#[inline(always)]
unsafe fn fast_builtin(ffid: u8, args: *const TValue, nargs: usize) -> Option<TValue> {
    use crate::stdlib::bitops;
    // SAFETY: args..args+nargs are the call's argument slots.
    unsafe {
        if nargs == 0 || !(*args).is_num() {
            return None;
        }
        let x = (*args).as_num();
        // The second argument, for two-operand functions.
        let y = || {
            if nargs >= 2 && (*args.add(1)).is_num() {
                Some((*args.add(1)).as_num())
            } else {
                None
            }
        };
        // All arguments folded with `op` (min, max, band, bor, bxor).
        let fold = |op: &dyn Fn(f64, f64) -> f64| {
            let mut acc = x;
            for i in 1..nargs {
                let v = *args.add(i);
                if !v.is_num() {
                    return None;
                }
                acc = op(acc, v.as_num());
            }
            Some(acc)
        };
        let bits = |r: i32| Some(TValue::num(r as f64));
        use FastFunc::*;
        match FastFunc::from_u8(ffid)? {
            MathAbs => Some(TValue::num(x.abs())),
            MathFloor => Some(TValue::num(meta::fast_floor(x))),
            MathSqrt => Some(TValue::num_checked(x.sqrt())),
            // min/max keep the running value while the comparison holds.
            MathMin => fold(&|a, b| if a < b { a } else { b }).map(TValue::num_checked),
            MathMax => fold(&|a, b| if a > b { a } else { b }).map(TValue::num_checked),
            BitTobit => bits(bitops::tobit(x)),
            BitBnot => bits(bitops::bnot(bitops::tobit(x))),
            shift @ (BitLshift | BitRshift | BitArshift | BitRol | BitRor) => {
                let (a, n) = (bitops::tobit(x), bitops::tobit(y()?));
                bits(match shift {
                    BitLshift => bitops::lshift(a, n),
                    BitRshift => bitops::rshift(a, n),
                    BitArshift => bitops::arshift(a, n),
                    BitRol => bitops::rol(a, n),
                    _ => bitops::ror(a, n),
                })
            }
            logic @ (BitBand | BitBor | BitBxor) => {
                let op: fn(i32, i32) -> i32 = match logic {
                    BitBand => bitops::band,
                    BitBor => bitops::bor,
                    _ => bitops::bxor,
                };
                let acc = fold(&|a, b| op(bitops::tobit(a), bitops::tobit(b)) as f64)?;
                bits(bitops::tobit(acc))
            }
            _ => None,
        }
    }
}

/// Lookup fast path for TGET*: the raw value, following `__index` chains
/// of tables (and a string's `__index` table, for method calls) without
/// calling anything. None when a metamethod function, a non-indexable value
/// or a long chain needs the generic path. `raw` is the raw lookup of the
/// instruction's key.
#[inline(always)]
unsafe fn index_fast(
    g: &GlobalState,
    o: TValue,
    raw: impl Fn(*mut GcTab) -> TValue,
) -> Option<TValue> {
    // SAFETY: o and the tables on its __index chain are live objects.
    unsafe {
        let mut o = o;
        if !o.is_tab() {
            if !o.is_str() {
                return None;
            }
            let mm = meta::fast_get(g, g.basemt[LUA_TSTRING as usize], meta::MM_INDEX);
            if !mm.is_tab() {
                return None;
            }
            o = mm;
        }
        for _ in 0..100 {
            let t: *mut GcTab = o.as_ptr();
            let v = raw(t);
            if !v.is_nil() {
                return Some(v);
            }
            let mt = (*t).metatable;
            if mt.is_null() {
                return Some(v);
            }
            let mm = meta::fast_get(g, mt, meta::MM_INDEX);
            if mm.is_nil() {
                return Some(v);
            }
            if !mm.is_tab() {
                return None;
            }
            o = mm;
        }
        None
    }
}

/// The array slot of a number key that is an integer inside the array part.
#[inline(always)]
unsafe fn array_slot(t: *mut GcTab, key: TValue) -> *mut TValue {
    // SAFETY: t is a live table; the index is checked against asize.
    unsafe {
        let n = key.as_num();
        let i = f64_trunc_index(n);
        if key.is_num() && (i as u64) < (*t).asize as u64 && i as f64 == n {
            (*t).array.add(i as usize)
        } else {
            ptr::null_mut()
        }
    }
}

/// Fast path of TGETV/TGETS/TGETB/TGETR: Some(value) unless a metamethod
/// or an error needs the generic path.
#[inline(always)]
unsafe fn tget_fast(
    g: &GlobalState,
    op: Op,
    ins: Ins,
    base: *mut TValue,
    kgc: KgcRef,
) -> Option<TValue> {
    // SAFETY: operands index the running frame and its constants.
    unsafe {
        let o = *slot(base, bc_b(ins));
        match op {
            Op::TGETS => {
                let s: *mut GcStr = (*kgc.add(bc_c(ins) as usize)).as_ptr();
                index_fast(g, o, |t| table::get_str(t, s))
            }
            Op::TGETB => {
                let i = bc_c(ins) as i64;
                index_fast(g, o, |t| table::get_int(t, i))
            }
            _ => {
                let key = *slot(base, bc_c(ins));
                if o.is_tab() {
                    let p = array_slot(o.as_ptr(), key);
                    if !p.is_null() && !(*p).is_nil() {
                        return Some(*p);
                    }
                }
                if op == Op::TGETR {
                    return None;
                }
                if key.is_str() {
                    let s: *mut GcStr = key.as_ptr();
                    index_fast(g, o, |t| table::get_str(t, s))
                } else {
                    index_fast(g, o, |t| table::get(t, key))
                }
            }
        }
    }
}

/// Fast path of TSETV/TSETS/TSETB: the slot of an existing key of a table
/// whose store needs no `__newindex` check, or null.
#[inline(always)]
unsafe fn tset_slot_fast(op: Op, ins: Ins, base: *mut TValue, kgc: KgcRef) -> *mut TValue {
    // SAFETY: operands index the running frame and its constants.
    unsafe {
        let o = *slot(base, bc_b(ins));
        if !o.is_tab() {
            return ptr::null_mut();
        }
        let t: *mut GcTab = o.as_ptr();
        let p = match op {
            Op::TSETS => table::get_str_slot(t, (*kgc.add(bc_c(ins) as usize)).as_ptr()),
            Op::TSETB => {
                let i = bc_c(ins);
                if i < (*t).asize {
                    (*t).array.add(i as usize)
                } else {
                    table::get_slot(t, TValue::num(i as f64))
                }
            }
            _ => {
                let key = *slot(base, bc_c(ins));
                let p = array_slot(t, key);
                if p.is_null() {
                    table::get_slot(t, key)
                } else {
                    p
                }
            }
        };
        if !p.is_null() && (!(*p).is_nil() || (*t).metatable.is_null()) {
            p
        } else {
            ptr::null_mut()
        }
    }
}

/// Arithmetic on two slots: numbers are computed and stored in register A
/// right here (the next instruction follows); otherwise the macro's value is
/// the result of `meta::arith_step` (coercion or a metamethod to call).
macro_rules! arith_vv {
    ($l:expr, $pc:expr, $base:expr, $ins:expr, $op:expr, $x:ident, $y:ident, $e:expr) => {{
        let pb = slot($base, bc_b($ins));
        let pc_ = slot($base, bc_c($ins));
        let (vb, vc) = (*pb, *pc_);
        if vb.is_num() && vc.is_num() {
            let ($x, $y) = (vb.as_num(), vc.as_num());
            *slot($base, bc_a($ins)) = TValue::num($e);
            continue;
        }
        (*$l.as_ptr()).savedpc = $pc;
        meta::arith_step($l, $op, vb, vc, Operand::Slot(pb), Operand::Slot(pc_))
    }};
}

/// Arithmetic on a slot and a number constant, as `arith_vv`.
macro_rules! arith_vn {
    ($l:expr, $pc:expr, $base:expr, $knum:expr, $ins:expr, $op:expr, $x:ident, $y:ident, $e:expr, $swap:expr) => {{
        let pb = slot($base, bc_b($ins));
        let vb = *pb;
        let kc = *$knum.add(bc_c($ins) as usize);
        if vb.is_num() {
            let ($x, $y) = if $swap { (kc.as_num(), vb.as_num()) } else { (vb.as_num(), kc.as_num()) };
            *slot($base, bc_a($ins)) = TValue::num($e);
            continue;
        }
        (*$l.as_ptr()).savedpc = $pc;
        if $swap {
            meta::arith_step($l, $op, kc, vb, Operand::None, Operand::Slot(pb))
        } else {
            meta::arith_step($l, $op, vb, kc, Operand::Slot(pb), Operand::None)
        }
    }};
}

/// The interpreter: one loop without per-instruction hook checks, one with
/// them (line and count hooks). The plain loop notices hooks switched on
/// after C calls and metamethods (where `debug.sethook` runs), at returns
/// and at the hot-counter ticks of loops (for hooks set from a signal).
unsafe fn run(l: *mut lua_State, entry: Entry) {
    let mut entry = entry;
    loop {
        // SAFETY: l is a live state with a Lua frame to run.
        let hooked = unsafe { (*(*l).glref).hookmask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) != 0 };
        let switched = if hooked {
            unsafe { run_loop::<true>(l, entry) }
        } else {
            unsafe { run_loop::<false>(l, entry) }
        };
        match switched {
            Some(multres) => entry = Entry::Switch(multres),
            None => return,
        }
    }
}

/// The interpreter loop proper; `Some(multres)` when the hooks changed and
/// the other loop must go on.
// The frame macros assign `oldpc`/`base` in every expansion, also where the
// arm overwrites them at once.
#[allow(unused_assignments)]
unsafe fn run_loop<const HOOKS: bool>(l: *mut lua_State, entry: Entry) -> Option<usize> {
    // SAFETY: the whole loop operates on the live frames of `l`; every
    // pointer into the stack is reloaded after anything that may move it
    // (calls, metamethods, stack growth).
    unsafe {
        let mut base: *mut TValue = (*l).base;
        let mut pc: *const Ins;
        let mut fnp: *mut GcFunc;
        let mut pt: *mut GcProto;
        let mut multres: usize = 0;
        // Last instruction checked for line hooks in the running frame.
        let mut oldpc: *const Ins = ptr::null();

        macro_rules! load_frame {
            () => {{
                oldpc = ptr::null();
                fnp = (*base.sub(2)).as_ptr();
                pt = (*fnp).proto;
            }};
        }
        macro_rules! savepc {
            () => {
                (*l).savedpc = pc;
            };
        }
        macro_rules! reload {
            () => {
                base = (*l).base;
            };
        }
        macro_rules! frame_top {
            () => {
                (*l).top = base.add((*pt).framesize as usize);
            };
        }

        // In the plain loop: leave for the hooked loop when line or count
        // hooks were switched on; it goes on at `pc`.
        macro_rules! check_hooks_on {
            () => {{
                if !HOOKS && (*(*l).glref).hookmask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) != 0 {
                    (*l).savedpc = pc;
                    (*l).base = base;
                    return Some(multres);
                }
            }};
        }
        // Go on after a metamethod call or a continuation.
        macro_rules! step {
            ($s:expr) => {{
                match $s {
                    Step::Enter(nb) => {
                        base = nb;
                        load_frame!();
                        pc = (*pt).bc.add(1);
                    }
                    Step::Resume(nb, npc) => {
                        base = nb;
                        pc = npc;
                        load_frame!();
                    }
                    Step::Yield => return None,
                }
                check_hooks_on!();
                continue;
            }};
        }
        // Store an arithmetic result in register A, or call the metamethod.
        macro_rules! arith_done {
            ($ins:expr, $r:expr) => {{
                match $r {
                    Ok(v) => *slot(base, bc_a($ins)) = v,
                    Err(mc) => {
                        frame_top!();
                        step!(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0)))
                    }
                }
            }};
        }

        // Results being returned: (pointer, count) from the frame at `base`.
        let mut ret_ptr: *mut TValue;
        let mut ret_n: usize;

        match entry {
            Entry::Call => {
                pc = (*l).savedpc;
                load_frame!();
            }
            Entry::Switch(m) => {
                pc = (*l).savedpc;
                load_frame!();
                multres = m;
            }
            Entry::Return(n) => {
                ret_ptr = (*l).top.sub(n);
                ret_n = n;
                // Dummy init; the return path sets everything.
                pc = ptr::null();
                fnp = ptr::null_mut();
                pt = ptr::null_mut();
                let _ = (fnp, pt, pc);
                // Jump straight into the return sequence.
                match do_return_frames(l, &mut base, ret_ptr, ret_n, &mut multres) {
                    ReturnTo::Lua(npc) => {
                        pc = npc;
                        load_frame!();
                        oldpc = npc;
                    }
                    ReturnTo::Cont(cb, cpc, cont, res) => {
                        match finish_cont(l, cb, cpc, cont, res) {
                            Step::Enter(nb) => {
                                base = nb;
                                load_frame!();
                                pc = (*pt).bc.add(1);
                            }
                            Step::Resume(nb, npc) => {
                                base = nb;
                                pc = npc;
                                load_frame!();
                            }
                            Step::Yield => return None,
                        }
                    }
                    ReturnTo::Native => return None,
                }
            }
        }

        loop {
            // Read through `l` at each instruction rather than kept in a
            // register across the loop: the frame base needs that register.
            let g_ptr: *mut GlobalState = (*l).glref;
            let ins = *pc;
            pc = pc.add(1);
            let kgc = KgcRef(pt);
            let knum = KnumRef(pt);
            if HOOKS && (*g_ptr).hookmask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) == 0 {
                // Hooks off: the plain loop goes on with this instruction.
                (*l).savedpc = pc.sub(1);
                (*l).base = base;
                return Some(multres);
            }
            if HOOKS {
                savepc!();
                frame_top!();
                // Values a multiple-results instruction left above the
                // frame, for the instruction that consumes them, must not
                // be overwritten by the hook's frame.
                // (UCLO before a return: look at the jump target.)
                // SAFETY: opcodes were validated when the bytecode was loaded.
                let mut cins = ins;
                if matches!(std::mem::transmute::<u8, Op>(bc_op_raw(ins)), Op::UCLO) {
                    cins = *pc.offset(bc_j(ins) as isize);
                }
                let multres_end = match std::mem::transmute::<u8, Op>(bc_op_raw(cins)) {
                    Op::CALLM => Some(bc_a(cins) as usize + 2 + bc_c(cins) as usize + multres),
                    Op::CALLMT => Some(bc_a(cins) as usize + 2 + bc_d(cins) as usize + multres),
                    Op::RETM => Some(bc_a(cins) as usize + bc_d(cins) as usize + multres),
                    Op::TSETM => Some(bc_a(cins) as usize + multres),
                    _ => None,
                };
                if let Some(end) = multres_end {
                    if base.add(end) > (*l).top {
                        (*l).top = base.add(end);
                    }
                }
                hook_instruction(l, pt, pc, &mut oldpc);
                reload!();
            }
            let op = bc_op_raw(ins);
            // SAFETY: the opcode byte was validated when the bytecode was
            // loaded (parser output or checked loader).
            let op: Op = std::mem::transmute::<u8, Op>(op);
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_compare {
                ($op:expr) => {{
                    let op: Op = $op;
                    let pa = slot(base, bc_a(ins));
                    let pd = slot(base, bc_d(ins));
                    let (va, vd) = (*pa, *pd);
                    let cond = if va.is_num() && vd.is_num() {
                        let (x, y) = (va.as_num(), vd.as_num());
                        match op {
                            Op::ISLT => x < y,
                            Op::ISGE => !(x < y),
                            Op::ISLE => x <= y,
                            _ => !(x <= y),
                        }
                    } else {
                        savepc!();
                        frame_top!();
                        let le = !matches!(op, Op::ISLT | Op::ISGE);
                        let positive = matches!(op, Op::ISLT | Op::ISLE);
                        match meta::compare_step(State::from_raw(l), va, vd, le) {
                            Ok(r) => r == positive,
                            Err((mc, invert)) => {
                                let kind = if positive != invert {
                                    CONT_COND_T
                                } else {
                                    CONT_COND_F
                                };
                                step!(call_cont(l, base, pc, mc, cont_value(kind, 0)))
                            }
                        }
                    };
                    if cond {
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // Equality through `__eq` (tables, userdata, cdata): the answer,
            // or a continuation that calls the metamethod.
            macro_rules! equal_slow {
                ($va:expr, $vd:expr, $is_eq:expr) => {{
                    savepc!();
                    frame_top!();
                    match meta::equal_step(State::from_raw(l), $va, $vd) {
                        Ok(r) => r,
                        Err(mc) => {
                            let kind = if $is_eq { CONT_COND_T } else { CONT_COND_F };
                            step!(call_cont(l, base, pc, mc, cont_value(kind, 0)))
                        }
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_equal {
                ($op:expr) => {{
                    let op: Op = $op;
                    let va = *slot(base, bc_a(ins));
                    let vd = *slot(base, bc_d(ins));
                    let eq = if va.is_num() && vd.is_num() {
                        va.as_num() == vd.as_num()
                    } else if va.0 == vd.0 {
                        true
                    } else if (va.is_tab() && vd.is_tab())
                        || (va.is_udata() && vd.is_udata())
                        || va.is(TID_CDATA)
                        || vd.is(TID_CDATA)
                    {
                        equal_slow!(va, vd, op == Op::ISEQV)
                    } else {
                        false
                    };
                    if eq == (op == Op::ISEQV) {
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_equal_str {
                ($op:expr) => {{
                    let op: Op = $op;
                    let va = *slot(base, bc_a(ins));
                    let kd = *kgc.add(bc_d(ins) as usize);
                    let eq = if va.is(TID_CDATA) {
                        equal_slow!(va, kd, op == Op::ISEQS)
                    } else {
                        va.0 == kd.0
                    };
                    if eq == (op == Op::ISEQS) {
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_equal_num {
                ($op:expr) => {{
                    let op: Op = $op;
                    let va = *slot(base, bc_a(ins));
                    let kd = *knum.add(bc_d(ins) as usize);
                    let eq = if va.is_num() {
                        va.as_num() == kd.as_num()
                    } else if va.is(TID_CDATA) {
                        equal_slow!(va, kd, op == Op::ISEQN)
                    } else {
                        false
                    };
                    if eq == (op == Op::ISEQN) {
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_equal_pri {
                ($op:expr) => {{
                    let op: Op = $op;
                    let va = *slot(base, bc_a(ins));
                    let kd = pri_value(bc_d(ins));
                    let eq = if va.is(TID_CDATA) {
                        equal_slow!(va, kd, op == Op::ISEQP)
                    } else {
                        va.0 == kd.0
                    };
                    if eq == (op == Op::ISEQP) {
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_test_copy {
                ($op:expr) => {{
                    let op: Op = $op;
                    let vd = *slot(base, bc_d(ins));
                    if vd.is_truthy() == (op == Op::ISTC) {
                        *slot(base, bc_a(ins)) = vd;
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_test {
                ($op:expr) => {{
                    let op: Op = $op;
                    let vd = *slot(base, bc_d(ins));
                    if vd.is_truthy() == (op == Op::IST) {
                        pc = pc.offset(bc_j(*pc) as isize + 1);
                    } else {
                        pc = pc.add(1);
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_tget {
                ($op:expr) => {{
                    let op: Op = $op;
                    if let Some(v) = tget_fast(&*g_ptr, op, ins, base, kgc) {
                        *slot(base, bc_a(ins)) = v;
                        continue;
                    }
                    let pb = slot(base, bc_b(ins));
                    let o = *pb;
                    let key = match op {
                        Op::TGETV | Op::TGETR => *slot(base, bc_c(ins)),
                        Op::TGETS => *kgc.add(bc_c(ins) as usize),
                        _ => TValue::num(bc_c(ins) as f64),
                    };
                    let mut v = TValue::NIL;
                    let mut done = false;
                    if o.is_tab() {
                        let t: *mut GcTab = o.as_ptr();
                        v = table::get(t, key);
                        done = !v.is_nil() || (*t).metatable.is_null() || op == Op::TGETR || {
                            let mt = (*t).metatable;
                            meta::fast_get(g_of(State::from_raw(l)), mt, meta::MM_INDEX).is_nil()
                        };
                    }
                    if !done {
                        savepc!();
                        frame_top!();
                        let what = if op == Op::TGETS {
                            Operand::Slot(pb)
                        } else {
                            Operand::Slot(pb)
                        };
                        v = match meta::index_step(State::from_raw(l), o, key, what) {
                            Ok(r) => r,
                            Err(mc) => step!(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0))),
                        };
                        reload!();
                    }
                    *slot(base, bc_a(ins)) = v;
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_tset {
                ($op:expr) => {{
                    let op: Op = $op;
                    if op != Op::TSETR {
                        let p = tset_slot_fast(op, ins, base, kgc);
                        if !p.is_null() {
                            let t: *mut GcTab = (*slot(base, bc_b(ins))).as_ptr();
                            *p = *slot(base, bc_a(ins));
                            (*t).nomm = 0;
                            gc::barrier_table(&mut *g_ptr, t);
                            continue;
                        }
                    }
                    let pb = slot(base, bc_b(ins));
                    let o = *pb;
                    let key = match op {
                        Op::TSETV | Op::TSETR => *slot(base, bc_c(ins)),
                        Op::TSETS => *kgc.add(bc_c(ins) as usize),
                        _ => TValue::num(bc_c(ins) as f64),
                    };
                    let v = *slot(base, bc_a(ins));
                    let mut done = false;
                    if o.is_tab() {
                        let t: *mut GcTab = o.as_ptr();
                        let p = table::get_slot(t, key);
                        if !p.is_null() && (!(*p).is_nil() || (*t).metatable.is_null()) {
                            *p = v;
                            (*t).nomm = 0;
                            gc::barrier_table(&mut *g_ptr, t);
                            done = true;
                        } else if (*t).metatable.is_null()
                            || op == Op::TSETR
                            || meta::fast_get(
                                g_of(State::from_raw(l)),
                                (*t).metatable,
                                meta::MM_NEWINDEX,
                            )
                            .is_nil()
                        {
                            savepc!();
                            frame_top!();
                            meta::raw_set(State::from_raw(l), t, key, v);
                            reload!();
                            done = true;
                        }
                    }
                    if !done {
                        savepc!();
                        frame_top!();
                        if let Some(mc) =
                            meta::newindex_step(State::from_raw(l), o, key, v, Operand::Slot(pb))
                        {
                            step!(call_cont(l, base, pc, mc, cont_value(CONT_NOP, 0)))
                        }
                        reload!();
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_call {
                ($op:expr) => {{
                    let op: Op = $op;
                    let a = bc_a(ins);
                    let mut nargs = match op {
                        Op::CALL => bc_c(ins) as usize - 1,
                        Op::CALLM => bc_c(ins) as usize + multres,
                        Op::CALLT => bc_d(ins) as usize - 1,
                        _ => bc_d(ins) as usize + multres,
                    };
                    let tail = matches!(op, Op::CALLT | Op::CALLMT);
                    let f = *slot(base, a);
                    if f.is_func() {
                        let ffid = (*f.as_ptr::<GcFunc>()).ffid;
                        if ffid == FF_LUA && !tail {
                            // The common Lua-to-Lua call, straight in.
                            savepc!();
                            let func = slot(base, a);
                            *func.add(1) = TValue(pc as u64 | FRAME_LUA);
                            base = enter_lua(l, func, nargs);
                            load_frame!();
                            pc = (*pt).bc.add(1);
                            continue;
                        }
                        if matches!(op, Op::CALL | Op::CALLM)
                            && matches!(bc_b(ins), 0 | 2)
                            && (FF_FAST_FIRST..=FF_FAST_LAST).contains(&ffid)
                            && (*g_ptr).hookmask & (HOOK_MASK_CALL | HOOK_MASK_RET) == 0
                        {
                            // A builtin computed inline: one result wanted,
                            // or all of them (its one result, as multres for
                            // the CALLM/RETM/TSETM that follows).
                            if let Some(v) = fast_builtin(ffid, slot(base, a + 2), nargs) {
                                *slot(base, a) = v;
                                if bc_b(ins) == 0 {
                                    multres = 1;
                                }
                                continue;
                            }
                        }
                    }
                    savepc!();
                    let mut func = slot(base, a);
                    (*l).top = func.add(2 + nargs).max(base.add((*pt).framesize as usize));
                    if !(*func).is_func() {
                        nargs = resolve_call(l, func, nargs, Operand::Slot(func));
                        reload!();
                        func = slot(base, a);
                    }
                    if tail {
                        // Close upvalues, move the callee and arguments down
                        // over the current frame; the frame keeps its link.
                        func::close_upvals(State::from_raw(l), base);
                        let mut fbase = base;
                        // Undo a vararg frame's adjustment first.
                        let link = (*fbase.sub(1)).0;
                        if frame_typep(link) == FRAME_VARG {
                            fbase = (fbase as *mut u8).sub(delta_of(link)) as *mut TValue;
                        }
                        let dst = fbase.sub(2);
                        *dst = *func;
                        ptr::copy(func.add(2), dst.add(2), nargs);
                        func = dst;
                        base = fbase;
                    } else {
                        *func.add(1) = TValue(pc as u64 | FRAME_LUA);
                    }
                    let cf: *mut GcFunc = (*func).as_ptr();
                    match (*cf).ffid {
                        FF_LUA => {
                            base = enter_lua(l, func, nargs);
                            load_frame!();
                            pc = (*pt).bc.add(1);
                            // Tail calls may loop forever without a loop
                            // instruction: look for hooks set by a signal.
                            check_hooks_on!();
                            continue;
                        }
                        FF_PCALL | FF_XPCALL => {
                            // The pcall frame itself: base at func+2.
                            let pbase = func.add(2);
                            let is_x = (*cf).ffid == FF_XPCALL;
                            let skip = if is_x { 2 } else { 1 };
                            if nargs < skip || (is_x && !(*pbase.add(1)).is_func()) {
                                (*l).base = pbase;
                                (*l).top = pbase.add(nargs);
                                if nargs == 0 {
                                    crate::capi::aux::arg_error(
                                        State::from_raw(l),
                                        1,
                                        b"value expected",
                                    );
                                }
                                crate::capi::aux::type_error(State::from_raw(l), 2, "function");
                            }
                            // Layout (LuaJIT's): f at pbase (pcall) or at
                            // pbase+1 with the handler at pbase (xpcall);
                            // its link after it, its args above.
                            let fargs = nargs - skip;
                            let func_off = func.offset_from((*l).stack);
                            (*l).base = pbase;
                            (*l).top = pbase.add(nargs);
                            // The link of f's frame moves the arguments up by
                            // one slot.
                            check_stack_extra(State::from_raw(l), 1);
                            // pcall/xpcall are C functions to call hooks too.
                            if (*(*l).glref).hookmask & HOOK_MASK_CALL != 0
                                && crate::capi::debugapi::hook_wanted(
                                    State::from_raw(l),
                                    HOOK_MASK_CALL,
                                )
                            {
                                crate::capi::debugapi::call_hook(
                                    State::from_raw(l),
                                    HOOK_EV_CALL,
                                    -1,
                                );
                            }
                            let func = (*l).stack.offset(func_off);
                            let pbase = func.add(2);
                            let ffunc = if is_x { pbase.add(1) } else { pbase };
                            // Move the arguments up by one slot for f's link
                            // (xpcall swaps f and the handler).
                            let src_args = pbase.add(skip);
                            let dst_args = ffunc.add(2);
                            let fv = *pbase;
                            if is_x {
                                *pbase = *pbase.add(1);
                            }
                            ptr::copy(src_args, dst_args, fargs);
                            *ffunc = fv;
                            let fb = ffunc.add(2);
                            let ty = if is_x { FRAME_PCALLH } else { FRAME_PCALL };
                            *fb.sub(1) = link_delta(fb, pbase, ty);
                            let g = g_of(State::from_raw(l));
                            (*l).protect.push(
                                g,
                                Protect {
                                    base: fb.offset_from((*l).stack) as usize,
                                    handler: if is_x {
                                        pbase.offset_from((*l).stack) as usize
                                    } else {
                                        0
                                    },
                                    nlevel: (*l).nccalls,
                                    kind: if is_x { PROT_XPCALL } else { PROT_PCALL },
                                },
                            );
                            (*l).top = fb.add(fargs);
                            // Call f like a regular call with this link.
                            let mut ffunc = ffunc;
                            let mut fargs = fargs;
                            (*l).base = pbase;
                            if !(*ffunc).is_func() {
                                let fb_off = fb.offset_from((*l).stack);
                                let link = *fb.sub(1);
                                let ff_off = ffunc.offset_from((*l).stack);
                                fargs = resolve_call(l, ffunc, fargs, Operand::None);
                                ffunc = (*l).stack.offset(ff_off);
                                *(*l).stack.offset(fb_off - 1) = link;
                            }
                            let cf2: *mut GcFunc = (*ffunc).as_ptr();
                            if (*cf2).ffid == FF_LUA {
                                base = enter_lua(l, ffunc, fargs);
                                load_frame!();
                                pc = (*pt).bc.add(1);
                                continue;
                            }
                            match call_c(l, ffunc, fargs) {
                                Some(n) => {
                                    ret_ptr = (*l).top.sub(n);
                                    ret_n = n;
                                    base = (*l).base;
                                }
                                None => return None, // yield
                            }
                        }
                        _ => match call_c(l, func, nargs) {
                            Some(n) => {
                                ret_ptr = (*l).top.sub(n);
                                ret_n = n;
                                base = (*l).base;
                            }
                            None => return None, // yield: resume continues the return
                        },
                    }
                    // Return the C function's results through its frame.
                    match do_return_frames(l, &mut base, ret_ptr, ret_n, &mut multres) {
                        ReturnTo::Lua(npc) => {
                            pc = npc;
                            load_frame!();
                            oldpc = npc;
                            gc::check(State::from_raw(l));
                            reload!();
                            check_hooks_on!();
                        }
                        ReturnTo::Cont(cb, cpc, cont, res) => {
                            step!(finish_cont(l, cb, cpc, cont, res))
                        }
                        ReturnTo::Native => return None,
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_return {
                ($op:expr) => {{
                    let op: Op = $op;
                    let a = bc_a(ins);
                    let n = match op {
                        Op::RETM => bc_d(ins) as usize + multres,
                        Op::RET => bc_d(ins) as usize - 1,
                        Op::RET0 => 0,
                        _ => 1,
                    };
                    let mask = (*g_ptr).hookmask;
                    if !HOOKS && mask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) != 0 {
                        // Hooks were switched on: return in the hooked loop.
                        (*l).savedpc = pc.sub(1);
                        (*l).base = base;
                        return Some(multres);
                    }
                    if !(*l).openupval.is_null() {
                        func::close_upvals(State::from_raw(l), base);
                    }
                    (*l).savedpc = pc;
                    if mask & HOOK_MASK_RET != 0
                        && crate::capi::debugapi::hook_wanted(State::from_raw(l), HOOK_MASK_RET)
                    {
                        frame_top!();
                        if slot(base, a).add(n) > (*l).top {
                            (*l).top = slot(base, a).add(n);
                        }
                        crate::capi::debugapi::call_hook(State::from_raw(l), HOOK_EV_RET, -1);
                        reload!();
                    }
                    let src = slot(base, a);
                    match do_return(l, &mut base, src, n, &mut multres) {
                        ReturnTo::Lua(npc) => {
                            pc = npc;
                            // After a Lua callee returns, the caller's next
                            // instruction fires a line event (as in LuaJIT).
                            load_frame!();
                        }
                        ReturnTo::Cont(cb, cpc, cont, res) => {
                            step!(finish_cont(l, cb, cpc, cont, res))
                        }
                        ReturnTo::Native => return None,
                    }
                }};
            }
            // One copy of this arm per opcode: `op` is a constant in each.
            macro_rules! arm_forl {
                ($op:expr) => {{
                    let op: Op = $op;
                    // Only the plain variant counts (I*: not to be compiled).
                    // A loop also looks for hooks switched on (from a signal)
                    // when its counter ticks, or every time if it has none.
                    let tick = op != Op::FORL || (*g_ptr).hot.tick(pc, hotcount::HOTCOUNT_LOOP);
                    if op == Op::FORL && tick {
                        hotcount::became_hot(&mut *g_ptr, pc);
                    }
                    let a = bc_a(ins);
                    let pidx = slot(base, a);
                    let st = (*pidx.add(2)).as_num();
                    let i = (*pidx).as_num() + st;
                    let s = (*pidx.add(1)).as_num();
                    let cont = if !st.is_sign_negative() {
                        i <= s
                    } else {
                        i >= s
                    };
                    if cont {
                        *pidx = TValue::num(i);
                        *pidx.add(3) = TValue::num(i);
                        pc = pc.offset(bc_j(ins) as isize);
                    }
                    if tick {
                        check_hooks_on!();
                    }
                }};
            }
            match op {
                // ---- Comparisons: the next instruction is the JMP.
                Op::ISLT => arm_compare!(Op::ISLT),
                Op::ISGE => arm_compare!(Op::ISGE),
                Op::ISLE => arm_compare!(Op::ISLE),
                Op::ISGT => arm_compare!(Op::ISGT),
                Op::ISEQV => arm_equal!(Op::ISEQV),
                Op::ISNEV => arm_equal!(Op::ISNEV),
                Op::ISEQS => arm_equal_str!(Op::ISEQS),
                Op::ISNES => arm_equal_str!(Op::ISNES),
                Op::ISEQN => arm_equal_num!(Op::ISEQN),
                Op::ISNEN => arm_equal_num!(Op::ISNEN),
                Op::ISEQP => arm_equal_pri!(Op::ISEQP),
                Op::ISNEP => arm_equal_pri!(Op::ISNEP),
                Op::ISTC => arm_test_copy!(Op::ISTC),
                Op::ISFC => arm_test_copy!(Op::ISFC),
                Op::IST => arm_test!(Op::IST),
                Op::ISF => arm_test!(Op::ISF),
                Op::ISTYPE | Op::ISNUM => {}
                // ---- Unary ops.
                Op::MOV => {
                    *slot(base, bc_a(ins)) = *slot(base, bc_d(ins));
                }
                Op::NOT => {
                    *slot(base, bc_a(ins)) = TValue::bool((*slot(base, bc_d(ins))).is_falsy());
                }
                Op::UNM => {
                    let pd = slot(base, bc_d(ins));
                    let v = *pd;
                    let r = if v.is_num() {
                        TValue::num(-v.as_num())
                    } else {
                        savepc!();
                        frame_top!();
                        match meta::arith_step(
                            State::from_raw(l),
                            Arith::Unm,
                            v,
                            v,
                            Operand::Slot(pd),
                            Operand::Slot(pd),
                        ) {
                            Ok(r) => r,
                            Err(mc) => step!(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0))),
                        }
                    };
                    *slot(base, bc_a(ins)) = r;
                }
                Op::LEN => {
                    let pd = slot(base, bc_d(ins));
                    let v = *pd;
                    let r = if v.is_str() {
                        TValue::num((*v.as_ptr::<GcStr>()).len as f64)
                    } else if v.is_tab() {
                        TValue::num(table::len(v.as_ptr()) as f64)
                    } else {
                        savepc!();
                        frame_top!();
                        match meta::len_step(State::from_raw(l), v, Operand::Slot(pd)) {
                            Ok(r) => r,
                            Err(mc) => step!(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0))),
                        }
                    };
                    *slot(base, bc_a(ins)) = r;
                }
                // ---- Binary arithmetic.
                Op::ADDVN => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Add,
                            x,
                            y,
                            x + y,
                            false
                        )
                    );
                }
                Op::SUBVN => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Sub,
                            x,
                            y,
                            x - y,
                            false
                        )
                    );
                }
                Op::MULVN => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Mul,
                            x,
                            y,
                            x * y,
                            false
                        )
                    );
                }
                Op::DIVVN => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Div,
                            x,
                            y,
                            x / y,
                            false
                        )
                    );
                }
                Op::MODVN => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Mod,
                            x,
                            y,
                            meta::num_mod(x, y),
                            false
                        )
                    );
                }
                Op::ADDNV => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Add,
                            x,
                            y,
                            x + y,
                            true
                        )
                    );
                }
                Op::SUBNV => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Sub,
                            x,
                            y,
                            x - y,
                            true
                        )
                    );
                }
                Op::MULNV => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Mul,
                            x,
                            y,
                            x * y,
                            true
                        )
                    );
                }
                Op::DIVNV => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Div,
                            x,
                            y,
                            x / y,
                            true
                        )
                    );
                }
                Op::MODNV => {
                    arith_done!(
                        ins,
                        arith_vn!(
                            State::from_raw(l),
                            pc,
                            base,
                            knum,
                            ins,
                            Arith::Mod,
                            x,
                            y,
                            meta::num_mod(x, y),
                            true
                        )
                    );
                }
                Op::ADDVV => {
                    arith_done!(
                        ins,
                        arith_vv!(State::from_raw(l), pc, base, ins, Arith::Add, x, y, x + y)
                    );
                }
                Op::SUBVV => {
                    arith_done!(
                        ins,
                        arith_vv!(State::from_raw(l), pc, base, ins, Arith::Sub, x, y, x - y)
                    );
                }
                Op::MULVV => {
                    arith_done!(
                        ins,
                        arith_vv!(State::from_raw(l), pc, base, ins, Arith::Mul, x, y, x * y)
                    );
                }
                Op::DIVVV => {
                    arith_done!(
                        ins,
                        arith_vv!(State::from_raw(l), pc, base, ins, Arith::Div, x, y, x / y)
                    );
                }
                Op::MODVV => {
                    arith_done!(
                        ins,
                        arith_vv!(
                            State::from_raw(l),
                            pc,
                            base,
                            ins,
                            Arith::Mod,
                            x,
                            y,
                            meta::num_mod(x, y)
                        )
                    );
                }
                Op::POW => {
                    arith_done!(
                        ins,
                        arith_vv!(
                            State::from_raw(l),
                            pc,
                            base,
                            ins,
                            Arith::Pow,
                            x,
                            y,
                            meta::num_pow(x, y)
                        )
                    );
                }
                Op::CAT => {
                    savepc!();
                    frame_top!();
                    let first = slot(base, bc_b(ins));
                    let last = slot(base, bc_c(ins));
                    match meta::concat_step(State::from_raw(l), first, last) {
                        Ok(r) => {
                            *slot(base, bc_a(ins)) = r;
                            gc::check(State::from_raw(l));
                            reload!();
                        }
                        Err((mc, dst)) => {
                            let d = dst.offset_from(base) as u32;
                            step!(call_cont(l, base, pc, mc, cont_value(CONT_CAT, d)))
                        }
                    }
                }
                // ---- Constants.
                Op::KSTR => {
                    *slot(base, bc_a(ins)) = *kgc.add(bc_d(ins) as usize);
                }
                Op::KCDATA => {
                    // Boxed constants are immutable: the prototype's object is shared.
                    *slot(base, bc_a(ins)) = *kgc.add(bc_d(ins) as usize);
                }
                Op::KSHORT => {
                    *slot(base, bc_a(ins)) = TValue::num(bc_d(ins) as u16 as i16 as f64);
                }
                Op::KNUM => {
                    *slot(base, bc_a(ins)) = *knum.add(bc_d(ins) as usize);
                }
                Op::KPRI => {
                    *slot(base, bc_a(ins)) = pri_value(bc_d(ins));
                }
                Op::KNIL => {
                    for i in bc_a(ins)..=bc_d(ins) {
                        *slot(base, i) = TValue::NIL;
                    }
                }
                // ---- Upvalues and closures.
                Op::UGET => {
                    let uv = (*fnp).uv(bc_d(ins) as usize);
                    *slot(base, bc_a(ins)) = *(*uv).v;
                }
                Op::USETV => {
                    let uv = (*fnp).uv(bc_a(ins) as usize);
                    let v = *slot(base, bc_d(ins));
                    *(*uv).v = v;
                    gc::barrier_uv(&mut *g_ptr, uv, v);
                }
                Op::USETS => {
                    let uv = (*fnp).uv(bc_a(ins) as usize);
                    let v = *kgc.add(bc_d(ins) as usize);
                    *(*uv).v = v;
                    gc::barrier_uv(&mut *g_ptr, uv, v);
                }
                Op::USETN => {
                    let uv = (*fnp).uv(bc_a(ins) as usize);
                    *(*uv).v = *knum.add(bc_d(ins) as usize);
                }
                Op::USETP => {
                    let uv = (*fnp).uv(bc_a(ins) as usize);
                    *(*uv).v = pri_value(bc_d(ins));
                }
                Op::UCLO => {
                    func::close_upvals(State::from_raw(l), slot(base, bc_a(ins)));
                    pc = pc.offset(bc_j(ins) as isize);
                }
                Op::FNEW => {
                    savepc!();
                    frame_top!();
                    let cpt: *mut GcProto = (*kgc.add(bc_d(ins) as usize)).as_ptr();
                    let g = g_of(State::from_raw(l));
                    let nf = func::new_lfunc(g, cpt, (*fnp).env);
                    for i in 0..(*cpt).sizeuv as usize {
                        let d = *(*cpt).uv.add(i);
                        let uv = if d & PROTO_UV_LOCAL != 0 {
                            func::find_upval(State::from_raw(l), slot(base, (d & 0xff) as u32))
                        } else {
                            (*fnp).uv((d & 0x3fff) as usize)
                        };
                        (*nf).set_uv(i, uv);
                    }
                    *slot(base, bc_a(ins)) = TValue::gcobj(TID_FUNC, nf as *const GcHeader);
                    gc::check(State::from_raw(l));
                    reload!();
                }
                // ---- Tables.
                Op::TNEW => {
                    savepc!();
                    frame_top!();
                    let t = table::new_for_tnew(g_of(State::from_raw(l)), bc_d(ins));
                    *slot(base, bc_a(ins)) = TValue::gcobj(TID_TAB, t as *const GcHeader);
                    gc::check(State::from_raw(l));
                    reload!();
                }
                Op::TDUP => {
                    savepc!();
                    frame_top!();
                    let tpl: *mut GcTab = (*kgc.add(bc_d(ins) as usize)).as_ptr();
                    let t = table::dup(g_of(State::from_raw(l)), tpl);
                    *slot(base, bc_a(ins)) = TValue::gcobj(TID_TAB, t as *const GcHeader);
                    gc::check(State::from_raw(l));
                    reload!();
                }
                Op::GGET => {
                    let key = *kgc.add(bc_d(ins) as usize);
                    let env = (*fnp).env;
                    let v = table::get_str(env, key.as_ptr());
                    let v = if v.is_nil() && !(*env).metatable.is_null() {
                        savepc!();
                        frame_top!();
                        let tv = TValue::gcobj(TID_TAB, env as *const GcHeader);
                        match meta::index_step(State::from_raw(l), tv, key, Operand::None) {
                            Ok(r) => r,
                            Err(mc) => step!(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0))),
                        }
                    } else {
                        v
                    };
                    *slot(base, bc_a(ins)) = v;
                }
                Op::GSET => {
                    let key = *kgc.add(bc_d(ins) as usize);
                    let env = (*fnp).env;
                    let v = *slot(base, bc_a(ins));
                    let p = table::get_slot(env, key);
                    if !p.is_null() && !(*p).is_nil() {
                        *p = v;
                        (*env).nomm = 0;
                        gc::barrier_table(&mut *g_ptr, env);
                    } else {
                        savepc!();
                        frame_top!();
                        let tv = TValue::gcobj(TID_TAB, env as *const GcHeader);
                        if let Some(mc) =
                            meta::newindex_step(State::from_raw(l), tv, key, v, Operand::None)
                        {
                            step!(call_cont(l, base, pc, mc, cont_value(CONT_NOP, 0)))
                        }
                        reload!();
                    }
                }
                Op::TGETV => arm_tget!(Op::TGETV),
                Op::TGETS => arm_tget!(Op::TGETS),
                Op::TGETB => arm_tget!(Op::TGETB),
                Op::TGETR => arm_tget!(op),
                Op::TSETV => arm_tset!(Op::TSETV),
                Op::TSETS => arm_tset!(Op::TSETS),
                Op::TSETB => arm_tset!(Op::TSETB),
                Op::TSETR => arm_tset!(op),
                Op::TSETM => {
                    savepc!();
                    frame_top!();
                    let a = bc_a(ins);
                    let tv = *slot(base, a - 1);
                    if !tv.is_tab() {
                        // Only loaded bytecode can get here: the parser
                        // always creates the table in this slot.
                        error::err_optype(
                            State::from_raw(l),
                            tv,
                            Operand::Slot(slot(base, a - 1)),
                            "index",
                        );
                    }
                    let t: *mut GcTab = tv.as_ptr();
                    let start = (*knum.add(bc_d(ins) as usize)).as_num().to_bits() as u32 as i64;
                    let g = g_of(State::from_raw(l));
                    // As LuaJIT: grow the array part up to one slot past the
                    // last key stored (this decides `#` when values are nil).
                    let last = start + multres as i64 - 1;
                    if multres > 0 && last >= (*t).asize as i64 {
                        table::grow_array(g, t, (last + 2).min(u32::MAX as i64) as u32);
                    }
                    for i in 0..multres {
                        let v = *slot(base, a + i as u32);
                        let p = table::set_int_slot(g, t, start + i as i64);
                        *p = v;
                    }
                    gc::barrier_table(g, t);
                    reload!();
                }
                // ---- Calls.
                Op::CALL => arm_call!(Op::CALL),
                Op::CALLM | Op::CALLMT | Op::CALLT => arm_call!(op),
                Op::ITERC | Op::ITERN => {
                    let a = bc_a(ins);
                    if op == Op::ITERN {
                        let tv = *slot(base, a - 2);
                        let control = table::iter_control_index(*slot(base, a - 1));
                        // (Loaded bytecode may have changed the table slot
                        // since ISNEXT checked it.)
                        if let (Some(idx), true) = (control, tv.is_tab()) {
                            // As LuaJIT's ITERN, this does the ITERL's work
                            // too: it loops to the body itself, so the ITERL
                            // never overwrites the control variable (the
                            // traversal index) with the key. (No hot count
                            // or hook check here: either, in this arm, slows
                            // the whole interpreter loop by 2-4%; hooks set
                            // meanwhile are noticed at the next call, return
                            // or other loop.)
                            let t: *mut GcTab = tv.as_ptr();
                            match table::entry_from(t, idx) {
                                Some((nidx, k, v)) => {
                                    *slot(base, a - 1) = table::iter_control(nidx);
                                    *slot(base, a) = k;
                                    *slot(base, a + 1) = v;
                                    pc = pc.add(1).offset(bc_j(*pc) as isize);
                                }
                                None => pc = pc.add(1),
                            }
                            continue;
                        }
                    }
                    // Generic iterator call: A, A+2, A+3 = A-3, A-2, A-1.
                    savepc!();
                    let func = slot(base, a);
                    *func = *slot(base, a - 3);
                    *func.add(2) = *slot(base, a - 2);
                    *func.add(3) = *slot(base, a - 1);
                    *func.add(1) = TValue(pc as u64 | FRAME_LUA);
                    (*l).top = func.add(4).max(base.add((*pt).framesize as usize));
                    let mut nargs = 2;
                    let mut func = func;
                    if !(*func).is_func() {
                        nargs = resolve_call(l, func, nargs, Operand::Slot(slot(base, a - 3)));
                        reload!();
                        func = slot(base, a);
                        *func.add(1) = TValue(pc as u64 | FRAME_LUA);
                    }
                    let cf: *mut GcFunc = (*func).as_ptr();
                    if (*cf).ffid == FF_LUA {
                        base = enter_lua(l, func, nargs);
                        load_frame!();
                        pc = (*pt).bc.add(1);
                        continue;
                    }
                    match call_c(l, func, nargs) {
                        Some(n) => {
                            ret_ptr = (*l).top.sub(n);
                            ret_n = n;
                            base = (*l).base;
                        }
                        None => return None,
                    }
                    match do_return_frames(l, &mut base, ret_ptr, ret_n, &mut multres) {
                        ReturnTo::Lua(npc) => {
                            pc = npc;
                            load_frame!();
                            oldpc = npc;
                        }
                        ReturnTo::Cont(cb, cpc, cont, res) => {
                            step!(finish_cont(l, cb, cpc, cont, res))
                        }
                        ReturnTo::Native => return None,
                    }
                }
                Op::ISNEXT => {
                    let a = bc_a(ins);
                    let f = *slot(base, a - 3);
                    let ok = f.is_func()
                        && (*f.as_ptr::<GcFunc>()).ffid == FF_NEXT
                        && (*slot(base, a - 2)).is_tab()
                        && (*slot(base, a - 1)).is_nil();
                    let target = pc.offset(bc_j(ins) as isize);
                    if ok && bc_op(*target) == Op::ITERN {
                        *slot(base, a - 1) = table::iter_control(0);
                    } else if !ok {
                        // Despecialize for good, as LuaJIT does: this check
                        // becomes a jump and the loop uses the generic ITERC.
                        set_op(&mut *(pc.sub(1) as *mut Ins), Op::JMP);
                        set_op(&mut *(target as *mut Ins), Op::ITERC);
                    }
                    pc = target;
                }
                Op::VARG => {
                    let a = bc_a(ins);
                    let b = bc_b(ins);
                    let link = (*base.sub(1)).0;
                    let (vstart, nvar) = if frame_typep(link) == FRAME_VARG {
                        let d = delta_of(link) / 8;
                        let np = (*pt).numparams as usize;
                        let ob = base.sub(d);
                        let total = d - 2;
                        if total > np {
                            (ob.add(np), total - np)
                        } else {
                            (ob, 0)
                        }
                    } else {
                        (base, 0)
                    };
                    if b == 0 {
                        // All varargs; may need more stack.
                        if slot(base, a).add(nvar) > (*l).maxstack {
                            let voff = vstart.offset_from(base);
                            savepc!();
                            grow_for_varargs(l, base, pt, a as usize + nvar, nvar);
                            reload!();
                            let vstart = base.offset(voff);
                            ptr::copy(vstart, slot(base, a), nvar);
                        } else {
                            ptr::copy(vstart, slot(base, a), nvar);
                        }
                        multres = nvar;
                    } else {
                        for i in 0..(b - 1) as usize {
                            *slot(base, a + i as u32) = if i < nvar {
                                *vstart.add(i)
                            } else {
                                TValue::NIL
                            };
                        }
                    }
                }
                // ---- Returns.
                Op::RET0 => arm_return!(Op::RET0),
                Op::RET1 => arm_return!(Op::RET1),
                Op::RETM | Op::RET => arm_return!(op),
                // ---- Loops.
                Op::FORI | Op::JFORI => {
                    let a = bc_a(ins);
                    let pidx = slot(base, a);
                    let (vi, vs, vstep) = (*pidx, *pidx.add(1), *pidx.add(2));
                    savepc!();
                    let i = for_num(State::from_raw(l), vi, "initial value");
                    let s = for_num(State::from_raw(l), vs, "limit");
                    let st = for_num(State::from_raw(l), vstep, "step");
                    *pidx = TValue::num(i);
                    *pidx.add(1) = TValue::num(s);
                    *pidx.add(2) = TValue::num(st);
                    // The sign bit decides the direction, as in LuaJIT: -0 counts down.
                    let run = if !st.is_sign_negative() {
                        i <= s
                    } else {
                        i >= s
                    };
                    if run {
                        *pidx.add(3) = TValue::num(i);
                    } else {
                        pc = pc.offset(bc_j(ins) as isize);
                    }
                }
                Op::FORL => arm_forl!(Op::FORL),
                Op::IFORL | Op::JFORL => arm_forl!(op),
                Op::ITERL | Op::IITERL | Op::JITERL => {
                    let tick = op != Op::ITERL || (*g_ptr).hot.tick(pc, hotcount::HOTCOUNT_LOOP);
                    if op == Op::ITERL && tick {
                        hotcount::became_hot(&mut *g_ptr, pc);
                    }
                    let a = bc_a(ins);
                    let v = *slot(base, a);
                    if !v.is_nil() {
                        *slot(base, a - 1) = v;
                        pc = pc.offset(bc_j(ins) as isize);
                    }
                    if tick {
                        check_hooks_on!();
                    }
                }
                Op::LOOP | Op::ILOOP | Op::JLOOP => {
                    if op != Op::LOOP || (*g_ptr).hot.tick(pc, hotcount::HOTCOUNT_LOOP) {
                        if op == Op::LOOP {
                            hotcount::became_hot(&mut *g_ptr, pc);
                        }
                        check_hooks_on!();
                    }
                    // Loop back-edges are where profiler samples are taken
                    // (with function entries), as safe points.
                    if crate::stdlib::jit_profile::profile_pending(State::from_raw(l)) {
                        savepc!();
                        frame_top!();
                        crate::stdlib::jit_profile::profile_deliver(State::from_raw(l));
                        reload!();
                    }
                }
                Op::JMP => {
                    pc = pc.offset(bc_j(ins) as isize);
                }
                Op::FUNCF
                | Op::IFUNCF
                | Op::JFUNCF
                | Op::FUNCV
                | Op::IFUNCV
                | Op::JFUNCV
                | Op::FUNCC
                | Op::FUNCCW => {}
            }
        }
    }
}

fn for_num(l: State, v: TValue, what: &str) -> f64 {
    match meta::to_number(v) {
        Some(n) if v.is_num() || v.is_str() => n,
        _ => error::throw_msg(l, &format!("'for' {} must be a number", what)),
    }
}

#[inline(always)]
fn pri_value(d: u32) -> TValue {
    // nil, false and true are !(0 << 47), !(1 << 47) and !(2 << 47).
    TValue(!((d.min(2) as u64) << 47))
}

enum ReturnTo {
    Lua(*const Ins),
    /// Into a continuation frame of the interpreter: the interrupted Lua
    /// frame's base (L.base is set to it), the PC after the instruction
    /// that called the metamethod, the continuation and the first result.
    Cont(*mut TValue, *const Ins, u64, TValue),
    Native,
}

/// Copy `n` slots (regions may overlap, `dst` below `src`): a plain loop,
/// since most calls move 0-3 values and a libc call costs more than that.
#[inline(always)]
unsafe fn move_down(src: *const TValue, dst: *mut TValue, n: usize) {
    // SAFETY: both ranges are valid stack slots; copying upwards in index
    // order is correct for dst <= src.
    unsafe {
        if n <= 8 && dst as *const TValue <= src {
            for i in 0..n {
                *dst.add(i) = *src.add(i);
            }
        } else {
            ptr::copy(src, dst, n);
        }
    }
}

// ---- Continuation frames: metamethods called by instructions.
//
// An instruction that needs a metamethod pushes a continuation frame above
// its frame top: [PC after the instruction][continuation][metamethod][link
// FRAME_CONT][args], and the interpreter runs the metamethod like any call.
// When it returns, the continuation finishes the instruction. No native
// recursion is involved, so metamethods can yield (as in LuaJIT). Native
// callers (`call_values`) use the same layout with nil as continuation.

/// Store the result in the instruction's register A.
const CONT_RA: u64 = 1;
/// Ignore the result (__newindex).
const CONT_NOP: u64 = 2;
/// The result's truthiness decides the JMP that follows the instruction.
const CONT_COND_T: u64 = 3;
/// As CONT_COND_T with the truthiness inverted.
const CONT_COND_F: u64 = 4;
/// Store the result in the slot in the upper bits, then go on concatenating.
const CONT_CAT: u64 = 5;

/// The continuation slot value: a number, so never nil.
fn cont_value(kind: u64, slot: u32) -> TValue {
    TValue::num((kind | (slot as u64) << 8) as f64)
}

fn cont_decode(v: u64) -> (u64, u32) {
    let x = f64::from_bits(v) as u64;
    (x & 0xff, (x >> 8) as u32)
}

/// What the interpreter does after a metamethod call or continuation.
enum Step {
    /// Run the Lua function whose frame starts at this base from its start.
    Enter(*mut TValue),
    /// Go on in the Lua frame at this base at this PC.
    Resume(*mut TValue, *const Ins),
    /// The thread yielded: leave the interpreter.
    Yield,
}

/// Call `mc` for the instruction before `pc` in the Lua frame at `base`
/// (L.top must be that frame's top) through a continuation frame.
unsafe fn call_cont(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    mc: meta::MetaCall,
    cont: TValue,
) -> Step {
    // SAFETY: base is the running Lua frame of l; the stack is re-derived
    // from offsets after growing.
    unsafe {
        let base_off = base.offset_from((*l).stack);
        let top_off = (*l).top.offset_from((*l).stack);
        // The continuation (2 slots), the function, its link and arguments.
        check_stack_extra(State::from_raw(l), mc.nargs + 4);
        let top = (*l).stack.offset(top_off);
        *top = TValue(pc as u64);
        *top.add(1) = cont;
        let mut func = top.add(2);
        *func = mc.f;
        for i in 0..mc.nargs {
            *func.add(2 + i) = mc.args[i];
        }
        (*l).top = func.add(2 + mc.nargs);
        let mut nargs = mc.nargs;
        let func_off = func.offset_from((*l).stack);
        while !(*func).is_func() {
            nargs = resolve_call(l, func, nargs, Operand::None);
            func = (*l).stack.offset(func_off);
        }
        let base = (*l).stack.offset(base_off);
        *func.add(1) = link_delta(func.add(2), base, FRAME_CONT);
        let cf: *mut GcFunc = (*func).as_ptr();
        if (*cf).ffid == FF_LUA {
            return Step::Enter(enter_lua(l, func, nargs));
        }
        match call_c(l, func, nargs) {
            None => Step::Yield,
            Some(n) => {
                let mut b = (*l).base;
                let mut multres = 0;
                match do_return(l, &mut b, (*l).top.sub(n), n, &mut multres) {
                    ReturnTo::Cont(cb, cpc, cont, res) => finish_cont(l, cb, cpc, cont, res),
                    // A C function returns into the frame that called it.
                    _ => unreachable!("continuation frame expected"),
                }
            }
        }
    }
}

/// Finish the instruction before `pc` in the Lua frame at `base` with the
/// metamethod result `res`.
unsafe fn finish_cont(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    cont: u64,
    res: TValue,
) -> Step {
    // SAFETY: base is a live Lua frame of l and pc points into its code.
    unsafe {
        let (kind, idx) = cont_decode(cont);
        let ins = *pc.sub(1);
        (*l).base = base;
        let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
        (*l).top = base.add((*(*fnp).proto).framesize as usize);
        match kind {
            CONT_RA => {
                *slot(base, bc_a(ins)) = res;
                Step::Resume(base, pc)
            }
            CONT_COND_T | CONT_COND_F => {
                let cond = res.is_truthy() == (kind == CONT_COND_T);
                let npc = if cond {
                    pc.offset(bc_j(*pc) as isize + 1)
                } else {
                    pc.add(1)
                };
                Step::Resume(base, npc)
            }
            CONT_CAT => {
                *slot(base, idx) = res;
                let b = bc_b(ins);
                if idx > b {
                    (*l).savedpc = pc;
                    match meta::concat_step(State::from_raw(l), slot(base, b), slot(base, idx)) {
                        Ok(v) => *slot(base, bc_a(ins)) = v,
                        Err((mc, dst)) => {
                            let d = dst.offset_from(base) as u32;
                            return call_cont(l, base, pc, mc, cont_value(CONT_CAT, d));
                        }
                    }
                } else {
                    *slot(base, bc_a(ins)) = res;
                }
                Step::Resume(base, pc)
            }
            _ => Step::Resume(base, pc),
        }
    }
}

/// Return `n` values at `src` to the Lua caller of the frame at `b`, whose
/// link is the FRAME_LUA `link`: the results go to the call's slots, and
/// `*base`, L.base and L.top to the caller's frame. Returns the caller's pc.
#[inline(always)]
unsafe fn return_to_lua(
    l: *mut lua_State,
    base: &mut *mut TValue,
    b: *mut TValue,
    link: u64,
    src: *mut TValue,
    n: usize,
    multres: &mut usize,
) -> *const Ins {
    // SAFETY: b is a live frame whose link points after a call instruction
    // of its caller's code.
    unsafe {
        let rpc = link as *const Ins;
        let call = *rpc.sub(1);
        let a = bc_a(call);
        let want = bc_b(call);
        let dst = b.sub(2);
        move_down(src, dst, n);
        let cbase = dst.sub(a as usize);
        // The caller's frame top; multiple results may extend past it
        // and must stay below L.top (the collector clears the rest).
        let cfn: *mut GcFunc = (*cbase.sub(2)).as_ptr();
        let ftop = cbase.add((*(*cfn).proto).framesize as usize);
        if want == 0 {
            *multres = n;
            (*l).top = dst.add(n).max(ftop);
        } else {
            for i in n..(want as usize - 1) {
                *dst.add(i) = TValue::NIL;
            }
            (*l).top = ftop;
        }
        *base = cbase;
        (*l).base = cbase;
        crate::stack_check::debug_check_frame(State::from_raw(l), cbase);
        rpc
    }
}

/// Return `n` values at `src` from the frame at `*base` through its link.
/// Updates `*base` (and L.base/L.top) to the frame returned to. The common
/// return to a Lua caller is inline; other frame types go to
/// `do_return_frames`.
#[inline(always)]
unsafe fn do_return(
    l: *mut lua_State,
    base: &mut *mut TValue,
    src: *mut TValue,
    n: usize,
    multres: &mut usize,
) -> ReturnTo {
    // SAFETY: the frame at *base is live.
    unsafe {
        let b = *base;
        let link = (*b.sub(1)).0;
        if frame_type(link) == FRAME_LUA {
            return ReturnTo::Lua(return_to_lua(l, base, b, link, src, n, multres));
        }
        do_return_frames(l, base, src, n, multres)
    }
}

#[inline(never)]
unsafe fn do_return_frames(
    l: *mut lua_State,
    base: &mut *mut TValue,
    src: *mut TValue,
    n: usize,
    multres: &mut usize,
) -> ReturnTo {
    // SAFETY: the frames being returned through are live frames of l.
    unsafe {
        let mut b = *base;
        let mut src = src;
        let mut n = n;
        loop {
            let link = (*b.sub(1)).0;
            let ty = frame_type(link);
            if ty == FRAME_LUA {
                return ReturnTo::Lua(return_to_lua(l, base, b, link, src, n, multres));
            }
            let typ = frame_typep(link);
            if typ == FRAME_VARG {
                b = (b as *mut u8).sub(delta_of(link)) as *mut TValue;
                continue;
            }
            if typ == FRAME_PCALL || typ == FRAME_PCALLH {
                (*l).protect.len -= 1;
                let pb = (b as *mut u8).sub(delta_of(link)) as *mut TValue;
                // Place [true, results...] at b-1 (the link slot, no longer
                // needed), then return them from the pcall frame.
                let dst = b.sub(1);
                ptr::copy(src, dst.add(1), n);
                *dst = TValue::TRUE;
                src = dst;
                n += 1;
                b = pb;
                continue;
            }
            if typ == FRAME_CONT && !(*b.sub(3)).is_nil() {
                // A metamethod called by an instruction returns.
                let pb = (b as *mut u8).sub(delta_of(link)) as *mut TValue;
                let res = if n > 0 { *src } else { TValue::NIL };
                let cpc = (*b.sub(4)).0 as *const Ins;
                let cont = (*b.sub(3)).0;
                (*l).base = pb;
                *base = pb;
                crate::stack_check::debug_check_frame(State::from_raw(l), pb);
                return ReturnTo::Cont(pb, cpc, cont, res);
            }
            // C, CP, native CONT: back to native code.
            let dst = b.sub(2);
            ptr::copy(src, dst, n);
            (*l).top = dst.add(n);
            let pb = (b as *mut u8).sub(delta_of(link)) as *mut TValue;
            (*l).base = pb;
            *base = pb;
            crate::stack_check::debug_check_frame(State::from_raw(l), pb);
            return ReturnTo::Native;
        }
    }
}

/// Resume a coroutine `co` with `nargs` values at its top. Returns the
/// status (LUA_OK when finished, LUA_YIELD, or an error code) and the
/// number of values (results, yielded values, or 1 error object), which
/// are left at co's top; co's visible base is set to the first of them.
pub fn resume(l: State, co: State, nargs: usize) -> (u8, usize) {
    // SAFETY: l and co are live threads of the same VM.
    unsafe {
        let start = (*co.as_ptr()).status == LUA_OK;
        // Memory errors raised while co runs are raised on co.
        let g = (*l.as_ptr()).glref;
        let resumer = (*g).cur_thread;
        (*co.as_ptr()).nccalls = (*l.as_ptr()).nccalls;
        (*co.as_ptr()).resume_level = (*co.as_ptr()).nccalls + 1;
        let r = if start {
            let func = (*co.as_ptr()).top.sub(nargs + 1);
            let func_off = func.offset_from((*co.as_ptr()).stack);
            // Make room for the link slot (FR2 layout).
            (*co.as_ptr()).base = func;
            check_stack(co, 1);
            let func = (*co.as_ptr()).stack.offset(func_off);
            ptr::copy(func.add(1), func.add(2), nargs);
            (*co.as_ptr()).top = func.add(2 + nargs);
            (*co.as_ptr()).base = (*co.as_ptr()).stack.add(2);
            (*g).cur_thread = co.as_ptr();
            error::catch(|| {
                call_native(co, func_off, nargs, FRAME_C);
            })
        } else {
            (*co.as_ptr()).status = LUA_OK;
            (*co.as_ptr()).base = (*co.as_ptr()).stack.add((*co.as_ptr()).yield_base);
            (*co.as_ptr()).nccalls += 1;
            (*g).cur_thread = co.as_ptr();
            let r = error::catch(|| {
                crate::cstack::guard(co);
                // The yielding C function's frame returns the resume args.
                execute(co, Entry::Return(nargs));
            });
            if r.is_ok() {
                (*co.as_ptr()).nccalls -= 1;
            }
            r
        };
        (*g).cur_thread = resumer;
        let yielded = match &r {
            Ok(()) => (*co.as_ptr()).status == LUA_YIELD,
            Err(p) => p.is::<YieldUnwind>(),
        };
        if yielded {
            (*co.as_ptr()).status = LUA_YIELD;
            let n = (*co.as_ptr()).nyield as usize;
            (*co.as_ptr()).yield_base =
                (*co.as_ptr()).base.offset_from((*co.as_ptr()).stack) as usize;
            (*co.as_ptr()).base = (*co.as_ptr()).top.sub(n);
            return (LUA_YIELD, n);
        }
        match r {
            Ok(()) => {
                // Finished: results from the bottom function slot to top.
                let bottom = (*co.as_ptr()).stack.add(2);
                let n = (*co.as_ptr()).top.offset_from(bottom).max(0) as usize;
                (*co.as_ptr()).status = LUA_OK;
                (*co.as_ptr()).base = bottom;
                (LUA_OK, n)
            }
            Err(p) => {
                let status = error::caught_status(co, p);
                (*co.as_ptr()).status = status;
                let e = if status == LUA_ERRMEM {
                    error::oom_value(g_of(l))
                } else {
                    (*co.as_ptr()).errobj
                };
                // The dead coroutine keeps its frames for debug.traceback(co).
                (*co.as_ptr()).yield_base =
                    (*co.as_ptr()).base.offset_from((*co.as_ptr()).stack) as usize;
                push(co, e);
                (status, 1)
            }
        }
    }
}

/// lua_yield: mark the thread as yielding `n` values (at its top).
pub fn yield_values(l: State, n: usize) -> i32 {
    // SAFETY: l is live.
    unsafe {
        if (*l.as_ptr()).nccalls > (*l.as_ptr()).resume_level
            || l == State::from_raw(g_of(l).mainthread)
            || (*l.as_ptr()).resume_level == 0
        {
            // The position is the caller's, as for LuaJIT's yield fast function.
            let mut msg = Vec::new();
            if let Some(w) =
                crate::debug::frame_at(l, 1).and_then(|f| crate::debug::where_prefix(&f))
            {
                msg.extend_from_slice(&w);
                msg.push(b' ');
            }
            msg.extend_from_slice(b"attempt to yield across C-call boundary");
            error::throw_status(l, LUA_ERRRUN, &msg);
        }
        (*l.as_ptr()).status = LUA_YIELD;
        (*l.as_ptr()).nyield = n as u32;
    }
    -1
}

/// Whether a thread is a coroutine that can yield now.
pub fn is_yieldable(l: State) -> bool {
    // SAFETY: l is live.
    unsafe {
        l != State::from_raw(g_of(l).mainthread)
            && (*l.as_ptr()).resume_level != 0
            && (*l.as_ptr()).nccalls <= (*l.as_ptr()).resume_level
    }
}

#[allow(dead_code)]
fn unused_ff() -> u8 {
    FF_C
}
