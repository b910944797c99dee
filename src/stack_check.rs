//! Invariants of a thread's stack and frame links, checked by debug builds
//! where frames are pushed and popped (and by the unit tests, which also
//! check that a broken frame is reported).
//!
//! The stack: `stack + 2 <= base <= top <= stack + stacksize`, and
//! `maxstack` sits `STACK_EXTRA + 1` slots below the end of the
//! allocation. A frame with base `b` has its function in `b-2` and its link
//! in `b-1` (see `state`): a return PC after a call instruction of the
//! caller's code, whose A operand leads back to the caller's base, or a
//! byte delta to the previous frame's base, which lies below `b` inside the
//! stack. The walk from the running frame ends at the bottom frame at
//! `stack + 2`.

use crate::bytecode::{bc_a, bc_op, Ins, Op};
use crate::fastfunc::FastFunc;
use crate::func::GcFunc;
use crate::state::*;
use crate::value::TValue;

/// Bytes of one stack slot.
const SLOT: usize = std::mem::size_of::<TValue>();

/// What is wrong with the stack bounds of `l`, or None.
pub fn stack_violation(l: State) -> Option<String> {
    let th = l.as_ptr();
    // SAFETY: fields of the live thread (State's invariant), read by value.
    let (stack, size, base, top, maxstack) = unsafe {
        (
            (*th).stack,
            (*th).stacksize as usize,
            (*th).base,
            (*th).top,
            (*th).maxstack,
        )
    };
    if stack.is_null() {
        return Some("no stack".into());
    }
    let slot_of = |p: *mut TValue| (p as isize - stack as isize) / SLOT as isize;
    let (b, t, m) = (slot_of(base), slot_of(top), slot_of(maxstack));
    if m + 1 + STACK_EXTRA as isize != size as isize {
        return Some(format!(
            "maxstack at slot {} of a stack of {} slots (STACK_EXTRA {})",
            m, size, STACK_EXTRA
        ));
    }
    if !(2 <= b && b <= t && t <= size as isize) {
        return Some(format!(
            "base at slot {}, top at slot {}, stack of {} slots",
            b, t, size
        ));
    }
    None
}

/// Whether `p` is a slot of `l`'s stack.
fn in_stack(l: State, p: *const TValue) -> bool {
    // SAFETY: fields of the live thread (State's invariant), read by value.
    let (stack, size) = unsafe { ((*l.as_ptr()).stack, (*l.as_ptr()).stacksize as usize) };
    let off = (p as usize).wrapping_sub(stack as usize);
    off.is_multiple_of(SLOT) && off / SLOT < size
}

/// Whether `base` is the bottom frame of `l`.
fn is_bottom(l: State, base: *mut TValue) -> bool {
    // SAFETY: a field of the live thread, read by value; stack + 2 is
    // inside every stack.
    base == unsafe { (*l.as_ptr()).stack.add(2) }
}

/// The base of the frame below the frame at `base`, decoded from its
/// link, or what is wrong with the link. The bottom frame has none.
fn previous_base(l: State, base: *mut TValue) -> Result<Option<*mut TValue>, String> {
    if !in_stack(l, base) || !in_stack(l, base.wrapping_sub(2)) {
        return Err(format!("frame base {:p} outside the stack", base));
    }
    // SAFETY: base-2 and base-1 are slots of l's stack (checked above).
    let (func, link) = unsafe { (*base.sub(2), (*base.sub(1)).0) };
    if is_bottom(l, base) {
        if link != FRAME_C {
            return Err(format!("bottom frame link {:#x}", link));
        }
        return Ok(None);
    }
    let is_marker = func.is_thread() || func == crate::debug::hook_marker();
    if !func.is_func() && !is_marker {
        return Err(format!(
            "frame at slot {} without a function",
            slot_index(l, base)
        ));
    }
    let prev = if frame_type(link) == FRAME_LUA {
        lua_caller_base(l, base, link)?
    } else {
        let delta = (link & !FRAME_TYPEP) as usize;
        if delta == 0 || !delta.is_multiple_of(SLOT) {
            return Err(format!("frame link {:#x} is not a slot delta", link));
        }
        let prev = base.wrapping_sub(delta / SLOT);
        if !in_stack(l, prev) || !in_stack(l, prev.wrapping_sub(2)) {
            return Err(format!("frame link {:#x} leads out of the stack", link));
        }
        // SAFETY: prev-2 and base-2 are slots of l's stack.
        let (prev_func, own_func) = unsafe { (*prev.sub(2), *base.sub(2)) };
        match frame_typep(link) {
            FRAME_VARG if prev_func.0 != own_func.0 => {
                return Err("a vararg frame's function differs from its original".into());
            }
            FRAME_PCALL | FRAME_PCALLH => {
                let ffid = prev_func
                    .is_func()
                    // SAFETY: a function value refers to a live function.
                    .then(|| unsafe { (*prev_func.as_ptr::<GcFunc>()).ffid });
                let pcall_ids = [FastFunc::Pcall.id(), FastFunc::Xpcall.id()];
                if !ffid.is_some_and(|id| pcall_ids.contains(&id)) {
                    return Err("a pcall frame's link does not lead to pcall or xpcall".into());
                }
            }
            FRAME_CONT => cont_pc_violation(l, base, prev)?,
            _ => {}
        }
        prev
    };
    Ok(Some(prev))
}

/// The caller's base of a frame linked by the return PC `link`: the call
/// instruction before it names the callee's slot in the caller's frame,
/// whose function must own that PC.
fn lua_caller_base(l: State, base: *mut TValue, link: u64) -> Result<*mut TValue, String> {
    let pc = link as *const Ins;
    if pc.is_null() {
        return Err("a Lua frame link without a return PC".into());
    }
    // SAFETY: a return PC points after the call instruction in its code.
    let call = unsafe { *pc.sub(1) };
    if !matches!(bc_op(call), Op::CALL | Op::CALLM | Op::ITERC | Op::ITERN) {
        return Err(format!("return PC after a {:?}, not a call", bc_op(call)));
    }
    let caller = base.wrapping_sub(2 + bc_a(call) as usize);
    if !in_stack(l, caller) || !in_stack(l, caller.wrapping_sub(2)) || is_bottom(l, caller) {
        return Err("return PC leads to a caller base outside the stack".into());
    }
    // SAFETY: caller-2 is a slot of l's stack.
    let f = unsafe { *caller.sub(2) };
    if !pc_in_lua_function(f, pc) {
        return Err("return PC outside the caller's bytecode".into());
    }
    Ok(caller)
}

/// A continuation frame called from an instruction (its continuation slot
/// not nil) saves the PC of that instruction, in the caller's code.
fn cont_pc_violation(l: State, base: *mut TValue, prev: *mut TValue) -> Result<(), String> {
    let (pc_slot, cont_slot) = (base.wrapping_sub(4), base.wrapping_sub(3));
    if !in_stack(l, pc_slot) {
        return Err("a continuation frame without its saved slots".into());
    }
    // SAFETY: base-4 and base-3 are slots of l's stack; prev-2 as checked
    // by the caller.
    let (pc, cont, caller) = unsafe { ((*pc_slot).0 as *const Ins, *cont_slot, *prev.sub(2)) };
    if !cont.is_nil() && !pc_in_lua_function(caller, pc) {
        return Err("a continuation's PC outside its caller's bytecode".into());
    }
    Ok(())
}

/// Whether `f` is a Lua function whose bytecode holds `pc` (a PC points
/// after the instruction being executed).
fn pc_in_lua_function(f: TValue, pc: *const Ins) -> bool {
    if !f.is_func() {
        return false;
    }
    // SAFETY: a function value refers to a live function, a Lua function
    // to its live prototype.
    unsafe {
        let fnp: *mut GcFunc = f.as_ptr();
        if !(*fnp).is_lua() {
            return false;
        }
        let pt = (*fnp).proto;
        let (start, len) = ((*pt).bc as *const Ins, (*pt).sizebc as usize);
        pc > start && pc <= start.add(len)
    }
}

fn slot_index(l: State, p: *mut TValue) -> isize {
    // SAFETY: a field of the live thread, read by value.
    (p as isize - unsafe { (*l.as_ptr()).stack } as isize) / SLOT as isize
}

/// What is wrong with the stack of `l` or the frame at `base` (its
/// function slot and its link), or None.
pub fn frame_violation(l: State, base: *mut TValue) -> Option<String> {
    if let Some(problem) = stack_violation(l) {
        return Some(problem);
    }
    // SAFETY: a field of the live thread, read by value.
    if base > unsafe { (*l.as_ptr()).top } {
        return Some(format!(
            "frame base at slot {} above top",
            slot_index(l, base)
        ));
    }
    previous_base(l, base).err()
}

/// What is wrong with the stack of `l` or any frame from the one at
/// `base` (`L.base` of a running thread, the yielding frame of a suspended
/// one) down to the bottom frame, or None. Every step must go strictly
/// down, so the walk ends.
pub fn frames_violation(l: State, base: *mut TValue) -> Option<String> {
    if let Some(problem) = stack_violation(l) {
        return Some(problem);
    }
    let mut base = base;
    loop {
        match previous_base(l, base) {
            Err(problem) => {
                return Some(format!(
                    "frame at slot {}: {}",
                    slot_index(l, base),
                    problem
                ))
            }
            Ok(None) => return None,
            Ok(Some(prev)) if prev >= base => {
                return Some(format!(
                    "frame at slot {} links up to slot {}",
                    slot_index(l, base),
                    slot_index(l, prev)
                ))
            }
            Ok(Some(prev)) => base = prev,
        }
    }
}

/// Debug builds: panic if the stack bounds of `l` are broken (see
/// `stack_violation`). Nothing in release builds.
#[inline(always)]
pub fn debug_check_stack(l: State) {
    if cfg!(debug_assertions) {
        if let Some(problem) = stack_violation(l) {
            panic!("stack invariant broken: {}", problem);
        }
    }
}

/// Debug builds: panic if the frame at `base` (just pushed, or returned
/// to) is broken (see `frame_violation`). Nothing in release builds.
#[inline(always)]
pub fn debug_check_frame(l: State, base: *mut TValue) {
    if cfg!(debug_assertions) {
        if let Some(problem) = frame_violation(l, base) {
            panic!("frame invariant broken: {}", problem);
        }
    }
}

/// Debug builds: panic if any frame of the running thread `l` is broken
/// (see `frames_violation`). Walks every frame: for rare events only (a
/// stack reallocation). Nothing in release builds.
#[inline(always)]
pub fn debug_check_frames(l: State) {
    if cfg!(debug_assertions) {
        // SAFETY: a field of the live thread, read by value.
        if let Some(problem) = frames_violation(l, unsafe { (*l.as_ptr()).base }) {
            panic!("frame invariant broken: {}", problem);
        }
    }
}

#[cfg(test)]
#[path = "frame_tests.rs"]
mod tests;
