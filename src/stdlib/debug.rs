//! The `debug` library, built on the debug interface of the C API
//! (src/capi/debugapi.rs).

use super::*;
use crate::capi::debugapi::{self as dapi, Target};
use crate::state::State;
use std::os::raw::c_int;

/// The thread a debug function works on: an optional first argument.
/// Returns the thread and the number of arguments it takes (0 or 1).
fn thread_arg(l: State) -> (State, c_int) {
    let v = value_at(l, 1);
    if v.is_thread() {
        // SAFETY: a thread argument, kept reachable by its slot while the
        // C function runs.
        (unsafe { State::from_raw(v.as_ptr()) }, 1)
    } else {
        (l, 0)
    }
}

/// Push a C string (nil for null).
///
/// # Safety
/// `s` is null or points to a NUL-terminated string.
unsafe fn cstring_value(l: State, s: *const c_char) {
    // SAFETY: the caller's contract.
    unsafe { lua_pushstring(l, s) }
}

/// The frame of `l1` at `level`, if any.
fn level_target(l1: State, level: i64) -> Option<Target> {
    if level < 0 {
        return None;
    }
    dapi::frame_target(l1, level as usize)
}

extern "C-unwind" fn db_getinfo(l: State) -> c_int {
    let (l1, arg) = thread_arg(l);
    let opts: Vec<u8> = opt_str(l, arg + 2)
        .map(|s| s.to_vec())
        .unwrap_or_else(|| b"flnSu".to_vec());
    let target = if lua_isnumber(l, arg + 1) != 0 {
        match level_target(l1, lua_tointeger(l, arg + 1) as i64) {
            Some(t) => t,
            None => {
                push_nil(l);
                return 1;
            }
        }
    } else if lua_type(l, arg + 1) == LUA_TFUNCTION {
        Target::Func(value_at(l, arg + 1))
    } else {
        arg_error(l, arg + 1, b"function or level expected");
    };
    let info = match dapi::get_info(l1, &opts, &target) {
        Some(i) => i,
        None => arg_error(l, arg + 2, b"invalid option"),
    };
    lua_createtable(l, 0, 16);
    for &o in &opts {
        match o {
            b'S' => {
                // SAFETY: get_info's strings are NUL-terminated and live
                // as long as the function they describe, which the target
                // (an argument or a frame of a live thread) holds.
                unsafe { cstring_value(l, info.source) };
                set_field(l, -2, "source");
                push_str(l, &info.short_src);
                set_field(l, -2, "short_src");
                push_num(l, info.linedefined as f64);
                set_field(l, -2, "linedefined");
                push_num(l, info.lastlinedefined as f64);
                set_field(l, -2, "lastlinedefined");
                push_str(l, &info.what[..info.what.len() - 1]);
                set_field(l, -2, "what");
            }
            b'l' => {
                push_num(l, info.currentline as f64);
                set_field(l, -2, "currentline");
            }
            b'u' => {
                push_num(l, info.nups as f64);
                set_field(l, -2, "nups");
                push_num(l, info.nparams as f64);
                set_field(l, -2, "nparams");
                push_bool(l, info.isvararg);
                set_field(l, -2, "isvararg");
            }
            b'n' => {
                // SAFETY: as for the source above (names are interned).
                unsafe { cstring_value(l, info.name) };
                set_field(l, -2, "name");
                push_str(l, &info.namewhat[..info.namewhat.len() - 1]);
                set_field(l, -2, "namewhat");
            }
            b'f' => {
                push_value(l, info.func);
                set_field(l, -2, "func");
            }
            b'L' => {
                dapi::push_activelines(l, info.func);
                set_field(l, -2, "activelines");
            }
            _ => {}
        }
    }
    1
}

extern "C-unwind" fn db_getlocal(l: State) -> c_int {
    let (l1, arg) = thread_arg(l);
    let n = check_int(l, arg + 2);
    let f = value_at(l, arg + 1);
    if f.is_func() {
        // SAFETY: param_name gives null or a name string of f's prototype,
        // live with the argument f.
        unsafe { cstring_value(l, dapi::param_name(f, n as c_int)) };
        return 1;
    }
    let level = check_int(l, arg + 1);
    let (frame, limit) = match level_target(l1, level) {
        Some(Target::Frame(fr, lim)) => (fr, lim),
        _ => arg_error(l, arg + 1, b"level out of range"),
    };
    match dapi::local_at(&frame, limit, n as c_int) {
        Some((name, slot)) => {
            // SAFETY: local_at gives a slot of the frame, below its live end
            // in l1's stack; it is read before anything is pushed (pushing
            // may move the stack when l1 is l).
            let v = unsafe { *slot };
            // SAFETY: local_at gives a static name or a name string of the
            // frame's prototype, live while the frame is.
            unsafe { cstring_value(l, name) };
            push_value(l, v);
            2
        }
        None => {
            push_nil(l);
            1
        }
    }
}

extern "C-unwind" fn db_setlocal(l: State) -> c_int {
    let (l1, arg) = thread_arg(l);
    let level = check_int(l, arg + 1);
    let (frame, limit) = match level_target(l1, level) {
        Some(Target::Frame(fr, lim)) => (fr, lim),
        _ => arg_error(l, arg + 1, b"level out of range"),
    };
    check_any(l, arg + 3);
    let n = check_int(l, arg + 2);
    let v = value_at(l, arg + 3);
    match dapi::local_at(&frame, limit, n as c_int) {
        Some((name, slot)) => {
            // SAFETY: local_at gives a slot of the frame, below its live
            // end in l1's stack (nothing ran since the frame was found).
            unsafe { *slot = v };
            // SAFETY: a static name or a name string of the frame's
            // prototype, live while the frame is.
            unsafe { cstring_value(l, name) };
        }
        None => push_nil(l),
    }
    1
}

extern "C-unwind" fn db_getupvalue(l: State) -> c_int {
    let n = check_int(l, 2);
    check_type(l, 1, LUA_TFUNCTION);
    match dapi::upvalue_at(value_at(l, 1), n as c_int) {
        Some((name, slot)) => {
            // SAFETY: the value slot of an upvalue of the argument function,
            // live with it; read before anything is pushed.
            let v = unsafe { *slot };
            // SAFETY: a static name or a name string of the argument
            // function's prototype.
            unsafe { cstring_value(l, name) };
            push_value(l, v);
            2
        }
        None => 0,
    }
}

extern "C-unwind" fn db_setupvalue(l: State) -> c_int {
    check_any(l, 3);
    let n = check_int(l, 2);
    check_type(l, 1, LUA_TFUNCTION);
    match dapi::upvalue_at(value_at(l, 1), n as c_int) {
        Some((name, slot)) => {
            let v = value_at(l, 3);
            // SAFETY: the value slot of an upvalue of the argument function,
            // live with it.
            unsafe { *slot = v };
            leaf::barrier_upvalue_store(l, value_at(l, 1), n as c_int, v);
            // SAFETY: a static name or a name string of the argument
            // function's prototype.
            unsafe { cstring_value(l, name) };
            1
        }
        None => 0,
    }
}

/// Check that argument `narg` is a function and `narg+1` a valid upvalue
/// index of it; with `lua_only`, C functions are rejected.
fn check_upvalue_arg(l: State, narg: c_int, lua_only: bool) -> (TValue, c_int) {
    check_type(l, narg, LUA_TFUNCTION);
    let f = value_at(l, narg);
    // SAFETY: a function argument (checked), live in its slot.
    let (is_lua, nup) = unsafe {
        let fp: *mut crate::func::GcFunc = f.as_ptr();
        ((*fp).is_lua(), (*fp).nupvalues as i64)
    };
    if lua_only && !is_lua {
        arg_error(l, narg, b"Lua function expected");
    }
    let n = check_int(l, narg + 1);
    if n < 1 || n > nup {
        arg_error(l, narg + 1, b"index out of range");
    }
    (f, n as c_int)
}

extern "C-unwind" fn db_upvalueid(l: State) -> c_int {
    let (f, n) = check_upvalue_arg(l, 1, false);
    lua_pushlightuserdata(l, dapi::upvalue_id(f, n));
    1
}

extern "C-unwind" fn db_upvaluejoin(l: State) -> c_int {
    let (f1, n1) = check_upvalue_arg(l, 1, true);
    let (f2, n2) = check_upvalue_arg(l, 3, true);
    dapi::upvalue_join(l, f1, n1, f2, n2);
    0
}

extern "C-unwind" fn db_getfenv(l: State) -> c_int {
    check_any(l, 1);
    lua_getfenv(l, 1);
    1
}

extern "C-unwind" fn db_setfenv(l: State) -> c_int {
    check_type(l, 2, LUA_TTABLE);
    lua_settop(l, 2);
    if lua_setfenv(l, 1) == 0 {
        error_str(l, "'setfenv' cannot change environment of given object");
    }
    1
}

extern "C-unwind" fn db_getmetatable(l: State) -> c_int {
    check_any(l, 1);
    if lua_getmetatable(l, 1) == 0 {
        push_nil(l);
    }
    1
}

extern "C-unwind" fn db_setmetatable(l: State) -> c_int {
    let t = lua_type(l, 2);
    if t != LUA_TNIL && t != LUA_TTABLE {
        arg_error(l, 2, b"nil or table expected");
    }
    lua_settop(l, 2);
    lua_setmetatable(l, 1);
    push_bool(l, true);
    1
}

extern "C-unwind" fn db_getregistry(l: State) -> c_int {
    lua_pushvalue(l, LUA_REGISTRYINDEX);
    1
}

extern "C-unwind" fn db_traceback(l: State) -> c_int {
    let (l1, arg) = thread_arg(l);
    let t = lua_type(l, arg + 1);
    // The message stays on the stack (argument arg+1) while it is copied.
    let msg: Option<crate::string::StrRef> = match t {
        LUA_TNONE => None,
        LUA_TSTRING | LUA_TNUMBER => to_bytes(l, arg + 1),
        _ => {
            // A non-string message (an error object) is returned untouched.
            lua_pushvalue(l, arg + 1);
            return 1;
        }
    };
    let level = opt_int(l, arg + 2, if l1 == l { 1 } else { 0 });
    let mut out = crate::mem::StateBuf::of(l);
    if let Some(m) = msg {
        out.extend_from_slice(&m);
        out.push(b'\n');
    }
    if level >= 0 {
        crate::debug::traceback(l1, level as usize, &mut out);
    } else {
        out.extend_from_slice(b"stack traceback:");
    }
    push_str(l, &out);
    1
}

/// Hook mask from a mask string and a count.
fn make_mask(smask: &[u8], count: i64) -> c_int {
    let mut mask = 0;
    if smask.contains(&b'c') {
        mask |= dapi::LUA_MASKCALL;
    }
    if smask.contains(&b'r') {
        mask |= dapi::LUA_MASKRET;
    }
    if smask.contains(&b'l') {
        mask |= dapi::LUA_MASKLINE;
    }
    if count > 0 {
        mask |= dapi::LUA_MASKCOUNT;
    }
    mask
}

extern "C-unwind" fn db_sethook(l: State) -> c_int {
    let (_l1, arg) = thread_arg(l);
    let (func, mask, count): (lua_Hook, c_int, c_int) = if lua_type(l, arg + 1) <= LUA_TNIL {
        lua_settop(l, arg + 1);
        (None, 0, 0)
    } else {
        let smask = check_str(l, arg + 2).to_vec();
        check_type(l, arg + 1, LUA_TFUNCTION);
        let count = opt_int(l, arg + 3, 0);
        (
            Some(dapi::lua_hook_dispatch),
            make_mask(&smask, count),
            count as c_int,
        )
    };
    // Hooks are global in LuaJIT: the thread argument only shifts the others.
    dapi::push_hook_key(l);
    lua_pushvalue(l, arg + 1);
    lua_rawset(l, LUA_REGISTRYINDEX);
    // SAFETY: lua_hook_dispatch is a hook: it takes the live thread and the
    // record call_hook passes.
    unsafe { dapi::lua_sethook(l, func, mask, count) };
    0
}

extern "C-unwind" fn db_gethook(l: State) -> c_int {
    let (hook, mask, count) = (
        dapi::lua_gethook(l),
        dapi::lua_gethookmask(l),
        dapi::lua_gethookcount(l),
    );
    match hook {
        Some(h) if h as *const () != dapi::lua_hook_dispatch as *const () => {
            push_str(l, b"external hook")
        }
        _ => {
            dapi::push_hook_key(l);
            lua_rawget(l, LUA_REGISTRYINDEX);
        }
    }
    let mut smask = Vec::new();
    if mask & dapi::LUA_MASKCALL != 0 {
        smask.push(b'c');
    }
    if mask & dapi::LUA_MASKRET != 0 {
        smask.push(b'r');
    }
    if mask & dapi::LUA_MASKLINE != 0 {
        smask.push(b'l');
    }
    push_str(l, &smask);
    push_num(l, count as f64);
    3
}

/// debug.debug(): a minimal interactive loop on stdin until "cont" or EOF.
extern "C-unwind" fn db_debug(l: State) -> c_int {
    use std::io::{BufRead, Write};
    loop {
        let _ = std::io::stderr().write_all(b"lua_debug> ");
        let mut line = Vec::new();
        let n = std::io::stdin()
            .lock()
            .read_until(b'\n', &mut line)
            .unwrap_or(0);
        if n == 0 || line == b"cont\n" {
            return 0;
        }
        let status = load_bytes(l, &line, b"=(debug command)", None);
        if status != 0 || lua_pcall(l, 0, 0, 0) != 0 {
            let msg = to_bytes(l, -1)
                .map(|s| s.to_vec())
                .unwrap_or_else(|| b"(error object is not a string)".to_vec());
            let mut e = std::io::stderr();
            let _ = e.write_all(&msg);
            let _ = e.write_all(b"\n");
        }
        lua_settop(l, 0);
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_debug(l: State) -> c_int {
    new_lib(
        l,
        &[
            ("getregistry", db_getregistry),
            ("getmetatable", db_getmetatable),
            ("setmetatable", db_setmetatable),
            ("getfenv", db_getfenv),
            ("setfenv", db_setfenv),
            ("getinfo", db_getinfo),
            ("getlocal", db_getlocal),
            ("setlocal", db_setlocal),
            ("getupvalue", db_getupvalue),
            ("setupvalue", db_setupvalue),
            ("upvalueid", db_upvalueid),
            ("upvaluejoin", db_upvaluejoin),
            ("sethook", db_sethook),
            ("gethook", db_gethook),
            ("debug", db_debug),
            ("traceback", db_traceback),
        ],
    );
    // LuaJIT's builtin ids.
    set_ffids(
        l,
        &[
            ("getregistry", FastFunc::DebugGetregistry),
            ("getmetatable", FastFunc::DebugGetmetatable),
            ("setmetatable", FastFunc::DebugSetmetatable),
            ("getfenv", FastFunc::DebugGetfenv),
            ("setfenv", FastFunc::DebugSetfenv),
            ("getinfo", FastFunc::DebugGetinfo),
            ("getlocal", FastFunc::DebugGetlocal),
            ("setlocal", FastFunc::DebugSetlocal),
            ("getupvalue", FastFunc::DebugGetupvalue),
            ("setupvalue", FastFunc::DebugSetupvalue),
            ("upvalueid", FastFunc::DebugUpvalueid),
            ("upvaluejoin", FastFunc::DebugUpvaluejoin),
            ("sethook", FastFunc::DebugSethook),
            ("gethook", FastFunc::DebugGethook),
            ("debug", FastFunc::DebugDebug),
            ("traceback", FastFunc::DebugTraceback),
        ],
    );
    register_loaded(l, "debug", true);
    1
}
