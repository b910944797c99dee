//! The `string` library, with LuaJIT 2.1's results and error messages.
//!
//! Integer arguments are converted the way LuaJIT's library does it: to a
//! 32-bit integer by truncation, with out-of-range values (and NaN) becoming
//! `INT32_MIN` (the x86 conversion result), so `("x"):rep(1e10)` is "".

use super::format;
use super::pattern::{self, Capture, CaptureValue};
use super::*;
use crate::mem::{ByteSink, ShortBuf};
use crate::numfmt;
use crate::state::State;
use std::os::raw::c_int;

/// LuaJIT's string length limit (LJ_MAX_STR), as a u64 for length sums.
pub(crate) const MAX_STR: u64 = crate::string::MAX_STR_LEN as u64;

/// Number to int32 as LuaJIT's `lj_num2int` (truncating, x86 semantics).
pub(crate) fn num_to_i32(n: f64) -> i32 {
    if n >= -2147483648.0 && n < 2147483648.0 {
        n as i32
    } else {
        i32::MIN
    }
}

/// `lj_lib_checkint`: a number (or numeric string) as int32.
pub(crate) fn check_i32(l: State, n: c_int) -> i32 {
    num_to_i32(check_num(l, n))
}

/// `lj_lib_optint`.
pub(crate) fn opt_i32(l: State, n: c_int, def: i32) -> i32 {
    if lua_type(l, n) <= LUA_TNIL {
        def
    } else {
        check_i32(l, n)
    }
}

/// Raise LuaJIT's out-of-memory error (used for oversized results).
pub(crate) fn err_mem(l: State) -> ! {
    crate::error::throw_status(l, crate::state::LUA_ERRMEM, b"not enough memory")
}

/// Converts 1-based inclusive Lua positions `[i, j]` (negative counts
/// from the end) into a 0-based half-open byte range of a string of `len`.
fn str_range(len: usize, i: i32, j: i32) -> (usize, usize) {
    let len = len as i64;
    let mut j = j as i64;
    let mut i = i as i64;
    if j < 0 {
        j += len + 1;
    } else if j > len {
        j = len;
    }
    if i < 0 {
        i += len + 1;
    }
    if i < 1 {
        i = 1;
    }
    if i > j {
        (0, 0)
    } else {
        ((i - 1) as usize, j as usize)
    }
}

extern "C-unwind" fn s_len(l: State) -> c_int {
    // LuaJIT's fast function reads a missing argument as nil.
    if arg_count(l) == 0 {
        arg_error(l, 1, b"string expected, got nil");
    }
    let s = check_str(l, 1);
    push_num(l, s.len() as f64);
    1
}

extern "C-unwind" fn s_sub(l: State) -> c_int {
    let s = check_str(l, 1);
    let i = check_i32(l, 2);
    let j = opt_i32(l, 3, -1);
    let (a, b) = str_range(s.len(), i, j);
    push_str(l, &s[a..b]);
    1
}

extern "C-unwind" fn s_byte(l: State) -> c_int {
    let s = check_str(l, 1);
    let i = opt_i32(l, 2, 1);
    let j = opt_i32(l, 3, i);
    let (a, b) = str_range(s.len(), i, j);
    let n = b - a;
    if n == 0 {
        return 0;
    }
    // LuaJIT bounds the count, not the stack this function already uses.
    if n > crate::state::LUAI_MAXCSTACK {
        error_str(l, "string slice too long");
    }
    crate::state::reserve_stack(l, n);
    for &c in &s[a..b] {
        push_num(l, c as f64);
    }
    n as c_int
}

/// An empty buffer of the state with room for `n` bytes.
fn short_buf_with_capacity(l: State, n: usize) -> ShortBuf {
    let mut b = ShortBuf::of(l);
    b.reserve_exact(n);
    b
}

extern "C-unwind" fn s_char(l: State) -> c_int {
    let n = arg_count(l);
    let mut out = short_buf_with_capacity(l, n as usize);
    for i in 1..=n {
        let c = check_i32(l, i);
        if !(0..=255).contains(&c) {
            arg_error(l, i, b"invalid value");
        }
        out.push(c as u8);
    }
    push_str(l, &out);
    1
}

extern "C-unwind" fn s_rep(l: State) -> c_int {
    let s = check_str(l, 1);
    let n = check_i32(l, 2);
    let sep_arg = opt_str(l, 3);
    let sep = sep_arg.as_deref().unwrap_or(b"");
    if n <= 0 {
        push_str(l, b"");
        return 1;
    }
    let n = n as u64;
    let total = s.len() as u64 * n + sep.len() as u64 * (n - 1);
    if total > MAX_STR {
        err_mem(l);
    }
    let mut out = short_buf_with_capacity(l, total as usize);
    if sep.is_empty() {
        // Doubling copies; also O(1) for an empty string (`rep("", 2^31-1)`
        // must not loop 2^31 times).
        if !s.is_empty() {
            out.extend_from_slice(&s);
            while out.len() < total as usize {
                let k = out.len().min(total as usize - out.len());
                out.extend_from_within(0..k);
            }
        }
        push_str(l, &out);
        return 1;
    }
    for k in 0..n {
        if k > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(&s);
    }
    push_str(l, &out);
    1
}

extern "C-unwind" fn s_reverse(l: State) -> c_int {
    let s = check_str(l, 1);
    let mut out = short_buf_with_capacity(l, s.len());
    out.extend(s.iter().rev().copied());
    push_str(l, &out);
    1
}

extern "C-unwind" fn s_lower(l: State) -> c_int {
    let s = check_str(l, 1);
    let mut out = short_buf_with_capacity(l, s.len());
    out.extend(s.iter().map(u8::to_ascii_lowercase));
    push_str(l, &out);
    1
}

extern "C-unwind" fn s_upper(l: State) -> c_int {
    let s = check_str(l, 1);
    let mut out = short_buf_with_capacity(l, s.len());
    out.extend(s.iter().map(u8::to_ascii_uppercase));
    push_str(l, &out);
    1
}

extern "C-unwind" fn s_dump(l: State) -> c_int {
    // A Lua function, or the prototype load mode "W" gives.
    let f = value_at(l, 1);
    let pt = if f.is(crate::value::TID_PROTO) {
        f.as_ptr::<crate::func::GcProto>()
    } else {
        check_type(l, 1, LUA_TFUNCTION);
        // SAFETY: argument 1, a function (checked), live in its slot; the
        // borrow ends before anything can change it (dumping runs no Lua
        // code).
        let fp = unsafe { &*f.as_ptr::<crate::func::GcFunc>() };
        if !fp.is_lua() {
            error_str(l, "unable to dump given function");
        }
        fp.proto
    };
    // The mode: a string of flags (`s` strip, `d` deterministic), or any
    // true value for strip.
    let mode = value_at(l, 2);
    let (strip, deterministic) = if mode.is_str() {
        let m = check_str(l, 2);
        (m.contains(&b's'), m.contains(&b'd'))
    } else {
        (mode.is_truthy(), false)
    };
    // SAFETY: the prototype of argument 1 (a Lua function's, or argument 1
    // itself), live in its slot; dumping runs no collection step.
    let pd = unsafe { crate::func::proto_to_data(pt) };
    let out = crate::bytecode::writer::dump_with(&pd, strip, deterministic);
    push_str(l, &out);
    1
}

// ---- Pattern matching.

/// Push one capture value (string or 1-based position).
fn push_capture(l: State, s: &[u8], start: usize, end: usize, caps: &[Capture], i: usize) {
    match pattern::capture_value(s, start, end, caps, i) {
        Ok(CaptureValue::Str(v)) => push_str(l, v),
        Ok(CaptureValue::Position(p)) => push_num(l, p as f64),
        Err(e) => error_str(l, &e),
    }
}

/// Push all captures (or the whole match when there are none); returns
/// how many values were pushed.
fn push_captures(
    l: State,
    s: &[u8],
    start: usize,
    end: usize,
    caps: &[Capture],
    whole: bool,
) -> c_int {
    let n = if caps.is_empty() && whole {
        1
    } else {
        caps.len()
    };
    // SAFETY: a NUL-terminated literal.
    unsafe { luaL_checkstack(l, n as c_int, c"too many captures".as_ptr()) };
    for i in 0..n {
        push_capture(l, s, start, end, caps, i);
    }
    n as c_int
}

fn find_aux(l: State, find: bool) -> c_int {
    let s = check_str(l, 1);
    let p = check_str(l, 2);
    let init = opt_i32(l, 3, 1) as i64;
    let mut st = if init < 0 {
        init + s.len() as i64
    } else {
        init - 1
    };
    if st < 0 {
        st = 0;
    }
    // LuaJIT (without 5.2 compatibility) clamps a start past the end.
    let st = (st as usize).min(s.len());
    if find && (value_at(l, 4).is_truthy() || !pattern::has_specials(&p)) {
        match pattern::find_plain(&s, &p, st) {
            Some(pos) => {
                push_num(l, (pos + 1) as f64);
                push_num(l, (pos + p.len()) as f64);
                2
            }
            None => {
                push_nil(l);
                1
            }
        }
    } else {
        match pattern::find(&s, &p, st, true) {
            Err(e) => error_str(l, &e),
            Ok(None) => {
                push_nil(l);
                1
            }
            Ok(Some((a, b, caps))) => {
                if find {
                    push_num(l, (a + 1) as f64);
                    push_num(l, b as f64);
                    2 + push_captures(l, &s, a, b, &caps, false)
                } else {
                    push_captures(l, &s, a, b, &caps, true)
                }
            }
        }
    }
}

extern "C-unwind" fn s_find(l: State) -> c_int {
    find_aux(l, true)
}

extern "C-unwind" fn s_match(l: State) -> c_int {
    find_aux(l, false)
}

/// Upvalue pseudo-index `i` (lua_upvalueindex).
fn upvalue_index(i: c_int) -> c_int {
    LUA_GLOBALSINDEX - i
}

extern "C-unwind" fn gmatch_aux(l: State) -> c_int {
    // The subject and the pattern are used from stack copies: Lua code
    // (a finalizer, while captures are pushed) could replace the upvalues.
    lua_pushvalue(l, upvalue_index(1));
    lua_pushvalue(l, upvalue_index(2));
    let s_arg = to_bytes(l, -2);
    let s = s_arg.as_deref().unwrap_or(b"");
    let p_arg = to_bytes(l, -1);
    let p = p_arg.as_deref().unwrap_or(b"");
    let pos = value_at(l, upvalue_index(3)).as_num() as usize;
    match pattern::gmatch_next(s, p, pos) {
        Err(e) => error_str(l, &e),
        Ok(None) => {
            // Park the position past the end so later calls stay exhausted.
            push_num(l, (s.len() + 1) as f64);
            lua_replace(l, upvalue_index(3));
            0
        }
        Ok(Some((a, b, caps, next))) => {
            push_num(l, next as f64);
            lua_replace(l, upvalue_index(3));
            push_captures(l, s, a, b, &caps, true)
        }
    }
}

extern "C-unwind" fn s_gmatch(l: State) -> c_int {
    check_str(l, 1);
    check_str(l, 2);
    lua_settop(l, 2);
    lua_pushnumber(l, 0.0);
    push_closure(l, gmatch_aux, 3);
    set_top_ffid(l, FastFunc::StringGmatchAux);
    1
}

extern "C-unwind" fn s_gsub(l: State) -> c_int {
    let s = check_str(l, 1);
    let p = check_str(l, 2);
    // LuaJIT checks the count (argument 4) before the replacement's type.
    let max_n = opt_i32(l, 4, (s.len() as i64 + 1).min(i32::MAX as i64) as i32);
    let tr = lua_type(l, 3);
    if !(tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE) {
        arg_error(l, 3, b"string/function/table expected");
    }
    let max_n = if max_n < 0 { 0 } else { max_n as usize };
    let repl_str = if tr == LUA_TSTRING || tr == LUA_TNUMBER {
        to_bytes(l, 3)
    } else {
        None
    };
    let mut out = short_buf_with_capacity(l, s.len());
    let r = pattern::gsub(
        &s,
        &p,
        max_n,
        &mut out,
        |out, a, b, caps| -> Result<(), String> {
            if let Some(r) = &repl_str {
                return pattern::expand_replacement(r, &s, a, b, caps, out);
            }
            if tr == LUA_TFUNCTION {
                lua_pushvalue(l, 3);
                let n = push_captures(l, &s, a, b, caps, true);
                lua_call(l, n, 1);
            } else {
                push_capture(l, &s, a, b, caps, 0);
                lua_gettable(l, 3);
            }
            let v = value_at(l, -1);
            if v.is_falsy() {
                out.extend_from_slice(&s[a..b]);
            } else if v.is_str() || v.is_num() {
                let piece = to_bytes(l, -1);
                out.extend_from_slice(piece.as_deref().unwrap_or(b""));
            } else {
                let msg = format!("invalid replacement value (a {})", type_name(v));
                return Err(msg);
            }
            lua_settop(l, -2);
            Ok(())
        },
    );
    match r {
        Ok(n) => {
            push_str(l, &out);
            push_num(l, n as f64);
            2
        }
        Err(pattern::GsubError::Pattern(e)) | Err(pattern::GsubError::Replace(e)) => {
            error_str(l, &e)
        }
    }
}

// ---- string.format.

/// The text of value `idx` as `tostring` gives it (honouring __tostring).
pub(crate) fn tostring_bytes(l: State, idx: c_int, out: &mut (impl ByteSink + ?Sized)) {
    let v = value_at(l, idx);
    if v.is_str() {
        // SAFETY: the string at idx, live in its slot.
        out.extend_from_slice(unsafe { crate::string::str_bytes(v.as_ptr()) });
        return;
    }
    if v.is_num() {
        numfmt::fmt_number(v.as_num(), out);
        return;
    }
    let r = crate::meta::tostring(l, v);
    if r.is_str() {
        // SAFETY: the string tostring just returned; no collector step can
        // happen before it is copied (appending to out runs no Lua code and
        // does not step the collector).
        out.extend_from_slice(unsafe { crate::string::str_bytes(r.as_ptr()) });
    } else if r.is_num() {
        numfmt::fmt_number(r.as_num(), out);
    } else {
        // LuaJIT renders a non-string __tostring result as tostring would.
        let r2 = crate::meta::tostring(l, r);
        if r2.is_str() {
            // SAFETY: as for r above.
            out.extend_from_slice(unsafe { crate::string::str_bytes(r2.as_ptr()) });
        }
    }
}

/// Formats `string.format(fmt, ...)` with the format string at stack
/// index `fmt_idx` and the arguments after it, appending to `out`.
pub(crate) fn format_into(l: State, fmt_idx: c_int, out: &mut (impl ByteSink + ?Sized)) {
    let fmt = check_str(l, fmt_idx);
    let top = arg_count(l);
    let mut arg = fmt_idx;
    for piece in format::FormatParser::new(&fmt) {
        let spec = match piece {
            Err(e) => error_str(l, &e),
            Ok(format::Piece::Literal(t)) => {
                out.extend_from_slice(t);
                continue;
            }
            Ok(format::Piece::Conversion(spec)) => spec,
        };
        arg += 1;
        if arg > top {
            arg_error(l, arg, b"value expected");
        }
        match spec.arg_kind() {
            format::ArgKind::Int => {
                match crate::stdlib::ffi::int64_cdata_value(l, value_at(l, arg)) {
                    Some((v, unsigned)) => format::format_int64(out, v, unsigned, &spec),
                    None => format::format_int(out, check_num(l, arg), &spec),
                }
            }
            format::ArgKind::Char => format::format_char(out, check_num(l, arg), &spec),
            format::ArgKind::Float => format::format_float(out, check_num(l, arg), &spec),
            format::ArgKind::Str | format::ArgKind::Quoted => {
                // A string argument is used where it is (it stays on the
                // stack); other values are converted as tostring does.
                let v = value_at(l, arg);
                let mut text = ShortBuf::of(l);
                let s: &[u8] = if v.is_str() {
                    // SAFETY: the string is argument arg, on the stack
                    // while it is formatted.
                    unsafe { crate::string::str_bytes(v.as_ptr()) }
                } else {
                    tostring_bytes(l, arg, &mut text);
                    &text
                };
                if spec.arg_kind() == format::ArgKind::Str {
                    format::format_str(out, s, &spec);
                } else {
                    format::format_quoted(out, s);
                }
            }
            format::ArgKind::Pointer => {
                let p = lua_topointer(l, arg) as u64;
                format::format_pointer(out, p);
            }
        }
    }
}

extern "C-unwind" fn s_format(l: State) -> c_int {
    let mut out = ShortBuf::of(l);
    format_into(l, 1, &mut out);
    push_str(l, &out);
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_string(l: State) -> c_int {
    // LuaJIT's builtin ids, so tostring(string.byte) reads "builtin#N".
    let funcs: [(&str, CFn, FastFunc); 13] = [
        ("len", s_len, FastFunc::C),
        ("byte", s_byte, FastFunc::StringByte),
        ("char", s_char, FastFunc::StringChar),
        ("sub", s_sub, FastFunc::StringSub),
        ("rep", s_rep, FastFunc::StringRep),
        ("reverse", s_reverse, FastFunc::StringReverse),
        ("lower", s_lower, FastFunc::StringLower),
        ("upper", s_upper, FastFunc::StringUpper),
        ("dump", s_dump, FastFunc::StringDump),
        ("find", s_find, FastFunc::StringFind),
        ("match", s_match, FastFunc::StringMatch),
        ("gmatch", s_gmatch, FastFunc::StringGmatch),
        ("gsub", s_gsub, FastFunc::StringGsub),
    ];
    lua_createtable(l, 0, funcs.len() as c_int + 1);
    for (name, f, id) in funcs {
        push_cfunc(l, f, id);
        set_field(l, -2, name);
    }
    push_cfunc(l, s_format, FastFunc::StringFormat);
    set_field(l, -2, "format");
    register_loaded(l, "string", true);
    // The metatable shared by all strings: { __index = string }.
    lua_createtable(l, 0, 1);
    lua_pushvalue(l, -2);
    set_field(l, -2, "__index");
    push_str(l, b"");
    lua_insert(l, -2);
    lua_setmetatable(l, -2);
    lua_settop(l, -2);
    1
}
