//! Callbacks: Lua functions converted to C function pointers.
//!
//! Each callback is a slot of the state's `CallbackPool` (executable entry
//! stubs, see ccall.rs). The Lua function of slot `i` is kept in the FFI
//! root table's callback table at `i + 1`. A callback runs on the Lua
//! thread that made the C call it happens in. Errors raised by the Lua
//! function cannot unwind through arbitrary C code: they are caught, the
//! callback returns zero to C, and the error is raised again when the C
//! call made from Lua returns.

use crate::state::{GlobalState, State};
use std::ffi::c_void;
use std::os::raw::c_int;
use std::rc::Rc;

use crate::stdlib::{push_value, value_at};
use crate::table::GcTab;
use crate::value::*;

use super::ccall::{CallPlan, CallbackPool, CallbackRegs};
use super::cdata;
use super::conv;
use super::ctype::*;
use super::CtsLock;

/// Root table slots (see `FfiState::roots`).
const ROOT_CALLBACKS: i64 = 3;
const ROOT_PENDING_ERROR: i64 = 4;
/// True while ROOT_PENDING_ERROR holds an error (which may itself be nil).
const ROOT_PENDING_FLAG: i64 = 5;

/// What a callback slot calls with: shared, so that a callback running
/// while its slot is freed (`cb:free()` inside it) keeps what it uses.
struct Slot {
    plan: CallPlan,
    params: Vec<CTypeId>,
    ret: CTypeId,
    /// The function returns `void`.
    void_ret: bool,
}

/// The callbacks of one Lua state.
pub struct Callbacks {
    pool: CallbackPool,
    slots: Vec<Option<Rc<Slot>>>,
}

/// Most callbacks a state may have at once (as LuaJIT limits them).
const MAX_CALLBACKS: u32 = 1 << 14;

/// Most parameters a callback may take (as in LuaJIT).
const MAX_CALLBACK_PARAMS: usize = 16;

/// The callbacks of `l`'s VM (None before the first was made), borrowed
/// from the FFI state for `f`, which must not run Lua code or reach the
/// FFI state another way.
fn with_callbacks<R>(l: State, f: impl FnOnce(&mut Option<Box<Callbacks>>) -> R) -> R {
    let st = super::state(l);
    // SAFETY: the callbacks field of the live FFI state, borrowed for `f`
    // only; the callers' closures only look up and update slots and the
    // pool (no Lua code, no other access to the field).
    f(unsafe { &mut (*st.as_ptr()).callbacks })
}

/// The table `roots[slot]`, created on first use.
fn root_table(l: State, slot: i64) -> *mut GcTab {
    let roots = super::roots(l);
    // SAFETY: the FFI's root table is live (a GC root).
    let v = unsafe { crate::table::get_int(roots, slot) };
    if v.is_tab() {
        return v.as_ptr();
    }
    // SAFETY: making a table and storing it in the root table are leaves
    // of the core (no Lua code, no collection step): the only reference to
    // the global state while it lives.
    let g = unsafe { l.global_mut() };
    let t = crate::table::new(g, 0, 0);
    // SAFETY: a slot of the live root table, written at once, then its
    // barrier.
    unsafe {
        *crate::table::set_int_slot(g, roots, slot) = TValue::gcobj(TID_TAB, t as *const _);
        crate::gc::barrier_table(g, roots);
    }
    t
}

/// Store `v` at `t[i]` (raw) with its barrier.
///
/// # Safety
/// `t` is a live table: the FFI root table or one it holds.
unsafe fn set_root_entry(l: State, t: *mut GcTab, i: i64, v: TValue) {
    // SAFETY: a table store and its barrier are leaves of the core: the
    // only reference to the global state while it lives.
    let g = unsafe { l.global_mut() };
    // SAFETY: a slot of the live table t, written at once, then its
    // barrier.
    unsafe {
        *crate::table::set_int_slot(g, t, i) = v;
        crate::gc::barrier_table(g, t);
    }
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
    if nparams > MAX_CALLBACK_PARAMS || !params_ok || !ret_ok {
        return Err(cant);
    }
    let (spec, params) = super::call::spec_of(cts, fid).map_err(|_| cant)?;
    let void_ret = cts.get(ret).kind == CKind::Void;
    let gp = l.global_ptr() as *mut c_void;
    let made = with_callbacks(l, |cbs| {
        let cbs = cbs.get_or_insert_with(|| {
            Box::new(Callbacks {
                pool: CallbackPool::new(gp, handler),
                slots: Vec::new(),
            })
        });
        if cbs.pool.slots_made() >= MAX_CALLBACKS && cbs.slots.iter().all(|s| s.is_some()) {
            return None;
        }
        let slot = cbs.pool.alloc_slot()?;
        let plan = CallPlan::new(&spec);
        if cbs.slots.len() <= slot as usize {
            // Slots are large and many: their table grows fallibly.
            let more = slot as usize + 1 - cbs.slots.len();
            crate::mem::reserve_vec(&mut cbs.slots, more);
            cbs.slots.resize_with(slot as usize + 1, || None);
        }
        cbs.slots[slot as usize] = Some(Rc::new(Slot {
            plan,
            params,
            ret,
            void_ret,
        }));
        Some((slot, cbs.pool.slot_address(slot) as u64))
    });
    let Some((slot, addr)) = made else {
        return Err("too many callbacks".into());
    };
    let t = root_table(l, ROOT_CALLBACKS);
    // SAFETY: t is the callback table, held by the root table.
    unsafe { set_root_entry(l, t, slot as i64 + 1, func) };
    // SAFETY: dst has 8 writable bytes (the caller's contract).
    unsafe { (dst as *mut u64).write_unaligned(addr) };
    Ok(())
}

/// The callback slot a C function address belongs to.
fn slot_of(cbs: &Callbacks, addr: u64) -> Option<u32> {
    (0..cbs.pool.slots_made()).find(|&s| {
        cbs.slots.get(s as usize).is_some_and(|x| x.is_some())
            && cbs.pool.slot_address(s) as u64 == addr
    })
}

/// The stub's entry into Lua.
///
/// # Safety
/// Called by a callback stub of the pool made in `new_callback`: `ctx` is
/// the global state of the VM that made it (live: the pool is freed with
/// the FFI state at lua_close), and `regs` holds the registers and stack
/// arguments of the C call the stub received.
unsafe extern "C-unwind" fn handler(ctx: *mut c_void, slot: u32, regs: *mut CallbackRegs) {
    let g = ctx as *mut GlobalState;
    // SAFETY: g is the live global state (the contract above) and its
    // FFI state exists (the pool lives in it); fields read by value.
    let (current, main) = unsafe { ((*(*g).ffi).current_l, (*g).mainthread) };
    // The thread of the C call under way; a callback that C code calls
    // later (outside any FFI call) runs on the main thread.
    let l = if current.is_null() { main } else { current };
    // SAFETY: current_l is the thread of a C call in progress (set and
    // reset around the call by call_cdata), so live; otherwise the main
    // thread, live until lua_close.
    let l = unsafe { State::from_raw(l) };
    let info = with_callbacks(l, |cbs| {
        cbs.as_ref()
            .and_then(|c| c.slots.get(slot as usize))
            .and_then(|s| s.clone())
    });
    let Some(info) = info else {
        // A freed callback called during a C call from Lua: the error is
        // raised when that call returns (the result is undefined).
        set_pending(l, l.new_str(b"bad callback"));
        return;
    };
    let ret = info.ret;
    // Read the arguments through the plan kept for the slot.
    let mut ptrs = Vec::new();
    // SAFETY: regs is the stub's register block for a call of the slot's
    // function type (the contract above), which the plan describes.
    unsafe { info.plan.callback_arg_ptrs(regs, &mut ptrs) };
    let outcome = crate::error::catch(|| {
        let mut cts = CtsLock::acquire(l);
        let mut args = Vec::with_capacity(info.params.len());
        for (i, &p) in info.params.iter().enumerate() {
            // SAFETY: ptrs[i] points at argument i, of type p, in the
            // register block (callback_arg_ptrs).
            args.push(unsafe { conv::c_to_lua(l, &mut cts, p, ptrs[i]) }?);
        }
        drop(cts);
        let t = root_table(l, ROOT_CALLBACKS);
        // SAFETY: a table held by the FFI's root table, so live.
        let f = unsafe { crate::table::get_int(t, slot as i64 + 1) };
        Ok::<_, String>(crate::vm::pcall_values(l, f, &args, 1))
    });
    let mut retbuf = [0u128; 2];
    let rp = retbuf.as_mut_ptr() as *mut u8;
    let void_ret = info.void_ret;
    match outcome {
        Ok(Ok(Ok(results))) if !void_ret => {
            let v = results.first().copied().unwrap_or(TValue::NIL);
            let mut cts = CtsLock::acquire(l);
            let size = cts.get(ret).size as usize;
            // A struct returned by value can be of any size.
            let mut big = crate::mem::FallibleVec::<u128>::new();
            let bp = if size > std::mem::size_of_val(&retbuf) {
                big.resize(size / 16 + 1, 0);
                big.as_mut_ptr() as *mut u8
            } else {
                rp
            };
            let r = crate::error::catch(|| {
                // SAFETY: bp has room for a value of the return type.
                unsafe { conv::lua_to_c(l, &mut cts, ret, bp, v, conv::CONV_ARG) }
            });
            drop(cts);
            match r {
                Ok(Ok(())) => {}
                Ok(Err(msg)) => {
                    let t = root_table(l, ROOT_CALLBACKS);
                    // SAFETY: a table held by the FFI's root table, so live.
                    let f = unsafe { crate::table::get_int(t, slot as i64 + 1) };
                    let msg = [end_location(f), msg.into_bytes()].concat();
                    set_pending(l, l.new_str(&msg))
                }
                Err(_) => set_pending(l, l.new_str(b"error in callback")),
            }
            // SAFETY: regs is the stub's register block (the contract
            // above); bp holds a value of the return type.
            unsafe { info.plan.callback_set_return(regs, bp) };
            return;
        }
        Ok(Ok(Ok(_))) => {}
        Ok(Ok(Err(e))) => set_pending(l, e),
        Ok(Err(_)) | Err(_) => set_pending(l, l.new_str(b"error in callback")),
    }
    if !void_ret {
        // SAFETY: as above; rp holds a zero of the return type's size.
        unsafe { info.plan.callback_set_return(regs, rp) };
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
    let roots = super::roots(l);
    // Keep the first error.
    // SAFETY: the FFI's root table is live (a GC root).
    if unsafe { crate::table::get_int(roots, ROOT_PENDING_FLAG) }.is_nil() {
        // SAFETY: the root table lives as long as the FFI state.
        unsafe {
            set_root_entry(l, roots, ROOT_PENDING_ERROR, e);
            set_root_entry(l, roots, ROOT_PENDING_FLAG, TValue::bool(true));
        }
    }
}

/// Raise the error a callback caught during the C call that just returned.
pub fn rethrow_pending(l: State) {
    let roots = super::roots(l);
    // SAFETY: the FFI's root table is live (a GC root).
    if unsafe { crate::table::get_int(roots, ROOT_PENDING_FLAG) }.is_nil() {
        return;
    }
    // SAFETY: as above.
    let e = unsafe { crate::table::get_int(roots, ROOT_PENDING_ERROR) };
    // SAFETY: the root table lives as long as the FFI state.
    unsafe {
        set_root_entry(l, roots, ROOT_PENDING_ERROR, TValue::NIL);
        set_root_entry(l, roots, ROOT_PENDING_FLAG, TValue::NIL);
    }
    crate::error::throw_value(l, e);
}

/// `cb:free()` and `cb:set(func)` on a callback's function pointer.
pub fn method(cts: &CTState, cd: cdata::CdRef, name: &[u8]) -> Option<crate::stdlib::CFn> {
    let ct = cts.get(cd.ctypeid());
    if !(ct.kind == CKind::Ptr && cts.get(ct.child).kind == CKind::Func) {
        return None;
    }
    match name {
        b"free" => Some(cb_free),
        b"set" => Some(cb_set),
        _ => None,
    }
}

/// The slot of the callback that argument 1 is.
fn check_callback(l: State) -> u32 {
    let v = value_at(l, 1);
    if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        // SAFETY: the method was found on a function pointer cdata, whose
        // payload holds an address.
        let addr = unsafe { (cd.payload() as *const u64).read() };
        let slot = with_callbacks(l, |cbs| cbs.as_deref().and_then(|c| slot_of(c, addr)));
        if let Some(s) = slot {
            return s;
        }
    }
    crate::stdlib::ffi::ffi_error(l, "bad callback")
}

extern "C-unwind" fn cb_free(l: State) -> c_int {
    let slot = check_callback(l);
    let t = root_table(l, ROOT_CALLBACKS);
    // SAFETY: t is the callback table, held by the root table.
    unsafe { set_root_entry(l, t, slot as i64 + 1, TValue::NIL) };
    with_callbacks(l, |cbs| {
        if let Some(cbs) = cbs {
            cbs.slots[slot as usize] = None;
            cbs.pool.free_slot(slot);
        }
    });
    0
}

extern "C-unwind" fn cb_set(l: State) -> c_int {
    let slot = check_callback(l);
    let f = value_at(l, 2);
    if !f.is_func() {
        crate::capi::aux::type_error(l, 2, "function");
    }
    let t = root_table(l, ROOT_CALLBACKS);
    // SAFETY: t is the callback table, held by the root table.
    unsafe { set_root_entry(l, t, slot as i64 + 1, f) };
    push_value(l, TValue::NIL);
    0
}
