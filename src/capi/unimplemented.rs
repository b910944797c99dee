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

api_unimplemented! {}
