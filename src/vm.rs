//! The bytecode interpreter and the calling machinery.
//!
//! Lua-to-Lua calls, returns and tail calls run inside one loop without
//! native recursion; `pcall`/`xpcall` called from Lua are frames of that
//! loop too (so coroutines can yield across them). Native recursion only
//! happens where C code calls back into Lua (`lua_call`), for metamethods
//! (continuation frames) and for coroutine resumption.
//!
//! `run_loop` holds the hot paths of every instruction; the rare ones
//! (metamethods, coercions, errors, calls other than Lua-to-Lua, `pcall`
//! setup, varargs, hooks) are functions of `slow_paths` that tell the loop
//! where to go on (`Step`).

use crate::bitop_exec;
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

mod slow_paths;
use slow_paths::*;

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

/// A tail call from the Lua frame at `base`: close its upvalues and move
/// the callee in `func` and its `nargs` arguments down over the frame,
/// which keeps its link. Returns the callee's new slot.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `func` is a slot of it (or
/// just above it) with `nargs` arguments after its link slot.
#[inline(always)]
unsafe fn move_tail_call(
    l: *mut lua_State,
    base: *mut TValue,
    func: *mut TValue,
    nargs: usize,
) -> *mut TValue {
    // SAFETY: the frame's link gives the distance to its unadjusted base
    // for a vararg frame; the destination lies below `func`.
    unsafe {
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
        dst
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
        // The global state is borrowed for the push only: growing the
        // record list allocates and runs nothing else (a leaf).
        (*l.as_ptr()).protect.push(
            l.global_mut(),
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
                    crate::capi::leaf::oom_value(l)
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
        let r = error::catch(|| {
            // SAFETY: l is a live thread (State's invariant) whose frame at
            // L.base is ready for `entry` (a called Lua function, a return,
            // or the pcall frame an error was caught in).
            unsafe { run(l.as_ptr(), entry) }
        });
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
                        crate::capi::leaf::oom_value(l)
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

/// CALL/CALLM of a builtin `fast_builtin` computes (id `ffid`, arguments
/// at `args`): its result, when the call wants one result or all of them
/// and no call or return hook must see the call.
///
/// # Safety
/// `args..args+nargs` are the call's argument slots.
#[inline(always)]
unsafe fn inline_builtin(
    g: &GlobalState,
    op: Op,
    ins: Ins,
    ffid: u8,
    args: *const TValue,
    nargs: usize,
) -> Option<TValue> {
    if matches!(op, Op::CALL | Op::CALLM)
        && matches!(bc_b(ins), 0 | 2)
        && (FF_FAST_FIRST..=FF_FAST_LAST).contains(&ffid)
        && g.hookmask & (HOOK_MASK_CALL | HOOK_MASK_RET) == 0
    {
        // SAFETY: args..args+nargs are the call's argument slots (caller's
        // contract).
        unsafe { fast_builtin(ffid, args, nargs) }
    } else {
        None
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

/// A copy of the interpreter loop: what it does besides executing
/// instructions. `run` picks the mode from the hook mask and switches when
/// the mask changes; each mode is a monomorphised `run_loop`, so the plain
/// loop pays nothing for the others. (The trace recorder will add a
/// recording mode.)
trait LoopMode {
    /// Line and count hooks are called before each instruction; the loop
    /// leaves for the plain one when they are switched off.
    const INSTRUCTION_HOOKS: bool;
}

/// No per-instruction work: notices hooks switched on after C calls and
/// metamethods (where `debug.sethook` runs), at returns and at the
/// hot-counter ticks of loops (for hooks set from a signal).
struct Plain;

impl LoopMode for Plain {
    const INSTRUCTION_HOOKS: bool = false;
}

/// Line and count hooks run before each instruction.
struct Hooked;

impl LoopMode for Hooked {
    const INSTRUCTION_HOOKS: bool = true;
}

/// The interpreter: runs the loop of the mode the hooks ask for, and goes
/// on in another when they change.
///
/// # Safety
/// `l` is a live thread whose frame at L.base is ready for `entry`.
unsafe fn run(l: *mut lua_State, entry: Entry) {
    let mut entry = entry;
    loop {
        // SAFETY: l is a live state with a Lua frame to run.
        let hooked = unsafe { (*(*l).glref).hookmask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) != 0 };
        let switched = if hooked {
            // SAFETY: as above.
            unsafe { run_loop::<Hooked>(l, entry) }
        } else {
            // SAFETY: as above.
            unsafe { run_loop::<Plain>(l, entry) }
        };
        match switched {
            Some(multres) => entry = Entry::Switch(multres),
            None => return,
        }
    }
}

/// The PC after the jump that follows a comparison or test: its target
/// when `taken`, else the instruction after it.
///
/// # Safety
/// `pc` points at a JMP (as after every comparison and test instruction).
#[inline(always)]
unsafe fn branch(pc: *const Ins, taken: bool) -> *const Ins {
    // SAFETY: pc points at the JMP after the test, and its target lies in
    // the same prototype's code (checked when the bytecode was loaded).
    unsafe {
        if taken {
            pc.offset(bc_j(*pc) as isize + 1)
        } else {
            pc.add(1)
        }
    }
}

/// The interpreter loop proper. Hot paths are inline; everything rare (a
/// metamethod, a coercion, an error, a call that is not Lua-to-Lua, hooks)
/// is a function of `slow_paths` that returns what to do next. Returns
/// `Some(multres)` when the hooks changed and another mode's loop must go
/// on (at L.savedpc in the frame at L.base).
///
/// # Safety
/// `l` is a live thread whose frame at L.base is ready for `entry`.
// The frame macros assign `oldpc`/`base` in every expansion, also where the
// arm overwrites them at once. ISGE/ISGT test `!(x < y)`, `!(x <= y)`: true
// for NaN operands, as Lua's semantics want.
#[allow(unused_assignments, clippy::neg_cmp_op_on_partial_ord)]
unsafe fn run_loop<M: LoopMode>(l: *mut lua_State, entry: Entry) -> Option<usize> {
    // SAFETY: the whole loop operates on the live frames of `l`; every
    // pointer into the stack is reloaded after anything that may move it
    // (calls, metamethods, stack growth). `base` always equals L.base.
    unsafe {
        let mut base: *mut TValue;
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
        // In the plain loop: leave for the hooked loop when line or count
        // hooks were switched on; it goes on at `pc`.
        macro_rules! check_hooks_on {
            () => {{
                if !M::INSTRUCTION_HOOKS
                    && (*(*l).glref).hookmask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) != 0
                {
                    (*l).savedpc = pc;
                    (*l).base = base;
                    return Some(multres);
                }
            }};
        }
        // Take up the frame and PC a `Step` names, or leave the loop.
        macro_rules! take {
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
                    Step::Return(nb, npc) => {
                        base = nb;
                        pc = npc;
                        load_frame!();
                        oldpc = npc;
                    }
                    Step::Exit => return None,
                }
            }};
        }
        // Go on after a metamethod call, a continuation or a generic call.
        macro_rules! step {
            ($s:expr) => {{
                take!($s);
                check_hooks_on!();
                continue;
            }};
        }
        // The value of a rare path that finished the instruction here, or
        // go on where it says.
        macro_rules! or_step {
            ($r:expr) => {
                match $r {
                    Ok(v) => v,
                    Err(s) => step!(s),
                }
            };
        }

        let first = match entry {
            Entry::Call => Step::Resume((*l).base, (*l).savedpc),
            Entry::Switch(m) => {
                multres = m;
                Step::Resume((*l).base, (*l).savedpc)
            }
            Entry::Return(n) => return_results(l, n, &mut multres),
        };
        take!(first);

        loop {
            // Read through `l` at each instruction rather than kept in a
            // register across the loop: the frame base needs that register.
            let g_ptr: *mut GlobalState = (*l).glref;
            let ins = *pc;
            pc = pc.add(1);
            let kgc = KgcRef(pt);
            let knum = KnumRef(pt);
            if M::INSTRUCTION_HOOKS {
                if (*g_ptr).hookmask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) == 0 {
                    // Hooks off: the plain loop goes on with this instruction.
                    (*l).savedpc = pc.sub(1);
                    (*l).base = base;
                    return Some(multres);
                }
                hook_instruction(l, base, pt, pc, ins, multres, &mut oldpc);
                base = (*l).base;
            }
            // SAFETY: the opcode byte was validated when the bytecode was
            // loaded (parser output or checked loader).
            let op: Op = std::mem::transmute::<u8, Op>(bc_op_raw(ins));

            // The arms below are macros so that each opcode gets its own
            // copy, with `$op` (or `$jump_if_equal`) a constant in it.
            macro_rules! arm_compare {
                ($op:expr) => {{
                    let (va, vd) = (*slot(base, bc_a(ins)), *slot(base, bc_d(ins)));
                    let cond = if va.is_num() && vd.is_num() {
                        let (x, y) = (va.as_num(), vd.as_num());
                        match $op {
                            Op::ISLT => x < y,
                            Op::ISGE => !(x < y),
                            Op::ISLE => x <= y,
                            _ => !(x <= y),
                        }
                    } else {
                        or_step!(compare_slow(l, base, pc, $op, va, vd))
                    };
                    pc = branch(pc, cond);
                }};
            }
            macro_rules! arm_equal {
                ($jump_if_equal:expr) => {{
                    let (va, vd) = (*slot(base, bc_a(ins)), *slot(base, bc_d(ins)));
                    let eq = if va.is_num() && vd.is_num() {
                        va.as_num() == vd.as_num()
                    } else if va.0 == vd.0 {
                        true
                    } else if (va.is_tab() && vd.is_tab())
                        || (va.is_udata() && vd.is_udata())
                        || va.is(TID_CDATA)
                        || vd.is(TID_CDATA)
                    {
                        or_step!(equal_slow(l, base, pc, va, vd, $jump_if_equal))
                    } else {
                        false
                    };
                    pc = branch(pc, eq == $jump_if_equal);
                }};
            }
            // ISEQS/ISNES, ISEQN/ISNEN (`$numeric`) and ISEQP/ISNEP: a
            // string, number or primitive constant.
            macro_rules! arm_equal_const {
                ($jump_if_equal:expr, $k:expr, $numeric:expr) => {{
                    let (va, kd) = (*slot(base, bc_a(ins)), $k);
                    let eq = if $numeric && va.is_num() {
                        va.as_num() == kd.as_num()
                    } else if va.is(TID_CDATA) {
                        or_step!(equal_slow(l, base, pc, va, kd, $jump_if_equal))
                    } else {
                        !$numeric && va.0 == kd.0
                    };
                    pc = branch(pc, eq == $jump_if_equal);
                }};
            }
            macro_rules! arm_test_copy {
                ($jump_if_true:expr) => {{
                    let vd = *slot(base, bc_d(ins));
                    let jump = vd.is_truthy() == $jump_if_true;
                    if jump {
                        *slot(base, bc_a(ins)) = vd;
                    }
                    pc = branch(pc, jump);
                }};
            }
            // Arithmetic: numbers are computed right here, anything else
            // (coercion, a metamethod, an error) is `arith_slow`'s.
            macro_rules! arith_vv {
                ($op:expr, $f:expr) => {{
                    let (pb, pc_) = (slot(base, bc_b(ins)), slot(base, bc_c(ins)));
                    let (vb, vc) = (*pb, *pc_);
                    if vb.is_num() && vc.is_num() {
                        *slot(base, bc_a(ins)) = TValue::num($f(vb.as_num(), vc.as_num()));
                    } else {
                        let (b, c) = ((vb, Operand::Slot(pb)), (vc, Operand::Slot(pc_)));
                        or_step!(arith_slow(l, base, pc, ins, $op, b, c))
                    }
                }};
            }
            // A slot and a number constant; `$const_first`: NV (constant
            // on the left).
            macro_rules! arith_vn {
                ($op:expr, $const_first:expr, $f:expr) => {{
                    let pb = slot(base, bc_b(ins));
                    let (vb, kc) = (*pb, *knum.add(bc_c(ins) as usize));
                    if vb.is_num() {
                        let (x, y) = if $const_first { (kc, vb) } else { (vb, kc) };
                        *slot(base, bc_a(ins)) = TValue::num($f(x.as_num(), y.as_num()));
                    } else {
                        let (b, k) = ((vb, Operand::Slot(pb)), (kc, Operand::None));
                        let (x, y) = if $const_first { (k, b) } else { (b, k) };
                        or_step!(arith_slow(l, base, pc, ins, $op, x, y))
                    }
                }};
            }
            macro_rules! arm_tget {
                ($op:expr) => {{
                    if let Some(v) = tget_fast(&*g_ptr, $op, ins, base, kgc) {
                        *slot(base, bc_a(ins)) = v;
                    } else {
                        or_step!(tget_slow(l, base, pc, ins, $op));
                        base = (*l).base;
                    }
                }};
            }
            macro_rules! arm_tset {
                ($op:expr) => {{
                    let p = if $op == Op::TSETR {
                        ptr::null_mut()
                    } else {
                        tset_slot_fast($op, ins, base, kgc)
                    };
                    if !p.is_null() {
                        let t: *mut GcTab = (*slot(base, bc_b(ins))).as_ptr();
                        *p = *slot(base, bc_a(ins));
                        (*t).nomm = 0;
                        gc::barrier_table(&mut *g_ptr, t);
                    } else {
                        or_step!(tset_slow(l, base, pc, ins, $op));
                        base = (*l).base;
                    }
                }};
            }
            macro_rules! arm_call {
                ($op:expr) => {{
                    let op: Op = $op;
                    let a = bc_a(ins);
                    let nargs = match op {
                        Op::CALL => bc_c(ins) as usize - 1,
                        Op::CALLM => bc_c(ins) as usize + multres,
                        Op::CALLT => bc_d(ins) as usize - 1,
                        _ => bc_d(ins) as usize + multres,
                    };
                    let tail = matches!(op, Op::CALLT | Op::CALLMT);
                    let f = *slot(base, a);
                    if f.is_func() {
                        let ffid = (*f.as_ptr::<GcFunc>()).ffid;
                        if ffid == FF_LUA {
                            // The common Lua-to-Lua call, straight in.
                            (*l).savedpc = pc;
                            let mut func = slot(base, a);
                            if tail {
                                (*l).top =
                                    func.add(2 + nargs).max(base.add((*pt).framesize as usize));
                                func = move_tail_call(l, base, func, nargs);
                            } else {
                                *func.add(1) = TValue(pc as u64 | FRAME_LUA);
                            }
                            base = enter_lua(l, func, nargs);
                            load_frame!();
                            pc = (*pt).bc.add(1);
                            if tail {
                                // Tail calls may loop forever without a loop
                                // instruction: look for hooks set by a signal.
                                check_hooks_on!();
                            }
                            continue;
                        }
                        let args = slot(base, a + 2);
                        if let Some(v) = inline_builtin(&*g_ptr, op, ins, ffid, args, nargs) {
                            *slot(base, a) = v;
                            if bc_b(ins) == 0 {
                                // All results wanted: the one, as multres for
                                // the CALLM/RETM/TSETM that follows.
                                multres = 1;
                            }
                            continue;
                        }
                        if !tail && ffid != FF_PCALL && ffid != FF_XPCALL {
                            // A C function called from Lua.
                            (*l).savedpc = pc;
                            let func = slot(base, a);
                            (*l).top = func.add(2 + nargs).max(base.add((*pt).framesize as usize));
                            *func.add(1) = TValue(pc as u64 | FRAME_LUA);
                            step!(call_c_and_return(l, func, nargs, &mut multres, true))
                        }
                    }
                    (*l).savedpc = pc;
                    let (func, nargs) = prepare_call(l, base, pc, a, nargs, tail);
                    match (*(*func).as_ptr::<GcFunc>()).ffid {
                        // Tail calls may loop forever without a loop
                        // instruction: look for hooks set by a signal.
                        FF_LUA => step!(Step::Enter(enter_lua(l, func, nargs))),
                        FF_PCALL | FF_XPCALL => {
                            match call_protected(l, func, nargs, &mut multres) {
                                // Entering f looks for no hooks, as a plain call.
                                s @ Step::Enter(_) => {
                                    take!(s);
                                    continue;
                                }
                                s => step!(s),
                            }
                        }
                        _ => step!(call_c_and_return(l, func, nargs, &mut multres, true)),
                    }
                }};
            }
            macro_rules! arm_return {
                ($op:expr) => {{
                    let a = bc_a(ins);
                    let n = match $op {
                        Op::RETM => bc_d(ins) as usize + multres,
                        Op::RET => bc_d(ins) as usize - 1,
                        Op::RET0 => 0,
                        _ => 1,
                    };
                    let mask = (*g_ptr).hookmask;
                    if !M::INSTRUCTION_HOOKS && mask & (HOOK_MASK_LINE | HOOK_MASK_COUNT) != 0 {
                        // Hooks were switched on: return in the hooked loop.
                        (*l).savedpc = pc.sub(1);
                        (*l).base = base;
                        return Some(multres);
                    }
                    if !(*l).openupval.is_null() {
                        func::close_upvals(State::from_raw(l), base);
                    }
                    (*l).savedpc = pc;
                    if mask & HOOK_MASK_RET != 0 {
                        return_hook(l, base, a, n);
                        base = (*l).base;
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
            // A loop's back-edge: whether its hot counter ticked. Only the
            // plain variant counts (I*: not to be compiled). A loop also
            // looks for hooks switched on (from a signal) when its counter
            // ticks, or every time if it has none.
            macro_rules! loop_tick {
                ($counted:expr) => {{
                    let tick = !$counted || (*g_ptr).hot.tick(pc, hotcount::HOTCOUNT_LOOP);
                    if $counted && tick {
                        hotcount::became_hot(&mut *g_ptr, pc);
                    }
                    tick
                }};
            }
            // FORL, IFORL, JFORL.
            macro_rules! arm_forl {
                ($op:expr) => {{
                    let tick = loop_tick!($op == Op::FORL);
                    let pidx = slot(base, bc_a(ins));
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
                // ---- Comparisons and tests: the next instruction is the JMP.
                Op::ISLT => arm_compare!(Op::ISLT),
                Op::ISGE => arm_compare!(Op::ISGE),
                Op::ISLE => arm_compare!(Op::ISLE),
                Op::ISGT => arm_compare!(Op::ISGT),
                Op::ISEQV => arm_equal!(true),
                Op::ISNEV => arm_equal!(false),
                Op::ISEQS => arm_equal_const!(true, *kgc.add(bc_d(ins) as usize), false),
                Op::ISNES => arm_equal_const!(false, *kgc.add(bc_d(ins) as usize), false),
                Op::ISEQN => arm_equal_const!(true, *knum.add(bc_d(ins) as usize), true),
                Op::ISNEN => arm_equal_const!(false, *knum.add(bc_d(ins) as usize), true),
                Op::ISEQP => arm_equal_const!(true, pri_value(bc_d(ins)), false),
                Op::ISNEP => arm_equal_const!(false, pri_value(bc_d(ins)), false),
                Op::ISTC => arm_test_copy!(true),
                Op::ISFC => arm_test_copy!(false),
                Op::IST => pc = branch(pc, (*slot(base, bc_d(ins))).is_truthy()),
                Op::ISF => pc = branch(pc, !(*slot(base, bc_d(ins))).is_truthy()),
                Op::ISTYPE | Op::ISNUM => {}
                // ---- Unary ops.
                Op::MOV => *slot(base, bc_a(ins)) = *slot(base, bc_d(ins)),
                Op::NOT => {
                    *slot(base, bc_a(ins)) = TValue::bool((*slot(base, bc_d(ins))).is_falsy());
                }
                Op::UNM => {
                    let v = *slot(base, bc_d(ins));
                    let r = if v.is_num() {
                        TValue::num(-v.as_num())
                    } else {
                        or_step!(unary_slow(l, base, pc, ins, op))
                    };
                    *slot(base, bc_a(ins)) = r;
                }
                Op::LEN => {
                    let v = *slot(base, bc_d(ins));
                    let r = if v.is_str() {
                        TValue::num((*v.as_ptr::<GcStr>()).len as f64)
                    } else if v.is_tab() {
                        TValue::num(table::len(v.as_ptr()) as f64)
                    } else {
                        or_step!(unary_slow(l, base, pc, ins, op))
                    };
                    *slot(base, bc_a(ins)) = r;
                }
                // ---- Binary arithmetic.
                Op::ADDVN => arith_vn!(Arith::Add, false, |x, y| x + y),
                Op::SUBVN => arith_vn!(Arith::Sub, false, |x, y| x - y),
                Op::MULVN => arith_vn!(Arith::Mul, false, |x, y| x * y),
                Op::DIVVN => arith_vn!(Arith::Div, false, |x, y| x / y),
                Op::MODVN => arith_vn!(Arith::Mod, false, meta::num_mod),
                Op::ADDNV => arith_vn!(Arith::Add, true, |x, y| x + y),
                Op::SUBNV => arith_vn!(Arith::Sub, true, |x, y| x - y),
                Op::MULNV => arith_vn!(Arith::Mul, true, |x, y| x * y),
                Op::DIVNV => arith_vn!(Arith::Div, true, |x, y| x / y),
                Op::MODNV => arith_vn!(Arith::Mod, true, meta::num_mod),
                Op::ADDVV => arith_vv!(Arith::Add, |x, y| x + y),
                Op::SUBVV => arith_vv!(Arith::Sub, |x, y| x - y),
                Op::MULVV => arith_vv!(Arith::Mul, |x, y| x * y),
                Op::DIVVV => arith_vv!(Arith::Div, |x, y| x / y),
                Op::MODVV => arith_vv!(Arith::Mod, meta::num_mod),
                Op::POW => arith_vv!(Arith::Pow, meta::num_pow),
                // ---- Bit operators (numbers here, the rest crate::bitop_exec).
                Op::BNOT => {
                    let v = *slot(base, bc_d(ins));
                    if v.is_num() {
                        let r = bitop_exec::num_bitop(op, v.as_num(), 0.0);
                        *slot(base, bc_a(ins)) = TValue::num(r);
                    } else {
                        bitop_slow(l, base, pc, ins, op);
                        base = (*l).base;
                    }
                }
                Op::BAND | Op::BOR | Op::BXOR | Op::BSHL | Op::BSHR | Op::BSAR => {
                    let (x, y) = (*slot(base, bc_b(ins)), *slot(base, bc_c(ins)));
                    if x.is_num() && y.is_num() {
                        let r = bitop_exec::num_bitop(op, x.as_num(), y.as_num());
                        *slot(base, bc_a(ins)) = TValue::num(r);
                    } else {
                        bitop_slow(l, base, pc, ins, op);
                        base = (*l).base;
                    }
                }
                Op::CAT => {
                    or_step!(concat(l, base, pc, ins));
                    base = (*l).base;
                }
                // ---- Constants.
                // (Boxed KCDATA constants are immutable: the prototype's
                // object is shared.)
                Op::KSTR | Op::KCDATA => *slot(base, bc_a(ins)) = *kgc.add(bc_d(ins) as usize),
                Op::KSHORT => *slot(base, bc_a(ins)) = TValue::num(bc_d(ins) as u16 as i16 as f64),
                Op::KNUM => *slot(base, bc_a(ins)) = *knum.add(bc_d(ins) as usize),
                Op::KPRI => *slot(base, bc_a(ins)) = pri_value(bc_d(ins)),
                Op::KNIL => {
                    for i in bc_a(ins)..=bc_d(ins) {
                        *slot(base, i) = TValue::NIL;
                    }
                }
                // ---- Upvalues and closures.
                Op::UGET => *slot(base, bc_a(ins)) = *(*(*fnp).uv(bc_d(ins) as usize)).v,
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
                Op::USETN => *(*(*fnp).uv(bc_a(ins) as usize)).v = *knum.add(bc_d(ins) as usize),
                Op::USETP => *(*(*fnp).uv(bc_a(ins) as usize)).v = pri_value(bc_d(ins)),
                Op::UCLO => {
                    func::close_upvals(State::from_raw(l), slot(base, bc_a(ins)));
                    pc = pc.offset(bc_j(ins) as isize);
                }
                Op::FNEW => {
                    new_closure(l, base, pc, ins);
                    base = (*l).base;
                }
                // ---- Tables.
                Op::TNEW | Op::TDUP => {
                    new_table(l, base, pc, ins, op);
                    base = (*l).base;
                }
                Op::GGET => {
                    let key = *kgc.add(bc_d(ins) as usize);
                    let env = (*fnp).env;
                    let v = table::get_str(env, key.as_ptr());
                    if v.is_nil() && !(*env).metatable.is_null() {
                        let tv = TValue::gcobj(TID_TAB, env as *const GcHeader);
                        or_step!(index_meta(l, base, pc, ins, tv, key, Operand::None));
                    } else {
                        *slot(base, bc_a(ins)) = v;
                    }
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
                        let tv = TValue::gcobj(TID_TAB, env as *const GcHeader);
                        or_step!(newindex_meta(l, base, pc, tv, key, v, Operand::None));
                        base = (*l).base;
                    }
                }
                Op::TGETV => arm_tget!(Op::TGETV),
                Op::TGETS => arm_tget!(Op::TGETS),
                Op::TGETB => arm_tget!(Op::TGETB),
                Op::TGETR => arm_tget!(Op::TGETR),
                Op::TSETV => arm_tset!(Op::TSETV),
                Op::TSETS => arm_tset!(Op::TSETS),
                Op::TSETB => arm_tset!(Op::TSETB),
                Op::TSETR => arm_tset!(Op::TSETR),
                Op::TSETM => {
                    store_multres(l, base, pc, ins, multres);
                    base = (*l).base;
                }
                // ---- Calls.
                Op::CALL => arm_call!(Op::CALL),
                Op::CALLM | Op::CALLMT | Op::CALLT => arm_call!(op),
                Op::ITERN => match iter_next(base, bc_a(ins), pc) {
                    Some(npc) => pc = npc,
                    // A C iterator returns to this frame, never through a
                    // continuation, and the call looks for no hooks.
                    None => take!(call_iterator(l, base, pc, bc_a(ins), &mut multres)),
                },
                Op::ITERC => take!(call_iterator(l, base, pc, bc_a(ins), &mut multres)),
                Op::ISNEXT => pc = start_pairs_loop(base, pc, ins),
                Op::VARG => {
                    let n = copy_varargs(l, base, pt, pc, ins);
                    if bc_b(ins) == 0 {
                        multres = n;
                    }
                    base = (*l).base;
                }
                // ---- Returns.
                Op::RET0 => arm_return!(Op::RET0),
                Op::RET1 => arm_return!(Op::RET1),
                Op::RETM | Op::RET => arm_return!(op),
                // ---- Loops.
                Op::FORI | Op::JFORI => {
                    (*l).savedpc = pc;
                    if !for_init(l, slot(base, bc_a(ins))) {
                        pc = pc.offset(bc_j(ins) as isize);
                    }
                }
                Op::FORL => arm_forl!(Op::FORL),
                Op::IFORL | Op::JFORL => arm_forl!(op),
                Op::ITERL | Op::IITERL | Op::JITERL => {
                    let tick = loop_tick!(op == Op::ITERL);
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
                    if loop_tick!(op == Op::LOOP) {
                        check_hooks_on!();
                    }
                    // Loop back-edges are where profiler samples are taken
                    // (with function entries), as safe points.
                    if crate::stdlib::jit_profile::profile_pending(State::from_raw(l)) {
                        deliver_profile_sample(l, base, pc);
                        base = (*l).base;
                    }
                }
                Op::JMP => pc = pc.offset(bc_j(ins) as isize),
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

/// ITERN of a table the interpreter traverses itself (from ISNEXT, the
/// loop of `pairs` over a table): the next entry into registers A, A+1 and
/// the PC after the ITERL that follows, which loops to the body, or after
/// it when the traversal is over. None for a generic iterator call (loaded
/// bytecode may have changed the table slot since ISNEXT checked it).
///
/// As LuaJIT's ITERN, this does the ITERL's work too, so the ITERL never
/// overwrites the control variable (the traversal index) with the key. (No
/// hot count or hook check here: either, in this arm, slows the whole
/// interpreter loop by 2-4%; hooks set meanwhile are noticed at the next
/// call, return or other loop.)
///
/// # Safety
/// `base` is the running Lua frame, with registers A-2..A+1; `pc` points
/// at the ITERL that follows the ITERN.
#[inline(always)]
unsafe fn iter_next(base: *mut TValue, a: u32, pc: *const Ins) -> Option<*const Ins> {
    // SAFETY: registers A-2..A+1 are slots of the running frame and pc
    // points at the ITERL, whose jump target lies in the same code.
    unsafe {
        let tv = *slot(base, a - 2);
        let idx = table::iter_control_index(*slot(base, a - 1))?;
        if !tv.is_tab() {
            return None;
        }
        Some(match table::entry_from(tv.as_ptr(), idx) {
            Some((nidx, k, v)) => {
                *slot(base, a - 1) = table::iter_control(nidx);
                *slot(base, a) = k;
                *slot(base, a + 1) = v;
                pc.add(1).offset(bc_j(*pc) as isize)
            }
            None => pc.add(1),
        })
    }
}

/// FORI: check and convert the loop's initial value, limit and step (in
/// the slots at `pidx`); whether the loop runs at all.
///
/// # Safety
/// `pidx..pidx+4` are the loop's slots in the running Lua frame of `l`.
#[inline(always)]
unsafe fn for_init(l: *mut lua_State, pidx: *mut TValue) -> bool {
    // SAFETY: pidx..pidx+4 are the loop's slots in the running frame.
    unsafe {
        let (vi, vs, vstep) = (*pidx, *pidx.add(1), *pidx.add(2));
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
        }
        run
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

/// What the interpreter loop does next, after a metamethod call, a
/// continuation, a call that is not a plain Lua-to-Lua one, or a return
/// into the loop.
enum Step {
    /// Run the Lua function whose frame starts at this base from its start.
    Enter(*mut TValue),
    /// Go on in the Lua frame at this base at this PC (its line hook, if
    /// any, fires at the next instruction).
    Resume(*mut TValue, *const Ins),
    /// A call returned into the Lua frame at this base: go on at this PC,
    /// after the calling instruction (no second line event for its line).
    Return(*mut TValue, *const Ins),
    /// Leave the interpreter: the thread yielded, or the natively entered
    /// frame returned.
    Exit,
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
            None => Step::Exit,
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
                    crate::capi::leaf::oom_value(l)
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
            || l.is_main_thread()
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
        !l.is_main_thread()
            && (*l.as_ptr()).resume_level != 0
            && (*l.as_ptr()).nccalls <= (*l.as_ptr()).resume_level
    }
}

#[allow(dead_code)]
fn unused_ff() -> u8 {
    FF_C
}
