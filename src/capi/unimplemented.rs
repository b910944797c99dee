//! C API entry points that are not implemented yet. Each one aborts the
//! process with a message naming itself, so a caller never gets a plausible
//! wrong value. Functions move out of this file as they are implemented.
#![allow(non_snake_case, clippy::missing_safety_doc)]

use super::types::*;
use std::os::raw::{c_char, c_int, c_void};

macro_rules! api_unimplemented {
    ($( fn $name:ident ( $($arg:ident : $ty:ty),* ) $(-> $ret:ty)? ; )*) => {
        $(
            #[no_mangle]
            pub unsafe extern "C-unwind" fn $name($($arg: $ty),*) $(-> $ret)? {
                let _ = ($($arg,)*);
                super::fatal_unimplemented(stringify!($name))
            }
        )*
    };
}

api_unimplemented! {
    fn lua_getstack(L: *mut lua_State, level: c_int, ar: *mut lua_Debug) -> c_int;
    fn lua_getinfo(L: *mut lua_State, what: *const c_char, ar: *mut lua_Debug) -> c_int;
    fn lua_getlocal(L: *mut lua_State, ar: *const lua_Debug, n: c_int) -> *const c_char;
    fn lua_setlocal(L: *mut lua_State, ar: *const lua_Debug, n: c_int) -> *const c_char;
    fn lua_getupvalue(L: *mut lua_State, funcindex: c_int, n: c_int) -> *const c_char;
    fn lua_setupvalue(L: *mut lua_State, funcindex: c_int, n: c_int) -> *const c_char;
    fn lua_sethook(L: *mut lua_State, func: lua_Hook, mask: c_int, count: c_int) -> c_int;
    fn lua_gethook(L: *mut lua_State) -> lua_Hook;
    fn lua_gethookmask(L: *mut lua_State) -> c_int;
    fn lua_gethookcount(L: *mut lua_State) -> c_int;
    fn lua_upvalueid(L: *mut lua_State, idx: c_int, n: c_int) -> *mut c_void;
    fn lua_upvaluejoin(L: *mut lua_State, idx1: c_int, n1: c_int, idx2: c_int, n2: c_int);



}
