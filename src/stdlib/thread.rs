//! OpenResty's `thread.exdata` and `thread.exdata2` modules: each is a
//! function that sets (with a cdata argument) or gets (as a `void *`
//! cdata) one of the current thread's extra-data pointers, which C code
//! reaches with lua_getexdata/lua_getexdata2.

use super::*;
use crate::capi::aux::type_error;
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
        // SAFETY: l is live.
        let p = unsafe {
            match slot {
                Slot::First => (*l.as_ptr()).exdata,
                Slot::Second => (*l.as_ptr()).exdata2,
            }
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
    // SAFETY: p is an 8-byte pointer slot.
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
    // SAFETY: l is live.
    unsafe {
        match slot {
            Slot::First => (*l.as_ptr()).exdata = p as *mut std::ffi::c_void,
            Slot::Second => (*l.as_ptr()).exdata2 = p as *mut std::ffi::c_void,
        }
    }
    0
}

unsafe extern "C-unwind" fn thread_exdata(l: State) -> c_int {
    exdata(l, Slot::First)
}

unsafe extern "C-unwind" fn thread_exdata2(l: State) -> c_int {
    exdata(l, Slot::Second)
}

/// `require "thread.exdata"`: the function itself is the module.
pub unsafe extern "C-unwind" fn luaopen_thread_exdata(l: State) -> c_int {
    push_cfunc(l, thread_exdata, FastFunc::C);
    1
}

/// `require "thread.exdata2"`.
pub unsafe extern "C-unwind" fn luaopen_thread_exdata2(l: State) -> c_int {
    push_cfunc(l, thread_exdata2, FastFunc::C);
    1
}
