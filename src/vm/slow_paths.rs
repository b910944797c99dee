//! The interpreter loop's rare paths, out of line so that `run_loop` keeps
//! only the hot ones: what an instruction does when its operands are not
//! the common case (metamethods, coercions, errors), calls that are not a
//! plain Lua-to-Lua call (`__call`, tail calls, `pcall`/`xpcall`, C
//! functions, iterators), vararg copies, allocation, and hooks.
//!
//! Each function runs for the instruction before `pc` in the Lua frame at
//! `base` (which is L.base), and returns what the loop does next: a `Step`
//! when control moves elsewhere (a metamethod's frame, a callee, back into
//! a caller, out of the interpreter), or nothing when the instruction is
//! done and the loop goes on at `pc` (reloading `base`: the stack may have
//! moved). Paths that may do either return `Result<_, Step>`.

use super::*;

/// The top of the Lua frame at `base`: its base plus its function's frame
/// size.
///
/// # Safety
/// `base` is the base of a live Lua frame (its function two slots below).
#[inline(always)]
unsafe fn frame_top(base: *mut TValue) -> *mut TValue {
    // SAFETY: the slot at base-2 holds the frame's Lua function, whose
    // prototype is live while the frame is.
    unsafe {
        let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
        base.add((*(*fnp).proto).framesize as usize)
    }
}

/// Save the PC and set L.top to the frame's top, as anything that may
/// raise an error, call a metamethod or collect garbage needs.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` points into its code.
#[inline(always)]
unsafe fn sync_frame(l: *mut lua_State, base: *mut TValue, pc: *const Ins) {
    // SAFETY: l is live and base is its running frame (caller's contract).
    unsafe {
        (*l).savedpc = pc;
        (*l).top = frame_top(base);
    }
}

/// Line and count hooks before the instruction `ins` (before `pc`).
/// `oldpc` tracks the last instruction a line event was checked for in
/// this frame (null after entering a function).
///
/// # Safety
/// `base` is the running Lua frame of `l`, `pt` its prototype, `pc` points
/// into its code after `ins`; `multres` is the loop's.
#[cold]
#[inline(never)]
pub(super) unsafe fn hook_instruction(
    l: *mut lua_State,
    base: *mut TValue,
    pt: *mut GcProto,
    pc: *const Ins,
    ins: Ins,
    multres: usize,
    oldpc: &mut *const Ins,
) {
    use crate::capi::debugapi::{call_hook, hook_wanted};
    // SAFETY: pc points into pt's bytecode, after the current instruction
    // (and a UCLO's jump target lies in the same code); the frame's slots
    // up to the end of a pending multiple-results list are live.
    unsafe {
        (*l).savedpc = pc;
        (*l).top = base.add((*pt).framesize as usize);
        // Values a multiple-results instruction left above the frame, for
        // the instruction that consumes them, must not be overwritten by
        // the hook's frame. (UCLO before a return: look at the jump target.)
        // The opcodes were validated when the bytecode was loaded.
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

        // Through the raw pointer: the hooks may change the global state.
        let g: *mut GlobalState = (*l).glref;
        if (*g).hookmask & HOOK_MASK_COUNT != 0
            && (*g).hookcount > 0
            && hook_wanted(State::from_raw(l), HOOK_MASK_COUNT)
        {
            (*g).hookcounter -= 1;
            if (*g).hookcounter <= 0 || (*g).hookcounter > (*g).hookcount {
                (*g).hookcounter = (*g).hookcount;
                call_hook(State::from_raw(l), HOOK_EV_COUNT, -1);
            }
        }
        if (*g).hookmask & HOOK_MASK_LINE != 0
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

/// The return hook, before the frame at `base` returns `n` values from
/// register `a` (L.savedpc is set).
///
/// # Safety
/// `base` is the running Lua frame of `l`; registers `a..a+n` are live.
#[cold]
#[inline(never)]
pub(super) unsafe fn return_hook(l: *mut lua_State, base: *mut TValue, a: u32, n: usize) {
    use crate::capi::debugapi::{call_hook, hook_wanted};
    // SAFETY: base is the running frame; the results lie in its slots or
    // just above them, below the stack's end.
    unsafe {
        if hook_wanted(State::from_raw(l), HOOK_MASK_RET) {
            (*l).top = frame_top(base);
            let results_end = slot(base, a).add(n);
            if results_end > (*l).top {
                (*l).top = results_end;
            }
            call_hook(State::from_raw(l), HOOK_EV_RET, -1);
        }
    }
}

/// ISLT/ISGE/ISLE/ISGT on operands that are not both numbers: whether the
/// jump is taken, or the `__lt`/`__le` call that decides it.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows the instruction.
#[cold]
#[inline(never)]
pub(super) unsafe fn compare_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    op: Op,
    va: TValue,
    vd: TValue,
) -> Result<bool, Step> {
    // SAFETY: base is the running frame of l (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        let le = !matches!(op, Op::ISLT | Op::ISGE);
        let positive = matches!(op, Op::ISLT | Op::ISLE);
        match meta::compare_step(State::from_raw(l), va, vd, le) {
            Ok(r) => Ok(r == positive),
            Err((mc, invert)) => {
                let kind = if positive != invert {
                    CONT_COND_T
                } else {
                    CONT_COND_F
                };
                Err(call_cont(l, base, pc, mc, cont_value(kind, 0)))
            }
        }
    }
}

/// Equality of values that may have an `__eq` metamethod (tables,
/// userdata, cdata): the answer, or the call that decides the jump.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows the instruction.
#[cold]
#[inline(never)]
pub(super) unsafe fn equal_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    va: TValue,
    vd: TValue,
    jump_if_equal: bool,
) -> Result<bool, Step> {
    // SAFETY: base is the running frame of l (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        match meta::equal_step(State::from_raw(l), va, vd) {
            Ok(eq) => Ok(eq),
            Err(mc) => {
                let kind = if jump_if_equal {
                    CONT_COND_T
                } else {
                    CONT_COND_F
                };
                Err(call_cont(l, base, pc, mc, cont_value(kind, 0)))
            }
        }
    }
}

/// Binary arithmetic on operands that are not both numbers (each with the
/// operand that names it in an error): string coercion, a metamethod call,
/// or an error. Stores a computed result in register A.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[cold]
#[inline(never)]
pub(super) unsafe fn arith_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    op: Arith,
    x: (TValue, Operand),
    y: (TValue, Operand),
) -> Result<(), Step> {
    // SAFETY: base is the running frame of l and register A one of its
    // slots (caller's contract).
    unsafe {
        (*l).savedpc = pc;
        match meta::arith_step(State::from_raw(l), op, x.0, y.0, x.1, y.1) {
            Ok(v) => {
                *slot(base, bc_a(ins)) = v;
                Ok(())
            }
            Err(mc) => {
                (*l).top = frame_top(base);
                Err(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0)))
            }
        }
    }
}

/// UNM of a non-number, LEN of neither a string nor a table: the result,
/// or the metamethod call that gives it.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[cold]
#[inline(never)]
pub(super) unsafe fn unary_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    op: Op,
) -> Result<TValue, Step> {
    // SAFETY: base is the running frame of l and register D one of its
    // slots (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        let pd = slot(base, bc_d(ins));
        let v = *pd;
        let r = if op == Op::LEN {
            meta::len_step(State::from_raw(l), v, Operand::Slot(pd))
        } else {
            meta::arith_step(
                State::from_raw(l),
                Arith::Unm,
                v,
                v,
                Operand::Slot(pd),
                Operand::Slot(pd),
            )
        };
        match r {
            Ok(r) => Ok(r),
            Err(mc) => Err(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0))),
        }
    }
}

/// CAT: concatenate registers B..C into A, or call the `__concat` that the
/// next step needs.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[inline(never)]
pub(super) unsafe fn concat(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
) -> Result<(), Step> {
    // SAFETY: base is the running frame of l and registers A..C its slots
    // (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        match meta::concat_step(
            State::from_raw(l),
            slot(base, bc_b(ins)),
            slot(base, bc_c(ins)),
        ) {
            Ok(r) => {
                *slot(base, bc_a(ins)) = r;
                gc::check(State::from_raw(l));
                Ok(())
            }
            Err((mc, dst)) => {
                let d = dst.offset_from(base) as u32;
                Err(call_cont(l, base, pc, mc, cont_value(CONT_CAT, d)))
            }
        }
    }
}

/// BNOT..BSAR with an operand that is not a number: a 64-bit operation on
/// integer cdata, or an error (no metamethods), in register A.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[inline(never)]
pub(super) unsafe fn bitop_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    op: Op,
) {
    // SAFETY: base is the running frame of l and registers A, B/C or D its
    // slots (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        let (pb, pc_) = if op == Op::BNOT {
            (slot(base, bc_d(ins)), slot(base, bc_d(ins)))
        } else {
            (slot(base, bc_b(ins)), slot(base, bc_c(ins)))
        };
        let (ob, oc) = (Operand::Slot(pb), Operand::Slot(pc_));
        let r = crate::bitop_exec::bitop(State::from_raw(l), op, *pb, *pc_, ob, oc);
        *slot(base, bc_a(ins)) = r;
        gc::check(State::from_raw(l));
    }
}

/// FNEW: a closure of the prototype constant D in register A, its upvalues
/// from the frame's slots or from the running closure's upvalues.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[inline(never)]
pub(super) unsafe fn new_closure(l: *mut lua_State, base: *mut TValue, pc: *const Ins, ins: Ins) {
    // SAFETY: base is the running frame of l; D indexes its prototype's GC
    // constants and the child prototype's upvalue descriptors name slots
    // of this frame or upvalues of its closure (checked at load time). The
    // global state is borrowed for the new_lfunc leaf call only.
    unsafe {
        sync_frame(l, base, pc);
        let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
        let cpt: *mut GcProto = (*(*(*fnp).proto).kgc.add(bc_d(ins) as usize)).as_ptr();
        let nf = func::new_lfunc(&mut *(*l).glref, cpt, (*fnp).env);
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
    }
}

/// TNEW (a new table sized by D) or TDUP (a copy of the template constant
/// D) into register A.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[inline(never)]
pub(super) unsafe fn new_table(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    op: Op,
) {
    // SAFETY: base is the running frame of l; TDUP's D indexes its
    // prototype's GC constants, a table template. The global state is
    // borrowed for the allocating leaf call only.
    unsafe {
        sync_frame(l, base, pc);
        let t = if op == Op::TNEW {
            table::new_for_tnew(&mut *(*l).glref, bc_d(ins))
        } else {
            let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
            let tpl: *mut GcTab = (*(*(*fnp).proto).kgc.add(bc_d(ins) as usize)).as_ptr();
            table::dup(&mut *(*l).glref, tpl)
        };
        *slot(base, bc_a(ins)) = TValue::gcobj(TID_TAB, t as *const GcHeader);
        gc::check(State::from_raw(l));
    }
}

/// Index `o` by `key` through `__index` into register A, or call the
/// `__index` function that gives the value. `what` names `o` in an error.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`.
#[cold]
#[inline(never)]
pub(super) unsafe fn index_meta(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    o: TValue,
    key: TValue,
    what: Operand,
) -> Result<(), Step> {
    // SAFETY: base is the running frame of l (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        match meta::index_step(State::from_raw(l), o, key, what) {
            Ok(v) => {
                *slot((*l).base, bc_a(ins)) = v;
                Ok(())
            }
            Err(mc) => Err(call_cont(l, base, pc, mc, cont_value(CONT_RA, 0))),
        }
    }
}

/// Store `v` at `o[key]` through `__newindex`, or call the `__newindex`
/// function that does. `what` names `o` in an error.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows the instruction.
#[cold]
#[inline(never)]
pub(super) unsafe fn newindex_meta(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    o: TValue,
    key: TValue,
    v: TValue,
    what: Operand,
) -> Result<(), Step> {
    // SAFETY: base is the running frame of l (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        match meta::newindex_step(State::from_raw(l), o, key, v, what) {
            None => Ok(()),
            Some(mc) => Err(call_cont(l, base, pc, mc, cont_value(CONT_NOP, 0))),
        }
    }
}

/// TGETV/TGETS/TGETB/TGETR when `tget_fast` could not: a raw hit in a
/// table whose value `tget_fast` does not handle, or `__index`.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`, whose
/// operands index the frame and its prototype's constants.
#[cold]
#[inline(never)]
pub(super) unsafe fn tget_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    op: Op,
) -> Result<(), Step> {
    // SAFETY: operands index the running frame and its constants (checked
    // at load time); tables reached from them are live.
    unsafe {
        let pb = slot(base, bc_b(ins));
        let o = *pb;
        let key = match op {
            Op::TGETV | Op::TGETR => *slot(base, bc_c(ins)),
            Op::TGETS => {
                let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
                *(*(*fnp).proto).kgc.add(bc_c(ins) as usize)
            }
            _ => TValue::num(bc_c(ins) as f64),
        };
        if o.is_tab() {
            let t: *mut GcTab = o.as_ptr();
            let v = table::get(t, key);
            if !v.is_nil()
                || (*t).metatable.is_null()
                || op == Op::TGETR
                || meta::fast_get(&*(*l).glref, (*t).metatable, meta::MM_INDEX).is_nil()
            {
                *slot(base, bc_a(ins)) = v;
                return Ok(());
            }
        }
        index_meta(l, base, pc, ins, o, key, Operand::Slot(pb))
    }
}

/// TSETV/TSETS/TSETB/TSETR when `tset_slot_fast` could not: a new key, a
/// store that must check `__newindex`, or a non-table.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`, whose
/// operands index the frame and its prototype's constants.
#[inline(never)]
pub(super) unsafe fn tset_slow(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    op: Op,
) -> Result<(), Step> {
    // SAFETY: operands index the running frame and its constants (checked
    // at load time); tables reached from them are live. The global state
    // is borrowed for single leaf calls (barrier, metatable lookup).
    unsafe {
        let pb = slot(base, bc_b(ins));
        let o = *pb;
        let key = match op {
            Op::TSETV | Op::TSETR => *slot(base, bc_c(ins)),
            Op::TSETS => {
                let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
                *(*(*fnp).proto).kgc.add(bc_c(ins) as usize)
            }
            _ => TValue::num(bc_c(ins) as f64),
        };
        let v = *slot(base, bc_a(ins));
        if o.is_tab() {
            let t: *mut GcTab = o.as_ptr();
            let p = table::get_slot(t, key);
            if !p.is_null() && (!(*p).is_nil() || (*t).metatable.is_null()) {
                *p = v;
                (*t).nomm = 0;
                gc::barrier_table(&mut *(*l).glref, t);
                return Ok(());
            }
            if (*t).metatable.is_null()
                || op == Op::TSETR
                || meta::fast_get(&*(*l).glref, (*t).metatable, meta::MM_NEWINDEX).is_nil()
            {
                sync_frame(l, base, pc);
                meta::raw_set(State::from_raw(l), t, key, v);
                return Ok(());
            }
        }
        newindex_meta(l, base, pc, o, key, v, Operand::Slot(pb))
    }
}

/// TSETM: store the `multres` values from register A on into the table
/// below A, from the index in number constant D.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows `ins`; the
/// `multres` values are on the stack.
#[inline(never)]
pub(super) unsafe fn store_multres(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    ins: Ins,
    multres: usize,
) {
    // SAFETY: base is the running frame; A-1..A+multres are live slots and
    // D indexes its prototype's number constants. The global state is
    // borrowed across table leaf operations only (no Lua code, no GC step).
    unsafe {
        sync_frame(l, base, pc);
        let a = bc_a(ins);
        let tv = *slot(base, a - 1);
        if !tv.is_tab() {
            // Only loaded bytecode can get here: the parser always creates
            // the table in this slot.
            error::err_optype(
                State::from_raw(l),
                tv,
                Operand::Slot(slot(base, a - 1)),
                "index",
            );
        }
        let t: *mut GcTab = tv.as_ptr();
        let fnp: *mut GcFunc = (*base.sub(2)).as_ptr();
        let knum = (*(*fnp).proto).knum;
        let start = (*knum.add(bc_d(ins) as usize)).as_num().to_bits() as u32 as i64;
        let g = &mut *(*l).glref;
        // As LuaJIT: grow the array part up to one slot past the last key
        // stored (this decides `#` when values are nil).
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
    }
}

/// A call that is not a plain Lua-to-Lua call: resolve `__call`, and for a
/// tail call close upvalues and move the callee and its arguments down
/// over the running frame (which keeps its link); else link the callee to
/// this frame. Returns the callee's slot and argument count. L.savedpc is
/// set.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows the call
/// instruction, whose callee is register `a` with `nargs` arguments.
#[inline(never)]
pub(super) unsafe fn prepare_call(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    a: u32,
    nargs: usize,
    tail: bool,
) -> (*mut TValue, usize) {
    // SAFETY: the callee and arguments are slots of the running frame (or
    // just above it, for CALLM); resolve_call may move the stack, so the
    // frame is re-derived from L.base after it.
    unsafe {
        let mut base = base;
        let mut nargs = nargs;
        let mut func = slot(base, a);
        (*l).top = func.add(2 + nargs).max(frame_top(base));
        if !(*func).is_func() {
            nargs = resolve_call(l, func, nargs, Operand::Slot(func));
            base = (*l).base;
            func = slot(base, a);
        }
        if tail {
            func = move_tail_call(l, base, func, nargs);
        } else {
            *func.add(1) = TValue(pc as u64 | FRAME_LUA);
        }
        (func, nargs)
    }
}

/// Call `pcall` or `xpcall` (in `func`, linked, `nargs` arguments): push a
/// protected frame (errors return there, see `execute`) and call the
/// protected function in it.
///
/// # Safety
/// `func` is a linked callee slot of `l` holding `pcall` or `xpcall`, with
/// `nargs` arguments above its link.
#[inline(never)]
pub(super) unsafe fn call_protected(
    l: *mut lua_State,
    func: *mut TValue,
    nargs: usize,
    multres: &mut usize,
) -> Step {
    // SAFETY: func..func+2+nargs are live slots; everything is re-derived
    // from stack offsets after the stack may have grown. The global state
    // is borrowed for the protection record's push only.
    unsafe {
        // The pcall frame itself: base at func+2.
        let pbase = func.add(2);
        let is_x = (*(*func).as_ptr::<GcFunc>()).ffid == FF_XPCALL;
        let skip = if is_x { 2 } else { 1 };
        if nargs < skip || (is_x && !(*pbase.add(1)).is_func()) {
            (*l).base = pbase;
            (*l).top = pbase.add(nargs);
            if nargs == 0 {
                crate::capi::aux::arg_error(State::from_raw(l), 1, b"value expected");
            }
            crate::capi::aux::type_error(State::from_raw(l), 2, "function");
        }
        // Layout (LuaJIT's): f at pbase (pcall) or at pbase+1 with the
        // handler at pbase (xpcall); its link after it, its args above.
        let fargs = nargs - skip;
        let func_off = func.offset_from((*l).stack);
        (*l).base = pbase;
        (*l).top = pbase.add(nargs);
        // The link of f's frame moves the arguments up by one slot.
        check_stack_extra(State::from_raw(l), 1);
        // pcall/xpcall are C functions to call hooks too.
        if (*(*l).glref).hookmask & HOOK_MASK_CALL != 0
            && crate::capi::debugapi::hook_wanted(State::from_raw(l), HOOK_MASK_CALL)
        {
            crate::capi::debugapi::call_hook(State::from_raw(l), HOOK_EV_CALL, -1);
        }
        let func = (*l).stack.offset(func_off);
        let pbase = func.add(2);
        let ffunc = if is_x { pbase.add(1) } else { pbase };
        // Move the arguments up by one slot for f's link (xpcall swaps f
        // and the handler).
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
        let protect = Protect {
            base: fb.offset_from((*l).stack) as usize,
            handler: if is_x {
                pbase.offset_from((*l).stack) as usize
            } else {
                0
            },
            nlevel: (*l).nccalls,
            kind: if is_x { PROT_XPCALL } else { PROT_PCALL },
        };
        (*l).protect.push(&mut *(*l).glref, protect);
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
        if (*(*ffunc).as_ptr::<GcFunc>()).ffid == FF_LUA {
            return Step::Enter(enter_lua(l, ffunc, fargs));
        }
        call_c_and_return(l, ffunc, fargs, multres, true)
    }
}

/// What the loop does once results went back through the frames.
///
/// # Safety
/// `base` is the frame `to` refers to, as `do_return_frames` left it.
#[inline(always)]
unsafe fn after_return(l: *mut lua_State, base: *mut TValue, to: ReturnTo) -> Step {
    match to {
        ReturnTo::Lua(npc) => Step::Return(base, npc),
        // SAFETY: the continuation's frame and PC come from a live
        // continuation frame of l.
        ReturnTo::Cont(cb, cpc, cont, res) => unsafe { finish_cont(l, cb, cpc, cont, res) },
        ReturnTo::Native => Step::Exit,
    }
}

/// Return the `n` values at L.top - n from the frame at L.base (a C
/// function's, or a coroutine's yielding one when it is resumed).
///
/// # Safety
/// L.base is a frame of `l` with `n` results at its top.
#[inline(always)]
pub(super) unsafe fn return_results(l: *mut lua_State, n: usize, multres: &mut usize) -> Step {
    // SAFETY: the frames returned through are live frames of l.
    unsafe {
        let mut base = (*l).base;
        let to = do_return_frames(l, &mut base, (*l).top.sub(n), n, multres);
        after_return(l, base, to)
    }
}

/// Call the C function in `func` (linked, `nargs` arguments) and return
/// its results through its frame; with `gc_step`, a step of the collector
/// follows when they return to a Lua frame.
///
/// # Safety
/// `func` is a linked callee slot of `l` holding a C function, with
/// `nargs` arguments above its link.
#[inline(always)]
pub(super) unsafe fn call_c_and_return(
    l: *mut lua_State,
    func: *mut TValue,
    nargs: usize,
    multres: &mut usize,
    gc_step: bool,
) -> Step {
    // SAFETY: func is a prepared call of l (caller's contract); after the
    // call its results are at L.top - n and its frame at L.base.
    unsafe {
        let Some(n) = call_c(l, func, nargs) else {
            // Yielded: resume continues the return.
            return Step::Exit;
        };
        let mut base = (*l).base;
        let to = do_return_frames(l, &mut base, (*l).top.sub(n), n, multres);
        match after_return(l, base, to) {
            Step::Return(_, npc) if gc_step => {
                gc::check(State::from_raw(l));
                Step::Return((*l).base, npc)
            }
            s => s,
        }
    }
}

/// ITERC (and an ITERN that cannot iterate itself): call the iterator in
/// register A-3 with as arguments, from register A.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` follows the instruction,
/// whose registers A-3..A+3 are in the frame.
#[inline(never)]
pub(super) unsafe fn call_iterator(
    l: *mut lua_State,
    base: *mut TValue,
    pc: *const Ins,
    a: u32,
    multres: &mut usize,
) -> Step {
    // SAFETY: the registers are slots of the running frame; resolve_call
    // may move the stack, so the frame is re-derived from L.base after it.
    unsafe {
        (*l).savedpc = pc;
        let mut func = slot(base, a);
        *func = *slot(base, a - 3);
        *func.add(2) = *slot(base, a - 2);
        *func.add(3) = *slot(base, a - 1);
        *func.add(1) = TValue(pc as u64 | FRAME_LUA);
        (*l).top = func.add(4).max(frame_top(base));
        let mut nargs = 2;
        if !(*func).is_func() {
            nargs = resolve_call(l, func, nargs, Operand::Slot(slot(base, a - 3)));
            func = slot((*l).base, a);
            *func.add(1) = TValue(pc as u64 | FRAME_LUA);
        }
        if (*(*func).as_ptr::<GcFunc>()).ffid == FF_LUA {
            return Step::Enter(enter_lua(l, func, nargs));
        }
        call_c_and_return(l, func, nargs, multres, false)
    }
}

/// ISNEXT: whether the `pairs`-style loop that follows iterates a table
/// with `next` itself (the ITERN at the jump target starts from the first
/// entry); else turn this check into a jump and the ITERN into an ITERC
/// for good, as LuaJIT does. Returns the jump target.
///
/// # Safety
/// `base` is the running Lua frame; `pc` follows `ins`, whose registers
/// A-3..A-1 are in the frame and whose jump target is the loop's ITERN.
#[inline(never)]
pub(super) unsafe fn start_pairs_loop(base: *mut TValue, pc: *const Ins, ins: Ins) -> *const Ins {
    // SAFETY: the registers are slots of the running frame; the code of a
    // prototype is writable (instructions are respecialized in place, as
    // LuaJIT does) and the jump target lies in it.
    unsafe {
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
            set_op(&mut *(pc.sub(1) as *mut Ins), Op::JMP);
            set_op(&mut *(target as *mut Ins), Op::ITERC);
        }
        target
    }
}

/// VARG: copy B-1 varargs (all of them when B is 0, growing the stack as
/// needed) to register A. Returns the number of varargs there are.
///
/// # Safety
/// `base` is the running Lua frame of `l` and `pt` its prototype; `pc`
/// follows `ins`.
#[inline(never)]
pub(super) unsafe fn copy_varargs(
    l: *mut lua_State,
    base: *mut TValue,
    pt: *mut GcProto,
    pc: *const Ins,
    ins: Ins,
) -> usize {
    // SAFETY: a vararg frame's link gives the distance to the passed
    // arguments below it; the stack is grown before copying past maxstack
    // and the frame re-derived from L.base after.
    unsafe {
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
                (*l).savedpc = pc;
                grow_for_varargs(l, base, pt, a as usize + nvar, nvar);
                let base = (*l).base;
                ptr::copy(base.offset(voff), slot(base, a), nvar);
            } else {
                ptr::copy(vstart, slot(base, a), nvar);
            }
        } else {
            for i in 0..(b - 1) as usize {
                *slot(base, a + i as u32) = if i < nvar {
                    *vstart.add(i)
                } else {
                    TValue::NIL
                };
            }
        }
        nvar
    }
}

/// Take the profiler's pending sample at a loop back-edge.
///
/// # Safety
/// `base` is the running Lua frame of `l`; `pc` points into its code.
#[cold]
#[inline(never)]
pub(super) unsafe fn deliver_profile_sample(l: *mut lua_State, base: *mut TValue, pc: *const Ins) {
    // SAFETY: base is the running frame of l (caller's contract).
    unsafe {
        sync_frame(l, base, pc);
        crate::stdlib::jit_profile::profile_deliver(State::from_raw(l));
    }
}
