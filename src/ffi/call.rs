//! Calling C functions from Lua: argument conversion by the C prototype,
//! LuaJIT's rules for variadic arguments, the ABI description handed to
//! `ccall`, and conversion of the result.

use crate::state::State;
use std::collections::HashMap;
use std::os::raw::c_int;
use std::rc::Rc;

use crate::stdlib::ffi::ffi_error;
use crate::stdlib::{arg_count, push_value, value_at};
use crate::value::*;

use super::ccall::{AbiType, CallPlan, CallSpec, Scalar as AbiScalar};
use super::cdata::{self, CdRef};
use super::conv::{self, CONV_ARG};
use super::ctype::*;
use super::CtsLock;

/// A prepared call to a non-variadic function type.
pub struct Prepared {
    plan: CallPlan,
    /// Parameter types (arrays and functions already decayed to pointers).
    params: Vec<CTypeId>,
}

/// What a call needs to know of a function type, computed once.
pub struct FuncInfo {
    nparams: usize,
    vararg: bool,
    ret: CTypeId,
    /// The plan of a non-variadic function.
    fixed: Option<Prepared>,
}

/// Call information by function type.
#[derive(Default)]
pub struct CallCache {
    by_type: HashMap<CTypeId, Rc<FuncInfo>>,
}

/// Arguments passed without heap allocation: slots of 16 bytes.
const INLINE_ARG_BYTES: usize = 512;
const INLINE_ARGS: usize = 16;

/// How the ABI passes a value of C type `id`.
pub fn abi_type(cts: &CTState, id: CTypeId) -> Result<AbiType, String> {
    let id = conv::enum_base(cts, id);
    let ct = cts.get(id);
    Ok(match ct.kind {
        CKind::Void => AbiType::Void,
        CKind::Num if ct.has(CTF_BOOL) => AbiType::int(1, false),
        CKind::Num if ct.has(CTF_FP) => match ct.size {
            4 => AbiType::Float,
            8 => AbiType::Double,
            _ => return Err(format!("unsupported C type '{}'", cts.repr(id))),
        },
        CKind::Num => AbiType::int(ct.size as u8, !ct.has(CTF_UNSIGNED)),
        CKind::Ptr => AbiType::ptr(),
        CKind::Struct | CKind::Array => {
            if ct.size == CTSIZE_INVALID {
                return Err("size of C type is unknown or too large".to_string());
            }
            let mut leaves = Vec::new();
            flatten(cts, id, 0, &mut leaves);
            AbiType::Aggregate {
                size: ct.size,
                align: ct.align,
                leaves,
            }
        }
        _ => return Err(format!("unsupported C type '{}'", cts.repr(id))),
    })
}

/// The scalar leaves of an aggregate at their offsets.
fn flatten(cts: &CTState, id: CTypeId, base: u32, out: &mut Vec<(u32, AbiScalar)>) {
    let id = conv::enum_base(cts, id);
    let ct = cts.get(id);
    match ct.kind {
        CKind::Num if ct.has(CTF_FP) => out.push((
            base,
            if ct.size == 4 {
                AbiScalar::Float
            } else {
                AbiScalar::Double
            },
        )),
        CKind::Num => out.push((base, AbiScalar::Int(ct.size as u8))),
        CKind::Ptr => out.push((base, AbiScalar::Int(8))),
        CKind::Array => {
            let esize = cts.get(ct.child).size;
            if esize == 0 || esize == CTSIZE_INVALID || ct.size == CTSIZE_INVALID {
                return;
            }
            for i in 0..ct.size / esize {
                flatten(cts, ct.child, base + i * esize, out);
            }
        }
        CKind::Struct => {
            for f in &ct.fields {
                if f.bitsize != 0 {
                    let size = cts.get(conv::enum_base(cts, f.ctype)).size;
                    out.push((base + f.offset, AbiScalar::Int(size as u8)));
                } else {
                    flatten(cts, f.ctype, base + f.offset, out);
                }
            }
        }
        _ => {}
    }
}

/// The type a parameter is passed as: arrays (not complex numbers or
/// vectors) and functions decay.
fn param_type(cts: &mut CTState, id: CTypeId) -> CTypeId {
    let ct = cts.get(id).clone();
    match ct.kind {
        CKind::Array if !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR) => cts.ptr_to(ct.child),
        CKind::Func => cts.ptr_to(id),
        _ => id,
    }
}

/// The C type a variadic argument is passed as (LuaJIT's rules).
fn vararg_type(cts: &mut CTState, v: TValue) -> CTypeId {
    if v.is_num() {
        return CTID_DOUBLE;
    }
    if v.is_bool() {
        return CTID_INT32;
    }
    if v.is_str() {
        return CTID_P_CCHAR;
    }
    if v.is(TID_CDATA) {
        let id = cdata::of(v).ctypeid();
        let ct = cts.get(id).clone();
        return match ct.kind {
            CKind::Num if ct.has(CTF_FP) => CTID_DOUBLE,
            CKind::Num if ct.size < 4 || ct.has(CTF_BOOL) => CTID_INT32,
            CKind::Enum => CTID_INT32,
            CKind::Array if !ct.has(CTF_COMPLEX) => cts.ptr_to(ct.child),
            CKind::Ptr if ct.has(CTF_REF) => {
                let t = cts.get(ct.child).clone();
                if matches!(t.kind, CKind::Struct) {
                    ct.child
                } else {
                    cts.ptr_to(ct.child)
                }
            }
            CKind::Func => cts.ptr_to(id),
            _ => cts.unqualified(id),
        };
    }
    CTID_P_VOID
}

/// The call information of function type `fid`, prepared on first use.
fn func_info(l: State, cts: &mut CTState, fid: CTypeId) -> Result<Rc<FuncInfo>, String> {
    let st = super::state(l).as_ptr();
    // SAFETY: the call cache of the live FFI state, borrowed for the
    // lookup only.
    if let Some(i) = unsafe { (*st).calls.by_type.get(&fid) } {
        return Ok(i.clone());
    }
    let f = cts.get(fid).clone();
    let vararg = f.has(CTF_VARARG);
    let fixed = if vararg {
        None
    } else {
        Some(prepare(cts, &f, &[])?)
    };
    let i = Rc::new(FuncInfo {
        nparams: f.fields.len(),
        vararg,
        ret: f.child,
        fixed,
    });
    // SAFETY: the call cache, borrowed for the insertion only (growing it
    // may raise a memory error, which leaves it as it was).
    unsafe {
        let by_type = &mut (*st).calls.by_type;
        // One entry per function type called: grows with the program.
        crate::mem::reserve_entry(by_type);
        by_type.insert(fid, i.clone());
    }
    Ok(i)
}

/// The FFI state's `current_l` set to a thread for the duration of a C
/// call, and put back when the call returns or an error unwinds through it
/// (so that it never names a thread that may be gone).
struct RunningThread {
    st: *mut super::FfiState,
    saved: *mut crate::state::lua_State,
}

impl RunningThread {
    fn set(l: State) -> RunningThread {
        let st = super::state(l).as_ptr();
        // SAFETY: a field of the live FFI state, read and written by value.
        let saved = unsafe { std::mem::replace(&mut (*st).current_l, l.as_ptr()) };
        RunningThread { st, saved }
    }
}

impl Drop for RunningThread {
    fn drop(&mut self) {
        // SAFETY: the FFI state outlives the C call this guard spans; the
        // field is written by value.
        unsafe { (*self.st).current_l = self.saved };
    }
}

/// Call the C function a cdata stands for with the Lua arguments 2..top.
///
/// The type table is locked while the call is prepared and while its
/// result is converted, not during the C call (callbacks run Lua code).
pub fn call_cdata(l: State, cd: CdRef) -> c_int {
    let id = cd.ctypeid();
    // SAFETY: function and pointer cdata hold an address (8 bytes).
    let addr = unsafe { (cd.payload() as *const u64).read() };
    if addr == 0 {
        ffi_error(l, "attempt to call a NULL function pointer");
    }
    let mut cts = CtsLock::acquire(l);
    let ct = conv::head(&cts, id);
    let fid = if ct.kind == CKind::Func { id } else { ct.child };
    let info = match func_info(l, &mut cts, fid) {
        Ok(i) => i,
        Err(msg) => {
            drop(cts);
            ffi_error(l, &msg)
        }
    };
    let nparams = info.nparams;
    let nargs = (arg_count(l) - 1).max(0) as usize;
    if nargs < nparams || (nargs > nparams && !info.vararg) {
        drop(cts);
        ffi_error(l, "wrong number of arguments for function call");
    }
    let varplan;
    let prepared: &Prepared = match &info.fixed {
        Some(p) => p,
        None => {
            let f = cts.get(fid).clone();
            let extra: Vec<CTypeId> = (nparams..nargs)
                .map(|i| vararg_type(&mut cts, value_at(l, i as c_int + 2)))
                .collect();
            match prepare(&mut cts, &f, &extra) {
                Ok(p) => varplan = p,
                Err(msg) => {
                    drop(cts);
                    ffi_error(l, &msg)
                }
            }
            &varplan
        }
    };
    // Convert the arguments into 16-byte aligned slots (on the native
    // stack unless there are many or big ones).
    let n = prepared.params.len();
    let slot_size = |cts: &CTState, p: CTypeId| (cts.get(p).size.max(8) as usize + 15) & !15;
    let total: usize = prepared.params.iter().map(|&p| slot_size(&cts, p)).sum();
    let mut inline_storage = [0u128; INLINE_ARG_BYTES / 16];
    // Structs passed and returned by value can be of any size.
    let mut heap_storage = crate::mem::FallibleVec::<u128>::new();
    let base = if total <= INLINE_ARG_BYTES {
        inline_storage.as_mut_ptr() as *mut u8
    } else {
        heap_storage.resize(total / 16 + 1, 0);
        heap_storage.as_mut_ptr() as *mut u8
    };
    let mut inline_ptrs = [std::ptr::null::<u8>(); INLINE_ARGS];
    let mut heap_ptrs = crate::mem::FallibleVec::<*const u8>::new();
    let ptrs: &mut [*const u8] = if n <= INLINE_ARGS {
        &mut inline_ptrs[..n]
    } else {
        heap_ptrs.resize(n, std::ptr::null());
        &mut heap_ptrs[..]
    };
    let mut off = 0usize;
    for (i, &p) in prepared.params.iter().enumerate() {
        // The slots were sized for the parameters above: `total` bytes.
        let dst = base.wrapping_add(off);
        off += slot_size(&cts, p);
        let v = value_at(l, i as c_int + 2);
        // SAFETY: dst is the argument's slot, with room for its type.
        if let Err(msg) = unsafe { conv::lua_to_c(l, &mut cts, p, dst, v, CONV_ARG) } {
            drop(cts);
            crate::capi::aux::arg_error(l, i as c_int + 1, msg.as_bytes());
        }
        ptrs[i] = dst;
    }
    let rid = info.ret;
    let rsize = cts.get(rid).size;
    drop(cts);
    let rsize = if rsize == CTSIZE_INVALID {
        0
    } else {
        rsize as usize
    };
    let mut inline_ret = [0u128; 4];
    let mut heap_ret = crate::mem::FallibleVec::<u128>::new();
    let retp = if rsize <= std::mem::size_of_val(&inline_ret) {
        inline_ret.as_mut_ptr() as *mut u8
    } else {
        heap_ret.resize(rsize / 16 + 1, 0);
        heap_ret.as_mut_ptr() as *mut u8
    };
    // Callbacks made during the call run on this state.
    let running = RunningThread::set(l);
    // SAFETY: the arguments match the plan, which matches the prototype
    // the user declared for this address (the FFI trusts declarations,
    // as LuaJIT does); retp has room for the return value.
    unsafe {
        prepared
            .plan
            .call(addr as *const std::ffi::c_void, ptrs, retp)
    };
    drop(running);
    super::callback::rethrow_pending(l);
    // Convert the result.
    let mut cts = CtsLock::acquire(l);
    let rct = conv::head(&cts, conv::enum_base(&cts, rid));
    let v = match rct.kind {
        CKind::Void => return 0,
        CKind::Struct | CKind::Array => {
            let cd = cdata::alloc(l, rid, rct.size, rct.align, false);
            // SAFETY: the result buffer holds the returned aggregate; the
            // fresh payload has its size.
            unsafe { std::ptr::copy_nonoverlapping(retp, cd.payload(), rct.size as usize) };
            Ok(cd.value())
        }
        // SAFETY: the buffer holds a value of the return type.
        _ => unsafe { conv::c_to_lua(l, &mut cts, rid, retp) },
    };
    drop(cts);
    match v {
        Ok(v) => push_value(l, v),
        Err(msg) => ffi_error(l, &msg),
    }
    crate::gc::check(l);
    1
}

fn prepare(cts: &mut CTState, f: &CType, extra: &[CTypeId]) -> Result<Prepared, String> {
    let mut params: Vec<CTypeId> = f.fields.iter().map(|p| p.ctype).collect();
    for p in params.iter_mut() {
        *p = param_type(cts, *p);
    }
    let nfixed = params.len();
    params.extend_from_slice(extra);
    let mut args = Vec::with_capacity(params.len());
    for &p in &params {
        args.push(abi_type(cts, p)?);
    }
    let ret = abi_type(cts, f.child)?;
    let spec = CallSpec { ret, args, nfixed };
    Ok(Prepared {
        plan: CallPlan::new(&spec),
        params,
    })
}

/// The ABI description of a function type (for callbacks).
pub fn spec_of(cts: &mut CTState, fid: CTypeId) -> Result<(CallSpec, Vec<CTypeId>), String> {
    let f = cts.get(fid).clone();
    let mut params: Vec<CTypeId> = f.fields.iter().map(|p| p.ctype).collect();
    for p in params.iter_mut() {
        *p = param_type(cts, *p);
    }
    let mut args = Vec::new();
    for &p in &params {
        args.push(abi_type(cts, p)?);
    }
    let ret = abi_type(cts, f.child)?;
    let n = args.len();
    Ok((
        CallSpec {
            ret,
            args,
            nfixed: n,
        },
        params,
    ))
}
