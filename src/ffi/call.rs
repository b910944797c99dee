//! Calling C functions from Lua: argument conversion by the C prototype,
//! LuaJIT's rules for variadic arguments, the ABI description handed to
//! `ccall`, and conversion of the result.

use crate::state::State;
use std::collections::HashMap;
use std::os::raw::c_int;
use std::rc::Rc;

use crate::state::g_of;
use crate::stdlib::{arg_count, push_value, value_at};
use crate::value::*;

use super::ccall::{AbiType, CallPlan, CallSpec, Scalar as AbiScalar};
use super::cdata::{self, GcCdata};
use super::conv::{self, cts_of, CONV_ARG};
use super::ctype::*;

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
                return Err(format!("size of C type is unknown or too large"));
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
        let id = cdata::ctypeid(cdata::of(v));
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

/// Call the C function a cdata stands for with the Lua arguments 2..top.
pub fn call_cdata(l: State, cd: *mut GcCdata) -> c_int {
    let cts = cts_of(l);
    let id = cdata::ctypeid(cd);
    let ct = conv::head(cts, id);
    // SAFETY: function and pointer cdata hold an address.
    let addr = unsafe { (cdata::payload(cd) as *const u64).read() };
    let fid = if ct.kind == CKind::Func { id } else { ct.child };
    if addr == 0 {
        crate::stdlib::ffi::ffi_error(l, "attempt to call a NULL function pointer");
    }
    let info: Rc<FuncInfo> = match super::state(g_of(l)).calls.by_type.get(&fid) {
        Some(i) => i.clone(),
        None => {
            let f = cts.get(fid).clone();
            let vararg = f.has(CTF_VARARG);
            let fixed = if vararg {
                None
            } else {
                Some(prepare(l, cts, &f, &[]))
            };
            let i = Rc::new(FuncInfo {
                nparams: f.fields.len(),
                vararg,
                ret: f.child,
                fixed,
            });
            // One entry per function type called: grows with the program.
            crate::mem::reserve_entry(&mut super::state(g_of(l)).calls.by_type);
            super::state(g_of(l)).calls.by_type.insert(fid, i.clone());
            i
        }
    };
    let nparams = info.nparams;
    let nargs = (arg_count(l) - 1).max(0) as usize;
    if nargs < nparams || (nargs > nparams && !info.vararg) {
        crate::stdlib::ffi::ffi_error(l, "wrong number of arguments for function call");
    }
    let varplan;
    let prepared: &Prepared = match &info.fixed {
        Some(p) => p,
        None => {
            let f = cts.get(fid).clone();
            let extra: Vec<CTypeId> = (nparams..nargs)
                .map(|i| vararg_type(cts, value_at(l, i as c_int + 2)))
                .collect();
            varplan = prepare(l, cts, &f, &extra);
            &varplan
        }
    };
    // Convert the arguments into 16-byte aligned slots (on the native
    // stack unless there are many or big ones).
    let n = prepared.params.len();
    let mut total = 0usize;
    for &p in &prepared.params {
        let s = cts.get(p).size.max(8) as usize;
        total += (s + 15) & !15;
    }
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
        // SAFETY: each slot has room for its type.
        let dst = unsafe { base.add(off) };
        off += (cts.get(p).size.max(8) as usize + 15) & !15;
        let v = value_at(l, i as c_int + 2);
        // SAFETY: dst is writable for the parameter type.
        if let Err(msg) = unsafe { conv::lua_to_c(l, cts, p, dst, v, CONV_ARG) } {
            crate::capi::aux::arg_error(l, i as c_int + 1, msg.as_bytes());
        }
        ptrs[i] = dst;
    }
    let rid = info.ret;
    let rsize = cts.get(rid).size;
    let rsize = if rsize == CTSIZE_INVALID {
        0
    } else {
        rsize as usize
    };
    let mut inline_ret = [0u128; 4];
    let mut heap_ret = crate::mem::FallibleVec::<u128>::new();
    let retp = if rsize <= 64 {
        inline_ret.as_mut_ptr() as *mut u8
    } else {
        heap_ret.resize(rsize / 16 + 1, 0);
        heap_ret.as_mut_ptr() as *mut u8
    };
    // Callbacks made during the call run on this state.
    let saved = std::mem::replace(&mut super::state(g_of(l)).current_l, l.as_ptr());
    // SAFETY: the arguments match the plan, which matches the prototype
    // the user declared for this address.
    unsafe {
        prepared
            .plan
            .call(addr as *const std::ffi::c_void, ptrs, retp)
    };
    super::state(g_of(l)).current_l = saved;
    let cts = cts_of(l);
    super::callback::rethrow_pending(l);
    // Convert the result.
    let rct = conv::head(cts, conv::enum_base(cts, rid));
    let v = match rct.kind {
        CKind::Void => return 0,
        CKind::Struct | CKind::Array => {
            let cd = cdata::new(g_of(l), rid, rct.size, rct.align, false);
            // SAFETY: the result buffer holds the returned aggregate.
            unsafe { std::ptr::copy_nonoverlapping(retp, cdata::payload(cd), rct.size as usize) };
            cdata::value(cd)
        }
        // SAFETY: the buffer holds a value of the return type.
        _ => unsafe { conv::c_to_lua(l, cts, rid, retp) },
    };
    push_value(l, v);
    crate::gc::check(l);
    1
}

fn prepare(l: State, cts: &mut CTState, f: &CType, extra: &[CTypeId]) -> Prepared {
    let mut params: Vec<CTypeId> = f.fields.iter().map(|p| p.ctype).collect();
    for p in params.iter_mut() {
        *p = param_type(cts, *p);
    }
    let nfixed = params.len();
    params.extend_from_slice(extra);
    let mut args = Vec::with_capacity(params.len());
    for &p in &params {
        match abi_type(cts, p) {
            Ok(a) => args.push(a),
            Err(msg) => crate::stdlib::ffi::ffi_error(l, &msg),
        }
    }
    let ret = match abi_type(cts, f.child) {
        Ok(a) => a,
        Err(msg) => crate::stdlib::ffi::ffi_error(l, &msg),
    };
    let spec = CallSpec { ret, args, nfixed };
    Prepared {
        plan: CallPlan::new(&spec),
        params,
    }
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
