//! The base library (`_G`).

use super::*;
use crate::capi::aux::*;
use crate::capi::core::*;
use crate::error;
use crate::gc::GcHeader;
use crate::meta;
use crate::state::State;
use crate::state::LUAI_MAXCSTACK;
use crate::table::{self, GcTab};
use crate::value::*;
use crate::vm;
use std::os::raw::c_int;

extern "C-unwind" fn b_print(l: State) -> c_int {
    let n = arg_count(l);
    // Upvalue 1 is the name "tostring" (as in LuaJIT, where
    // debug.getupvalue(print, 1) shows it); look it up in the environment.
    lua_pushvalue(l, LUA_GLOBALSINDEX - 1);
    lua_gettable(l, LUA_GLOBALSINDEX);
    let ts = value_at(l, -1);
    // SAFETY: a function value at the top of the stack is live.
    let builtin = ts.is_func()
        && unsafe { (*ts.as_ptr::<crate::func::GcFunc>()).f }
            .is_some_and(|f| std::ptr::fn_addr_eq(f, b_tostring as CFn));
    let mut numbuf: Vec<u8> = Vec::new();
    for i in 1..=n {
        let v = value_at(l, i);
        let s = if builtin && (v.is_str() || v.is_num()) {
            v
        } else if builtin {
            meta::tostring(l, v)
        } else {
            vm::call_values(l, ts, &[v], 1)[0]
        };
        if i > 1 {
            super::io::putc_stdout(b'\t');
        }
        if s.is_str() {
            // SAFETY: s is the argument itself (live in its slot) or the
            // string tostring just returned, which no collector step can
            // reach before it is written out.
            super::io::write_stdout(unsafe { crate::string::str_bytes(s.as_ptr()) });
        } else if s.is_num() {
            numbuf.clear();
            crate::numfmt::fmt_number(s.as_num(), &mut numbuf);
            super::io::write_stdout(&numbuf);
        } else {
            error::throw_msg(l, "'tostring' must return a string to 'print'");
        }
    }
    super::io::putc_stdout(b'\n');
    0
}

pub extern "C-unwind" fn b_tostring(l: State) -> c_int {
    check_any(l, 1);
    let v = value_at(l, 1);
    let s = meta::tostring(l, v);
    push_value(l, s);
    1
}

extern "C-unwind" fn b_type(l: State) -> c_int {
    check_any(l, 1);
    let v = value_at(l, 1);
    push_str(l, type_name(v).as_bytes());
    1
}

extern "C-unwind" fn b_tonumber(l: State) -> c_int {
    let base = opt_int(l, 2, 10);
    let v = value_at(l, 1);
    if base == 10 {
        check_any(l, 1);
        let n = if v.is(TID_CDATA) {
            // Number cdata convert (64-bit integers may lose precision).
            crate::ffi::ops::to_number(&crate::ffi::CtsLock::acquire(l), v)
        } else {
            meta::to_number(v)
        };
        match n {
            Some(n) => push_num(l, n),
            None => push_nil(l),
        }
        return 1;
    }
    let s = check_str(l, 1);
    if !(2..=36).contains(&base) {
        arg_error(l, 2, b"base out of range");
    }
    match parse_int_base(&s, base as u32) {
        Some(n) => push_num(l, n),
        None => push_nil(l),
    }
    1
}

/// tonumber(s, base) for bases other than 10, with strtoul's rules as
/// LuaJIT applies them: optional whitespace, an optional sign, an optional
/// `0x` prefix in base 16, digits of the base (the magnitude saturates at
/// 2^64-1), optional whitespace; the sign then applies to the magnitude.
fn parse_int_base(s: &[u8], base: u32) -> Option<f64> {
    let is_ws = |c: u8| c == b' ' || (b'\t'..=b'\r').contains(&c);
    let digit = |c: u8| -> Option<u32> {
        let d = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 10,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            _ => return None,
        };
        (d < base).then_some(d)
    };
    let mut i = 0;
    while i < s.len() && is_ws(s[i]) {
        i += 1;
    }
    let neg = i < s.len() && s[i] == b'-';
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        i += 1;
    }
    if base == 16
        && s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x') | Some(b'X'))
        && s.get(i + 2).and_then(|&c| digit(c)).is_some()
    {
        i += 2;
    }
    let start = i;
    let mut n: u64 = 0;
    while let Some(d) = s.get(i).and_then(|&c| digit(c)) {
        n = n
            .checked_mul(base as u64)
            .and_then(|n| n.checked_add(d as u64))
            .unwrap_or(u64::MAX);
        i += 1;
    }
    if i == start {
        return None;
    }
    while i < s.len() && is_ws(s[i]) {
        i += 1;
    }
    if i != s.len() {
        return None;
    }
    let n = n as f64;
    Some(if neg { -n } else { n })
}

extern "C-unwind" fn b_rawget(l: State) -> c_int {
    check_type(l, 1, LUA_TTABLE);
    check_any(l, 2);
    let t = value_at(l, 1);
    let k = value_at(l, 2);
    // SAFETY: t is the table argument 1 (checked), live in its slot.
    push_value(l, unsafe { table::get(t.as_ptr(), k) });
    1
}

extern "C-unwind" fn b_rawset(l: State) -> c_int {
    check_type(l, 1, LUA_TTABLE);
    check_any(l, 2);
    check_any(l, 3);
    let t = value_at(l, 1);
    // SAFETY: t is the table argument 1 (checked), live in its slot.
    unsafe { meta::raw_set(l, t.as_ptr(), value_at(l, 2), value_at(l, 3)) };
    lua_settop(l, 1);
    1
}

extern "C-unwind" fn b_rawequal(l: State) -> c_int {
    check_any(l, 1);
    check_any(l, 2);
    push_bool(l, meta::raw_equal(value_at(l, 1), value_at(l, 2)));
    1
}

extern "C-unwind" fn b_getmetatable(l: State) -> c_int {
    check_any(l, 1);
    let v = value_at(l, 1);
    let mt = leaf::metatable_of(l, v);
    if mt.is_null() {
        push_nil(l);
        return 1;
    }
    // SAFETY: the metatable of argument 1 is live; the metamethod names
    // are fixed strings.
    let protected = unsafe { table::get_str(mt, leaf::mmname(l, meta::MM_METATABLE)) };
    if !protected.is_nil() {
        push_value(l, protected);
    } else {
        push_value(l, TValue::gcobj(TID_TAB, mt as *const GcHeader));
    }
    1
}

extern "C-unwind" fn b_setmetatable(l: State) -> c_int {
    check_type(l, 1, LUA_TTABLE);
    let mtv = value_at(l, 2);
    if !(mtv.is_nil() || mtv.is_tab()) || lua_type(l, 2) == LUA_TNONE {
        arg_error(l, 2, b"nil or table expected");
    }
    let t: *mut GcTab = value_at(l, 1).as_ptr();
    // SAFETY: t is the table argument 1 (checked), live in its slot.
    let old = unsafe { (*t).metatable };
    // SAFETY: t's metatable, when set, is live; the metamethod names are
    // fixed strings.
    let protected = !old.is_null()
        && !unsafe { table::get_str(old, leaf::mmname(l, meta::MM_METATABLE)) }.is_nil();
    if protected {
        error::throw_msg(l, "cannot change a protected metatable");
    }
    // SAFETY: as above; mtv is nil or a table (checked), stored into t.
    unsafe {
        (*t).metatable = if mtv.is_nil() {
            std::ptr::null_mut()
        } else {
            mtv.as_ptr()
        };
        l.barrier_table(t);
    }
    lua_settop(l, 1);
    1
}

extern "C-unwind" fn b_assert(l: State) -> c_int {
    check_any(l, 1);
    if value_at(l, 1).is_truthy() {
        return arg_count(l);
    }
    if arg_count(l) >= 2 {
        let m = value_at(l, 2);
        if m.is_str() || m.is_num() {
            // A string or number message gets the caller's position, as in LuaJIT.
            lua_settop(l, 2);
            luaL_where(l, 1);
            lua_pushvalue(l, 2);
            lua_concat(l, 2);
            lua_error(l);
        }
        error::throw_value(l, m);
    }
    error_str(l, "assertion failed!")
}

extern "C-unwind" fn b_error(l: State) -> c_int {
    let level = opt_int(l, 2, 1);
    lua_settop(l, 1);
    let v = value_at(l, 1);
    if (v.is_str() || v.is_num()) && level > 0 {
        luaL_where(l, level as c_int);
        lua_pushvalue(l, 1);
        lua_concat(l, 2);
    }
    lua_error(l)
}

extern "C-unwind" fn b_select(l: State) -> c_int {
    let n = arg_count(l);
    let v = value_at(l, 1);
    // SAFETY: a string argument, live in its slot.
    if v.is_str() && unsafe { crate::string::str_bytes(v.as_ptr()) }.first() == Some(&b'#') {
        push_num(l, (n - 1) as f64);
        return 1;
    }
    // LuaJIT's int32 index (select(2^31) is select(INT_MIN) on x86-64):
    // negative counts from the end, beyond the end returns nothing.
    let i = check_int32(l, 1);
    let k = if i < 0 { n.wrapping_add(i) } else { i.min(n) };
    if k < 1 {
        arg_error(l, 1, b"index out of range");
    }
    n - k
}

extern "C-unwind" fn b_unpack(l: State) -> c_int {
    check_type(l, 1, LUA_TTABLE);
    let t: *mut GcTab = value_at(l, 1).as_ptr();
    // LuaJIT's int32 bounds, with the count computed modulo 2^32.
    let i = opt_int32(l, 2, 1);
    let e = if lua_type(l, 3) <= LUA_TNIL {
        // SAFETY: t is the table argument 1 (checked), live in its slot.
        unsafe { table::len(t) as i32 }
    } else {
        check_int32(l, 3)
    };
    if i > e {
        return 0;
    }
    let span = (e as u32).wrapping_sub(i as u32);
    if span as usize >= LUAI_MAXCSTACK || lua_checkstack(l, span as c_int + 1) == 0 {
        error_str(l, "too many results to unpack");
    }
    for k in i..=e {
        // SAFETY: as above (pushing moves no argument).
        push_value(l, unsafe { table::get_int(t, k as i64) });
    }
    span as c_int + 1
}

extern "C-unwind" fn b_next(l: State) -> c_int {
    check_type(l, 1, LUA_TTABLE);
    lua_settop(l, 2);
    let t = value_at(l, 1);
    let k = value_at(l, 2);
    // SAFETY: t is the table argument 1 (checked), live in its slot.
    match unsafe { leaf::table_next(l, t.as_ptr(), k) } {
        Ok(Some((nk, nv))) => {
            push_value(l, nk);
            push_value(l, nv);
            2
        }
        Ok(None) => {
            push_nil(l);
            1
        }
        Err(()) => error::throw_msg(l, "invalid key to 'next'"),
    }
}

extern "C-unwind" fn b_pairs(l: State) -> c_int {
    check_any(l, 1);
    check_type(l, 1, LUA_TTABLE);
    lua_pushvalue(l, LUA_GLOBALSINDEX - 1);
    lua_pushvalue(l, 1);
    push_nil(l);
    3
}

extern "C-unwind" fn ipairs_aux(l: State) -> c_int {
    // LuaJIT's ipairs iterates raw array values (no __index); it checks the
    // table before the index. The next index is the number plus one, and the
    // slot read is that number converted to int32 (so 1.9 gives 2.9, t[2]).
    let t = value_at(l, 1);
    if !t.is_tab() {
        check_type(l, 1, LUA_TTABLE);
    }
    let n = check_num(l, 2) + 1.0;
    // SAFETY: t is the table argument 1 (checked), live in its slot.
    let v = unsafe { table::get_int(t.as_ptr(), num_to_int32(n) as i64) };
    if v.is_nil() {
        return 0;
    }
    push_num(l, n);
    push_value(l, v);
    2
}

extern "C-unwind" fn b_ipairs(l: State) -> c_int {
    check_any(l, 1);
    check_type(l, 1, LUA_TTABLE);
    lua_pushvalue(l, LUA_GLOBALSINDEX - 1);
    lua_pushvalue(l, 1);
    push_num(l, 0.0);
    3
}

/// pcall/xpcall called from native code (the interpreter handles calls
/// from Lua as frames of its own).
extern "C-unwind" fn b_pcall(l: State) -> c_int {
    check_any(l, 1);
    let n = arg_count(l);
    let st = api_pcall(l, base_offset(l), 0, || {
        api_call(l, (n - 1) as usize, LUA_MULTRET)
    });
    if st != 0 {
        push_bool(l, false);
        lua_insert(l, -2);
        return 2;
    }
    push_bool(l, true);
    lua_insert(l, 1);
    lua_gettop(l)
}

/// Stack offset of the running function's base (slot 1).
fn base_offset(l: State) -> isize {
    // SAFETY: base points into the live stack.
    unsafe { (*l.as_ptr()).base.offset_from((*l.as_ptr()).stack) }
}

extern "C-unwind" fn b_xpcall(l: State) -> c_int {
    check_any(l, 1);
    check_type(l, 2, LUA_TFUNCTION);
    let n = arg_count(l);
    // Stack: f, handler, args... -> handler, f, args...
    lua_pushvalue(l, 1);
    lua_pushvalue(l, 2);
    lua_replace(l, 1);
    lua_replace(l, 2);
    let hoff = base_offset(l);
    let st = api_pcall(l, hoff + 1, hoff as usize, || {
        api_call(l, (n - 2) as usize, LUA_MULTRET)
    });
    if st != 0 {
        push_bool(l, false);
        lua_insert(l, -2);
        return 2;
    }
    push_bool(l, true);
    lua_replace(l, 1);
    lua_gettop(l)
}

extern "C-unwind" fn b_collectgarbage(l: State) -> c_int {
    const OPTS: [&[u8]; 9] = [
        b"stop",
        b"restart",
        b"collect",
        b"count",
        b"step",
        b"setpause",
        b"setstepmul",
        b"isrunning",
        b"gen",
    ];
    let opt_arg = opt_str(l, 1);
    let opt = opt_arg.as_deref().unwrap_or(b"collect");
    let idx = match OPTS.iter().position(|o| *o == opt) {
        Some(i) if i < 8 => i,
        _ => {
            let mut m = b"invalid option '".to_vec();
            m.extend_from_slice(opt);
            m.push(b'\'');
            arg_error(l, 1, &m)
        }
    };
    let what = [
        LUA_GCSTOP,
        LUA_GCRESTART,
        LUA_GCCOLLECT,
        LUA_GCCOUNT,
        LUA_GCSTEP,
        LUA_GCSETPAUSE,
        LUA_GCSETSTEPMUL,
        LUA_GCISRUNNING,
    ][idx];
    let data = opt_int(l, 2, 0) as c_int;
    match what {
        LUA_GCCOUNT => {
            push_num(l, leaf::gc_total(l) as f64 / 1024.0);
        }
        LUA_GCSTEP => {
            let r = lua_gc(l, what, data);
            push_bool(l, r != 0);
        }
        LUA_GCISRUNNING => {
            let r = lua_gc(l, what, data);
            push_bool(l, r != 0);
        }
        _ => {
            let r = lua_gc(l, what, data);
            push_num(l, r as f64);
        }
    }
    1
}

extern "C-unwind" fn b_gcinfo(l: State) -> c_int {
    push_num(l, (leaf::gc_total(l) >> 10) as f64);
    1
}

/// The function at `arg 1` for getfenv/setfenv: a function or a level.
fn fenv_target(l: State, allow_zero: bool) -> Option<TValue> {
    let v = value_at(l, 1);
    if v.is_func() {
        return Some(v);
    }
    let level = if lua_type(l, 1) <= LUA_TNIL {
        1
    } else {
        check_int(l, 1)
    };
    if level < 0 {
        arg_error(l, 1, b"invalid level");
    }
    if level == 0 && allow_zero {
        return None;
    }
    match crate::debug::frame_at(l, level as usize) {
        Some(f) => Some(f.func()),
        None => arg_error(l, 1, b"invalid level"),
    }
}

extern "C-unwind" fn b_getfenv(l: State) -> c_int {
    match fenv_target(l, true) {
        None => lua_pushvalue(l, LUA_GLOBALSINDEX),
        Some(f) => {
            // SAFETY: fenv_target gives a function argument or the
            // function of a live frame, live in its slot.
            let (env, is_lua) = unsafe {
                let fp = f.as_ptr::<crate::func::GcFunc>();
                ((*fp).env, (*fp).is_lua())
            };
            if f.is_func() && !is_lua {
                lua_pushvalue(l, LUA_GLOBALSINDEX);
            } else {
                push_value(l, TValue::gcobj(TID_TAB, env as *const GcHeader));
            }
        }
    }
    1
}

extern "C-unwind" fn b_setfenv(l: State) -> c_int {
    check_type(l, 2, LUA_TTABLE);
    let t = value_at(l, 2);
    match fenv_target(l, true) {
        None => {
            // SAFETY: a field of the live thread, written by value.
            unsafe { (*l.as_ptr()).env = t.as_ptr() };
            0
        }
        Some(f) => {
            let fp = f.as_ptr::<crate::func::GcFunc>();
            // SAFETY: fenv_target gives a function argument or the function
            // of a live frame, live in its slot.
            if !f.is_func() || !unsafe { (*fp).is_lua() } {
                error_str(l, "'setfenv' cannot change environment of given object");
            }
            // SAFETY: as above; t is the table argument 2 (checked),
            // stored into the function.
            unsafe {
                (*fp).env = t.as_ptr();
                leaf::barrier_obj(l, fp as *mut GcHeader, t);
            }
            push_value(l, f);
            1
        }
    }
}

/// Results of load/loadstring/loadfile: the function, or nil and the
/// message. Argument `env_arg` is the optional environment (LuaJIT 2.1's
/// extension): when it is a table, the loaded function gets it as its
/// environment; any other value is ignored.
fn load_result(l: State, status: c_int, env_arg: c_int) -> c_int {
    if status == 0 {
        // Not for the prototype that load mode "W" gives.
        if value_at(l, env_arg).is_tab() && value_at(l, -1).is_func() {
            lua_pushvalue(l, env_arg);
            lua_setfenv(l, -2);
        }
        1
    } else {
        lua_pushnil(l);
        lua_insert(l, -2);
        2
    }
}

/// The environment argument of load(chunk, name, mode, env).
const LOAD_ENV_ARG: c_int = 4;
/// The environment argument of loadfile(filename, mode, env).
const LOADFILE_ENV_ARG: c_int = 3;

/// loadstring is load under another name (as in LuaJIT): it also takes a
/// reader function.
extern "C-unwind" fn b_loadstring(l: State) -> c_int {
    b_load(l)
}

/// load/loadstring of a string (or number) chunk.
extern "C-unwind" fn load_string_chunk(l: State) -> c_int {
    // The chunk, its name and the mode stay on the stack (arguments 1-3)
    // while the chunk loads.
    let s = check_str(l, 1);
    let name = opt_str(l, 2).unwrap_or(s);
    let mode = opt_str(l, 3);
    // The environment slot exists below whatever loading pushes.
    lua_settop(l, LOAD_ENV_ARG);
    let st = load_bytes(l, &s, &name, mode.as_deref());
    load_result(l, st, LOAD_ENV_ARG)
}

extern "C-unwind" fn b_load(l: State) -> c_int {
    // The chunk name and mode are checked first, as LuaJIT does.
    let _ = opt_str(l, 2);
    let _ = opt_str(l, 3);
    let v = value_at(l, 1);
    if arg_count(l) >= 1 && (v.is_str() || v.is_num()) {
        return load_string_chunk(l);
    }
    check_type(l, 1, LUA_TFUNCTION);
    // The name and the mode stay on the stack (arguments 2 and 3).
    let name_arg = opt_str(l, 2);
    let name = name_arg.as_deref().unwrap_or(b"=(load)");
    let mode = opt_str(l, 3);
    lua_settop(l, LOAD_ENV_ARG);
    // The reader is called as the lexer needs more input (LuaJIT stops
    // calling it after a syntax error).
    let mut failed = 0;
    let mut read = || -> Result<Vec<u8>, ()> {
        let r = crate::capi::aux::call_reader(l, || {
            lua_pushvalue(l, 1);
            api_call(l, 0, 1);
            let piece = if lua_type(l, -1) == LUA_TNIL {
                Vec::new()
            } else if let Some(s) = to_bytes(l, -1) {
                // Copied while the string is on the stack.
                crate::mem::vec_from_slice(&s)
            } else {
                error_str(l, "reader function must return a string")
            };
            lua_settop(l, -2);
            piece
        });
        r.map_err(|st| failed = st)
    };
    let src = crate::frontend::Source::Reader(&mut read);
    let st = crate::capi::aux::load_source(l, src, name, mode.as_deref());
    load_result(l, st.unwrap_or(failed), LOAD_ENV_ARG)
}

extern "C-unwind" fn b_loadfile(l: State) -> c_int {
    let f = opt_str(l, 1).map(|f| f.to_vec());
    let mode = opt_str(l, 2).map(|m| m.to_vec());
    lua_settop(l, LOADFILE_ENV_ARG);
    let st = load_file(l, f.as_deref(), mode.as_deref());
    load_result(l, st, LOADFILE_ENV_ARG)
}

extern "C-unwind" fn b_dofile(l: State) -> c_int {
    let f = opt_str(l, 1).map(|f| f.to_vec());
    lua_settop(l, 1);
    if load_file(l, f.as_deref(), None) != 0 {
        lua_error(l);
    }
    api_call(l, 0, LUA_MULTRET);
    lua_gettop(l) - 1
}

extern "C-unwind" fn b_newproxy(l: State) -> c_int {
    lua_settop(l, 1);
    lua_newuserdata(l, 0);
    let v = value_at(l, 1);
    if v.is_false() || v.is_nil() {
        return 1;
    }
    // Upvalue 1: weak set of the metatables newproxy made, so only
    // proxies from newproxy can lend theirs (as in LuaJIT).
    check_upvalue(l, 1, LUA_TTABLE);
    if v.0 == TValue::TRUE.0 {
        lua_createtable(l, 0, 0);
        lua_pushvalue(l, -1);
        lua_pushboolean(l, 1);
        lua_rawset(l, LUA_GLOBALSINDEX - 1);
        lua_setmetatable(l, 2);
    } else {
        let ok = v.is_udata() && lua_getmetatable(l, 1) != 0 && {
            lua_pushvalue(l, -1);
            lua_rawget(l, LUA_GLOBALSINDEX - 1);
            let known = lua_toboolean(l, -1) != 0;
            lua_settop(l, -2);
            known
        };
        if !ok {
            arg_error(l, 1, b"boolean or proxy expected");
        }
        lua_setmetatable(l, 2);
    }
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_base(l: State) -> c_int {
    lua_pushvalue(l, LUA_GLOBALSINDEX);
    lua_pushvalue(l, LUA_GLOBALSINDEX);
    set_field(l, -2, "_G");
    push_str(l, b"Lua 5.1");
    set_field(l, -2, "_VERSION");
    let funcs: &[(&str, CFn)] = &[
        ("assert", b_assert),
        ("collectgarbage", b_collectgarbage),
        ("dofile", b_dofile),
        ("error", b_error),
        ("gcinfo", b_gcinfo),
        ("getfenv", b_getfenv),
        ("getmetatable", b_getmetatable),
        ("load", b_load),
        ("loadfile", b_loadfile),
        ("loadstring", b_loadstring),
        ("rawequal", b_rawequal),
        ("rawget", b_rawget),
        ("rawset", b_rawset),
        ("select", b_select),
        ("setfenv", b_setfenv),
        ("setmetatable", b_setmetatable),
        ("tonumber", b_tonumber),
        ("tostring", b_tostring),
        ("type", b_type),
        ("unpack", b_unpack),
    ];
    set_funcs(l, funcs);
    // Functions with upvalues, laid out as LuaJIT's: pairs holds next,
    // ipairs its iterator, print the name "tostring", newproxy a weak
    // set of its metatables.
    push_cfunc(l, b_next, FastFunc::Next);
    lua_pushvalue(l, -1);
    set_field(l, -3, "next");
    push_closure(l, b_pairs, 1);
    set_field(l, -2, "pairs");
    push_cfunc(l, ipairs_aux, FastFunc::IpairsAux);
    push_closure(l, b_ipairs, 1);
    set_field(l, -2, "ipairs");
    push_str(l, b"tostring");
    push_closure(l, b_print, 1);
    set_field(l, -2, "print");
    lua_createtable(l, 0, 1);
    lua_pushvalue(l, -1);
    lua_setmetatable(l, -2);
    push_str(l, b"kv");
    set_field(l, -2, "__mode");
    push_closure(l, b_newproxy, 1);
    set_field(l, -2, "newproxy");
    push_cfunc(l, b_pcall, FastFunc::Pcall);
    set_field(l, -2, "pcall");
    push_cfunc(l, b_xpcall, FastFunc::Xpcall);
    set_field(l, -2, "xpcall");
    // LuaJIT's builtin ids (tostring(pcall) reads "builtin#N").
    set_ffids(
        l,
        &[
            ("assert", FastFunc::Assert),
            ("type", FastFunc::Type),
            ("pairs", FastFunc::Pairs),
            ("ipairs", FastFunc::Ipairs),
            ("getmetatable", FastFunc::Getmetatable),
            ("setmetatable", FastFunc::Setmetatable),
            ("getfenv", FastFunc::Getfenv),
            ("setfenv", FastFunc::Setfenv),
            ("rawget", FastFunc::Rawget),
            ("rawset", FastFunc::Rawset),
            ("rawequal", FastFunc::Rawequal),
            ("unpack", FastFunc::Unpack),
            ("select", FastFunc::Select),
            ("tonumber", FastFunc::Tonumber),
            ("tostring", FastFunc::Tostring),
            ("error", FastFunc::Error),
            ("loadfile", FastFunc::Loadfile),
            ("load", FastFunc::Load),
            ("loadstring", FastFunc::Loadstring),
            ("dofile", FastFunc::Dofile),
            ("gcinfo", FastFunc::Gcinfo),
            ("collectgarbage", FastFunc::Collectgarbage),
            ("newproxy", FastFunc::Newproxy),
            ("print", FastFunc::Print),
        ],
    );
    register_loaded(l, "_G", false);
    // LuaJIT's luaopen_base also opens the coroutine library.
    push_closure(l, super::coroutine::open, 0);
    lua_call(l, 0, 0);
    1
}
