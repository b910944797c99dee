//! The `lua_*` functions of the C API.
#![allow(non_snake_case)]

use super::leaf;
use super::types::*;
use crate::error;
use crate::func::{self, GcFunc};
use crate::gc::{self, GcHeader};
use crate::meta;
use crate::state::*;
use crate::string::{self, GcStr};
use crate::table::{self, GcTab};
use crate::udata::{self, GcUdata};
use crate::value::*;
use crate::vm;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

pub const LUA_REGISTRYINDEX: c_int = -10000;
pub const LUA_ENVIRONINDEX: c_int = -10001;
pub const LUA_GLOBALSINDEX: c_int = -10002;
pub const LUA_MULTRET: c_int = -1;

/// The scratch slot for pseudo-index values (environment, globals).
fn scratch_slot(l: State) -> *mut TValue {
    // SAFETY: the address of a field of the live thread (the handle's
    // invariant); no reference is formed.
    unsafe { &raw mut (*l.as_ptr()).scratch }
}

/// The function of the running frame, or null at the bottom level (where
/// the slot holds no function).
fn cur_func(l: State) -> *mut GcFunc {
    // SAFETY: a thread's base is always at least two slots above the start
    // of its stack (a new thread's base is stack+2, frames only go higher),
    // so base-2 is a stack slot: the function slot of the running frame.
    let f = unsafe { *(*l.as_ptr()).base.sub(2) };
    if f.is_func() {
        f.as_ptr()
    } else {
        ptr::null_mut()
    }
}

/// The environment new C functions and userdata get: the running
/// function's, or the thread's at the bottom level.
fn cur_env(l: State) -> *mut GcTab {
    let cf = cur_func(l);
    // SAFETY: cf, when non-null, is the running function, live in its frame
    // slot; the thread's env is read by value.
    unsafe {
        if cf.is_null() {
            (*l.as_ptr()).env
        } else {
            (*cf).env
        }
    }
}

/// Number of values of the running function on the stack (top - base).
#[inline(always)]
fn stack_count(l: State) -> usize {
    // SAFETY: base and top point into the same live stack, base <= top
    // (the thread's invariant).
    unsafe { (*l.as_ptr()).top.offset_from((*l.as_ptr()).base) as usize }
}

/// Fail unless the running function has at least `n` values on the stack
/// (LuaJIT checks this only in assertion builds; a wrong count would make
/// the API read or write the frame below).
#[inline(always)]
pub fn api_check_nelems(l: State, n: usize) {
    if n > stack_count(l) {
        api_fail(l, "not enough elements in the stack");
    }
}

/// Address of the value at an acceptable index; null for "none". The
/// address is a slot of the stack between base and top, the registry
/// field, the thread's scratch slot (globals, environment) or an upvalue
/// slot of the running C function; valid until the stack is reallocated
/// or the next pseudo-index lookup.
#[inline(always)]
pub fn index2adr(l: State, idx: c_int) -> *mut TValue {
    if idx > 0 {
        // SAFETY: fields of the live thread, read by value.
        let (base, top) = unsafe { ((*l.as_ptr()).base, (*l.as_ptr()).top) };
        // Wrapping arithmetic: an index far above the top gives an address
        // past it (the stack is far below the end of the address space),
        // never a wrapped one below it.
        let p = base.wrapping_add(idx as usize - 1);
        if p >= top {
            ptr::null_mut()
        } else {
            p
        }
    } else {
        index2adr_nonpositive(l, idx)
    }
}

/// index2adr for indices relative to the top and pseudo-indices.
#[inline(never)]
fn index2adr_nonpositive(l: State, idx: c_int) -> *mut TValue {
    if idx > LUA_REGISTRYINDEX {
        // SAFETY: fields of the live thread, read by value.
        let (base, top) = unsafe { ((*l.as_ptr()).base, (*l.as_ptr()).top) };
        let p = top.wrapping_offset(idx as isize);
        if p < base {
            api_fail(l, "invalid stack index");
        }
        p
    } else if idx == LUA_REGISTRYINDEX {
        // SAFETY: the address of a field of the live global state; no
        // reference is formed.
        unsafe { &raw mut (*l.global_ptr()).registry }
    } else if idx == LUA_GLOBALSINDEX {
        let s = scratch_slot(l);
        // SAFETY: s is the thread's scratch slot; the thread's env is read
        // by value.
        unsafe { *s = TValue::gcobj(TID_TAB, (*l.as_ptr()).env as *const GcHeader) };
        s
    } else if idx == LUA_ENVIRONINDEX {
        let env = cur_env(l);
        let s = scratch_slot(l);
        // SAFETY: s is the thread's scratch slot.
        unsafe { *s = TValue::gcobj(TID_TAB, env as *const GcHeader) };
        s
    } else {
        let f = cur_func(l);
        let n = (LUA_GLOBALSINDEX - idx) as usize;
        if f.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: f is the running function (live in its frame slot); a C
        // function has nupvalues upvalue slots and 1 <= n <= nupvalues.
        unsafe {
            if (*f).is_lua() || n == 0 || n > (*f).nupvalues as usize {
                ptr::null_mut()
            } else {
                (*f).cuv(n - 1)
            }
        }
    }
}

fn api_fail(_l: State, what: &str) -> ! {
    crate::capi::fatal_misuse(what)
}

/// The value at an acceptable index (nil for "none").
#[inline]
pub fn index_value(l: State, idx: c_int) -> TValue {
    let p = index2adr(l, idx);
    if p.is_null() {
        TValue::NIL
    } else {
        // SAFETY: a non-null index2adr result is the address of a live
        // value slot.
        unsafe { *p }
    }
}

/// The value at an acceptable index, or None for "none".
#[inline]
pub fn index_value_opt(l: State, idx: c_int) -> Option<TValue> {
    let p = index2adr(l, idx);
    // SAFETY: a non-null index2adr result is the address of a live value
    // slot.
    (!p.is_null()).then(|| unsafe { *p })
}

/// Address of the value at an index that must exist.
#[inline]
fn get_ex(l: State, idx: c_int) -> *mut TValue {
    let p = index2adr(l, idx);
    if p.is_null() {
        api_fail(l, "invalid stack index");
    }
    p
}

/// Address of the stack slot at a (non-pseudo) index that must exist.
fn stack_slot(l: State, idx: c_int) -> *mut TValue {
    if idx <= LUA_REGISTRYINDEX {
        api_fail(l, "invalid stack index");
    }
    get_ex(l, idx)
}

/// Store `v` in the stack slot at (non-pseudo) index `idx`, which must
/// exist. No barrier: stack slots take none.
#[inline]
pub fn set_stack_value(l: State, idx: c_int, v: TValue) {
    let p = stack_slot(l, idx);
    // SAFETY: stack_slot gives a slot of the live stack, between base and
    // top.
    unsafe { *p = v };
}

/// The value at top-1-`i`, which must belong to the running function.
#[inline(always)]
pub fn top_value(l: State, i: usize) -> TValue {
    api_check_nelems(l, i + 1);
    // SAFETY: top-1-i is at or above base (checked), a slot of the live
    // stack.
    unsafe { *(*l.as_ptr()).top.sub(1 + i) }
}

/// Store `v` at top-1-`i`, which must belong to the running function.
#[inline(always)]
pub fn set_top_value(l: State, i: usize, v: TValue) {
    api_check_nelems(l, i + 1);
    // SAFETY: as in top_value.
    unsafe { *(*l.as_ptr()).top.sub(1 + i) = v };
}

/// Drop the `n` top values, which must belong to the running function.
#[inline(always)]
pub fn pop_n(l: State, n: usize) {
    api_check_nelems(l, n);
    // SAFETY: top-n is at or above base (checked).
    unsafe { (*l.as_ptr()).top = (*l.as_ptr()).top.sub(n) };
}

#[inline]
pub fn api_push(l: State, v: TValue) {
    vm::push(l, v)
}

/// The bytes of a C string, without its NUL.
///
/// # Safety
/// `s` is non-null and points to a NUL-terminated string that stays valid
/// and unchanged while the returned slice (of the caller's lifetime `'a`)
/// is used.
pub unsafe fn cstr<'a>(s: *const c_char) -> &'a [u8] {
    // SAFETY: the caller's contract.
    unsafe { std::ffi::CStr::from_ptr(s).to_bytes() }
}

fn str_tv(l: State, s: &[u8]) -> TValue {
    if s.len() >= string::MAX_STR_LEN {
        // Raised on this thread (the interning check cannot know it).
        error::throw_msg(l, "string length overflow");
    }
    l.new_str(s)
}

// ---- State manipulation.

/// # Safety
/// `f`, when set, is an allocator with `lua_Alloc`'s contract, and `ud` is
/// what it expects as its first argument.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_newstate(f: lua_Alloc, ud: *mut c_void) -> *mut lua_State {
    // SAFETY: f with ud keeps the lua_Alloc contract (this function's
    // contract).
    unsafe { new_state(f, ud) }.map_or(ptr::null_mut(), State::as_ptr)
}

#[no_mangle]
pub extern "C-unwind" fn lua_close(L: State) {
    close_state(L.main_thread());
}

#[no_mangle]
pub extern "C-unwind" fn lua_newthread(L: State) -> *mut lua_State {
    let l1 = new_thread(L);
    api_push(L, TValue::gcobj(TID_THREAD, l1.as_ptr() as *const GcHeader));
    gc::check(L);
    l1.as_ptr()
}

/// # Safety
/// `panicf`, when set, is a C function that may be called with this state
/// (it is called on an unprotected error).
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_atpanic(L: State, panicf: lua_CFunction) -> lua_CFunction {
    let g = L.global_ptr();
    // SAFETY: a field of the live global state, read and written by value.
    unsafe {
        let old = (*g).panic;
        (*g).panic = panicf;
        old
    }
}

// ---- Basic stack manipulation.

#[no_mangle]
pub extern "C-unwind" fn lua_gettop(L: State) -> c_int {
    stack_count(L) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_settop(L: State, idx: c_int) {
    let l = L.as_ptr();
    if idx >= 0 {
        // SAFETY: base and maxstack point into the live stack.
        let room = unsafe { (*l).maxstack.offset_from((*l).base) } as usize;
        if idx as usize > room {
            api_fail(L, "lua_settop beyond the stack");
        }
        // SAFETY: base+idx is at most maxstack (checked), and the slots
        // from top up to it are inside the stack.
        unsafe {
            let nt = (*l).base.add(idx as usize);
            while (*l).top < nt {
                *(*l).top = TValue::NIL;
                (*l).top = (*l).top.add(1);
            }
            (*l).top = nt;
        }
    } else {
        if (idx as isize + 1).unsigned_abs() > stack_count(L) {
            api_fail(L, "invalid new top");
        }
        // SAFETY: top+idx+1 is at or above base (checked).
        unsafe { (*l).top = (*l).top.offset(idx as isize + 1) };
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushvalue(L: State, idx: c_int) {
    let v = index_value(L, idx);
    api_push(L, v);
}

#[no_mangle]
pub extern "C-unwind" fn lua_remove(L: State, idx: c_int) {
    let p = stack_slot(L, idx);
    // SAFETY: p is a stack slot in [base, top), so the slots above it up to
    // top are live and top-1 stays at or above base.
    unsafe {
        let n = (*L.as_ptr()).top.offset_from(p) as usize - 1;
        ptr::copy(p.add(1), p, n);
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_insert(L: State, idx: c_int) {
    let p = stack_slot(L, idx);
    // SAFETY: p is a stack slot in [base, top), so top-1 is at or above p
    // and the slots between them are live.
    unsafe {
        let top = (*L.as_ptr()).top.sub(1);
        let v = *top;
        let n = top.offset_from(p) as usize;
        ptr::copy(p, p.add(1), n);
        *p = v;
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_replace(L: State, idx: c_int) {
    let v = top_value(L, 0);
    if idx == LUA_ENVIRONINDEX {
        let f = cur_func(L);
        if !v.is_tab() {
            error::throw_msg(L, "bad environment table");
        }
        if !f.is_null() {
            // SAFETY: f is the running function, live in its frame slot;
            // v was stored into it.
            unsafe {
                (*f).env = v.as_ptr();
                leaf::barrier_obj(L, f as *mut GcHeader, v);
            }
        }
    } else if idx == LUA_GLOBALSINDEX {
        if !v.is_tab() {
            error::throw_msg(L, "bad environment table");
        }
        // SAFETY: a field of the live thread, written by value.
        unsafe { (*L.as_ptr()).env = v.as_ptr() };
    } else {
        let p = get_ex(L, idx);
        // SAFETY: get_ex returns the address of a live value slot.
        unsafe { *p = v };
        barrier_cupvalue(L, idx, v);
    }
    pop_n(L, 1);
}

#[no_mangle]
pub extern "C-unwind" fn lua_copy(L: State, fromidx: c_int, toidx: c_int) {
    let v = index_value(L, fromidx);
    let p = get_ex(L, toidx);
    // SAFETY: get_ex returns the address of a live value slot.
    unsafe { *p = v };
    barrier_cupvalue(L, toidx, v);
}

/// Barrier for a store through an upvalue pseudo-index of the running C function.
fn barrier_cupvalue(L: State, idx: c_int, v: TValue) {
    if idx < LUA_GLOBALSINDEX {
        let f = cur_func(L);
        if !f.is_null() {
            // SAFETY: f is the running function, live in its frame slot;
            // v was stored into one of its upvalues.
            unsafe { leaf::barrier_obj(L, f as *mut GcHeader, v) };
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_checkstack(L: State, sz: c_int) -> c_int {
    // LuaJIT's rule: at most LUAI_MAXCSTACK slots in use by the running
    // function; growing the stack may raise a stack overflow error.
    let used = stack_count(L) as isize;
    if sz as isize > LUAI_MAXCSTACK as isize || used + sz as isize > LUAI_MAXCSTACK as isize {
        return 0;
    }
    if sz > 0 {
        reserve_stack(L, sz as usize);
    }
    1
}

#[no_mangle]
pub extern "C-unwind" fn lua_xmove(from: State, to: State, n: c_int) {
    if from == to || n <= 0 {
        return;
    }
    api_check_nelems(from, n as usize);
    check_stack(to, n as usize);
    // SAFETY: n values of from's running function are below its top
    // (checked); check_stack made room for n more on to's stack.
    unsafe {
        let src = (*from.as_ptr()).top.sub(n as usize);
        for i in 0..n as usize {
            *(*to.as_ptr()).top = *src.add(i);
            (*to.as_ptr()).top = (*to.as_ptr()).top.add(1);
        }
        (*from.as_ptr()).top = src;
    }
}

// ---- Access functions.

#[no_mangle]
pub extern "C-unwind" fn lua_type(L: State, idx: c_int) -> c_int {
    let p = index2adr(L, idx);
    if p.is_null() {
        LUA_TNONE
    } else {
        // SAFETY: a non-null index2adr result is a live value slot.
        lua_type_of(unsafe { *p })
    }
}

const TYPENAMES_C: [&[u8]; 12] = [
    b"no value\0",
    b"nil\0",
    b"boolean\0",
    b"userdata\0",
    b"number\0",
    b"string\0",
    b"table\0",
    b"function\0",
    b"userdata\0",
    b"thread\0",
    b"proto\0",
    b"cdata\0",
];

#[no_mangle]
pub extern "C-unwind" fn lua_typename(_L: State, t: c_int) -> *const c_char {
    let i = (t + 1).clamp(0, 11) as usize;
    TYPENAMES_C[i].as_ptr() as *const c_char
}

#[no_mangle]
pub extern "C-unwind" fn lua_isnumber(L: State, idx: c_int) -> c_int {
    let v = index_value(L, idx);
    (meta::to_number(v).is_some()) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_isstring(L: State, idx: c_int) -> c_int {
    let v = index_value(L, idx);
    (v.is_str() || v.is_num()) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_iscfunction(L: State, idx: c_int) -> c_int {
    let v = index_value(L, idx);
    // SAFETY: a function value at a valid index is a live function.
    (v.is_func() && !unsafe { (*v.as_ptr::<GcFunc>()).is_lua() }) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_isuserdata(L: State, idx: c_int) -> c_int {
    let v = index_value(L, idx);
    (v.is_udata() || v.is_lightud()) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawequal(L: State, i1: c_int, i2: c_int) -> c_int {
    let (a, b) = (index2adr(L, i1), index2adr(L, i2));
    if a.is_null() || b.is_null() {
        return 0;
    }
    // SAFETY: non-null index2adr results are live value slots.
    let (a, b) = unsafe { (*a, *b) };
    meta::raw_equal(a, b) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_equal(L: State, i1: c_int, i2: c_int) -> c_int {
    let (a, b) = (index2adr(L, i1), index2adr(L, i2));
    if a.is_null() || b.is_null() {
        return 0;
    }
    // SAFETY: non-null index2adr results are live value slots.
    let (a, b) = unsafe { (*a, *b) };
    meta::equal(L, a, b) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_lessthan(L: State, i1: c_int, i2: c_int) -> c_int {
    let (a, b) = (index2adr(L, i1), index2adr(L, i2));
    if a.is_null() || b.is_null() {
        return 0;
    }
    // SAFETY: non-null index2adr results are live value slots.
    let (a, b) = unsafe { (*a, *b) };
    meta::compare(L, a, b, false) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_tonumber(L: State, idx: c_int) -> lua_Number {
    let v = index_value(L, idx);
    meta::to_number(v).unwrap_or(0.0)
}

/// # Safety
/// `isnum` is null or points to a writable `int`.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_tonumberx(
    L: State,
    idx: c_int,
    isnum: *mut c_int,
) -> lua_Number {
    let v = index_value(L, idx);
    let r = meta::to_number(v);
    if !isnum.is_null() {
        // SAFETY: a non-null isnum is writable (the function's contract).
        unsafe { *isnum = r.is_some() as c_int };
    }
    r.unwrap_or(0.0)
}

/// LuaJIT's number to integer conversion for lua_tointeger (truncation).
pub fn num_to_integer(n: f64) -> lua_Integer {
    if n.is_nan() {
        return 0;
    }
    n as i64 as lua_Integer
}

#[no_mangle]
pub extern "C-unwind" fn lua_tointeger(L: State, idx: c_int) -> lua_Integer {
    let v = index_value(L, idx);
    meta::to_number(v).map(num_to_integer).unwrap_or(0)
}

/// # Safety
/// `isnum` is null or points to a writable `int`.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_tointegerx(
    L: State,
    idx: c_int,
    isnum: *mut c_int,
) -> lua_Integer {
    let v = index_value(L, idx);
    let r = meta::to_number(v);
    if !isnum.is_null() {
        // SAFETY: a non-null isnum is writable (the function's contract).
        unsafe { *isnum = r.is_some() as c_int };
    }
    r.map(num_to_integer).unwrap_or(0)
}

#[no_mangle]
pub extern "C-unwind" fn lua_toboolean(L: State, idx: c_int) -> c_int {
    let v = index_value(L, idx);
    v.is_truthy() as c_int
}

/// The string of a number, as lua_tolstring converts it.
fn number_to_string(L: State, n: f64) -> *mut GcStr {
    let mut b = crate::mem::ShortBuf::of(L);
    crate::numfmt::fmt_number(n, &mut b);
    L.intern(&b)
}

/// # Safety
/// `len` is null or points to a writable `size_t`. The result points into
/// the string at `idx`: valid while that value stays reachable.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_tolstring(
    L: State,
    idx: c_int,
    len: *mut usize,
) -> *const c_char {
    let p = index2adr(L, idx);
    let v = if p.is_null() {
        TValue::NIL
    } else {
        // SAFETY: a non-null index2adr result is a live value slot.
        unsafe { *p }
    };
    let s: *mut GcStr = if v.is_str() {
        v.as_ptr()
    } else if v.is_num() {
        let s = number_to_string(L, v.as_num());
        // The string is anchored in the slot before the collector runs.
        // SAFETY: p is the slot v was read from (non-null: v is a number);
        // interning moved no stack slot.
        unsafe { *p = meta::str_value(s) };
        gc::check(L);
        s
    } else {
        if !len.is_null() {
            // SAFETY: a non-null len is writable (the function's contract).
            unsafe { *len = 0 };
        }
        return ptr::null();
    };
    // SAFETY: s is a live string (in the slot at idx); a non-null len is
    // writable.
    unsafe {
        if !len.is_null() {
            *len = (*s).len as usize;
        }
        (*s).data() as *const c_char
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_objlen(L: State, idx: c_int) -> usize {
    let p = index2adr(L, idx);
    let v = if p.is_null() {
        TValue::NIL
    } else {
        // SAFETY: a non-null index2adr result is a live value slot.
        unsafe { *p }
    };
    if v.is_str() {
        // SAFETY: a string value at a valid index is a live string.
        unsafe { (*v.as_ptr::<GcStr>()).len as usize }
    } else if v.is_tab() {
        // SAFETY: a table value at a valid index is a live table.
        unsafe { table::len(v.as_ptr()) as usize }
    } else if v.is_udata() {
        // SAFETY: a userdata value at a valid index is a live userdata.
        unsafe { (*v.as_ptr::<GcUdata>()).len as usize }
    } else if v.is_num() {
        let s = number_to_string(L, v.as_num());
        // SAFETY: p is the slot v was read from (non-null: v is a number);
        // interning moved no stack slot. s is the live string stored there.
        unsafe {
            *p = meta::str_value(s);
            (*s).len as usize
        }
    } else {
        0
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_tocfunction(L: State, idx: c_int) -> lua_CFunction {
    let v = index_value(L, idx);
    if !v.is_func() {
        return None;
    }
    // SAFETY: a function value at a valid index is a live function; the
    // shared reference ends with this function, which changes nothing.
    let f = unsafe { &*v.as_ptr::<GcFunc>() };
    if f.is_lua() {
        None
    } else {
        f.f
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_touserdata(L: State, idx: c_int) -> *mut c_void {
    let v = index_value(L, idx);
    if v.is_udata() {
        udata::payload(v.as_ptr()) as *mut c_void
    } else if v.is_lightud() {
        v.payload() as *mut c_void
    } else {
        ptr::null_mut()
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_tothread(L: State, idx: c_int) -> *mut lua_State {
    let v = index_value(L, idx);
    if v.is_thread() {
        v.as_ptr()
    } else {
        ptr::null_mut()
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_topointer(L: State, idx: c_int) -> *const c_void {
    let v = index_value(L, idx);
    if v.is_udata() {
        udata::payload(v.as_ptr()) as *const c_void
    } else if v.is(TID_CDATA) {
        // The address of the C value, as in LuaJIT.
        crate::ffi::cdata::payload(v.as_ptr()) as *const c_void
    } else if v.is_gc() || v.is_lightud() {
        v.payload() as *const c_void
    } else {
        ptr::null()
    }
}

// ---- Push functions.

#[no_mangle]
pub extern "C-unwind" fn lua_pushnil(L: State) {
    api_push(L, TValue::NIL);
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushnumber(L: State, n: lua_Number) {
    api_push(L, TValue::num_checked(n));
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushinteger(L: State, n: lua_Integer) {
    api_push(L, TValue::num(n as f64));
}

/// # Safety
/// `s` points to `len` readable bytes (it may be null when `len` is 0).
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushlstring(L: State, s: *const c_char, len: usize) {
    let b = if len == 0 {
        &[][..]
    } else {
        // SAFETY: the function's contract: len readable bytes at s.
        unsafe { std::slice::from_raw_parts(s as *const u8, len) }
    };
    let v = str_tv(L, b);
    api_push(L, v);
    gc::check(L);
}

/// # Safety
/// `s` is null or points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushstring(L: State, s: *const c_char) {
    if s.is_null() {
        api_push(L, TValue::NIL);
        return;
    }
    // SAFETY: the function's contract; the bytes are copied at once.
    let v = str_tv(L, unsafe { cstr(s) });
    api_push(L, v);
    gc::check(L);
}

/// # Safety
/// `f` is a C function that may be called with this state's threads: the
/// VM calls it as a `lua_CFunction` whenever the closure is called.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushcclosure(L: State, f: lua_CFunction, n: c_int) {
    let n = n.max(0) as usize;
    api_check_nelems(L, n);
    let fnp = leaf::new_cfunc(L, f, n, cur_env(L));
    // SAFETY: n values of the running function are below top (checked);
    // fnp is the new closure with n upvalue slots.
    unsafe {
        let src = (*L.as_ptr()).top.sub(n);
        for i in 0..n {
            *(*fnp).cuv(i) = *src.add(i);
        }
        (*L.as_ptr()).top = src;
    }
    api_push(L, TValue::gcobj(TID_FUNC, fnp as *const GcHeader));
    gc::check(L);
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushboolean(L: State, b: c_int) {
    api_push(L, TValue::bool(b != 0));
}

/// `p` is stored as a value, never dereferenced.
#[no_mangle]
pub extern "C-unwind" fn lua_pushlightuserdata(L: State, p: *mut c_void) {
    api_push(L, TValue::lightud(p));
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushthread(L: State) -> c_int {
    api_push(L, TValue::gcobj(TID_THREAD, L.as_ptr() as *const GcHeader));
    L.is_main_thread() as c_int
}

// ---- Get functions.

#[no_mangle]
pub extern "C-unwind" fn lua_gettable(L: State, idx: c_int) {
    let t = get_ex_value(L, idx);
    let k = top_value(L, 0);
    let v = meta::index(L, t, k, error::Operand::None);
    set_top_value(L, 0, v);
}

/// The value at an index that must exist.
#[inline]
fn get_ex_value(L: State, idx: c_int) -> TValue {
    let p = get_ex(L, idx);
    // SAFETY: get_ex returns the address of a live value slot.
    unsafe { *p }
}

/// The table at an index that must hold one.
#[inline]
fn get_table(L: State, idx: c_int, what: &str) -> *mut GcTab {
    let t = get_ex_value(L, idx);
    if !t.is_tab() {
        api_fail(L, what);
    }
    t.as_ptr()
}

/// # Safety
/// `k` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getfield(L: State, idx: c_int, k: *const c_char) {
    let t = get_ex_value(L, idx);
    // SAFETY: the function's contract; the bytes are interned at once.
    let key = str_tv(L, unsafe { cstr(k) });
    let v = meta::index(L, t, key, error::Operand::None);
    api_push(L, v);
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawget(L: State, idx: c_int) {
    let t = get_table(L, idx, "lua_rawget on a non-table");
    let k = top_value(L, 0);
    // SAFETY: t is the table at a valid index, so live.
    set_top_value(L, 0, unsafe { table::get(t, k) });
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawgeti(L: State, idx: c_int, n: c_int) {
    let t = get_table(L, idx, "lua_rawgeti on a non-table");
    // SAFETY: t is the table at a valid index, so live.
    api_push(L, unsafe { table::get_int(t, n as i64) });
}

#[no_mangle]
pub extern "C-unwind" fn lua_createtable(L: State, narr: c_int, nrec: c_int) {
    let t = leaf::new_table(L, narr, nrec);
    api_push(L, TValue::gcobj(TID_TAB, t as *const GcHeader));
    gc::check(L);
}

#[no_mangle]
pub extern "C-unwind" fn lua_newuserdata(L: State, sz: usize) -> *mut c_void {
    let u = leaf::new_udata(L, sz, cur_env(L));
    api_push(L, TValue::gcobj(TID_UDATA, u as *const GcHeader));
    gc::check(L);
    udata::payload(u) as *mut c_void
}

#[no_mangle]
pub extern "C-unwind" fn lua_getmetatable(L: State, idx: c_int) -> c_int {
    let v = index_value(L, idx);
    let mt = leaf::metatable_of(L, v);
    if mt.is_null() {
        0
    } else {
        api_push(L, TValue::gcobj(TID_TAB, mt as *const GcHeader));
        1
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_getfenv(L: State, idx: c_int) {
    let v = index_value(L, idx);
    // SAFETY: a value at a valid index is a live object of the tested type.
    let env = unsafe {
        if v.is_func() {
            (*v.as_ptr::<GcFunc>()).env
        } else if v.is_udata() {
            (*v.as_ptr::<GcUdata>()).env
        } else if v.is_thread() {
            (*v.as_ptr::<lua_State>()).env
        } else {
            ptr::null_mut()
        }
    };
    if env.is_null() {
        api_push(L, TValue::NIL);
    } else {
        api_push(L, TValue::gcobj(TID_TAB, env as *const GcHeader));
    }
}

// ---- Set functions.

#[no_mangle]
pub extern "C-unwind" fn lua_settable(L: State, idx: c_int) {
    let t = get_ex_value(L, idx);
    let k = top_value(L, 1);
    let v = top_value(L, 0);
    meta::newindex(L, t, k, v, error::Operand::None);
    pop_n(L, 2);
}

/// # Safety
/// `k` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setfield(L: State, idx: c_int, k: *const c_char) {
    let t = get_ex_value(L, idx);
    // SAFETY: the function's contract; the bytes are interned at once.
    let key = str_tv(L, unsafe { cstr(k) });
    let v = top_value(L, 0);
    meta::newindex(L, t, key, v, error::Operand::None);
    pop_n(L, 1);
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawset(L: State, idx: c_int) {
    let t = get_table(L, idx, "lua_rawset on a non-table");
    let k = top_value(L, 1);
    let v = top_value(L, 0);
    // SAFETY: t is the table at a valid index, so live.
    unsafe { meta::raw_set(L, t, k, v) };
    pop_n(L, 2);
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawseti(L: State, idx: c_int, n: c_int) {
    let t = get_table(L, idx, "lua_rawseti on a non-table");
    let v = top_value(L, 0);
    // SAFETY: t is the table at a valid index, so live; the slot found or
    // made for n is written at once, then the barrier.
    unsafe {
        *leaf::set_int_slot(L, t, n as i64) = v;
        L.barrier_table(t);
    }
    pop_n(L, 1);
}

#[no_mangle]
pub extern "C-unwind" fn lua_setmetatable(L: State, idx: c_int) -> c_int {
    let o = get_ex_value(L, idx);
    let mtv = top_value(L, 0);
    let mt: *mut GcTab = if mtv.is_nil() {
        ptr::null_mut()
    } else if mtv.is_tab() {
        mtv.as_ptr()
    } else {
        api_fail(L, "lua_setmetatable with a non-table")
    };
    if o.is_tab() {
        // SAFETY: a table value at a valid index is a live table; mt was
        // stored into it.
        unsafe {
            (*o.as_ptr::<GcTab>()).metatable = mt;
            L.barrier_table(o.as_ptr());
        }
    } else if o.is_udata() {
        // SAFETY: a userdata value at a valid index is a live userdata; mt
        // (null or the table on top) was stored into it.
        unsafe {
            (*o.as_ptr::<GcUdata>()).metatable = mt;
            leaf::barrier_obj_ptr(L, o.gc_ptr(), mt as *mut GcHeader);
        }
    } else {
        // SAFETY: a field of the live global state, written by value
        // (lua_type_of is below the number of types, basemt's length).
        unsafe { (*L.global_ptr()).basemt[lua_type_of(o) as usize] = mt };
    }
    pop_n(L, 1);
    1
}

#[no_mangle]
pub extern "C-unwind" fn lua_setfenv(L: State, idx: c_int) -> c_int {
    let o = get_ex_value(L, idx);
    let e = top_value(L, 0);
    pop_n(L, 1);
    if !e.is_tab() {
        return 0;
    }
    let t: *mut GcTab = e.as_ptr();
    // SAFETY: a value at a valid index is a live object of the tested type
    // (it stays reachable: popping the table moved no other slot).
    unsafe {
        if o.is_func() {
            (*o.as_ptr::<GcFunc>()).env = t;
        } else if o.is_udata() {
            (*o.as_ptr::<GcUdata>()).env = t;
        } else if o.is_thread() {
            (*o.as_ptr::<lua_State>()).env = t;
            return 1;
        } else {
            return 0;
        }
        // e was stored into the live object o.
        leaf::barrier_obj(L, o.gc_ptr(), e);
    }
    1
}

// ---- Calls.

/// Call the function below `nargs` arguments at the top (API layout:
/// function immediately followed by its arguments).
pub fn api_call(L: State, nargs: usize, nresults: c_int) {
    api_check_nelems(L, nargs.saturating_add(1));
    check_stack(L, 1);
    let l = L.as_ptr();
    // SAFETY: the function and its nargs arguments are the top values of
    // the running function (checked), and check_stack made room for one
    // more slot: the arguments move up by one, leaving the frame link slot
    // between the function and them (FR2 layout).
    let (func_off, base_off, nccalls, savedpc) = unsafe {
        let func = (*l).top.sub(nargs + 1);
        ptr::copy(func.add(1), func.add(2), nargs);
        (*l).top = (*l).top.add(1);
        (
            func.offset_from((*l).stack),
            (*l).base.offset_from((*l).stack),
            (*l).nccalls,
            (*l).savedpc,
        )
    };
    let n = match error::catch(|| vm::call_native(L, func_off, nargs, FRAME_C)) {
        Ok(n) => n,
        Err(p) => {
            if p.is::<error::CxxException>() {
                // A C++ exception passes through unprotected calls to
                // the C++ code that catches it (as in LuaJIT); the
                // state must then look as before the call.
                // SAFETY: func_off and base_off are offsets of slots that
                // existed before the call; the stack only grows meanwhile
                // (offsets survive its reallocation).
                let func = unsafe { (*l).stack.offset(func_off) };
                func::close_upvals(L, func);
                // SAFETY: as above; fields of the live thread, by value.
                unsafe {
                    (*l).nccalls = nccalls;
                    (*l).base = (*l).stack.offset(base_off);
                    (*l).savedpc = savedpc;
                    (*l).top = func;
                }
            }
            error::rethrow_on(L, p)
        }
    };
    if nresults >= 0 {
        let want = nresults as usize;
        if want > n {
            // Room for the missing results (the results end at top).
            check_stack(L, want - n);
        }
        // SAFETY: the n results start at the function's slot (func_off) and
        // end at top; check_stack made room for the missing ones.
        unsafe {
            let func = (*l).stack.offset(func_off);
            for i in n..want {
                *func.add(i) = TValue::NIL;
            }
            (*l).top = func.add(want);
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_call(L: State, nargs: c_int, nresults: c_int) {
    api_call(L, nargs as usize, nresults);
}

/// Stack offset (slots from the stack's start) of `l`'s top.
#[inline]
pub fn top_offset(l: State) -> isize {
    // SAFETY: top and stack point into the same live stack.
    unsafe { (*l.as_ptr()).top.offset_from((*l.as_ptr()).stack) }
}

/// Stack offset of the running function's base (its slot 1).
#[inline]
pub fn base_offset(l: State) -> isize {
    // SAFETY: base and stack point into the same live stack.
    unsafe { (*l.as_ptr()).base.offset_from((*l.as_ptr()).stack) }
}

/// Stack offset of the stack slot at a (non-pseudo) index that must exist.
fn slot_offset(l: State, idx: c_int) -> isize {
    let p = stack_slot(l, idx);
    // SAFETY: stack_slot gives a slot of l's live stack.
    unsafe { p.offset_from((*l.as_ptr()).stack) }
}

/// Run `f` protected; on error, the stack is cut back to `restore_off`
/// (a stack offset from base to top), the error object pushed and the
/// status returned. `handler_off` is 0 or the stack offset of the error
/// handler, below `restore_off`.
pub fn api_pcall(L: State, restore_off: isize, handler_off: usize, f: impl FnOnce()) -> c_int {
    let l = L.as_ptr();
    let (base_off, top_off) = (base_offset(L), top_offset(L));
    if restore_off < base_off || restore_off > top_off || handler_off as isize >= top_off {
        api_fail(L, "invalid protected call frame");
    }
    // SAFETY: fields of the live thread, read by value.
    let (nccalls, savedpc, nprot) = unsafe { ((*l).nccalls, (*l).savedpc, (*l).protect.len) };
    let rec = Protect {
        base: restore_off as usize,
        handler: handler_off,
        nlevel: nccalls,
        kind: PROT_NATIVE,
    };
    // SAFETY: pushing the record only allocates through the global
    // state's allocator (a leaf: no Lua code, no collector step), so the
    // global state is reached by nothing else meanwhile; the record list
    // is a field of the live thread, distinct from the global state.
    unsafe { (*l).protect.push(L.global_mut(), rec) };
    let g = L.global_ptr();
    // SAFETY: a field of the live global state, read and written by value.
    let outer = unsafe {
        let outer = (*g).cur_thread;
        (*g).cur_thread = l;
        outer
    };
    let r = error::catch(f);
    // SAFETY: fields of the live global state and thread, by value; the
    // records pushed inside f are dropped with this one.
    unsafe {
        (*g).cur_thread = outer;
        (*l).protect.len = nprot;
    }
    match r {
        Ok(()) => 0,
        Err(p) => {
            if p.is::<vm::YieldUnwind>() {
                error::rethrow(p);
            }
            let status = error::caught_status(L, p);
            // SAFETY: restore_off was between base and top on entry, and the
            // stack only grows meanwhile (offsets survive reallocation).
            let restore = unsafe { (*l).stack.offset(restore_off) };
            func::close_upvals(L, restore);
            // SAFETY: as above; fields of the live thread, by value.
            unsafe {
                (*l).nccalls = nccalls;
                (*l).base = (*l).stack.offset(base_off);
                (*l).savedpc = savedpc;
                (*l).top = restore;
            }
            // With the stack cut back, an enlarged stack may shrink.
            end_overflow(L);
            let e = if status == LUA_ERRMEM {
                leaf::oom_value(L)
            } else {
                // SAFETY: a field of the live thread, by value.
                unsafe { (*l).errobj }
            };
            // SAFETY: a field of the live thread, by value.
            unsafe { (*l).errobj = TValue::NIL };
            api_push(L, e);
            status as c_int
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_pcall(
    L: State,
    nargs: c_int,
    nresults: c_int,
    errfunc: c_int,
) -> c_int {
    let handler = if errfunc == 0 {
        0
    } else {
        slot_offset(L, errfunc) as usize
    };
    let nvalues = (nargs as usize).saturating_add(1);
    api_check_nelems(L, nvalues);
    // The function and its arguments are the top nargs+1 values.
    let func_off = top_offset(L) - nvalues as isize;
    api_pcall(L, func_off, handler, || {
        api_call(L, nargs as usize, nresults)
    })
}

/// # Safety
/// `f` is a C function that may be called with this state; `ud` is what it
/// expects as its light userdata argument.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_cpcall(L: State, f: lua_CFunction, ud: *mut c_void) -> c_int {
    api_pcall(L, top_offset(L), 0, || {
        // SAFETY: a field of the live thread, by value.
        let env = unsafe { (*L.as_ptr()).env };
        let fnp = leaf::new_cfunc(L, f, 0, env);
        api_push(L, TValue::gcobj(TID_FUNC, fnp as *const GcHeader));
        api_push(L, TValue::lightud(ud));
        api_call(L, 1, 0);
    })
}

#[no_mangle]
pub extern "C-unwind" fn lua_error(L: State) -> c_int {
    error::throw(L)
}

#[no_mangle]
pub extern "C-unwind" fn lua_next(L: State, idx: c_int) -> c_int {
    let t = get_table(L, idx, "lua_next on a non-table");
    let k = top_value(L, 0);
    // SAFETY: t is the table at a valid index, so live.
    match unsafe { leaf::table_next(L, t, k) } {
        Ok(Some((nk, nv))) => {
            set_top_value(L, 0, nk);
            api_push(L, nv);
            1
        }
        Ok(None) => {
            pop_n(L, 1);
            0
        }
        Err(()) => error::throw_msg(L, "invalid key to 'next'"),
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_concat(L: State, n: c_int) {
    if n >= 2 {
        let n = n as usize;
        api_check_nelems(L, n);
        // SAFETY: the n top values belong to the running function (checked).
        let (first, last) = unsafe { ((*L.as_ptr()).top.sub(n), (*L.as_ptr()).top.sub(1)) };
        // SAFETY: first..=last are the n top slots, below top.
        let r = unsafe { meta::concat(L, first, last) };
        // meta::concat may have reallocated the stack: the operands are
        // found again from top, which it left where it was.
        set_top_value(L, n - 1, r);
        pop_n(L, n - 1);
    } else if n == 0 {
        api_push(L, str_tv(L, b""));
    }
    gc::check(L);
}

/// # Safety
/// `ud` is null or points to a writable `void *`.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getallocf(L: State, ud: *mut *mut c_void) -> lua_Alloc {
    let g = L.global_ptr();
    // SAFETY: fields of the live global state, read by value; a non-null ud
    // is writable (the function's contract).
    unsafe {
        if !ud.is_null() {
            *ud = (*g).allocud;
        }
        (*g).allocf
    }
}

/// # Safety
/// `f` is an allocator with `lua_Alloc`'s contract that can reallocate and
/// free the blocks the state's current allocator gave out; `ud` is what it
/// expects as its first argument.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setallocf(L: State, f: lua_Alloc, ud: *mut c_void) {
    let g = L.global_ptr();
    // SAFETY: fields of the live global state, written by value.
    unsafe {
        (*g).allocf = f;
        (*g).allocud = ud;
    }
}

// ---- Coroutines.

#[no_mangle]
pub extern "C-unwind" fn lua_yield(L: State, nresults: c_int) -> c_int {
    vm::yield_values(L, nresults.max(0) as usize)
}

#[no_mangle]
pub extern "C-unwind" fn lua_resume(L: State, narg: c_int) -> c_int {
    if lua_status(L) != LUA_OK as c_int && lua_status(L) != LUA_YIELD as c_int {
        api_push(L, str_tv(L, b"cannot resume dead coroutine"));
        return LUA_ERRRUN as c_int;
    }
    vm::resume(L, L, narg.max(0) as usize).0 as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_status(L: State) -> c_int {
    // SAFETY: a field of the live thread, read by value.
    unsafe { (*L.as_ptr()).status as c_int }
}

#[no_mangle]
pub extern "C-unwind" fn lua_isyieldable(L: State) -> c_int {
    vm::is_yieldable(L) as c_int
}

// ---- GC.

pub const LUA_GCSTOP: c_int = 0;
pub const LUA_GCRESTART: c_int = 1;
pub const LUA_GCCOLLECT: c_int = 2;
pub const LUA_GCCOUNT: c_int = 3;
pub const LUA_GCCOUNTB: c_int = 4;
pub const LUA_GCSTEP: c_int = 5;
pub const LUA_GCSETPAUSE: c_int = 6;
pub const LUA_GCSETSTEPMUL: c_int = 7;
pub const LUA_GCISRUNNING: c_int = 9;

#[no_mangle]
pub extern "C-unwind" fn lua_gc(L: State, what: c_int, data: c_int) -> c_int {
    gc::control(L, what, data)
}

#[no_mangle]
pub extern "C-unwind" fn lua_version(L: Option<State>) -> *const lua_Number {
    let Some(L) = L else {
        static V: f64 = 501.0;
        return &V;
    };
    // SAFETY: the address of a field of the live global state (which
    // outlives the pointer's use by the API's contract); no reference is
    // formed.
    unsafe { &raw const (*L.global_ptr()).version }
}

// ---- OpenResty additions.

/// `exdata` is stored, never dereferenced.
#[no_mangle]
pub extern "C-unwind" fn lua_setexdata(L: State, exdata: *mut c_void) {
    // SAFETY: a field of the live thread, written by value.
    unsafe { (*L.as_ptr()).exdata = exdata };
}

#[no_mangle]
pub extern "C-unwind" fn lua_getexdata(L: State) -> *mut c_void {
    // SAFETY: a field of the live thread, read by value.
    unsafe { (*L.as_ptr()).exdata }
}

/// `exdata2` is stored, never dereferenced.
#[no_mangle]
pub extern "C-unwind" fn lua_setexdata2(L: State, exdata2: *mut c_void) {
    // SAFETY: a field of the live thread, written by value.
    unsafe { (*L.as_ptr()).exdata2 = exdata2 };
}

#[no_mangle]
pub extern "C-unwind" fn lua_getexdata2(L: State) -> *mut c_void {
    // SAFETY: a field of the live thread, read by value.
    unsafe { (*L.as_ptr()).exdata2 }
}

/// OpenResty's lua_resetthread: `th` becomes what `lua_newthread(L)` would
/// give, an empty coroutine with `L`'s globals and exdata pointers. The
/// nginx Lua module reuses finished request coroutines this way and finds a
/// coroutine's context through its exdata2: a stale pointer left there made
/// it reset a live request's context, timers included (worker segfaults).
#[no_mangle]
pub extern "C-unwind" fn lua_resetthread(L: State, th: State) {
    reset_thread(th);
    // SAFETY: fields of two live threads, by value (both handles' invariant).
    // Threads take no write barrier (the collector re-traverses them in its
    // atomic phase).
    unsafe {
        (*th.as_ptr()).env = (*L.as_ptr()).env;
        (*th.as_ptr()).exdata = (*L.as_ptr()).exdata;
        (*th.as_ptr()).exdata2 = (*L.as_ptr()).exdata2;
    }
}

// ---- Loading and dumping.

/// # Safety
/// `reader` follows `lua_Reader`'s contract for `dt` (each call returns
/// null or a block of the size it stores, valid until the next call);
/// `chunkname` and `mode` are null or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_loadx(
    L: State,
    reader: lua_Reader,
    dt: *mut c_void,
    chunkname: *const c_char,
    mode: *const c_char,
) -> c_int {
    let rd = match reader {
        Some(r) => r,
        None => api_fail(L, "lua_load without a reader"),
    };
    let name = if chunkname.is_null() {
        b"?".to_vec()
    } else {
        // SAFETY: the function's contract; the bytes are copied at once.
        crate::mem::vec_from_slice(unsafe { cstr(chunkname) })
    };
    let mode = if mode.is_null() {
        None
    } else {
        // SAFETY: the function's contract; the bytes are copied at once.
        Some(unsafe { cstr(mode) }.to_vec())
    };
    // The reader is called as the lexer needs more input; each block is
    // copied at once (it is only valid until the next reader call).
    let mut failed = 0;
    let mut read = || -> Result<Vec<u8>, ()> {
        let r = crate::capi::aux::call_reader(L, || {
            let mut sz = 0usize;
            // SAFETY: the function's contract: the reader may be called with
            // this state and dt.
            let p = unsafe { rd(L.as_ptr(), dt, &mut sz) };
            if p.is_null() || sz == 0 {
                Vec::new()
            } else {
                // SAFETY: the reader's contract: p points to sz readable
                // bytes until its next call (they are copied at once).
                crate::mem::vec_from_slice(unsafe {
                    std::slice::from_raw_parts(p as *const u8, sz)
                })
            }
        });
        r.map_err(|st| failed = st)
    };
    let src = crate::frontend::Source::Reader(&mut read);
    crate::capi::aux::load_source(L, src, &name, mode.as_deref()).unwrap_or(failed)
}

/// # Safety
/// As for [`lua_loadx`].
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_load(
    L: State,
    reader: lua_Reader,
    dt: *mut c_void,
    chunkname: *const c_char,
) -> c_int {
    // SAFETY: the caller's contract is lua_loadx's; a null mode is allowed.
    unsafe { lua_loadx(L, reader, dt, chunkname, ptr::null()) }
}

/// # Safety
/// `writer` follows `lua_Writer`'s contract for `data`.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_dump(L: State, writer: lua_Writer, data: *mut c_void) -> c_int {
    let wr = match writer {
        Some(w) => w,
        None => return 1,
    };
    let f = top_value(L, 0);
    // SAFETY: a function value on the stack is a live function.
    if !f.is_func() || !unsafe { (*f.as_ptr::<GcFunc>()).is_lua() } {
        return 1;
    }
    // Protected as in LuaJIT: running out of memory returns LUA_ERRMEM.
    let mut dumped = None;
    let status = api_pcall(L, top_offset(L), 0, || {
        // SAFETY: f is a Lua function, kept live by its stack slot below the
        // restore point; its prototype lives as long as it does, and
        // dumping runs no collection step.
        let pd = unsafe { func::proto_to_data((*f.as_ptr::<GcFunc>()).proto) };
        dumped = Some(crate::bytecode::writer::dump(&pd, false));
    });
    let bytes = match dumped {
        Some(b) if status == 0 => b,
        _ => return status,
    };
    // Written in pieces like LuaJIT (header first), stopping at the first
    // writer error.
    let split = bytes.len().min(5);
    for piece in std::iter::once(&bytes[..split]).chain(bytes[split..].chunks(512)) {
        // SAFETY: the function's contract: the writer may be called with
        // this state, a piece of readable bytes and data.
        let r = unsafe {
            wr(
                L.as_ptr(),
                piece.as_ptr() as *const c_void,
                piece.len(),
                data,
            )
        };
        if r != 0 {
            return r;
        }
    }
    0
}
