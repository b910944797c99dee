//! OpenResty's `thread.exdata` and `thread.exdata2` modules: each is a
//! function that sets (with a cdata argument) or gets (as a `void *`
//! cdata) one of the current thread's extra-data pointers, which C code
//! reaches with lua_getexdata/lua_getexdata2.

use super::*;
use crate::capi::aux::type_error;
use crate::capi::core::{lua_getexdata, lua_getexdata2, lua_setexdata, lua_setexdata2};
use crate::state::State;
use std::os::raw::c_int;

/// Which of the two pointers a module function accesses.
#[derive(Clone, Copy)]
enum Slot {
    First,
    Second,
}

fn exdata(l: State, slot: Slot) -> c_int {
    let n = arg_count(l);
    if n == 0 {
        if !crate::stdlib::ffi::is_loaded(l) {
            crate::error::throw_msg(l, "ffi module not loaded (yet)");
        }
        let p = match slot {
            Slot::First => lua_getexdata(l),
            Slot::Second => lua_getexdata2(l),
        };
        let v = crate::ffi::conv::new_pointer(l, crate::ffi::ctype::CTID_P_VOID, p as u64);
        push_value(l, v);
        return 1;
    }
    let v = value_at(l, 1);
    if !v.is(TID_CDATA) {
        type_error(l, 1, "cdata");
    }
    let mut p: u64 = 0;
    // SAFETY: the destination is p, an 8-byte slot for a C pointer.
    let r = unsafe {
        crate::ffi::conv::lua_to_c(
            l,
            &mut crate::ffi::CtsLock::acquire(l),
            crate::ffi::ctype::CTID_P_VOID,
            &mut p as *mut u64 as *mut u8,
            v,
            crate::ffi::conv::CONV_CAST,
        )
    };
    if let Err(msg) = r {
        crate::capi::aux::arg_error(l, 1, msg.as_bytes());
    }
    match slot {
        Slot::First => lua_setexdata(l, p as *mut std::ffi::c_void),
        Slot::Second => lua_setexdata2(l, p as *mut std::ffi::c_void),
    }
    0
}

extern "C-unwind" fn thread_exdata(l: State) -> c_int {
    exdata(l, Slot::First)
}

extern "C-unwind" fn thread_exdata2(l: State) -> c_int {
    exdata(l, Slot::Second)
}

/// `require "thread.exdata"`: the function itself is the module.
pub extern "C-unwind" fn luaopen_thread_exdata(l: State) -> c_int {
    push_cfunc(l, thread_exdata, FastFunc::C);
    1
}

/// `require "thread.exdata2"`.
pub extern "C-unwind" fn luaopen_thread_exdata2(l: State) -> c_int {
    push_cfunc(l, thread_exdata2, FastFunc::C);
    1
}
