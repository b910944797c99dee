//! The `ffi` library (https://luajit.org/ext_ffi_api.html) and the
//! metatable every cdata shares. The C type machinery lives in src/ffi/.
//!
//! Every function here holds the C type table's lock (`CtsLock`) only
//! while it computes: it drops the lock before it runs Lua code (metatype
//! metamethods, `__new`), calls C, steps the collector or raises an error
//! (see src/ffi/mod.rs). Temporaries holding the lock live to the end of
//! their statement, so a lock taken in a `match` or `if let` scrutinee is
//! bound with `let` first when an arm raises.

use super::*;
use crate::capi::aux::{arg_error, type_error};
use crate::ffi::cdata::{self, CdRef};
use crate::ffi::conv::{self, CONV_CAST, CONV_INIT};
use crate::ffi::ctype::*;
use crate::ffi::ops::{self, ArithOp, CmpOp};
use crate::ffi::CtsLock;
use crate::state::State;
use crate::string::str_bytes;
use crate::table::GcTab;
use std::os::raw::c_int;

/// Raise `msg` as an error with the caller's position (like luaL_error).
pub fn ffi_error(l: State, msg: &str) -> ! {
    luaL_where(l, 1);
    push_str(l, msg.as_bytes());
    lua_concat(l, 2);
    lua_error(l);
    unreachable!()
}

/// The bytes of the string argument `idx` (checked to be a string by the
/// caller), copied.
fn string_arg_bytes(l: State, idx: c_int) -> Vec<u8> {
    let v = value_at(l, idx);
    debug_assert!(v.is_str());
    // SAFETY: v is argument idx, a string on the stack, so live; the
    // bytes are copied at once.
    crate::mem::vec_from_slice(unsafe { str_bytes(v.as_ptr()) })
}

/// A key's bytes for an error message (lossy).
fn key_text(k: TValue) -> String {
    debug_assert!(k.is_str());
    // SAFETY: k is a string value the caller keeps reachable (an argument
    // of the metamethod); the bytes are copied at once.
    String::from_utf8_lossy(unsafe { str_bytes(k.as_ptr()) }).into_owned()
}

/// The value of an `int64_t`/`uint64_t` cdata (for `string.format`'s
/// integer conversions, which take them whole), with its unsigned flag.
pub fn int64_cdata_value(_l: State, v: TValue) -> Option<(i64, bool)> {
    if !v.is(crate::value::TID_CDATA) {
        return None;
    }
    let cd = cdata::of(v);
    let unsigned = match cd.ctypeid() {
        CTID_INT64 => false,
        CTID_UINT64 => true,
        _ => return None,
    };
    // SAFETY: a 64-bit integer cdata's payload holds 8 bytes.
    Some((unsafe { (cd.payload() as *const i64).read() }, unsigned))
}

/// A new ctype object (what `ffi.typeof` returns) standing for `id`.
pub fn new_ctype_object(l: State, id: CTypeId) -> TValue {
    let cd = cdata::alloc(l, CTID_CTYPEID, 4, 4, false);
    // SAFETY: a fresh 4-byte payload, 16-byte aligned.
    unsafe { (cd.payload() as *mut u32).write(id) };
    cd.value()
}

/// The type a ctype object stands for.
fn ctype_object_id(cd: CdRef) -> Option<CTypeId> {
    if cd.ctypeid() == CTID_CTYPEID {
        // SAFETY: a ctype cdata's payload holds a type id.
        Some(unsafe { (cd.payload() as *const u32).read() })
    } else {
        None
    }
}

/// Parameters for `$` in type declarations, from the arguments after `idx`.
fn decl_params(l: State, from: c_int) -> Vec<crate::ffi::cparse::Param> {
    use crate::ffi::cparse::Param;
    let mut out = Vec::new();
    let top = arg_count(l);
    for i in from..=top {
        let v = value_at(l, i);
        if v.is(TID_CDATA) {
            let cd = cdata::of(v);
            out.push(Param::Type(ctype_object_id(cd).unwrap_or(cd.ctypeid())));
        } else if v.is_num() {
            out.push(Param::Num(v.as_num()));
        } else if v.is_str() {
            out.push(Param::Ident(string_arg_bytes(l, i)));
        } else {
            break;
        }
    }
    out
}

/// A C type argument: a declaration string (with `$` parameters from the
/// following arguments when `params`), a ctype object or a cdata.
fn check_ctype(l: State, idx: c_int, params: bool) -> CTypeId {
    let v = value_at(l, idx);
    if v.is_str() {
        let src = string_arg_bytes(l, idx);
        let ps = if params {
            decl_params(l, idx + 1)
        } else {
            Vec::new()
        };
        let r = crate::ffi::cparse::parse_type(&mut CtsLock::acquire(l), &src, &ps);
        match r {
            Ok(id) => id,
            Err(msg) => ffi_error(l, &msg),
        }
    } else if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        ctype_object_id(cd).unwrap_or(cd.ctypeid())
    } else {
        let got = if v.is_nil() && idx > arg_count(l) {
            "no value".to_string()
        } else {
            type_name(v).to_string()
        };
        arg_error(l, idx, format!("C type expected, got {}", got).as_bytes())
    }
}

/// The metatable `ffi.metatype` gave to a type, looking through
/// qualifiers, pointers and references to structs.
fn metatype_of(cts: &CTState, mut id: CTypeId) -> *mut GcTab {
    if cts.metatypes.is_empty() {
        return std::ptr::null_mut();
    }
    let ct = cts.get(id);
    if ct.kind == CKind::Ptr {
        id = ct.child;
    }
    let ct = cts.get(id);
    if ct.flags & CTF_QUAL != 0 && ct.kind == CKind::Struct {
        id = ct.child;
    }
    cts.metatypes
        .get(&id)
        .copied()
        .unwrap_or(std::ptr::null_mut())
}

/// A metamethod from a cdata's metatype (nil if none). Interning the name
/// and reading the table run no Lua code, so the lock may be held.
fn metatype_mm_in(l: State, cts: &CTState, v: TValue, name: &str) -> TValue {
    if !v.is(TID_CDATA) || cts.metatypes.is_empty() {
        return TValue::NIL;
    }
    let cd = cdata::of(v);
    let id = ctype_object_id(cd).unwrap_or(cd.ctypeid());
    let mt = metatype_of(cts, id);
    if mt.is_null() {
        return TValue::NIL;
    }
    let key = l.new_str(name.as_bytes());
    // SAFETY: a metatype's table is live (referenced from the FFI's roots).
    unsafe { crate::table::get(mt, key) }
}

/// The metatype metamethod `name` of either operand.
fn binary_mm_in(l: State, cts: &CTState, a: TValue, b: TValue, name: &str) -> TValue {
    let mm = metatype_mm_in(l, cts, a, name);
    if !mm.is_nil() {
        return mm;
    }
    metatype_mm_in(l, cts, b, name)
}

/// Call `f(args...)` and return its results (as many as it returns).
fn call_returning(l: State, f: TValue, args: &[TValue]) -> c_int {
    let base = lua_gettop(l);
    push_value(l, f);
    for a in args {
        push_value(l, *a);
    }
    lua_call(l, args.len() as c_int, LUA_MULTRET);
    lua_gettop(l) - base
}

// ---- The cdata metatable.

/// A constant declared in the body of the struct that `cd` is, points to
/// or (as a ctype object) stands for: `s.K`, `p.K`, `ct.K` read it.
fn member_const(cts: &CTState, cd: CdRef, k: TValue) -> Option<f64> {
    if !k.is_str() || cts.member_consts.is_empty() {
        return None;
    }
    let mut id = ctype_object_id(cd).unwrap_or_else(|| ops::resolve(cts, cd).0);
    let ct = cts.get(id);
    if ct.kind == CKind::Ptr {
        id = ct.child;
    }
    if cts.get(id).kind != CKind::Struct {
        return None;
    }
    // SAFETY: k is a string value the caller keeps reachable (an argument
    // of the metamethod); the slice is used right here.
    cts.find_member_const(id, unsafe { str_bytes(k.as_ptr()) })
        .map(|f| f.value as f64)
}

/// What `cd[k]` comes to, found with the type table locked.
enum Indexed {
    /// A value (`check`: a safe point for the collector follows).
    Value(TValue, bool),
    /// A callback method (`cb:free`, `cb:set`).
    Method(CFn),
    /// The metatype's `__index`, and the error if it finds nothing.
    Meta(TValue, String),
    Error(String),
}

fn index_cdata(l: State, cts: &mut CTState, o: TValue, k: TValue) -> Indexed {
    let cd = cdata::of(o);
    if let Some(v) = member_const(cts, cd, k) {
        return Indexed::Value(TValue::num(v), false);
    }
    if k.is_str() {
        // SAFETY: k is argument 2, a string on the stack; the slice is
        // used right here.
        let name = unsafe { str_bytes(k.as_ptr()) };
        if let Some(f) = crate::ffi::callback::method(cts, cd, name) {
            return Indexed::Method(f);
        }
    }
    let meta_or = |cts: &CTState, msg: String| {
        let mm = metatype_mm_in(l, cts, o, "__index");
        if mm.is_nil() {
            Indexed::Error(msg)
        } else {
            Indexed::Meta(mm, msg)
        }
    };
    if let Some(t) = ctype_object_id(cd) {
        // Indexing a ctype object reaches its metatype's __index.
        if k.is_str() {
            let msg = format!("'{}' has no member named '{}'", cts.repr(t), key_text(k));
            return meta_or(cts, msg);
        }
    }
    match ops::index_place(cts, cd, k) {
        Ok(place) => {
            if let Err(msg) = ops::check_access(cts, &place) {
                return Indexed::Error(msg);
            }
            // SAFETY: the place is inside the cdata's value or at an
            // address it holds (the FFI trusts the addresses the program
            // made, as LuaJIT does; the NULL guard area was refused).
            match unsafe { ops::load(l, cts, &place) } {
                Ok(v) => Indexed::Value(v, true),
                Err(msg) => Indexed::Error(msg),
            }
        }
        Err(msg) => meta_or(cts, msg),
    }
}

extern "C-unwind" fn cd_index(l: State) -> c_int {
    let o = value_at(l, 1);
    let k = value_at(l, 2);
    let r = index_cdata(l, &mut CtsLock::acquire(l), o, k);
    match r {
        Indexed::Value(v, check) => {
            push_value(l, v);
            if check {
                // A safe point: results are on the stack.
                crate::gc::check(l);
            }
            1
        }
        Indexed::Method(f) => {
            push_cfunc(l, f, FastFunc::C);
            1
        }
        Indexed::Meta(mm, msg) => index_via(l, mm, o, k, &msg),
        Indexed::Error(msg) => ffi_error(l, &msg),
    }
}

/// `__index` of a metatype: a function is called, a table is indexed (a
/// nil found there is the error `msg`, as for a missing member).
fn index_via(l: State, mm: TValue, o: TValue, k: TValue, msg: &str) -> c_int {
    if mm.is_func() {
        push_value(l, mm);
        push_value(l, o);
        push_value(l, k);
        lua_call(l, 2, 1);
        return 1;
    }
    push_value(l, mm);
    push_value(l, k);
    lua_gettable(l, -2);
    if lua_type(l, -1) == LUA_TNIL {
        ffi_error(l, msg);
    }
    1
}

/// What `cd[k] = v` comes to, done with the type table locked.
enum Stored {
    Done,
    /// The metatype's `__newindex` (a function or a table).
    Meta(TValue),
    Error(String),
}

fn store_cdata(l: State, cts: &mut CTState, o: TValue, k: TValue, v: TValue) -> Stored {
    const CONSTANT: &str = "attempt to write to constant location";
    let cd = cdata::of(o);
    if member_const(cts, cd, k).is_some() {
        return Stored::Error(CONSTANT.into());
    }
    let res = if ctype_object_id(cd).is_some() && k.is_str() {
        Err(String::new())
    } else {
        ops::index_place(cts, cd, k)
    };
    match res {
        Ok(place) => {
            if let Err(msg) = ops::check_access(cts, &place) {
                return Stored::Error(msg);
            }
            // SAFETY: as for loads (index_cdata).
            match unsafe { ops::store(l, cts, &place, v) } {
                Ok(()) => Stored::Done,
                Err(msg) => Stored::Error(msg),
            }
        }
        Err(msg) => {
            if ctype_object_id(cd).is_none() && ops::container_readonly(cts, cd) {
                return Stored::Error(CONSTANT.into());
            }
            let mm = metatype_mm_in(l, cts, o, "__newindex");
            if mm.is_func() || mm.is_tab() {
                return Stored::Meta(mm);
            }
            if msg.is_empty() {
                let t = ctype_object_id(cd).unwrap_or(CTID_CTYPEID);
                return Stored::Error(format!(
                    "'{}' has no member named '{}'",
                    cts.repr(t),
                    key_text(k)
                ));
            }
            Stored::Error(msg)
        }
    }
}

extern "C-unwind" fn cd_newindex(l: State) -> c_int {
    let o = value_at(l, 1);
    let k = value_at(l, 2);
    let v = value_at(l, 3);
    let r = store_cdata(l, &mut CtsLock::acquire(l), o, k, v);
    match r {
        Stored::Done => 0,
        Stored::Meta(mm) if mm.is_func() => {
            call_returning(l, mm, &[o, k, v]);
            0
        }
        Stored::Meta(mm) => {
            push_value(l, mm);
            push_value(l, k);
            push_value(l, v);
            lua_settable(l, -3);
            0
        }
        Stored::Error(msg) => ffi_error(l, &msg),
    }
}

fn arith_mm(l: State, op: ArithOp, name: &str) -> c_int {
    let a = value_at(l, 1);
    let b = value_at(l, 2);
    let mut cts = CtsLock::acquire(l);
    let mm = binary_mm_in(l, &cts, a, b, name);
    if !mm.is_nil() {
        drop(cts);
        return call_returning(l, mm, &[a, b]).min(1);
    }
    let r = match ops::arith(l, &mut cts, op, a, b) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => {
            // Unary minus names its operand twice, as LuaJIT does.
            let b = if op == ArithOp::Unm { a } else { b };
            Err(format!(
                "attempt to perform arithmetic on '{}' and '{}'",
                conv::value_type_name(&cts, a),
                conv::value_type_name(&cts, b)
            ))
        }
        Err(msg) => Err(msg),
    };
    drop(cts);
    match r {
        Ok(v) => {
            push_value(l, v);
            crate::gc::check(l);
            1
        }
        Err(msg) => ffi_error(l, &msg),
    }
}

extern "C-unwind" fn cd_add(l: State) -> c_int {
    arith_mm(l, ArithOp::Add, "__add")
}
extern "C-unwind" fn cd_sub(l: State) -> c_int {
    arith_mm(l, ArithOp::Sub, "__sub")
}
extern "C-unwind" fn cd_mul(l: State) -> c_int {
    arith_mm(l, ArithOp::Mul, "__mul")
}
extern "C-unwind" fn cd_div(l: State) -> c_int {
    arith_mm(l, ArithOp::Div, "__div")
}
extern "C-unwind" fn cd_mod(l: State) -> c_int {
    arith_mm(l, ArithOp::Mod, "__mod")
}
extern "C-unwind" fn cd_pow(l: State) -> c_int {
    arith_mm(l, ArithOp::Pow, "__pow")
}
extern "C-unwind" fn cd_unm(l: State) -> c_int {
    arith_mm(l, ArithOp::Unm, "__unm")
}

extern "C-unwind" fn cd_eq(l: State) -> c_int {
    let a = value_at(l, 1);
    let b = value_at(l, 2);
    let cts = CtsLock::acquire(l);
    let mm = binary_mm_in(l, &cts, a, b, "__eq");
    if !mm.is_nil() {
        drop(cts);
        return call_returning(l, mm, &[a, b]).min(1);
    }
    let r = if a.is(TID_CDATA)
        && b.is(TID_CDATA)
        && (ctype_object_id(cdata::of(a)).is_some() || ctype_object_id(cdata::of(b)).is_some())
    {
        // ctype objects are equal when they stand for the same type.
        ctype_object_id(cdata::of(a)) == ctype_object_id(cdata::of(b))
    } else if a.is_nil() || b.is_nil() {
        ops::is_null_pointer(&cts, if a.is_nil() { b } else { a })
    } else {
        ops::compare(&cts, CmpOp::Eq, a, b).unwrap_or(false)
    };
    drop(cts);
    push_bool(l, r);
    1
}

fn compare_mm(l: State, op: CmpOp, name: &str) -> c_int {
    let a = value_at(l, 1);
    let b = value_at(l, 2);
    let cts = CtsLock::acquire(l);
    let mm = binary_mm_in(l, &cts, a, b, name);
    if !mm.is_nil() {
        drop(cts);
        return call_returning(l, mm, &[a, b]).min(1);
    }
    let r = match ops::compare(&cts, op, a, b) {
        Some(r) => Ok(r),
        None => Err(ops::enum_string_error(&cts, a, b).unwrap_or_else(|| {
            format!(
                "attempt to compare '{}' with '{}'",
                conv::value_type_name(&cts, a),
                conv::value_type_name(&cts, b)
            )
        })),
    };
    drop(cts);
    match r {
        Ok(r) => {
            push_bool(l, r);
            1
        }
        Err(msg) => ffi_error(l, &msg),
    }
}

extern "C-unwind" fn cd_lt(l: State) -> c_int {
    compare_mm(l, CmpOp::Lt, "__lt")
}
extern "C-unwind" fn cd_le(l: State) -> c_int {
    compare_mm(l, CmpOp::Le, "__le")
}

extern "C-unwind" fn cd_concat(l: State) -> c_int {
    let a = value_at(l, 1);
    let b = value_at(l, 2);
    let cts = CtsLock::acquire(l);
    let mm = binary_mm_in(l, &cts, a, b, "__concat");
    if !mm.is_nil() {
        drop(cts);
        return call_returning(l, mm, &[a, b]).min(1);
    }
    let msg = ops::enum_string_error(&cts, a, b).unwrap_or_else(|| {
        format!(
            "attempt to concatenate '{}' and '{}'",
            conv::value_type_name(&cts, a),
            conv::value_type_name(&cts, b)
        )
    });
    drop(cts);
    ffi_error(l, &msg)
}

extern "C-unwind" fn cd_len(l: State) -> c_int {
    let a = value_at(l, 1);
    let cts = CtsLock::acquire(l);
    let mm = metatype_mm_in(l, &cts, a, "__len");
    if !mm.is_nil() {
        drop(cts);
        return call_returning(l, mm, &[a, a]).min(1);
    }
    let msg = format!(
        "attempt to get length of '{}'",
        conv::value_type_name(&cts, a)
    );
    drop(cts);
    ffi_error(l, &msg)
}

extern "C-unwind" fn cd_tostring(l: State) -> c_int {
    let a = value_at(l, 1);
    let cts = CtsLock::acquire(l);
    let mm = metatype_mm_in(l, &cts, a, "__tostring");
    if !mm.is_nil() {
        drop(cts);
        return call_returning(l, mm, &[a]).min(1);
    }
    let s = ops::to_string(&cts, a);
    drop(cts);
    push_str(l, &s);
    1
}

extern "C-unwind" fn cd_call(l: State) -> c_int {
    let o = value_at(l, 1);
    let cd = cdata::of(o);
    if let Some(t) = ctype_object_id(cd) {
        let n = construct(l, t, 2, true);
        crate::gc::check(l);
        return n;
    }
    let cts = CtsLock::acquire(l);
    let ct = cts.get(cd.ctypeid());
    let is_func =
        ct.kind == CKind::Func || (ct.kind == CKind::Ptr && cts.get(ct.child).kind == CKind::Func);
    if is_func {
        drop(cts);
        return crate::ffi::call::call_cdata(l, cd);
    }
    let mm = metatype_mm_in(l, &cts, o, "__call");
    if !mm.is_nil() {
        drop(cts);
        let n = arg_count(l);
        let args: Vec<TValue> = (1..=n).map(|i| value_at(l, i)).collect();
        return call_returning(l, mm, &args);
    }
    let msg = format!("'{}' is not callable", conv::value_type_name(&cts, o));
    drop(cts);
    ffi_error(l, &msg)
}

// ---- Library functions.

/// Number of elements given for a VLA/VLS, from argument `idx`.
fn check_nelem(l: State, idx: c_int) -> u64 {
    let v = value_at(l, idx);
    if idx > arg_count(l) || v.is_nil() {
        arg_error(l, idx, b"value expected");
    }
    let n = if v.is_num() {
        v.as_num()
    } else if v.is(TID_CDATA) {
        let n = crate::ffi::ops::to_number(&CtsLock::acquire(l), v);
        n.unwrap_or(-1.0)
    } else {
        check_num(l, idx)
    };
    if n.is_nan() || n < 0.0 {
        u64::MAX
    } else {
        n as u64
    }
}

/// Largest size `ffi.new` makes (as LuaJIT's CTSIZE limit).
const MAX_NEW_SIZE: u64 = 0x7fff_0000;

/// Create a cdata of type `id` initialised from the arguments from `idx`
/// (ffi.new and ctype calls).
/// `use_new`: a ctype object was called, so a metatype's `__new` takes
/// over (ffi.new itself never calls `__new`, which usually calls ffi.new).
fn construct(l: State, id: CTypeId, idx: c_int, use_new: bool) -> c_int {
    let (ct, mt) = {
        let cts = CtsLock::acquire(l);
        (conv::head(&cts, id), metatype_of(&cts, id))
    };
    let is_var = ct.has(CTF_VLA) || ct.has(CTF_VLS);
    let mut first_init = idx;
    let size: u64 = if is_var {
        let n = check_nelem(l, idx);
        first_init = idx + 1;
        let size = crate::ffi::cparse::sizeof_with(&CtsLock::acquire(l), id, Some(n));
        match size {
            Some(s) if s < MAX_NEW_SIZE => s,
            _ => arg_error(l, idx - 1, b"size of C type is unknown or too large"),
        }
    } else if ct.size == CTSIZE_INVALID {
        arg_error(l, idx - 1, b"size of C type is unknown or too large")
    } else if ct.kind == CKind::Func {
        8
    } else {
        ct.size as u64
    };
    // A metatype constructor takes over. (The metatable is kept alive by
    // the FFI's root table.)
    if use_new && !mt.is_null() && ct.kind == CKind::Struct {
        let key = l.new_str(b"__new");
        // SAFETY: the metatable is live (see above).
        let f = unsafe { crate::table::get(mt, key) };
        if !f.is_nil() {
            let n = arg_count(l);
            let mut args = vec![new_ctype_object(l, id)];
            args.extend((idx..=n).map(|i| value_at(l, i)));
            return call_returning(l, f, &args).min(1);
        }
    }
    let cd = cdata::alloc(l, id, size as u32, ct.align, is_var);
    let v = cd.value();
    push_value(l, v);
    let n = arg_count(l) - 1; // the new cdata is on top
    let ninit = (n - first_init + 1).max(0);
    // SAFETY: the payload of the fresh cdata has `size` bytes of type id.
    let r = unsafe {
        init_value(
            l,
            &mut CtsLock::acquire(l),
            id,
            cd.payload(),
            size,
            first_init,
            ninit,
        )
    };
    if let Err(msg) = r {
        ffi_error(l, &msg);
    }
    // Metatype finalizer.
    if !mt.is_null() {
        let key = l.new_str(b"__gc");
        // SAFETY: a metatype's table is live (referenced from the FFI's roots).
        let f = unsafe { crate::table::get(mt, key) };
        if !f.is_nil() {
            crate::ffi::finalizer::set(l, v, f);
        }
    }
    1
}

/// The error for more initializers than a type takes.
fn too_many_initializers(cts: &CTState, id: CTypeId) -> String {
    let raw = conv::raw_for_message(cts, id);
    format!("too many initializers for '{}'", cts.repr(raw))
}

/// Initialise a new C value from `n` Lua arguments starting at `idx`.
///
/// # Safety
/// `p` has `size` writable bytes: a value of type `id` (or a VLA/VLS
/// instance of that size).
unsafe fn init_value(
    l: State,
    cts: &mut CTState,
    id: CTypeId,
    p: *mut u8,
    size: u64,
    idx: c_int,
    n: c_int,
) -> Result<(), String> {
    if n == 0 {
        return Ok(());
    }
    let ct = conv::head(cts, id);
    // SAFETY (every block below): p has `size` bytes of type id (the
    // caller's contract); elements and halves are at offsets inside it.
    match ct.kind {
        CKind::Array if ct.has(CTF_COMPLEX) => {
            if n > 2 {
                return Err(too_many_initializers(cts, id));
            }
            if n == 1 {
                // SAFETY: see above.
                return unsafe { conv::lua_to_c(l, cts, id, p, value_at(l, idx), CONV_INIT) };
            }
            let half = ct.size / 2;
            // SAFETY: see above; the parts are the two halves.
            unsafe {
                conv::lua_to_c(l, cts, ct.child, p, value_at(l, idx), CONV_INIT)?;
                conv::lua_to_c(
                    l,
                    cts,
                    ct.child,
                    p.add(half as usize),
                    value_at(l, idx + 1),
                    CONV_INIT,
                )
            }
        }
        CKind::Array => {
            let esize = cts.get(ct.child).size as u64;
            let nelem = size.checked_div(esize).unwrap_or(0);
            let v0 = value_at(l, idx);
            if n == 1 && v0.is_tab() {
                // SAFETY: see above.
                return unsafe { conv::table_init(l, cts, id, p, v0, size) };
            }
            // Like the reference, a single string initialises the whole
            // array (char arrays only), as does an array of the very same
            // type; any other single value initialises every element.
            if n == 1 && v0.is_str() {
                // SAFETY: see above; a VLA takes what fits its `size`
                // bytes.
                return unsafe { conv::lua_to_c_in(l, cts, id, p, v0, CONV_INIT, size as usize) };
            }
            if n == 1 && v0.is(TID_CDATA) {
                let mut sid = cdata::of(v0).ctypeid();
                if cts.get(sid).is_ref() {
                    // An array member read from a struct is a reference.
                    sid = cts.get(sid).child;
                }
                if sid == id {
                    // SAFETY: see above.
                    return unsafe { conv::lua_to_c(l, cts, id, p, v0, CONV_INIT) };
                }
            }
            if n as u64 > nelem {
                return Err(too_many_initializers(cts, id));
            }
            for i in 0..n {
                // SAFETY: see above; element i < nelem.
                unsafe {
                    conv::lua_to_c(
                        l,
                        cts,
                        ct.child,
                        p.add((i as u64 * esize) as usize),
                        value_at(l, idx + i),
                        CONV_INIT,
                    )?
                };
            }
            // A single initializer fills the whole array.
            if n == 1 {
                for i in 1..nelem {
                    // SAFETY: see above; elements 0 and i < nelem.
                    unsafe {
                        std::ptr::copy_nonoverlapping(
                            p,
                            p.add((i * esize) as usize),
                            esize as usize,
                        )
                    };
                }
            }
            Ok(())
        }
        CKind::Struct => {
            let v0 = value_at(l, idx);
            if n == 1 && v0.is_tab() {
                // SAFETY: see above.
                return unsafe { conv::table_init(l, cts, id, p, v0, size) };
            }
            if n == 1 && v0.is(TID_CDATA) {
                // A struct of the same type is copied; any other cdata is
                // the first member's value.
                let mut sid = cdata::of(v0).ctypeid();
                if cts.get(sid).is_ref() {
                    sid = cts.get(sid).child;
                }
                if cts.get(sid).kind == CKind::Struct && cts.original(sid) == cts.original(id) {
                    // SAFETY: see above.
                    return unsafe { conv::lua_to_c(l, cts, id, p, v0, CONV_INIT) };
                }
            }
            // Positional initializers for the members in order.
            let vals: Vec<TValue> = (0..n).map(|i| value_at(l, idx + i)).collect();
            let mut used = 0;
            // SAFETY: see above.
            unsafe { conv::struct_init_values(l, cts, id, p, size, &vals, &mut used)? };
            if used < vals.len() {
                return Err(too_many_initializers(cts, id));
            }
            Ok(())
        }
        _ => {
            if n > 1 {
                return Err(too_many_initializers(cts, id));
            }
            // SAFETY: see above.
            unsafe { conv::lua_to_c(l, cts, id, p, value_at(l, idx), CONV_INIT) }
        }
    }
}

extern "C-unwind" fn ffi_new(l: State) -> c_int {
    let id = check_ctype(l, 1, false);
    let n = construct(l, id, 2, false);
    crate::gc::check(l);
    n
}

extern "C-unwind" fn ffi_cast(l: State) -> c_int {
    let id = check_ctype(l, 1, false);
    check_any(l, 2);
    let ct = conv::head(&CtsLock::acquire(l), id);
    if !matches!(ct.kind, CKind::Num | CKind::Enum | CKind::Ptr) {
        arg_error(l, 1, b"invalid C type");
    }
    let v = value_at(l, 2);
    if v.is(TID_CDATA) && cdata::of(v).ctypeid() == id {
        // Already of that type: the same object.
        push_value(l, v);
        return 1;
    }
    let cd = cdata::alloc(l, id, ct.size, ct.align, false);
    push_value(l, cd.value());
    // SAFETY: the fresh cdata's payload has room for a value of type id.
    let r = unsafe { conv::lua_to_c(l, &mut CtsLock::acquire(l), id, cd.payload(), v, CONV_CAST) };
    if let Err(msg) = r {
        ffi_error(l, &msg);
    }
    crate::gc::check(l);
    1
}

extern "C-unwind" fn ffi_typeof(l: State) -> c_int {
    let id = check_ctype(l, 1, true);
    let v = new_ctype_object(l, id);
    push_value(l, v);
    1
}

/// `ffi.typeinfo(id)` (undocumented): a table with the `size` of type
/// `id` (when known) and its `name` (tagged structs, unions, enums);
/// nothing past the last type. LuaJIT also gives `info` and `sib`, which
/// are encodings of its own type table and are left out.
extern "C-unwind" fn ffi_typeinfo(l: State) -> c_int {
    let n = check_num(l, 1);
    let info = {
        let cts = CtsLock::acquire(l);
        if n.is_nan() || n < 0.0 || n >= cts.types.len() as f64 {
            None
        } else {
            let ct = cts.get(n as CTypeId);
            let size = (ct.size != CTSIZE_INVALID && ct.kind != CKind::Func).then_some(ct.size);
            Some((size, ct.name.clone()))
        }
    };
    let Some((size, name)) = info else {
        return 0;
    };
    lua_createtable(l, 0, 2);
    if let Some(size) = size {
        push_num(l, size as f64);
        set_field(l, -2, "size");
    }
    if !name.is_empty() {
        push_str(l, &name);
        set_field(l, -2, "name");
    }
    1
}

extern "C-unwind" fn ffi_istype(l: State) -> c_int {
    let id = check_ctype(l, 1, false);
    let v = value_at(l, 2);
    check_any(l, 2);
    let mut r = false;
    if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        // A ctype object stands for its type.
        let sid = ctype_object_id(cd).unwrap_or_else(|| cd.ctypeid());
        r = istype_match(&mut CtsLock::acquire(l), id, sid);
    }
    push_bool(l, r);
    1
}

/// `ffi.istype` (ext_ffi_api.html): references and qualifiers are ignored;
/// pointers and arrays match by pointer compatibility without the special
/// case of `void *`; numbers must be the same type but for qualifiers; a
/// struct/union also accepts a pointer to it.
fn istype_match(cts: &mut CTState, want: CTypeId, have: CTypeId) -> bool {
    let a = strip_ref_qual(cts, want);
    let b = strip_ref_qual(cts, have);
    if a == b {
        return true;
    }
    let (ac, bc) = (conv::head(cts, a), conv::head(cts, b));
    if ac.kind == bc.kind && ac.size == bc.size {
        return match ac.kind {
            CKind::Ptr | CKind::Array => istype_pointee(cts, ac.child, bc.child, false),
            CKind::Num | CKind::Void => ac.flags & !CTF_QUAL == bc.flags & !CTF_QUAL,
            _ => false,
        };
    }
    if ac.kind == CKind::Struct && bc.kind == CKind::Ptr {
        return cts.unqualified(bc.child) == a;
    }
    false
}

fn strip_ref_qual(cts: &mut CTState, id: CTypeId) -> CTypeId {
    let ct = cts.get(id);
    let id = if ct.is_ref() { ct.child } else { id };
    cts.unqualified(id)
}

/// Pointer targets for `ffi.istype`: same kind and size; numbers agree on
/// bool/floating-point; pointers recurse with equal qualifiers; structs
/// must be the same; functions always match.
fn istype_pointee(cts: &mut CTState, d: CTypeId, s: CTypeId, same_qual: bool) -> bool {
    let (dq, sq) = (cts.get(d).flags & CTF_QUAL, cts.get(s).flags & CTF_QUAL);
    if same_qual && dq != sq {
        return false;
    }
    let d = cts.unqualified(d);
    let s = cts.unqualified(s);
    if d == s {
        return true;
    }
    let (dc, sc) = (conv::head(cts, d), conv::head(cts, s));
    if dc.kind != sc.kind || dc.size != sc.size {
        return false;
    }
    match dc.kind {
        CKind::Num => (dc.flags ^ sc.flags) & (CTF_BOOL | CTF_FP) == 0,
        CKind::Ptr | CKind::Array => istype_pointee(cts, dc.child, sc.child, true),
        CKind::Func | CKind::Void => true,
        _ => false,
    }
}

extern "C-unwind" fn ffi_sizeof(l: State) -> c_int {
    let v = value_at(l, 1);
    if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        if ctype_object_id(cd).is_none() {
            if let Some(len) = cd.var_len() {
                push_num(l, len as f64);
                return 1;
            }
        }
    }
    let id = check_ctype(l, 1, false);
    let (id, is_var, fixed) = {
        let cts = CtsLock::acquire(l);
        // The size of a reference is the size of what it refers to.
        let id = if cts.get(id).is_ref() {
            cts.get(id).child
        } else {
            id
        };
        let ct = cts.get(id);
        let fixed = (ct.size != CTSIZE_INVALID).then_some(ct.size as u64);
        (id, ct.has(CTF_VLA) || ct.has(CTF_VLS), fixed)
    };
    let size = if is_var {
        let n = check_nelem(l, 2);
        crate::ffi::cparse::sizeof_with(&CtsLock::acquire(l), id, Some(n))
    } else {
        fixed
    };
    match size {
        Some(s) => push_num(l, s as f64),
        None => push_nil(l),
    }
    1
}

extern "C-unwind" fn ffi_alignof(l: State) -> c_int {
    let id = check_ctype(l, 1, false);
    let align = CtsLock::acquire(l).get(id).align;
    push_num(l, align as f64);
    1
}

extern "C-unwind" fn ffi_offsetof(l: State) -> c_int {
    let id = check_ctype(l, 1, false);
    let name = crate::mem::vec_from_slice(&check_str(l, 2));
    let found = {
        let cts = CtsLock::acquire(l);
        let id = if cts.get(id).is_ref() {
            cts.get(id).child
        } else {
            id
        };
        if cts.get(id).kind != CKind::Struct {
            None
        } else {
            cts.find_field(id, &name)
                .map(|(f, off)| (off, (f.bitsize != 0).then_some((f.bitpos, f.bitsize))))
        }
    };
    match found {
        Some((off, bits)) => {
            push_num(l, off as f64);
            match bits {
                Some((pos, size)) => {
                    push_num(l, pos as f64);
                    push_num(l, size as f64);
                    3
                }
                None => 1,
            }
        }
        None => 0,
    }
}

extern "C-unwind" fn ffi_cdef(l: State) -> c_int {
    let src = crate::mem::vec_from_slice(&check_str(l, 1));
    let ps = decl_params(l, 2);
    let r = crate::ffi::cparse::cdef(&mut CtsLock::acquire(l), &src, &ps);
    if let Err(msg) = r {
        ffi_error(l, &msg);
    }
    0
}

/// Index in the FFI root table of the metatable of type `id`.
fn metatype_root_index(id: CTypeId) -> i64 {
    -(id as i64) - 1
}

extern "C-unwind" fn ffi_metatype(l: State) -> c_int {
    let id = check_ctype(l, 1, false);
    check_type(l, 2, LUA_TTABLE);
    let mt = value_at(l, 2);
    let r = {
        let mut cts = CtsLock::acquire(l);
        let ct = cts.get(id);
        let base = if ct.flags & CTF_QUAL != 0 && ct.kind == CKind::Struct {
            ct.child
        } else {
            id
        };
        if !(cts.get(base).kind == CKind::Struct || cts.get(base).is_complex()) {
            Err(None)
        } else {
            match cts.metatypes.entry(base) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    Err(Some("cannot change a protected metatable"))
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(mt.as_ptr());
                    Ok(base)
                }
            }
        }
    };
    let base = match r {
        Ok(base) => base,
        Err(None) => arg_error(l, 1, b"invalid C type"),
        Err(Some(msg)) => ffi_error(l, msg),
    };
    // Root the table.
    let roots = crate::ffi::roots(l);
    // SAFETY: a table store and its barrier are leaves of the core (no Lua
    // code, no collection step): the only reference to the global state
    // while it lives.
    let g = unsafe { l.global_mut() };
    // SAFETY: a slot of the live root table, written at once, then its
    // barrier.
    unsafe {
        *crate::table::set_int_slot(g, roots, metatype_root_index(base)) = mt;
        crate::gc::barrier_table(g, roots);
    }
    let v = new_ctype_object(l, id);
    push_value(l, v);
    1
}

extern "C-unwind" fn ffi_gc(l: State) -> c_int {
    let v = value_at(l, 1);
    if !v.is(TID_CDATA) {
        type_error(l, 1, "cdata");
    }
    check_any(l, 2);
    let ok = {
        let cts = CtsLock::acquire(l);
        let ct = cts.get(cdata::of(v).ctypeid());
        ct.kind == CKind::Ptr
            || ct.kind == CKind::Struct
            || (ct.kind == CKind::Array && !ct.is_complex())
    };
    if !ok {
        arg_error(l, 1, b"invalid C type");
    }
    let f = value_at(l, 2);
    crate::ffi::finalizer::set(l, v, f);
    lua_settop(l, 1);
    1
}

extern "C-unwind" fn ffi_errno(l: State) -> c_int {
    // SAFETY: __errno_location returns the calling thread's errno slot,
    // valid for as long as the thread runs.
    let loc = unsafe { errno_location() };
    // SAFETY: as above; read by value.
    let old = unsafe { *loc };
    if arg_count(l) >= 1 {
        let mut v: c_int = 0;
        // SAFETY: v has room for an int32_t.
        let r = unsafe {
            conv::lua_to_c(
                l,
                &mut CtsLock::acquire(l),
                CTID_INT32,
                &mut v as *mut c_int as *mut u8,
                value_at(l, 1),
                0,
            )
        };
        if let Err(msg) = r {
            arg_error(l, 1, msg.as_bytes());
        }
        // SAFETY: as above; written by value.
        unsafe { *loc = v };
    }
    push_num(l, old as f64);
    1
}

extern "C" {
    #[cfg_attr(target_os = "linux", link_name = "__errno_location")]
    fn errno_location() -> *mut c_int;
}

/// A pointer argument (pointer, array, string, nil...) as an address.
fn check_ptr_arg(l: State, idx: c_int, id: CTypeId) -> *mut u8 {
    let v = value_at(l, idx);
    let mut p: u64 = 0;
    // SAFETY: p is an 8-byte pointer slot.
    let r = unsafe {
        conv::lua_to_c(
            l,
            &mut CtsLock::acquire(l),
            id,
            &mut p as *mut u64 as *mut u8,
            v,
            conv::CONV_ARG,
        )
    };
    if let Err(msg) = r {
        arg_error(l, idx, msg.as_bytes());
    }
    p as *mut u8
}

/// A length argument, converted to `int32_t` like a C argument (any
/// number or number cdata; a missing one is "value expected").
fn check_len(l: State, idx: c_int) -> i64 {
    if idx > arg_count(l) {
        arg_error(l, idx, b"value expected");
    }
    let v = value_at(l, idx);
    let mut n = 0i32;
    // SAFETY: n has room for an int32_t.
    let r = unsafe {
        conv::lua_to_c(
            l,
            &mut CtsLock::acquire(l),
            CTID_INT32,
            &mut n as *mut i32 as *mut u8,
            v,
            conv::CONV_ARG,
        )
    };
    if let Err(msg) = r {
        arg_error(l, idx, msg.as_bytes());
    }
    n as i64
}

/// Longest string `ffi.string` makes (as LuaJIT's limit).
const MAX_STRING_LEN: i64 = 0x7fff_ff00;

extern "C-unwind" fn ffi_string(l: State) -> c_int {
    check_any(l, 1);
    let v = value_at(l, 1);
    let p = check_ptr_arg(l, 1, CTID_P_CCHAR);
    if arg_count(l) >= 2 && !value_at(l, 2).is_nil() {
        let n = check_len(l, 2);
        if !(0..MAX_STRING_LEN).contains(&n) {
            ffi_error(l, "string length overflow");
        }
        let n = n as usize;
        if v.is_str() {
            let s = string_arg_bytes(l, 1);
            push_str(l, &s[..n.min(s.len())]);
            return 1;
        }
        if conv::is_null_access(p) && n > 0 {
            arg_error(l, 1, b"NULL pointer");
        }
        // SAFETY: the program says p has n readable bytes (ffi.string
        // trusts it, as LuaJIT does); the NULL guard area was refused.
        push_str(l, unsafe { std::slice::from_raw_parts(p, n) });
        return 1;
    }
    if conv::is_null_access(p) {
        arg_error(l, 1, b"NULL pointer");
    }
    // SAFETY: the program says p is a NUL-terminated string (ffi.string
    // trusts it, as LuaJIT does); the NULL guard area was refused.
    push_str(l, unsafe { c_string_bytes(p) });
    1
}

/// The bytes of a C string, without its NUL.
///
/// # Safety
/// `p` points to a NUL-terminated string that outlives the slice.
unsafe fn c_string_bytes<'a>(p: *const u8) -> &'a [u8] {
    // SAFETY: the caller's contract.
    unsafe { std::ffi::CStr::from_ptr(p as *const std::os::raw::c_char) }.to_bytes()
}

extern "C-unwind" fn ffi_copy(l: State) -> c_int {
    let dst = check_ptr_arg(l, 1, CTID_P_VOID);
    check_any(l, 2);
    let sv = value_at(l, 2);
    let src = check_ptr_arg(l, 2, CTID_P_CVOID);
    let n = if arg_count(l) >= 3 && !value_at(l, 3).is_nil() {
        check_len(l, 3).max(0) as usize
    } else if sv.is_str() {
        // SAFETY: sv is argument 2, a string on the stack.
        unsafe { str_bytes(sv.as_ptr()) }.len() + 1
    } else {
        arg_error(l, 3, b"number expected, got no value")
    };
    if n > 0 {
        // LuaJIT would crash on NULL; an error is kinder.
        if conv::is_null_access(dst) {
            arg_error(l, 1, b"NULL pointer");
        }
        if conv::is_null_access(src) {
            arg_error(l, 2, b"NULL pointer");
        }
        // SAFETY: the program says both addresses have n bytes (ffi.copy
        // trusts it, as LuaJIT does; a string source has its bytes and
        // NUL); the NULL guard area was refused. `copy` allows overlap.
        unsafe { std::ptr::copy(src, dst, n) };
    }
    0
}

extern "C-unwind" fn ffi_fill(l: State) -> c_int {
    let dst = check_ptr_arg(l, 1, CTID_P_VOID);
    let n = check_len(l, 2).max(0) as usize;
    let c = if arg_count(l) >= 3 {
        check_int(l, 3) as u8
    } else {
        0
    };
    if n > 0 {
        if conv::is_null_access(dst) {
            arg_error(l, 1, b"NULL pointer");
        }
        // SAFETY: the program says dst has n writable bytes (ffi.fill
        // trusts it, as LuaJIT does); the NULL guard area was refused.
        unsafe { std::ptr::write_bytes(dst, c, n) };
    }
    0
}

extern "C-unwind" fn ffi_abi(l: State) -> c_int {
    let s = check_str(l, 1);
    let r = matches!(&*s, b"64bit" | b"le" | b"fpu" | b"gc64" | b"hardfp");
    push_bool(l, r);
    1
}

extern "C-unwind" fn ffi_load(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let global = value_at(l, 2).is_truthy();
    crate::ffi::clib::load(l, &name, global)
}

/// Install the metatable of all cdata (once per state): cdata exist
/// without `require "ffi"` (`1LL` literals), so luaL_openlibs calls this.
pub fn install_cdata_metatable(l: State) {
    // SAFETY: a field of the live global state, read by value.
    if !unsafe { (*l.global_ptr()).basemt[LUA_TCDATA as usize] }.is_null() {
        return;
    }
    crate::ffi::init_state(l);
    lua_createtable(l, 0, 20);
    set_funcs(
        l,
        &[
            ("__index", cd_index),
            ("__newindex", cd_newindex),
            ("__eq", cd_eq),
            ("__len", cd_len),
            ("__lt", cd_lt),
            ("__le", cd_le),
            ("__concat", cd_concat),
            ("__call", cd_call),
            ("__add", cd_add),
            ("__sub", cd_sub),
            ("__mul", cd_mul),
            ("__div", cd_div),
            ("__mod", cd_mod),
            ("__pow", cd_pow),
            ("__unm", cd_unm),
            ("__tostring", cd_tostring),
        ],
    );
    push_str(l, b"ffi");
    set_field(l, -2, "__metatable");
    let mt = value_at(l, -1);
    // SAFETY: a field of the live global state, written by value (the
    // table is a GC root from now on, as a base metatable).
    unsafe { (*l.global_ptr()).basemt[LUA_TCDATA as usize] = mt.as_ptr() };
    lua_settop(l, -2);
}

/// Whether the C type state is initialised (see FfiState::ctypes_ready).
pub fn is_loaded(l: State) -> bool {
    crate::ffi::ctypes_ready(l)
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_ffi(l: State) -> c_int {
    install_cdata_metatable(l);
    crate::ffi::set_ctypes_ready(l);
    new_lib(
        l,
        &[
            ("cdef", ffi_cdef),
            ("new", ffi_new),
            ("cast", ffi_cast),
            ("typeof", ffi_typeof),
            ("istype", ffi_istype),
            ("sizeof", ffi_sizeof),
            ("alignof", ffi_alignof),
            ("offsetof", ffi_offsetof),
            ("metatype", ffi_metatype),
            ("gc", ffi_gc),
            ("errno", ffi_errno),
            ("string", ffi_string),
            ("copy", ffi_copy),
            ("fill", ffi_fill),
            ("abi", ffi_abi),
            ("load", ffi_load),
            ("typeinfo", ffi_typeinfo),
        ],
    );
    crate::ffi::clib::push_default(l);
    set_field(l, -2, "C");
    push_str(l, b"Linux");
    set_field(l, -2, "os");
    push_str(l, crate::stdlib::jit::arch().as_bytes());
    set_field(l, -2, "arch");
    register_loaded(l, "ffi", false);
    1
}
