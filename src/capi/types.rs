//! C ABI types of the Lua/LuaJIT API, laid out exactly as in `include/`.
#![allow(non_camel_case_types)]
// Parameter and field names as in the C headers (`L`).
#![allow(non_snake_case)]

use std::os::raw::{c_char, c_int, c_void};

pub use crate::state::lua_State;

pub type lua_Number = f64;
pub type lua_Integer = isize;
pub type lua_CFunction = Option<unsafe extern "C-unwind" fn(*mut lua_State) -> c_int>;
pub type lua_Alloc = Option<
    unsafe extern "C-unwind" fn(
        ud: *mut c_void,
        ptr: *mut c_void,
        osize: usize,
        nsize: usize,
    ) -> *mut c_void,
>;
pub type lua_Reader = Option<
    unsafe extern "C-unwind" fn(
        L: *mut lua_State,
        ud: *mut c_void,
        sz: *mut usize,
    ) -> *const c_char,
>;
pub type lua_Writer = Option<
    unsafe extern "C-unwind" fn(
        L: *mut lua_State,
        p: *const c_void,
        sz: usize,
        ud: *mut c_void,
    ) -> c_int,
>;
pub type lua_Hook = Option<unsafe extern "C-unwind" fn(L: *mut lua_State, ar: *mut lua_Debug)>;
pub type luaJIT_profile_callback = Option<
    unsafe extern "C-unwind" fn(
        data: *mut c_void,
        L: *mut lua_State,
        samples: c_int,
        vmstate: c_int,
    ),
>;

pub const LUA_IDSIZE: usize = 60;
/// LuaJIT's LUAL_BUFFERSIZE: BUFSIZ (8192 with glibc).
pub const LUAL_BUFFERSIZE: usize = 8192;

#[repr(C)]
pub struct lua_Debug {
    pub event: c_int,
    pub name: *const c_char,
    pub namewhat: *const c_char,
    pub what: *const c_char,
    pub source: *const c_char,
    pub currentline: c_int,
    pub nups: c_int,
    pub linedefined: c_int,
    pub lastlinedefined: c_int,
    pub short_src: [c_char; LUA_IDSIZE],
    /// Private: the frame this record describes.
    pub i_ci: c_int,
}

#[repr(C)]
pub struct luaL_Reg {
    pub name: *const c_char,
    pub func: lua_CFunction,
}

#[repr(C)]
pub struct luaL_Buffer {
    pub p: *mut c_char,
    pub lvl: c_int,
    pub L: *mut lua_State,
    pub buffer: [c_char; LUAL_BUFFERSIZE],
}
