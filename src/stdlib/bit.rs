//! The `bit` library.

use super::*;
use std::os::raw::c_int;

#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_bit(l: *mut lua_State) -> c_int {
    new_lib(l, &[]);
    register_loaded(l, "bit", true);
    1
}
