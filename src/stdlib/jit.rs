//! The `jit` library. The trace compiler does not exist yet, so
//! `jit.status()` truthfully reports that nothing is compiled.

use super::*;
use crate::capi::core::*;
use crate::state::g_of;
use std::os::raw::c_int;

pub const VERSION: &str = "LuaJIT 2.1.0-beta3";
pub const VERSION_NUM: f64 = 20100.0;

unsafe extern "C-unwind" fn jit_on(l: *mut lua_State) -> c_int {
    g_of(l).jit_on = true;
    0
}

unsafe extern "C-unwind" fn jit_off(l: *mut lua_State) -> c_int {
    g_of(l).jit_on = false;
    0
}

unsafe extern "C-unwind" fn jit_flush(_l: *mut lua_State) -> c_int {
    0
}

unsafe extern "C-unwind" fn jit_status(l: *mut lua_State) -> c_int {
    push_bool(l, g_of(l).jit_on);
    let mut n = 1;
    for f in cpu_flags().into_iter().chain(["fold", "cse", "dce", "fwd", "dse", "narrow", "loop", "abc", "sink", "fuse"]) {
        push_str(l, f.as_bytes());
        n += 1;
    }
    n
}

unsafe extern "C-unwind" fn jit_attach(_l: *mut lua_State) -> c_int {
    0
}

unsafe extern "C-unwind" fn jit_opt_start(_l: *mut lua_State) -> c_int {
    0
}

unsafe extern "C-unwind" fn jit_security(l: *mut lua_State) -> c_int {
    let _ = check_str(l, 1);
    push_num(l, 0.0);
    1
}

/// CPU features LuaJIT reports in jit.status() on this machine.
fn cpu_flags() -> Vec<&'static str> {
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("sse3") {
            v.push("SSE3");
        }
        if std::arch::is_x86_feature_detected!("sse4.1") {
            v.push("SSE4.1");
        }
        if std::arch::is_x86_feature_detected!("bmi2") {
            v.push("BMI2");
        }
    }
    #[cfg(target_arch = "aarch64")]
    v.push("ARMv8");
    v
}

fn arch() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "arm64"
    } else {
        "x64"
    }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_jit(l: *mut lua_State) -> c_int {
    new_lib(
        l,
        &[("on", jit_on), ("off", jit_off), ("flush", jit_flush), ("status", jit_status), ("attach", jit_attach), ("security", jit_security)],
    );
    push_str(l, arch().as_bytes());
    set_field(l, -2, "arch");
    push_str(l, b"Linux");
    set_field(l, -2, "os");
    push_str(l, VERSION.as_bytes());
    set_field(l, -2, "version");
    push_num(l, VERSION_NUM);
    set_field(l, -2, "version_num");
    new_lib(l, &[("start", jit_opt_start)]);
    set_field(l, -2, "opt");
    register_loaded(l, "jit", true);
    1
}
