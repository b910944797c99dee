//! Callbacks: Lua functions converted to C function pointers.
//!
//! Each callback is a slot of the state's `CallbackPool` (executable entry
//! stubs, see ccall.rs). The Lua function of slot `i` is kept in the FFI
//! root table's callback table at `i + 1`. A callback runs on the Lua
//! thread that made the C call it happens in. Errors raised by the Lua
//! function cannot unwind through arbitrary C code: they are caught, the
//! callback returns zero to C, and the error is raised again when the C
//! call made from Lua returns.

use crate::state::State;
use std::ffi::c_void;
use std::os::raw::c_int;

use crate::state::{g_of, GlobalState};
use crate::stdlib::{push_value, value_at};
use crate::table::GcTab;
use crate::value::*;

use super::ccall::{CallPlan, CallSpec, CallbackPool, CallbackRegs};
use super::cdata;
use super::conv::{self, cts_of};
use super::ctype::*;

/// Root table slots (see `CTState::roots`).
const ROOT_CALLBACKS: i64 = 3;
const ROOT_PENDING_ERROR: i64 = 4;
/// True while ROOT_PENDING_ERROR holds an error (which may itself be nil).
const ROOT_PENDING_FLAG: i64 = 5;

struct Slot {
    spec: CallSpec,
    plan: CallPlan,
    params: Vec<CTypeId>,
    ret: CTypeId,
}

/// The callbacks of one Lua state.
pub struct Callbacks {
    pool: CallbackPool,
    slots: Vec<Option<Slot>>,
}

/// Most callbacks a state may have at once (as LuaJIT limits them).
const MAX_CALLBACKS: u32 = 1 << 14;

fn root_table(g: &mut GlobalState, slot: i64) -> *mut GcTab {
    let roots = super::cts(g).roots;
    let v = crate::table::get_int(roots, slot);
    if v.is_tab() {
        return v.as_ptr();
    }
    let t = crate::table::new(g, 0, 0);
    // SAFETY: a fresh table stored in the root table.
    unsafe { *crate::table::set_int_slot(g, roots, slot) = TValue::gcobj(TID_TAB, t as *const _) };
    crate::gc::barrier_table(g, roots);
    t
}

/// Make a callback for `func` and store its C function pointer (type
/// `did`, a pointer to a function type) at `dst`.
///
/// # Safety
/// `dst` points to 8 writable bytes.
pub unsafe fn new_callback(
    l: State,
    cts: &mut CTState,
    did: CTypeId,
    dst: *mut u8,
    func: TValue,
) -> Result<(), String> {
    let fid = cts.get(did).child;
    let cant = format!("cannot convert 'function' to '{}'", cts.repr(did));
    if cts.get(fid).has(CTF_VARARG) {
        return Err(cant);
    }
    let ret = cts.get(fid).child;
    // LuaJIT's callbacks take at most 16 arguments, and only scalars:
    // numbers up to 8 bytes, enums and pointers (no structs, no complex).
    let nparams = cts.get(fid).fields.len();
    let scalar = |cts: &CTState, id: CTypeId| {
        let ct = cts.get(id);
        match ct.kind {
            CKind::Enum | CKind::Ptr => true,
            CKind::Num => ct.size <= 8,
            _ => false,
        }
    };
    let params_ok = cts.get(fid).fields.iter().all(|f| scalar(cts, f.ctype));
    let ret_ok = cts.get(ret).kind == CKind::Void || scalar(cts, ret);
    if nparams > 16 || !params_ok || !ret_ok {
        return Err(cant);
    }
    let (spec, params) = super::call::spec_of(cts, fid).map_err(|_| cant)?;
    let g = g_of(l);
    let gp = g as *mut GlobalState as *mut c_void;
    let st = super::state(g_of(l));
    let cbs = st.callbacks.get_or_insert_with(|| {
        Box::new(Callbacks {
            pool: CallbackPool::new(gp, handler),
            slots: Vec::new(),
        })
    });
    if cbs.pool.slots_made() >= MAX_CALLBACKS && cbs.slots.iter().all(|s| s.is_some()) {
        return Err("too many callbacks".into());
    }
    let slot = match cbs.pool.alloc_slot() {
        Some(s) => s,
        None => return Err("too many callbacks".into()),
    };
    let plan = CallPlan::new(&spec);
    if cbs.slots.len() <= slot as usize {
        // Slots are large and many: their table grows fallibly.
        let more = slot as usize + 1 - cbs.slots.len();
        crate::mem::reserve_vec(&mut cbs.slots, more);
        cbs.slots.resize_with(slot as usize + 1, || None);
    }
    cbs.slots[slot as usize] = Some(Slot {
        spec,
        plan,
        params,
        ret,
    });
    let addr = cbs.pool.slot_address(slot) as u64;
    let t = root_table(g, ROOT_CALLBACKS);
    *crate::table::set_int_slot(g, t, slot as i64 + 1) = func;
    crate::gc::barrier_table(g, t);
    (dst as *mut u64).write_unaligned(addr);
    Ok(())
}

/// The callback slot a C function address belongs to.
fn slot_of(st: &super::FfiState, addr: u64) -> Option<u32> {
    let cbs = st.callbacks.as_ref()?;
    (0..cbs.pool.slots_made()).find(|&s| {
        cbs.slots.get(s as usize).is_some_and(|x| x.is_some())
            && cbs.pool.slot_address(s) as u64 == addr
    })
}

/// The stub's entry into Lua.
unsafe extern "C-unwind" fn handler(ctx: *mut c_void, slot: u32, regs: *mut CallbackRegs) {
    let g = ctx as *mut GlobalState;
    let cts = &mut *(*g).ffi;
    // The thread of the C call under way; a callback that C code calls
    // later (outside any FFI call) runs on the main thread.
    let l = if cts.current_l.is_null() {
        (*g).mainthread
    } else {
        cts.current_l
    };
    let info = match cts
        .callbacks
        .as_ref()
        .and_then(|c| c.slots.get(slot as usize))
        .and_then(|s| s.as_ref())
    {
        Some(s) => (s.spec.clone(), s.params.clone(), s.ret),
        None => {
            // A freed callback called during a C call from Lua: the error
            // is raised when that call returns (the result is undefined).
            set_pending(
                State::from_raw(l),
                crate::string::new_str_value(g_of(State::from_raw(l)), b"bad callback"),
            );
            return;
        }
    };
    let (spec, params, ret) = info;
    let mut ptrs = Vec::new();
    // Read the arguments through the plan kept for the slot.
    let cbs = cts.callbacks.as_ref().unwrap();
    cbs.slots[slot as usize]
        .as_ref()
        .unwrap()
        .plan
        .callback_arg_ptrs(regs, &mut ptrs);
    let outcome = crate::error::catch(|| {
        let cts = cts_of(State::from_raw(l));
        let mut args = Vec::with_capacity(params.len());
        for (i, &p) in params.iter().enumerate() {
            args.push(conv::c_to_lua(State::from_raw(l), cts, p, ptrs[i]));
        }
        let t = root_table(g_of(State::from_raw(l)), ROOT_CALLBACKS);
        let f = crate::table::get_int(t, slot as i64 + 1);
        crate::vm::pcall_values(State::from_raw(l), f, &args, 1)
    });
    let mut retbuf = [0u128; 2];
    let rp = retbuf.as_mut_ptr() as *mut u8;
    match outcome {
        Ok(Ok(results)) => {
            let cts = cts_of(State::from_raw(l));
            if cts.get(ret).kind != CKind::Void {
                let v = results.first().copied().unwrap_or(TValue::NIL);
                let size = cts.get(ret).size as usize;
                // A struct returned by value can be of any size.
                let mut big = crate::mem::FallibleVec::<u128>::new();
                let bp = if size > 32 {
                    big.resize(size / 16 + 1, 0);
                    big.as_mut_ptr() as *mut u8
                } else {
                    rp
                };
                let r = crate::error::catch(|| {
                    conv::lua_to_c(State::from_raw(l), cts, ret, bp, v, conv::CONV_ARG)
                });
                match r {
                    Ok(Ok(())) => {}
                    Ok(Err(msg)) => {
                        let t = root_table(g_of(State::from_raw(l)), ROOT_CALLBACKS);
                        let f = crate::table::get_int(t, slot as i64 + 1);
                        let msg = [end_location(f), msg.into_bytes()].concat();
                        set_pending(
                            State::from_raw(l),
                            crate::string::new_str_value(g_of(State::from_raw(l)), &msg),
                        )
                    }
                    Err(_) => set_pending(
                        State::from_raw(l),
                        crate::string::new_str_value(
                            g_of(State::from_raw(l)),
                            b"error in callback",
                        ),
                    ),
                }
                let st = super::state(g_of(State::from_raw(l)));
                let plan = &st.callbacks.as_ref().unwrap().slots[slot as usize]
                    .as_ref()
                    .unwrap()
                    .plan;
                plan.callback_set_return(regs, bp);
                let _ = &spec;
                return;
            }
        }
        Ok(Err(e)) => set_pending(State::from_raw(l), e),
        Err(_) => set_pending(
            State::from_raw(l),
            crate::string::new_str_value(g_of(State::from_raw(l)), b"error in callback"),
        ),
    }
    let st = super::state(g_of(State::from_raw(l)));
    if st.cts.get(ret).kind != CKind::Void {
        let plan = &st.callbacks.as_ref().unwrap().slots[slot as usize]
            .as_ref()
            .unwrap()
            .plan;
        plan.callback_set_return(regs, rp);
    }
}

/// "chunk:line: " of the last line of a Lua function (where LuaJIT places
/// an error converting a callback's result), nothing for a C function.
fn end_location(f: TValue) -> Vec<u8> {
    if !f.is_func() {
        return Vec::new();
    }
    let fnp: *mut crate::func::GcFunc = f.as_ptr();
    // SAFETY: fnp is a live closure; a Lua closure's prototype is live.
    unsafe {
        if !(*fnp).is_lua() {
            return Vec::new();
        }
        let pt = (*fnp).proto;
        let src = crate::chunkname::short_src(crate::string::str_bytes((*pt).chunkname));
        let line = (*pt).firstline.wrapping_add((*pt).numline);
        [src, format!(":{}: ", line).into_bytes()].concat()
    }
}

fn set_pending(l: State, e: TValue) {
    let g = g_of(l);
    let roots = super::cts(g).roots;
    // Keep the first error.
    if crate::table::get_int(roots, ROOT_PENDING_FLAG).is_nil() {
        // SAFETY: slots of the root table.
        unsafe {
            *crate::table::set_int_slot(g, roots, ROOT_PENDING_ERROR) = e;
            *crate::table::set_int_slot(g, roots, ROOT_PENDING_FLAG) = TValue::bool(true);
        }
        crate::gc::barrier_table(g, roots);
    }
}

/// Raise the error a callback caught during the C call that just returned.
pub fn rethrow_pending(l: State) {
    let g = g_of(l);
    if g.ffi.is_null() {
        return;
    }
    let roots = super::cts(g).roots;
    if crate::table::get_int(roots, ROOT_PENDING_FLAG).is_nil() {
        return;
    }
    let e = crate::table::get_int(roots, ROOT_PENDING_ERROR);
    // SAFETY: existing slots of the root table.
    unsafe {
        *crate::table::set_int_slot(g, roots, ROOT_PENDING_ERROR) = TValue::NIL;
        *crate::table::set_int_slot(g, roots, ROOT_PENDING_FLAG) = TValue::NIL;
    }
    crate::error::throw_value(l, e);
}

/// `cb:free()` and `cb:set(func)` on a callback's function pointer.
pub fn method(l: State, cd: *mut cdata::GcCdata, name: &[u8]) -> Option<crate::stdlib::CFn> {
    let cts = cts_of(l);
    let id = cdata::ctypeid(cd);
    let ct = cts.get(id);
    if !(ct.kind == CKind::Ptr && cts.get(ct.child).kind == CKind::Func) {
        return None;
    }
    match name {
        b"free" => Some(cb_free),
        b"set" => Some(cb_set),
        _ => None,
    }
}

fn check_callback(l: State) -> u32 {
    let v = value_at(l, 1);
    let st = super::state(g_of(l));
    if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        // SAFETY: a pointer cdata holds an address.
        let addr = unsafe { (cdata::payload(cd) as *const u64).read() };
        if let Some(s) = slot_of(st, addr) {
            return s;
        }
    }
    crate::stdlib::ffi::ffi_error(l, "bad callback")
}

unsafe extern "C-unwind" fn cb_free(l: State) -> c_int {
    let slot = check_callback(l);
    let g = g_of(l);
    let t = root_table(g, ROOT_CALLBACKS);
    *crate::table::set_int_slot(g, t, slot as i64 + 1) = TValue::NIL;
    let cbs = super::state(g_of(l)).callbacks.as_mut().unwrap();
    cbs.slots[slot as usize] = None;
    cbs.pool.free_slot(slot);
    0
}

unsafe extern "C-unwind" fn cb_set(l: State) -> c_int {
    let slot = check_callback(l);
    let f = value_at(l, 2);
    if !f.is_func() {
        crate::capi::aux::type_error(l, 2, "function");
    }
    let g = g_of(l);
    let t = root_table(g, ROOT_CALLBACKS);
    *crate::table::set_int_slot(g, t, slot as i64 + 1) = f;
    crate::gc::barrier_table(g, t);
    push_value(l, TValue::NIL);
    0
}
