//! The coroutine library.

use super::*;
use crate::capi::aux::*;
use crate::capi::core::*;
use crate::gc::GcHeader;
use crate::state::*;
use crate::value::*;
use crate::vm;
use std::os::raw::c_int;

fn check_co(l: State, n: c_int) -> State {
    let v = value_at(l, n);
    if !v.is_thread() {
        arg_error(l, n, b"coroutine expected");
    }
    // SAFETY: the thread is argument n, so it stays reachable while the
    // C function runs.
    unsafe { State::from_raw(v.as_ptr()) }
}

/// "suspended", "running", "normal" or "dead".
fn status_name(l: State, co: State) -> &'static str {
    if l == co {
        return "running";
    }
    // SAFETY: fields of the live thread co, read by value (base, top and
    // stack+2 are slots of its stack).
    unsafe {
        match (*co.as_ptr()).status {
            LUA_YIELD => "suspended",
            LUA_OK => {
                let bottom = (*co.as_ptr()).stack.add(2);
                if (*co.as_ptr()).base > bottom
                    || (*co.as_ptr()).nccalls > 0
                        && (*co.as_ptr()).resume_level > 0
                        && (*co.as_ptr()).base != bottom
                {
                    "normal"
                } else if (*co.as_ptr()).top == bottom {
                    "dead"
                } else {
                    "suspended"
                }
            }
            _ => "dead",
        }
    }
}

/// Resume `co` with `narg` values from l's top; pushes results on l.
/// Returns Ok(n) or Err(()) with the error object pushed.
fn aux_resume(l: State, co: State, narg: c_int) -> Result<c_int, ()> {
    let st = status_name(l, co);
    if st != "suspended" {
        let msg = match st {
            "dead" => "cannot resume dead coroutine",
            "running" => "cannot resume running coroutine",
            _ => "cannot resume non-suspended coroutine",
        };
        push_str(l, msg.as_bytes());
        return Err(());
    }
    lua_xmove(l, co, narg);
    let (status, n) = vm::resume(l, co, narg as usize);
    if status == LUA_OK || status == LUA_YIELD {
        check_stack(l, n + 1);
        lua_xmove(co, l, n as c_int);
        if status == LUA_OK {
            // A finished coroutine's stack is empty: top at its bottom.
            // SAFETY: stack+2 is the bottom slot of co's live stack (a
            // thread's base never goes below it).
            unsafe { (*co.as_ptr()).top = (*co.as_ptr()).stack.add(2) };
        }
        Ok(n as c_int)
    } else {
        lua_xmove(co, l, 1);
        Err(())
    }
}

extern "C-unwind" fn co_create(l: State) -> c_int {
    let f = value_at(l, 1);
    if !f.is_func() {
        type_error(l, 1, "function");
    }
    let co = lua_newthread(l);
    lua_pushvalue(l, 1);
    // SAFETY: lua_newthread returns the new live thread, kept reachable by
    // its value at the top of l's stack.
    lua_xmove(l, unsafe { State::from_raw(co) }, 1);
    1
}

extern "C-unwind" fn co_resume(l: State) -> c_int {
    let co = check_co(l, 1);
    let n = arg_count(l) - 1;
    match aux_resume(l, co, n) {
        Ok(r) => {
            push_bool(l, true);
            lua_insert(l, -(r + 1));
            r + 1
        }
        Err(()) => {
            push_bool(l, false);
            lua_insert(l, -2);
            2
        }
    }
}

extern "C-unwind" fn co_wrap_aux(l: State) -> c_int {
    let co: *mut lua_State = check_upvalue(l, 1, LUA_TTHREAD).as_ptr();
    // SAFETY: upvalue 1 is a thread (checked), kept reachable by the running
    // closure.
    let co = unsafe { State::from_raw(co) };
    let n = arg_count(l);
    match aux_resume(l, co, n) {
        Ok(r) => r,
        Err(()) => {
            // Propagate the error, adding position info to strings as LuaJIT does.
            let e = value_at(l, -1);
            if e.is_str() {
                luaL_where(l, 1);
                lua_insert(l, -2);
                lua_concat(l, 2);
            }
            lua_error(l)
        }
    }
}

extern "C-unwind" fn co_wrap(l: State) -> c_int {
    co_create(l);
    push_closure(l, co_wrap_aux, 1);
    // LuaJIT's id of the wrap iterator.
    set_top_ffid(l, FastFunc::CoroutineWrapAux);
    1
}

extern "C-unwind" fn co_yield(l: State) -> c_int {
    let n = arg_count(l);
    lua_yield(l, n)
}

extern "C-unwind" fn co_status(l: State) -> c_int {
    let co = check_co(l, 1);
    push_str(l, status_name(l, co).as_bytes());
    1
}

extern "C-unwind" fn co_running(l: State) -> c_int {
    let main = lua_pushthread(l);
    if main != 0 {
        lua_settop(l, -2);
        push_nil(l);
    }
    1
}

extern "C-unwind" fn co_isyieldable(l: State) -> c_int {
    push_bool(l, vm::is_yieldable(l));
    1
}

pub extern "C-unwind" fn open(l: State) -> c_int {
    new_lib(
        l,
        &[
            ("create", co_create),
            ("resume", co_resume),
            ("running", co_running),
            ("status", co_status),
            ("wrap", co_wrap),
            ("yield", co_yield),
            ("isyieldable", co_isyieldable),
        ],
    );
    set_ffids(
        l,
        &[
            ("status", FastFunc::CoroutineStatus),
            ("running", FastFunc::CoroutineRunning),
            ("isyieldable", FastFunc::CoroutineIsyieldable),
            ("create", FastFunc::CoroutineCreate),
            ("yield", FastFunc::CoroutineYield),
            ("resume", FastFunc::CoroutineResume),
            ("wrap", FastFunc::CoroutineWrap),
        ],
    );
    register_loaded(l, "coroutine", true);
    let _ = TValue::gcobj(TID_THREAD, std::ptr::null::<GcHeader>());
    1
}
