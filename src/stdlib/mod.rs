//! The standard libraries. Each library is written against the C API (as
//! a C module would be), through the small helpers below.

pub mod base;
pub mod bit;
pub mod bitops;
pub mod buffer;
pub mod coroutine;
pub mod debug;
pub mod ffi;
pub mod format;
pub mod io;
pub mod jit;
pub mod jit_profile;
pub mod jit_util;
pub mod math;
pub mod os;
pub mod package;
#[cfg(test)]
mod package_paths;
pub mod pattern;
pub mod random;
pub mod string;
pub mod table;
pub mod thread;

use crate::capi::aux::*;
use crate::capi::core::*;
use crate::capi::leaf;
use crate::capi::types::*;
use crate::fastfunc::FastFunc;
use crate::func::GcFunc;
use crate::state::lua_State;
use crate::state::State;
use crate::string::StrRef;
use crate::value::*;
use std::os::raw::{c_char, c_int};

/// The library's C functions: written against a [`State`] handle, called
/// by the VM as C functions (`lua_CFunction`) with the thread that runs
/// them. Their only precondition is that handle's invariant, which every
/// call the VM makes satisfies; most are safe fns (a safe fn coerces to
/// this type), the type stays `unsafe` for those not yet made safe.
pub type CFn = unsafe extern "C-unwind" fn(State) -> c_int;

/// A library function as a `lua_CFunction`.
#[inline(always)]
pub fn cfunc(f: CFn) -> lua_CFunction {
    // SAFETY: `State` is a `#[repr(transparent)]` non-null pointer to a
    // `lua_State`, so both function types have the same ABI; the VM calls C
    // functions only with the live thread that runs them, which satisfies
    // `State`'s invariant.
    Some(unsafe {
        std::mem::transmute::<CFn, unsafe extern "C-unwind" fn(*mut lua_State) -> c_int>(f)
    })
}

/// Create a table of functions (plus a name) and leave it on the stack.
pub fn new_lib(l: State, funcs: &[(&str, CFn)]) {
    lua_createtable(l, 0, funcs.len() as c_int);
    set_funcs(l, funcs);
}

/// Set functions into the table at the top.
pub fn set_funcs(l: State, funcs: &[(&str, CFn)]) {
    for (name, f) in funcs {
        push_cfunc(l, *f, FastFunc::C);
        set_field(l, -2, name);
    }
}

/// Push a closure of library function `f` with the `nup` values at the
/// top as its upvalues (`lua_pushcclosure`).
pub fn push_closure(l: State, f: CFn, nup: c_int) {
    // SAFETY: a library function may be called with this state's threads
    // (its only precondition, see CFn), which is all lua_pushcclosure asks.
    unsafe { lua_pushcclosure(l, cfunc(f), nup) }
}

/// Push C function `f` as builtin `ffid` (`FastFunc::C` for a plain C
/// function, which is what `lua_pushcclosure` makes).
pub fn push_cfunc(l: State, f: CFn, ffid: FastFunc) {
    push_closure(l, f, 0);
    if ffid != FastFunc::C {
        set_top_ffid(l, ffid);
    }
}

/// Make the C closure at the top (just pushed by `push_closure`) builtin
/// `ffid`.
pub fn set_top_ffid(l: State, ffid: FastFunc) {
    let v = value_at(l, -1);
    assert!(v.is_func(), "set_top_ffid: no function at the top");
    // SAFETY: a function value at the top of the stack is live.
    unsafe { (*v.as_ptr::<GcFunc>()).ffid = ffid.id() };
}

/// Give the C functions of the table at the top LuaJIT's builtin ids
/// (observable as "builtin#N" in tostring and in jit.util.funcinfo).
pub fn set_ffids(l: State, ids: &[(&str, FastFunc)]) {
    for (name, id) in ids {
        get_field(l, -1, name);
        let v = value_at(l, -1);
        if v.is_func() {
            // SAFETY: a function value at the top of the stack is live.
            unsafe { (*v.as_ptr::<GcFunc>()).ffid = id.id() };
        }
        lua_settop(l, -2);
    }
}

pub fn set_field(l: State, idx: c_int, name: &str) {
    with_cstr(name, |p| {
        // SAFETY: with_cstr passes a NUL-terminated copy of name.
        unsafe { lua_setfield(l, idx, p) }
    })
}

pub fn get_field(l: State, idx: c_int, name: &str) {
    with_cstr(name, |p| {
        // SAFETY: with_cstr passes a NUL-terminated copy of name.
        unsafe { lua_getfield(l, idx, p) }
    })
}

/// `luaL_findtable(l, LUA_REGISTRYINDEX, name, szhint)`: push the registry
/// table `name` (`_LOADED`, `_PRELOAD`), made if missing.
pub fn registry_table(l: State, name: &std::ffi::CStr, szhint: c_int) {
    // SAFETY: a C string literal is NUL-terminated.
    unsafe { luaL_findtable(l, LUA_REGISTRYINDEX, name.as_ptr(), szhint) };
}

/// Call `f` with `name` NUL-terminated; short names (all of the libraries'
/// field names) use a stack buffer so that no system allocation happens
/// while Lua code runs (the state's memory comes from its lua_Alloc).
fn with_cstr(name: &str, f: impl FnOnce(*const c_char)) {
    let b = name.as_bytes();
    let mut buf = [0u8; 64];
    if b.len() < buf.len() {
        buf[..b.len()].copy_from_slice(b);
        f(buf.as_ptr() as *const c_char)
    } else {
        let mut v = b.to_vec();
        v.push(0);
        f(v.as_ptr() as *const c_char)
    }
}

/// Register a loaded library: `package.loaded[name] = top` and, when
/// `global`, `_G[name] = top`.
pub fn register_loaded(l: State, name: &str, global: bool) {
    registry_table(l, c"_LOADED", 16);
    lua_pushvalue(l, -2);
    set_field(l, -2, name);
    lua_settop(l, -2);
    if global {
        lua_pushvalue(l, -1);
        set_field(l, LUA_GLOBALSINDEX, name);
    }
}

// ---- Argument helpers (LuaJIT's error messages).

pub fn arg_count(l: State) -> c_int {
    lua_gettop(l)
}

pub fn check_any(l: State, n: c_int) {
    luaL_checkany(l, n)
}

pub fn check_num(l: State, n: c_int) -> f64 {
    luaL_checknumber(l, n)
}

pub fn opt_num(l: State, n: c_int, def: f64) -> f64 {
    luaL_optnumber(l, n, def)
}

pub fn check_int(l: State, n: c_int) -> i64 {
    luaL_checkinteger(l, n) as i64
}

/// A number converted to int32_t as LuaJIT's libraries do (a C cast):
/// truncation in range; out of range and NaN give what the CPU's
/// conversion gives (x86-64: INT_MIN; ARM64: saturation, NaN 0).
pub fn num_to_int32(n: f64) -> i32 {
    #[cfg(target_arch = "aarch64")]
    {
        // Rust's cast saturates and maps NaN to 0, as fcvtzs does.
        n as i32
    }
    #[cfg(not(target_arch = "aarch64"))]
    {
        if n > -2147483649.0 && n < 2147483648.0 {
            n as i32
        } else {
            i32::MIN
        }
    }
}

/// An integer argument as LuaJIT's libraries read one (lj_lib_checkint):
/// a number or numeric string, converted to int32_t by `num_to_int32`.
pub fn check_int32(l: State, n: c_int) -> i32 {
    num_to_int32(check_num(l, n))
}

/// An optional `check_int32` argument (nil or absent: `def`).
pub fn opt_int32(l: State, n: c_int, def: i32) -> i32 {
    if lua_type(l, n) <= LUA_TNIL {
        def
    } else {
        check_int32(l, n)
    }
}

pub fn opt_int(l: State, n: c_int, def: i64) -> i64 {
    luaL_optinteger(l, n, def as lua_Integer) as i64
}

/// The string argument `n` (a number argument is converted in place, as
/// luaL_checklstring does). The handle stays valid while the argument
/// slot is not overwritten.
pub fn check_str(l: State, n: c_int) -> StrRef {
    let mut len = 0;
    // SAFETY: luaL_checklstring leaves a string in slot n (or raises);
    // it stays there, reachable, while the C function runs.
    unsafe {
        luaL_checklstring(l, n, &mut len);
        StrRef::from_raw(value_at(l, n).as_ptr())
    }
}

pub fn opt_str(l: State, n: c_int) -> Option<StrRef> {
    if lua_type(l, n) <= LUA_TNIL {
        None
    } else {
        Some(check_str(l, n))
    }
}

pub fn check_type(l: State, n: c_int, t: c_int) {
    luaL_checktype(l, n, t)
}

pub fn value_at(l: State, n: c_int) -> TValue {
    index_value(l, n)
}

/// Upvalue `n` of the running library function, which must be of Lua
/// type `t`. Library functions keep state in upvalues that Lua code can
/// replace (`debug.setupvalue` works on C functions too); LuaJIT then
/// reads the wrong object as its state and may crash, we raise an error.
pub fn check_upvalue(l: State, n: c_int, t: c_int) -> TValue {
    match index_value_opt(l, LUA_GLOBALSINDEX - n) {
        Some(v) if lua_type_of(v) == t => v,
        v => {
            let got = v.map_or("no value", type_name);
            let msg = format!(
                "bad upvalue #{} ({} expected, got {})",
                n, TYPE_NAMES[t as usize], got
            );
            error_str(l, &msg)
        }
    }
}

pub fn push_value(l: State, v: TValue) {
    api_push(l, v)
}

pub fn push_str(l: State, s: &[u8]) {
    // Libraries build results in a buffer, which LuaJIT does not let grow
    // to its string length limit: a memory error, as there.
    if s.len() >= crate::string::MAX_STR_LEN {
        crate::stdlib::string::err_mem(l);
    }
    push_bytes(l, s)
}

pub fn push_num(l: State, n: f64) {
    lua_pushnumber(l, n)
}

pub fn push_bool(l: State, b: bool) {
    lua_pushboolean(l, b as c_int)
}

pub fn push_nil(l: State) {
    lua_pushnil(l)
}

/// Open every standard library (luaL_openlibs).
pub fn open_all(l: State) {
    // LuaJIT's order: base, package, table, io, os, string, math, debug, bit, jit.
    let libs: [(&str, CFn); 11] = [
        ("", base::luaopen_base),
        ("package", package::luaopen_package),
        ("coroutine", coroutine::open),
        ("table", table::luaopen_table),
        ("io", io::luaopen_io),
        ("os", os::luaopen_os),
        ("string", string::luaopen_string),
        ("math", math::luaopen_math),
        ("debug", debug::luaopen_debug),
        ("bit", bit::luaopen_bit),
        ("jit", jit::luaopen_jit),
    ];
    for (_name, f) in libs {
        push_closure(l, f, 0);
        lua_call(l, 0, 0);
    }
    ffi::install_cdata_metatable(l);
    // Loaded on demand through package.preload, as in LuaJIT.
    let preload: [(&str, CFn); 4] = [
        ("ffi", ffi::luaopen_ffi),
        ("string.buffer", buffer::luaopen_string_buffer),
        ("thread.exdata", thread::luaopen_thread_exdata),
        ("thread.exdata2", thread::luaopen_thread_exdata2),
    ];
    for (name, f) in preload {
        registry_table(l, c"_PRELOAD", 4);
        push_closure(l, f, 0);
        set_field(l, -2, name);
        lua_settop(l, -2);
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaL_openlibs(l: State) {
    open_all(l)
}
