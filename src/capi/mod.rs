//! The `extern "C"` layer: LuaJIT's C API, built on the VM core.
//! Every exported function is `extern "C-unwind"` so that Lua errors (Rust
//! unwinds) may pass through it and through C frames.

pub mod aux;
pub mod core;
pub mod debugapi;
pub mod leaf;
pub mod types;

use std::io::Write;

/// Abort on API misuse that would otherwise corrupt memory.
pub fn fatal_misuse(what: &str) -> ! {
    let _ = writeln!(std::io::stderr(), "luajit: C API misuse: {}", what);
    std::process::abort()
}

/// Called by the C shim on unrecoverable misuse.
///
/// # Safety
/// `what` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn ljrs_api_fatal(
    _l: *mut types::lua_State,
    what: *const std::os::raw::c_char,
) -> ! {
    // SAFETY: the function's contract (the shim passes a static string).
    let msg = unsafe { std::ffi::CStr::from_ptr(what) };
    fatal_misuse(&msg.to_string_lossy())
}

/// strerror() text for an errno value.
pub fn os_error_string(errno: i32) -> String {
    extern "C" {
        fn strerror(e: i32) -> *const std::os::raw::c_char;
    }
    // SAFETY: strerror returns a valid NUL-terminated string.
    unsafe {
        std::ffi::CStr::from_ptr(strerror(errno))
            .to_string_lossy()
            .into_owned()
    }
}
