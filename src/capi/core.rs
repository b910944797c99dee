//! The `lua_*` functions of the C API.
#![allow(non_snake_case, clippy::missing_safety_doc)]

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

/// Scratch slot for pseudo-index values (environment, globals).
struct Scratch;
impl Scratch {
    fn slot(l: State) -> *mut TValue {
        // SAFETY: l is live.
        unsafe { &mut (*l.as_ptr()).scratch }
    }
}

/// The current C function (or null at the bottom level).
unsafe fn cur_func(l: State) -> *mut GcFunc {
    // SAFETY: base-2 is the function slot of the running frame.
    unsafe {
        let f = *(*l.as_ptr()).base.sub(2);
        if f.is_func() {
            f.as_ptr()
        } else {
            ptr::null_mut()
        }
    }
}

/// Address of the value at an acceptable index; null for "none".
pub unsafe fn index2adr(l: State, idx: c_int) -> *mut TValue {
    // SAFETY: l is live; indices are checked against base/top.
    unsafe {
        if idx > 0 {
            let p = (*l.as_ptr()).base.add(idx as usize - 1);
            if p >= (*l.as_ptr()).top {
                ptr::null_mut()
            } else {
                p
            }
        } else if idx > LUA_REGISTRYINDEX {
            let p = (*l.as_ptr()).top.offset(idx as isize);
            if p < (*l.as_ptr()).base {
                api_fail(l, "invalid stack index");
            }
            p
        } else if idx == LUA_REGISTRYINDEX {
            &mut g_of(l).registry
        } else if idx == LUA_GLOBALSINDEX {
            let s = Scratch::slot(l);
            *s = TValue::gcobj(TID_TAB, (*l.as_ptr()).env as *const GcHeader);
            s
        } else if idx == LUA_ENVIRONINDEX {
            let f = cur_func(l);
            let s = Scratch::slot(l);
            let env = if f.is_null() {
                (*l.as_ptr()).env
            } else {
                (*f).env
            };
            *s = TValue::gcobj(TID_TAB, env as *const GcHeader);
            s
        } else {
            let f = cur_func(l);
            let n = (LUA_GLOBALSINDEX - idx) as usize;
            if f.is_null() || (*f).is_lua() || n == 0 || n > (*f).nupvalues as usize {
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

#[inline]
unsafe fn get(l: State, idx: c_int) -> TValue {
    // SAFETY: see index2adr.
    unsafe {
        let p = index2adr(l, idx);
        if p.is_null() {
            TValue::NIL
        } else {
            *p
        }
    }
}

/// Value at an index that must exist.
#[inline]
unsafe fn get_ex(l: State, idx: c_int) -> *mut TValue {
    // SAFETY: see index2adr.
    unsafe {
        let p = index2adr(l, idx);
        if p.is_null() {
            api_fail(l, "invalid stack index");
        }
        p
    }
}

#[inline]
pub fn api_push(l: State, v: TValue) {
    vm::push(l, v)
}

pub fn cstr<'a>(s: *const c_char) -> &'a [u8] {
    // SAFETY: callers pass NUL-terminated strings.
    unsafe { std::ffi::CStr::from_ptr(s).to_bytes() }
}

fn str_tv(l: State, s: &[u8]) -> TValue {
    if s.len() >= string::MAX_STR_LEN {
        // Raised on this thread (the interning check cannot know it).
        error::throw_msg(l, "string length overflow");
    }
    string::new_str_value(g_of(l), s)
}

// ---- State manipulation.

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_newstate(f: lua_Alloc, ud: *mut c_void) -> *mut lua_State {
    new_state(f, ud).map_or(ptr::null_mut(), State::as_ptr)
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

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_atpanic(L: State, panicf: lua_CFunction) -> lua_CFunction {
    let g = g_of(L);
    let old = g.panic;
    g.panic = panicf;
    old
}

// ---- Basic stack manipulation.

#[no_mangle]
pub extern "C-unwind" fn lua_gettop(L: State) -> c_int {
    // SAFETY: top >= base for every frame.
    unsafe { (*L.as_ptr()).top.offset_from((*L.as_ptr()).base) as c_int }
}

#[no_mangle]
pub extern "C-unwind" fn lua_settop(L: State, idx: c_int) {
    // SAFETY: the new top stays within the checked stack.
    unsafe {
        if idx >= 0 {
            let nt = (*L.as_ptr()).base.add(idx as usize);
            if nt > (*L.as_ptr()).maxstack {
                api_fail(L, "lua_settop beyond the stack");
            }
            while (*L.as_ptr()).top < nt {
                *(*L.as_ptr()).top = TValue::NIL;
                (*L.as_ptr()).top = (*L.as_ptr()).top.add(1);
            }
            (*L.as_ptr()).top = nt;
        } else {
            let nt = (*L.as_ptr()).top.offset(idx as isize + 1);
            if nt < (*L.as_ptr()).base {
                api_fail(L, "invalid new top");
            }
            (*L.as_ptr()).top = nt;
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushvalue(L: State, idx: c_int) {
    let v = unsafe { get(L, idx) };
    api_push(L, v);
}

#[no_mangle]
pub extern "C-unwind" fn lua_remove(L: State, idx: c_int) {
    // SAFETY: p is a stack slot below top.
    unsafe {
        let p = get_ex(L, idx);
        let n = (*L.as_ptr()).top.offset_from(p) as usize - 1;
        ptr::copy(p.add(1), p, n);
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_insert(L: State, idx: c_int) {
    // SAFETY: p is a stack slot below top.
    unsafe {
        let p = get_ex(L, idx);
        let top = (*L.as_ptr()).top.sub(1);
        let v = *top;
        let n = top.offset_from(p) as usize;
        ptr::copy(p, p.add(1), n);
        *p = v;
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_replace(L: State, idx: c_int) {
    // SAFETY: top-1 exists.
    unsafe {
        let v = *(*L.as_ptr()).top.sub(1);
        if idx == LUA_ENVIRONINDEX {
            let f = cur_func(L);
            if !v.is_tab() {
                error::throw_msg(L, "bad environment table");
            }
            if !f.is_null() {
                (*f).env = v.as_ptr();
                gc::barrier_obj(g_of(L), f as *mut GcHeader, v);
            }
        } else if idx == LUA_GLOBALSINDEX {
            if !v.is_tab() {
                error::throw_msg(L, "bad environment table");
            }
            (*L.as_ptr()).env = v.as_ptr();
        } else {
            let p = get_ex(L, idx);
            *p = v;
            barrier_cupvalue(L, idx, v);
        }
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_copy(L: State, fromidx: c_int, toidx: c_int) {
    // SAFETY: both indices valid.
    unsafe {
        let v = get(L, fromidx);
        let p = get_ex(L, toidx);
        *p = v;
        barrier_cupvalue(L, toidx, v);
    }
}

/// Barrier for a store through an upvalue pseudo-index of the running C function.
unsafe fn barrier_cupvalue(L: State, idx: c_int, v: TValue) {
    if idx < LUA_GLOBALSINDEX {
        let f = cur_func(L);
        if !f.is_null() {
            gc::barrier_obj(g_of(L), f as *mut GcHeader, v);
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_checkstack(L: State, sz: c_int) -> c_int {
    // SAFETY: l is live.
    // LuaJIT's rule: at most LUAI_MAXCSTACK slots in use by the running
    // function; growing the stack may raise a stack overflow error.
    unsafe {
        let used = (*L.as_ptr()).top.offset_from((*L.as_ptr()).base);
        if sz as isize > LUAI_MAXCSTACK as isize || used + sz as isize > LUAI_MAXCSTACK as isize {
            return 0;
        }
        if sz > 0 {
            reserve_stack(L, sz as usize);
        }
    }
    1
}

#[no_mangle]
pub extern "C-unwind" fn lua_xmove(from: State, to: State, n: c_int) {
    if from == to || n <= 0 {
        return;
    }
    check_stack(to, n as usize);
    // SAFETY: n values exist at from's top; to has room.
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
    // SAFETY: see index2adr.
    unsafe {
        let p = index2adr(L, idx);
        if p.is_null() {
            LUA_TNONE
        } else {
            lua_type_of(*p)
        }
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
    let v = unsafe { get(L, idx) };
    (meta::to_number(v).is_some()) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_isstring(L: State, idx: c_int) -> c_int {
    let v = unsafe { get(L, idx) };
    (v.is_str() || v.is_num()) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_iscfunction(L: State, idx: c_int) -> c_int {
    let v = unsafe { get(L, idx) };
    // SAFETY: v is a live function when is_func.
    (v.is_func() && !unsafe { (*v.as_ptr::<GcFunc>()).is_lua() }) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_isuserdata(L: State, idx: c_int) -> c_int {
    let v = unsafe { get(L, idx) };
    (v.is_udata() || v.is_lightud()) as c_int
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawequal(L: State, i1: c_int, i2: c_int) -> c_int {
    // SAFETY: see index2adr.
    unsafe {
        let (a, b) = (index2adr(L, i1), index2adr(L, i2));
        if a.is_null() || b.is_null() {
            return 0;
        }
        meta::raw_equal(*a, *b) as c_int
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_equal(L: State, i1: c_int, i2: c_int) -> c_int {
    // SAFETY: see index2adr.
    unsafe {
        let (a, b) = (index2adr(L, i1), index2adr(L, i2));
        if a.is_null() || b.is_null() {
            return 0;
        }
        meta::equal(L, *a, *b) as c_int
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_lessthan(L: State, i1: c_int, i2: c_int) -> c_int {
    // SAFETY: see index2adr.
    unsafe {
        let (a, b) = (index2adr(L, i1), index2adr(L, i2));
        if a.is_null() || b.is_null() {
            return 0;
        }
        meta::compare(L, *a, *b, false) as c_int
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_tonumber(L: State, idx: c_int) -> lua_Number {
    let v = unsafe { get(L, idx) };
    meta::to_number(v).unwrap_or(0.0)
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_tonumberx(
    L: State,
    idx: c_int,
    isnum: *mut c_int,
) -> lua_Number {
    let v = unsafe { get(L, idx) };
    let r = meta::to_number(v);
    if !isnum.is_null() {
        // SAFETY: caller-provided out pointer.
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
    let v = unsafe { get(L, idx) };
    meta::to_number(v).map(num_to_integer).unwrap_or(0)
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_tointegerx(
    L: State,
    idx: c_int,
    isnum: *mut c_int,
) -> lua_Integer {
    let v = unsafe { get(L, idx) };
    let r = meta::to_number(v);
    if !isnum.is_null() {
        // SAFETY: caller-provided out pointer.
        unsafe { *isnum = r.is_some() as c_int };
    }
    r.map(num_to_integer).unwrap_or(0)
}

#[no_mangle]
pub extern "C-unwind" fn lua_toboolean(L: State, idx: c_int) -> c_int {
    let v = unsafe { get(L, idx) };
    v.is_truthy() as c_int
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_tolstring(
    L: State,
    idx: c_int,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: see index2adr; numbers are converted in place.
    unsafe {
        let p = index2adr(L, idx);
        let v = if p.is_null() { TValue::NIL } else { *p };
        let s: *mut GcStr = if v.is_str() {
            v.as_ptr()
        } else if v.is_num() {
            let mut b = crate::mem::ShortBuf::of(L);
            crate::numfmt::fmt_number(v.as_num(), &mut b);
            let s = string::intern(g_of(L), &b);
            *p = meta::str_value(s);
            gc::check(L);
            s
        } else {
            if !len.is_null() {
                *len = 0;
            }
            return ptr::null();
        };
        if !len.is_null() {
            *len = (*s).len as usize;
        }
        (*s).data() as *const c_char
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_objlen(L: State, idx: c_int) -> usize {
    // SAFETY: see index2adr.
    unsafe {
        let p = index2adr(L, idx);
        if p.is_null() {
            return 0;
        }
        let v = *p;
        if v.is_str() {
            (*v.as_ptr::<GcStr>()).len as usize
        } else if v.is_tab() {
            table::len(v.as_ptr()) as usize
        } else if v.is_udata() {
            (*v.as_ptr::<GcUdata>()).len as usize
        } else if v.is_num() {
            let mut b = crate::mem::ShortBuf::of(L);
            crate::numfmt::fmt_number(v.as_num(), &mut b);
            let s = string::intern(g_of(L), &b);
            *p = meta::str_value(s);
            b.len()
        } else {
            0
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_tocfunction(L: State, idx: c_int) -> lua_CFunction {
    let v = unsafe { get(L, idx) };
    if !v.is_func() {
        return None;
    }
    // SAFETY: v is a live function.
    let f = unsafe { &*v.as_ptr::<GcFunc>() };
    if f.is_lua() {
        None
    } else {
        f.f
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_touserdata(L: State, idx: c_int) -> *mut c_void {
    let v = unsafe { get(L, idx) };
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
    let v = unsafe { get(L, idx) };
    if v.is_thread() {
        v.as_ptr()
    } else {
        ptr::null_mut()
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_topointer(L: State, idx: c_int) -> *const c_void {
    let v = unsafe { get(L, idx) };
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

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushlstring(L: State, s: *const c_char, len: usize) {
    let b = if len == 0 {
        &[][..]
    } else {
        // SAFETY: caller passes len readable bytes.
        unsafe { std::slice::from_raw_parts(s as *const u8, len) }
    };
    let v = str_tv(L, b);
    api_push(L, v);
    gc::check(L);
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushstring(L: State, s: *const c_char) {
    if s.is_null() {
        api_push(L, TValue::NIL);
        return;
    }
    let v = str_tv(L, cstr(s));
    api_push(L, v);
    gc::check(L);
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushcclosure(L: State, f: lua_CFunction, n: c_int) {
    // SAFETY: n upvalues are on the stack.
    unsafe {
        let n = n.max(0) as usize;
        let cf = cur_func(L);
        let env = if cf.is_null() {
            (*L.as_ptr()).env
        } else {
            (*cf).env
        };
        let fnp = func::new_cfunc(g_of(L), f, n, env);
        let src = (*L.as_ptr()).top.sub(n);
        for i in 0..n {
            *(*fnp).cuv(i) = *src.add(i);
        }
        (*L.as_ptr()).top = src;
        api_push(L, TValue::gcobj(TID_FUNC, fnp as *const GcHeader));
    }
    gc::check(L);
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushboolean(L: State, b: c_int) {
    api_push(L, TValue::bool(b != 0));
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_pushlightuserdata(L: State, p: *mut c_void) {
    api_push(L, TValue::lightud(p));
}

#[no_mangle]
pub extern "C-unwind" fn lua_pushthread(L: State) -> c_int {
    api_push(L, TValue::gcobj(TID_THREAD, L.as_ptr() as *const GcHeader));
    (g_of(L).mainthread == L.as_ptr()) as c_int
}

// ---- Get functions.

#[no_mangle]
pub extern "C-unwind" fn lua_gettable(L: State, idx: c_int) {
    // SAFETY: key at top-1.
    unsafe {
        let t = *get_ex(L, idx);
        let k = *(*L.as_ptr()).top.sub(1);
        let v = meta::index(L, t, k, error::Operand::None);
        *(*L.as_ptr()).top.sub(1) = v;
    }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getfield(L: State, idx: c_int, k: *const c_char) {
    // SAFETY: idx valid.
    unsafe {
        let t = *get_ex(L, idx);
        let key = str_tv(L, cstr(k));
        let v = meta::index(L, t, key, error::Operand::None);
        api_push(L, v);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawget(L: State, idx: c_int) {
    // SAFETY: table at idx, key at top-1.
    unsafe {
        let t = *get_ex(L, idx);
        if !t.is_tab() {
            api_fail(L, "lua_rawget on a non-table");
        }
        let k = *(*L.as_ptr()).top.sub(1);
        *(*L.as_ptr()).top.sub(1) = table::get(t.as_ptr(), k);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawgeti(L: State, idx: c_int, n: c_int) {
    // SAFETY: table at idx.
    unsafe {
        let t = *get_ex(L, idx);
        if !t.is_tab() {
            api_fail(L, "lua_rawgeti on a non-table");
        }
        api_push(L, table::get_int(t.as_ptr(), n as i64));
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_createtable(L: State, narr: c_int, nrec: c_int) {
    let t = table::new_ah(g_of(L), narr, nrec);
    api_push(L, TValue::gcobj(TID_TAB, t as *const GcHeader));
    gc::check(L);
}

#[no_mangle]
pub extern "C-unwind" fn lua_newuserdata(L: State, sz: usize) -> *mut c_void {
    // SAFETY: l is live.
    let env = unsafe {
        let cf = cur_func(L);
        if cf.is_null() {
            (*L.as_ptr()).env
        } else {
            (*cf).env
        }
    };
    let u = udata::new(g_of(L), sz, env);
    api_push(L, TValue::gcobj(TID_UDATA, u as *const GcHeader));
    gc::check(L);
    udata::payload(u) as *mut c_void
}

#[no_mangle]
pub extern "C-unwind" fn lua_getmetatable(L: State, idx: c_int) -> c_int {
    let v = unsafe { get(L, idx) };
    let mt = meta::metatable_of(g_of(L), v);
    if mt.is_null() {
        0
    } else {
        api_push(L, TValue::gcobj(TID_TAB, mt as *const GcHeader));
        1
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_getfenv(L: State, idx: c_int) {
    let v = unsafe { get(L, idx) };
    // SAFETY: v refers to a live object of the tested type.
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
    // SAFETY: key and value at top-2, top-1.
    unsafe {
        let t = *get_ex(L, idx);
        let k = *(*L.as_ptr()).top.sub(2);
        let v = *(*L.as_ptr()).top.sub(1);
        meta::newindex(L, t, k, v, error::Operand::None);
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(2);
    }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setfield(L: State, idx: c_int, k: *const c_char) {
    // SAFETY: value at top-1.
    unsafe {
        let t = *get_ex(L, idx);
        let key = str_tv(L, cstr(k));
        let v = *(*L.as_ptr()).top.sub(1);
        meta::newindex(L, t, key, v, error::Operand::None);
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawset(L: State, idx: c_int) {
    // SAFETY: key and value at top-2, top-1.
    unsafe {
        let t = *get_ex(L, idx);
        if !t.is_tab() {
            api_fail(L, "lua_rawset on a non-table");
        }
        let k = *(*L.as_ptr()).top.sub(2);
        let v = *(*L.as_ptr()).top.sub(1);
        meta::raw_set(L, t.as_ptr(), k, v);
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(2);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_rawseti(L: State, idx: c_int, n: c_int) {
    // SAFETY: value at top-1.
    unsafe {
        let t = *get_ex(L, idx);
        if !t.is_tab() {
            api_fail(L, "lua_rawseti on a non-table");
        }
        let v = *(*L.as_ptr()).top.sub(1);
        let g = g_of(L);
        let p = table::set_int_slot(g, t.as_ptr(), n as i64);
        *p = v;
        gc::barrier_table(g, t.as_ptr());
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_setmetatable(L: State, idx: c_int) -> c_int {
    // SAFETY: metatable (or nil) at top-1.
    unsafe {
        let o = *get_ex(L, idx);
        let mtv = *(*L.as_ptr()).top.sub(1);
        let mt: *mut GcTab = if mtv.is_nil() {
            ptr::null_mut()
        } else if mtv.is_tab() {
            mtv.as_ptr()
        } else {
            api_fail(L, "lua_setmetatable with a non-table")
        };
        if o.is_tab() {
            (*o.as_ptr::<GcTab>()).metatable = mt;
            gc::barrier_table(g_of(L), o.as_ptr());
        } else if o.is_udata() {
            (*o.as_ptr::<GcUdata>()).metatable = mt;
            gc::barrier_obj_ptr(g_of(L), o.gc_ptr(), mt as *mut GcHeader);
        } else {
            g_of(L).basemt[lua_type_of(o) as usize] = mt;
        }
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
        1
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_setfenv(L: State, idx: c_int) -> c_int {
    // SAFETY: table at top-1.
    unsafe {
        let o = *get_ex(L, idx);
        let e = *(*L.as_ptr()).top.sub(1);
        (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
        if !e.is_tab() {
            return 0;
        }
        let t: *mut GcTab = e.as_ptr();
        if o.is_func() {
            (*o.as_ptr::<GcFunc>()).env = t;
            gc::barrier_obj(g_of(L), o.gc_ptr(), e);
        } else if o.is_udata() {
            (*o.as_ptr::<GcUdata>()).env = t;
            gc::barrier_obj(g_of(L), o.gc_ptr(), e);
        } else if o.is_thread() {
            (*o.as_ptr::<lua_State>()).env = t;
        } else {
            return 0;
        }
        1
    }
}

// ---- Calls.

/// Call the function below `nargs` arguments at the top (API layout:
/// function immediately followed by its arguments).
pub unsafe fn api_call(L: State, nargs: usize, nresults: c_int) {
    // SAFETY: nargs+1 values are on the stack.
    unsafe {
        check_stack(L, 1);
        let func = (*L.as_ptr()).top.sub(nargs + 1);
        ptr::copy(func.add(1), func.add(2), nargs);
        (*L.as_ptr()).top = (*L.as_ptr()).top.add(1);
        let func_off = func.offset_from((*L.as_ptr()).stack);
        let base_off = (*L.as_ptr()).base.offset_from((*L.as_ptr()).stack);
        let nccalls = (*L.as_ptr()).nccalls;
        let savedpc = (*L.as_ptr()).savedpc;
        let n = match error::catch(|| vm::call_native(L, func_off, nargs, FRAME_C)) {
            Ok(n) => n,
            Err(p) => {
                if p.is::<error::CxxException>() {
                    // A C++ exception passes through unprotected calls to
                    // the C++ code that catches it (as in LuaJIT); the
                    // state must then look as before the call.
                    let func = (*L.as_ptr()).stack.offset(func_off);
                    func::close_upvals(L, func);
                    (*L.as_ptr()).nccalls = nccalls;
                    (*L.as_ptr()).base = (*L.as_ptr()).stack.offset(base_off);
                    (*L.as_ptr()).savedpc = savedpc;
                    (*L.as_ptr()).top = func;
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
            let func = (*L.as_ptr()).stack.offset(func_off);
            for i in n..want {
                *func.add(i) = TValue::NIL;
            }
            (*L.as_ptr()).top = func.add(want);
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_call(L: State, nargs: c_int, nresults: c_int) {
    unsafe { api_call(L, nargs as usize, nresults) };
}

/// Run `f` protected; on error, the stack is cut back to `restore_top`
/// (a stack offset), the error object pushed and the status returned.
pub unsafe fn api_pcall(
    L: State,
    restore_off: isize,
    handler_off: usize,
    f: impl FnOnce(),
) -> c_int {
    // SAFETY: l is live; state restored on error.
    unsafe {
        let base_off = (*L.as_ptr()).base.offset_from((*L.as_ptr()).stack);
        let nccalls = (*L.as_ptr()).nccalls;
        let savedpc = (*L.as_ptr()).savedpc;
        let nprot = (*L.as_ptr()).protect.len;
        (*L.as_ptr()).protect.push(
            g_of(L),
            Protect {
                base: restore_off as usize,
                handler: handler_off,
                nlevel: nccalls,
                kind: PROT_NATIVE,
            },
        );
        let outer = g_of(L).cur_thread;
        g_of(L).cur_thread = L.as_ptr();
        let r = error::catch(f);
        g_of(L).cur_thread = outer;
        (*L.as_ptr()).protect.len = nprot;
        match r {
            Ok(()) => 0,
            Err(p) => {
                if p.is::<vm::YieldUnwind>() {
                    error::rethrow(p);
                }
                let status = error::caught_status(L, p);
                let restore = (*L.as_ptr()).stack.offset(restore_off);
                func::close_upvals(L, restore);
                (*L.as_ptr()).nccalls = nccalls;
                (*L.as_ptr()).base = (*L.as_ptr()).stack.offset(base_off);
                (*L.as_ptr()).savedpc = savedpc;
                (*L.as_ptr()).top = restore;
                // With the stack cut back, an enlarged stack may shrink.
                end_overflow(L);
                let e = if status == LUA_ERRMEM {
                    error::oom_value(g_of(L))
                } else {
                    (*L.as_ptr()).errobj
                };
                (*L.as_ptr()).errobj = TValue::NIL;
                api_push(L, e);
                status as c_int
            }
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
    // SAFETY: nargs+1 values on the stack.
    unsafe {
        let handler = if errfunc == 0 {
            0
        } else {
            let p = get_ex(L, errfunc);
            p.offset_from((*L.as_ptr()).stack) as usize
        };
        let func_off = (*L.as_ptr())
            .top
            .sub(nargs as usize + 1)
            .offset_from((*L.as_ptr()).stack);
        api_pcall(L, func_off, handler, || {
            api_call(L, nargs as usize, nresults)
        })
    }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_cpcall(L: State, f: lua_CFunction, ud: *mut c_void) -> c_int {
    // SAFETY: l is live.
    unsafe {
        let top_off = (*L.as_ptr()).top.offset_from((*L.as_ptr()).stack);
        api_pcall(L, top_off, 0, || {
            let fnp = func::new_cfunc(g_of(L), f, 0, (*L.as_ptr()).env);
            api_push(L, TValue::gcobj(TID_FUNC, fnp as *const GcHeader));
            api_push(L, TValue::lightud(ud));
            api_call(L, 1, 0);
        })
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_error(L: State) -> c_int {
    error::throw(L)
}

#[no_mangle]
pub extern "C-unwind" fn lua_next(L: State, idx: c_int) -> c_int {
    // SAFETY: table at idx, key at top-1.
    unsafe {
        let t = *get_ex(L, idx);
        if !t.is_tab() {
            api_fail(L, "lua_next on a non-table");
        }
        let k = *(*L.as_ptr()).top.sub(1);
        match table::next(g_of(L), t.as_ptr(), k) {
            Ok(Some((nk, nv))) => {
                *(*L.as_ptr()).top.sub(1) = nk;
                api_push(L, nv);
                1
            }
            Ok(None) => {
                (*L.as_ptr()).top = (*L.as_ptr()).top.sub(1);
                0
            }
            Err(()) => error::throw_msg(L, "invalid key to 'next'"),
        }
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_concat(L: State, n: c_int) {
    // SAFETY: n values on the stack.
    unsafe {
        if n >= 2 {
            let first = (*L.as_ptr()).top.sub(n as usize);
            let last = (*L.as_ptr()).top.sub(1);
            let r = meta::concat(L, first, last);
            let first = (*L.as_ptr()).top.sub(n as usize);
            *first = r;
            (*L.as_ptr()).top = first.add(1);
        } else if n == 0 {
            api_push(L, str_tv(L, b""));
        }
    }
    gc::check(L);
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getallocf(L: State, ud: *mut *mut c_void) -> lua_Alloc {
    let g = g_of(L);
    if !ud.is_null() {
        // SAFETY: caller-provided out pointer.
        unsafe { *ud = g.allocud };
    }
    g.allocf
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setallocf(L: State, f: lua_Alloc, ud: *mut c_void) {
    let g = g_of(L);
    g.allocf = f;
    g.allocud = ud;
}

// ---- Coroutines.

#[no_mangle]
pub extern "C-unwind" fn lua_yield(L: State, nresults: c_int) -> c_int {
    vm::yield_values(L, nresults.max(0) as usize)
}

#[no_mangle]
pub extern "C-unwind" fn lua_resume(L: State, narg: c_int) -> c_int {
    // SAFETY: L is a coroutine with narg values at its top.
    unsafe {
        let st = (*L.as_ptr()).status;
        if st != LUA_OK && st != LUA_YIELD {
            api_push(L, str_tv(L, b"cannot resume dead coroutine"));
            return LUA_ERRRUN as c_int;
        }
        vm::resume(L, L, narg.max(0) as usize).0 as c_int
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_status(L: State) -> c_int {
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
    &g_of(L).version
}

// ---- OpenResty additions.

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setexdata(L: State, exdata: *mut c_void) {
    unsafe { (*L.as_ptr()).exdata = exdata };
}

#[no_mangle]
pub extern "C-unwind" fn lua_getexdata(L: State) -> *mut c_void {
    unsafe { (*L.as_ptr()).exdata }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setexdata2(L: State, exdata2: *mut c_void) {
    unsafe { (*L.as_ptr()).exdata2 = exdata2 };
}

#[no_mangle]
pub extern "C-unwind" fn lua_getexdata2(L: State) -> *mut c_void {
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
    // SAFETY: L and th are live threads of one state. Threads take no write
    // barrier (the collector re-traverses them in its atomic phase).
    unsafe {
        (*th.as_ptr()).env = (*L.as_ptr()).env;
        (*th.as_ptr()).exdata = (*L.as_ptr()).exdata;
        (*th.as_ptr()).exdata2 = (*L.as_ptr()).exdata2;
    }
}

// ---- Loading and dumping.

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
        crate::mem::vec_from_slice(cstr(chunkname))
    };
    let mode = if mode.is_null() {
        None
    } else {
        Some(cstr(mode).to_vec())
    };
    // The reader is called as the lexer needs more input; each block is
    // copied at once (it is only valid until the next reader call).
    let mut failed = 0;
    let mut read = || -> Result<Vec<u8>, ()> {
        let r = crate::capi::aux::call_reader(L, || {
            let mut sz = 0usize;
            // SAFETY: reader contract: returns a block of sz bytes or NULL.
            let p = unsafe { rd(L.as_ptr(), dt, &mut sz) };
            if p.is_null() || sz == 0 {
                Vec::new()
            } else {
                // SAFETY: p points to sz readable bytes until the next call.
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

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_load(
    L: State,
    reader: lua_Reader,
    dt: *mut c_void,
    chunkname: *const c_char,
) -> c_int {
    unsafe { lua_loadx(L, reader, dt, chunkname, ptr::null()) }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn lua_dump(L: State, writer: lua_Writer, data: *mut c_void) -> c_int {
    let wr = match writer {
        Some(w) => w,
        None => return 1,
    };
    // SAFETY: the function is at top-1.
    let f = unsafe { *(*L.as_ptr()).top.sub(1) };
    if !f.is_func() || !unsafe { (*f.as_ptr::<GcFunc>()).is_lua() } {
        return 1;
    }
    // Protected as in LuaJIT: running out of memory returns LUA_ERRMEM.
    let mut dumped = None;
    // SAFETY: L is live; api_pcall restores the stack on error.
    let status = unsafe {
        let top_off = (*L.as_ptr()).top.offset_from((*L.as_ptr()).stack);
        api_pcall(L, top_off, 0, || {
            let pd = func::proto_to_data((*f.as_ptr::<GcFunc>()).proto);
            dumped = Some(crate::bytecode::writer::dump(&pd, false));
        })
    };
    let bytes = match dumped {
        Some(b) if status == 0 => b,
        _ => return status,
    };
    // Written in pieces like LuaJIT (header first), stopping at the first
    // writer error.
    let split = bytes.len().min(5);
    for piece in std::iter::once(&bytes[..split]).chain(bytes[split..].chunks(512)) {
        // SAFETY: writer contract.
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
