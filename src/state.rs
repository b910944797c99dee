//! Lua states (threads): the value stack, call frames and per-state data.

/// A Lua thread as seen from C (`lua_State *`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct lua_State {
    _opaque: [u8; 0],
}
