//! The auxiliary library (`luaL_*`), built on the `lua_*` functions.
#![allow(non_snake_case)]

use super::core::*;
use super::types::*;
use crate::state::*;
use crate::value::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// Push a Rust byte string.
pub fn push_bytes(L: State, s: &[u8]) {
    // SAFETY: a slice: s.len() readable bytes at s.as_ptr().
    unsafe { lua_pushlstring(L, s.as_ptr() as *const c_char, s.len()) }
}

/// The string at idx (after lua_tolstring's conversion in place), if any.
/// The handle stays valid while the slot is not overwritten.
pub fn to_bytes(L: State, idx: c_int) -> Option<crate::string::StrRef> {
    // SAFETY: a null length pointer is allowed.
    let p = unsafe { lua_tolstring(L, idx, ptr::null_mut()) };
    if p.is_null() {
        return None;
    }
    let v = index_value(L, idx);
    // SAFETY: a non-null result means lua_tolstring left a string in the
    // slot, where it stays reachable while the slot is not overwritten.
    Some(unsafe { crate::string::StrRef::from_raw(v.as_ptr()) })
}

/// Raise an error built from a Rust string, with luaL_where(1) prepended.
pub fn error_bytes(L: State, msg: &[u8]) -> ! {
    luaL_where(L, 1);
    push_bytes(L, msg);
    lua_concat(L, 2);
    lua_error(L);
    unreachable!()
}

pub fn error_str(L: State, msg: &str) -> ! {
    error_bytes(L, msg.as_bytes())
}

/// Name of the running C function for argument errors.
fn current_fname(L: State) -> (Option<Vec<u8>>, bool) {
    let f = match crate::debug::frame_at(L, 0) {
        Some(f) => f,
        None => return (None, false),
    };
    match crate::debug::func_name(L, &f) {
        Some((what, n)) => (Some(n), what == "method"),
        None => (None, false),
    }
}

pub fn arg_error(L: State, narg: c_int, extramsg: &[u8]) -> ! {
    let mut narg = narg;
    let (name, is_method) = current_fname(L);
    if is_method {
        narg -= 1;
        if narg == 0 {
            let mut m = b"calling '".to_vec();
            m.extend_from_slice(&name.unwrap_or_else(|| b"?".to_vec()));
            m.extend_from_slice(b"' on bad self (");
            m.extend_from_slice(extramsg);
            m.push(b')');
            error_bytes(L, &m);
        }
    }
    let mut m = format!("bad argument #{} to '", narg).into_bytes();
    m.extend_from_slice(&name.unwrap_or_else(|| b"?".to_vec()));
    m.extend_from_slice(b"' (");
    m.extend_from_slice(extramsg);
    m.push(b')');
    error_bytes(L, &m)
}

pub fn type_error(L: State, narg: c_int, tname: &str) -> ! {
    let actual = lua_type(L, narg);
    let got = if actual == LUA_TNONE {
        "no value"
    } else {
        TYPE_NAMES[actual as usize]
    };
    arg_error(
        L,
        narg,
        format!("{} expected, got {}", tname, got).as_bytes(),
    )
}

/// # Safety
/// `extramsg` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_argerror(
    L: State,
    numarg: c_int,
    extramsg: *const c_char,
) -> c_int {
    // SAFETY: the function's contract; the message is copied before the
    // error unwinds.
    arg_error(L, numarg, unsafe { cstr(extramsg) })
}

/// # Safety
/// `tname` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_typerror(
    L: State,
    narg: c_int,
    tname: *const c_char,
) -> c_int {
    // SAFETY: the function's contract; the name is copied at once.
    let tname = String::from_utf8_lossy(unsafe { cstr(tname) }).into_owned();
    type_error(L, narg, &tname)
}

#[no_mangle]
pub extern "C-unwind" fn luaL_where(L: State, lvl: c_int) {
    if let Some(f) = crate::debug::frame_at(L, lvl.max(0) as usize) {
        if let Some(mut w) = crate::debug::where_prefix(&f) {
            w.push(b' ');
            push_bytes(L, &w);
            return;
        }
    }
    push_bytes(L, b"");
}

/// # Safety
/// `len` is null or points to a writable `size_t`. The result points into
/// the string argument: valid while that stays on the stack.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_checklstring(
    L: State,
    narg: c_int,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: the function's contract on len is lua_tolstring's.
    let s = unsafe { lua_tolstring(L, narg, len) };
    if s.is_null() {
        type_error(L, narg, "string");
    }
    s
}

/// # Safety
/// `def` is null or points to a NUL-terminated string; `len` is null or
/// points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_optlstring(
    L: State,
    narg: c_int,
    def: *const c_char,
    len: *mut usize,
) -> *const c_char {
    if lua_type(L, narg) <= LUA_TNIL {
        if !len.is_null() {
            // SAFETY: the function's contract on def and len.
            unsafe { *len = if def.is_null() { 0 } else { cstr(def).len() } };
        }
        def
    } else {
        // SAFETY: the function's contract on len is luaL_checklstring's.
        unsafe { luaL_checklstring(L, narg, len) }
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaL_checknumber(L: State, narg: c_int) -> lua_Number {
    let mut ok = 0;
    // SAFETY: &mut ok is a writable int.
    let n = unsafe { lua_tonumberx(L, narg, &mut ok) };
    if ok == 0 {
        type_error(L, narg, "number");
    }
    n
}

#[no_mangle]
pub extern "C-unwind" fn luaL_optnumber(L: State, narg: c_int, def: lua_Number) -> lua_Number {
    if lua_type(L, narg) <= LUA_TNIL {
        def
    } else {
        luaL_checknumber(L, narg)
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaL_checkinteger(L: State, narg: c_int) -> lua_Integer {
    let mut ok = 0;
    // SAFETY: &mut ok is a writable int.
    let n = unsafe { lua_tointegerx(L, narg, &mut ok) };
    if ok == 0 {
        type_error(L, narg, "number");
    }
    n
}

#[no_mangle]
pub extern "C-unwind" fn luaL_optinteger(L: State, narg: c_int, def: lua_Integer) -> lua_Integer {
    if lua_type(L, narg) <= LUA_TNIL {
        def
    } else {
        luaL_checkinteger(L, narg)
    }
}

/// # Safety
/// `msg` is null or points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_checkstack(L: State, sz: c_int, msg: *const c_char) {
    if lua_checkstack(L, sz) == 0 {
        let m = if msg.is_null() {
            b"".to_vec()
        } else {
            // SAFETY: the function's contract; the bytes are copied at once.
            unsafe { cstr(msg) }.to_vec()
        };
        let mut s = b"stack overflow (".to_vec();
        s.extend_from_slice(&m);
        s.push(b')');
        error_bytes(L, &s);
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaL_checktype(L: State, narg: c_int, t: c_int) {
    if lua_type(L, narg) != t {
        type_error(L, narg, TYPE_NAMES[t.clamp(0, 10) as usize]);
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaL_checkany(L: State, narg: c_int) {
    if lua_type(L, narg) == LUA_TNONE {
        arg_error(L, narg, b"value expected");
    }
}

/// # Safety
/// `tname` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_newmetatable(L: State, tname: *const c_char) -> c_int {
    // SAFETY: the function's contract on tname.
    unsafe { lua_getfield(L, LUA_REGISTRYINDEX, tname) };
    if lua_type(L, -1) != LUA_TNIL {
        return 0;
    }
    lua_settop(L, -2);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, -1);
    // SAFETY: the function's contract on tname.
    unsafe { lua_setfield(L, LUA_REGISTRYINDEX, tname) };
    1
}

/// # Safety
/// `tname` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_setmetatable(L: State, tname: *const c_char) {
    // SAFETY: the function's contract on tname.
    unsafe { lua_getfield(L, LUA_REGISTRYINDEX, tname) };
    lua_setmetatable(L, -2);
}

/// # Safety
/// `tname` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_testudata(
    L: State,
    ud: c_int,
    tname: *const c_char,
) -> *mut c_void {
    let p = lua_touserdata(L, ud);
    if p.is_null() || lua_type(L, ud) != LUA_TUSERDATA {
        return ptr::null_mut();
    }
    if lua_getmetatable(L, ud) == 0 {
        return ptr::null_mut();
    }
    // SAFETY: the function's contract on tname.
    unsafe { lua_getfield(L, LUA_REGISTRYINDEX, tname) };
    let same = lua_rawequal(L, -1, -2) != 0;
    lua_settop(L, -3);
    if same {
        p
    } else {
        ptr::null_mut()
    }
}

/// # Safety
/// `tname` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_checkudata(
    L: State,
    ud: c_int,
    tname: *const c_char,
) -> *mut c_void {
    // SAFETY: the function's contract on tname is luaL_testudata's.
    let p = unsafe { luaL_testudata(L, ud, tname) };
    if p.is_null() {
        // SAFETY: the function's contract; the name is copied at once.
        let tname = String::from_utf8_lossy(unsafe { cstr(tname) }).into_owned();
        type_error(L, ud, &tname);
    }
    p
}

/// # Safety
/// `def` is null or points to a NUL-terminated string; `lst` points to an
/// array of NUL-terminated strings ended by a null pointer.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_checkoption(
    L: State,
    narg: c_int,
    def: *const c_char,
    lst: *const *const c_char,
) -> c_int {
    // SAFETY: the function's contract on def; a null len is allowed.
    let p = unsafe {
        if def.is_null() {
            luaL_checklstring(L, narg, ptr::null_mut())
        } else {
            luaL_optlstring(L, narg, def, ptr::null_mut())
        }
    };
    // SAFETY: p is def (NUL-terminated by the contract) or the data of the
    // string argument narg, NUL-terminated and kept in its slot while this
    // function runs; neither changes meanwhile. As in LuaJIT (strcmp), the
    // name ends at its first NUL.
    let name = unsafe { cstr(p) };
    // SAFETY: the function's contract on lst.
    unsafe { find_option(L, narg, name, lst) }
}

/// luaL_checkoption's search of `lst` for `name`.
///
/// # Safety
/// `lst` points to an array of NUL-terminated strings ended by a null
/// pointer.
unsafe fn find_option(L: State, narg: c_int, name: &[u8], lst: *const *const c_char) -> c_int {
    let mut i = 0;
    // SAFETY: the caller's contract: every element up to the null one is
    // readable and NUL-terminated.
    unsafe {
        while !(*lst.add(i)).is_null() {
            if cstr(*lst.add(i)) == name {
                return i as c_int;
            }
            i += 1;
        }
    }
    let mut m = b"invalid option '".to_vec();
    m.extend_from_slice(name);
    m.push(b'\'');
    arg_error(L, narg, &m)
}

/// # Safety
/// `e` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_getmetafield(L: State, obj: c_int, e: *const c_char) -> c_int {
    if lua_getmetatable(L, obj) == 0 {
        return 0;
    }
    // SAFETY: the function's contract on e.
    unsafe { lua_pushstring(L, e) };
    lua_rawget(L, -2);
    if lua_type(L, -1) == LUA_TNIL {
        lua_settop(L, -3);
        0
    } else {
        lua_remove(L, -2);
        1
    }
}

/// # Safety
/// `e` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_callmeta(L: State, obj: c_int, e: *const c_char) -> c_int {
    let obj = if obj > 0 || obj <= LUA_REGISTRYINDEX {
        obj
    } else {
        lua_gettop(L) + obj + 1
    };
    // SAFETY: the function's contract on e is luaL_getmetafield's.
    if unsafe { luaL_getmetafield(L, obj, e) } == 0 {
        return 0;
    }
    lua_pushvalue(L, obj);
    lua_call(L, 1, 1);
    1
}

const FREELIST_REF: c_int = 0;
pub const LUA_NOREF: c_int = -2;
pub const LUA_REFNIL: c_int = -1;

#[no_mangle]
pub extern "C-unwind" fn luaL_ref(L: State, t: c_int) -> c_int {
    let t = if t > 0 || t <= LUA_REGISTRYINDEX {
        t
    } else {
        lua_gettop(L) + t + 1
    };
    if lua_type(L, -1) == LUA_TNIL {
        lua_settop(L, -2);
        return LUA_REFNIL;
    }
    lua_rawgeti(L, t, FREELIST_REF);
    let mut r = lua_tointeger(L, -1) as c_int;
    lua_settop(L, -2);
    if r != 0 {
        lua_rawgeti(L, t, r);
        lua_rawseti(L, t, FREELIST_REF);
    } else {
        r = lua_objlen(L, t) as c_int + 1;
    }
    lua_rawseti(L, t, r);
    r
}

#[no_mangle]
pub extern "C-unwind" fn luaL_unref(L: State, t: c_int, r: c_int) {
    if r >= 0 {
        let t = if t > 0 || t <= LUA_REGISTRYINDEX {
            t
        } else {
            lua_gettop(L) + t + 1
        };
        lua_rawgeti(L, t, FREELIST_REF);
        lua_rawseti(L, t, r);
        lua_pushinteger(L, r as lua_Integer);
        lua_rawseti(L, t, FREELIST_REF);
    }
}

/// Load a chunk (source or binary) from bytes; pushes the function or an
/// error message. `mode` restricts to "t", "b" or both.
pub fn load_bytes(L: State, data: &[u8], chunkname: &[u8], mode: Option<&[u8]>) -> c_int {
    let src = crate::frontend::Source::Bytes(data);
    load_source(L, src, chunkname, mode).unwrap_or(LUA_ERRSYNTAX as c_int)
}

/// One call of a `load`/`lua_load` reader, protected the way LuaJIT's
/// loader is: the whole load runs under a protected call that keeps the
/// error handler of the innermost pcall/xpcall (an xpcall handler sees a
/// reader's error). On error the error value is pushed and the status
/// returned. `read` returns the piece (copied, so it can't be collected or
/// changed while the lexer scans it).
pub fn call_reader(L: State, read: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, c_int> {
    let mut piece = Vec::new();
    let (top_off, handler) = top_and_handler(L);
    let status = api_pcall(L, top_off, handler, || piece = read());
    if status == 0 {
        Ok(piece)
    } else {
        Err(status)
    }
}

/// The stack offset of top, and the error handler of the innermost
/// protected call (0 if none), for a protected call that keeps it.
fn top_and_handler(L: State) -> (isize, usize) {
    let l = L.as_ptr();
    // SAFETY: top and stack point into the live stack; the record list is a
    // field of the live thread, read through a borrow that ends here.
    unsafe {
        let top_off = (*l).top.offset_from((*l).stack);
        let n = (*l).protect.len;
        let handler = if n == 0 {
            0
        } else {
            (*l).protect.get(n - 1).handler
        };
        (top_off, handler)
    }
}

/// Load a chunk from a whole buffer or a reader and push the function (0)
/// or the error message (LUA_ERRSYNTAX). None: the reader failed, and its
/// caller reports that error itself.
pub fn load_source(
    L: State,
    src: crate::frontend::Source<'_>,
    chunkname: &[u8],
    mode: Option<&[u8]>,
) -> Option<c_int> {
    use crate::frontend::LoadError;
    let opts = crate::frontend::CompileOptions::default();
    // Protected as in LuaJIT: running out of memory while parsing returns
    // LUA_ERRMEM with the message pushed.
    let mut loaded = None;
    // The reader's errors keep going to the handler they went to without
    // this protection (see call_reader).
    let (top_off, handler) = top_and_handler(L);
    let status = api_pcall(L, top_off, handler, || {
        loaded = Some(crate::frontend::load(src, chunkname, mode, &opts))
    });
    if status != 0 {
        return Some(status);
    }
    let r = match loaded.expect("loaded unless an error was caught") {
        Ok(pd) => Ok(pd),
        Err(LoadError::Syntax(m)) => Err(m),
        Err(LoadError::Reader) => return None,
    };
    Some(match r {
        Ok(pd) => {
            let (top_off, _) = top_and_handler(L);
            let status = api_pcall(L, top_off, 0, || {
                // SAFETY: a field of the live thread, by value.
                let env = unsafe { (*L.as_ptr()).env };
                // SAFETY: making the prototype, the closure and its
                // upvalues only allocates (leaves: no Lua code, no
                // collector step, no State-taking call), so nothing else
                // reaches the global state while g is used; the new
                // objects stay unreachable, and so uncollected, until the
                // closure (or the prototype) is pushed.
                let v = unsafe {
                    let g = L.global_mut();
                    let pt = crate::func::proto_from_data(g, &pd);
                    if !crate::frontend::is_native(&pd) {
                        // Load mode "W": the prototype itself, which can be
                        // dumped but not run (as in LuaJIT).
                        TValue::gcobj(TID_PROTO, pt as *const crate::gc::GcHeader)
                    } else {
                        let f = crate::func::new_lfunc(g, pt, env);
                        // Main chunks have no upvalues in Lua 5.1 semantics;
                        // give any declared ones fresh closed upvalues.
                        for i in 0..(*pt).sizeuv as usize {
                            let uv = crate::func::new_closed_upval(g, TValue::NIL);
                            (*f).set_uv(i, uv);
                        }
                        TValue::gcobj(TID_FUNC, f as *const crate::gc::GcHeader)
                    }
                };
                api_push(L, v);
            });
            if status != 0 {
                return Some(status);
            }
            crate::gc::check(L);
            0
        }
        Err(msg) => {
            push_bytes(L, &msg);
            LUA_ERRSYNTAX as c_int
        }
    })
}

/// # Safety
/// `buff` points to `sz` readable bytes (it may be null when `sz` is 0);
/// `name` and `mode` are null or NUL-terminated strings. All stay valid
/// and unchanged during the call.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_loadbufferx(
    L: State,
    buff: *const c_char,
    sz: usize,
    name: *const c_char,
    mode: *const c_char,
) -> c_int {
    let data = if sz == 0 {
        &[][..]
    } else {
        // SAFETY: the function's contract: sz readable bytes at buff.
        unsafe { std::slice::from_raw_parts(buff as *const u8, sz) }
    };
    let name = if name.is_null() {
        data
    } else {
        // SAFETY: the function's contract on name.
        unsafe { cstr(name) }
    };
    let mode = if mode.is_null() {
        None
    } else {
        // SAFETY: as above.
        Some(unsafe { cstr(mode) })
    };
    load_bytes(L, data, name, mode)
}

/// # Safety
/// As for [`luaL_loadbufferx`].
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_loadbuffer(
    L: State,
    buff: *const c_char,
    sz: usize,
    name: *const c_char,
) -> c_int {
    // SAFETY: the caller's contract is luaL_loadbufferx's; a null mode is
    // allowed.
    unsafe { luaL_loadbufferx(L, buff, sz, name, ptr::null()) }
}

/// # Safety
/// `s` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_loadstring(L: State, s: *const c_char) -> c_int {
    // SAFETY: the function's contract: s is NUL-terminated, so its bytes
    // before the NUL are readable and s is also a valid chunk name.
    unsafe { luaL_loadbufferx(L, s, cstr(s).len(), s, ptr::null()) }
}

/// Load a file (or stdin for null/"-"), LuaJIT's way: a leading '#' line
/// is skipped, chunk name "@file" or "=stdin".
pub fn load_file(L: State, filename: Option<&[u8]>, mode: Option<&[u8]>) -> c_int {
    use std::io::Read;
    let (data, chunkname, disp) = match filename {
        None => {
            let mut v = Vec::new();
            // read_to_end grows its buffer fallibly (an OutOfMemory error).
            if let Err(e) = std::io::stdin().read_to_end(&mut v) {
                if e.kind() == std::io::ErrorKind::OutOfMemory {
                    return push_oom(L);
                }
                push_bytes(L, b"cannot read stdin");
                return LUA_ERRFILE;
            }
            (v, b"=stdin".to_vec(), b"stdin".to_vec())
        }
        Some(f) => {
            let path = std::ffi::OsStr::from_encoded_bytes_checked(f);
            match std::fs::read(path) {
                Ok(v) => {
                    let mut n = b"@".to_vec();
                    n.extend_from_slice(f);
                    (v, n, f.to_vec())
                }
                Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
                    // fs::read sizes and grows its buffer fallibly.
                    return push_oom(L);
                }
                Err(e) => {
                    let mut m = b"cannot open ".to_vec();
                    m.extend_from_slice(f);
                    let es = crate::capi::os_error_string(e.raw_os_error().unwrap_or(0));
                    m.extend_from_slice(b": ");
                    m.extend_from_slice(es.as_bytes());
                    push_bytes(L, &m);
                    return LUA_ERRFILE;
                }
            }
        }
    };
    let _ = disp;
    // A leading `#` line is skipped by the loader (for every chunk, as in
    // LuaJIT), which also refuses bytecode behind it.
    load_bytes(L, &data, &chunkname, mode)
}

pub const LUA_ERRFILE: c_int = 6;

/// Report a memory error as a status, as LuaJIT's loaders do: the message
/// pushed, LUA_ERRMEM returned.
fn push_oom(L: State) -> c_int {
    api_push(L, crate::capi::leaf::oom_value(L));
    LUA_ERRMEM as c_int
}

trait OsStrExt2 {
    fn from_encoded_bytes_checked(b: &[u8]) -> &std::ffi::OsStr;
}
impl OsStrExt2 for std::ffi::OsStr {
    fn from_encoded_bytes_checked(b: &[u8]) -> &std::ffi::OsStr {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(b)
    }
}

/// # Safety
/// `filename` and `mode` are null or NUL-terminated strings, unchanged
/// during the call.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_loadfilex(
    L: State,
    filename: *const c_char,
    mode: *const c_char,
) -> c_int {
    let f = if filename.is_null() {
        None
    } else {
        // SAFETY: the function's contract.
        Some(unsafe { cstr(filename) })
    };
    let f = if f == Some(b"-") { None } else { f };
    let mode = if mode.is_null() {
        None
    } else {
        // SAFETY: the function's contract.
        Some(unsafe { cstr(mode) })
    };
    load_file(L, f, mode)
}

/// # Safety
/// `filename` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_loadfile(L: State, filename: *const c_char) -> c_int {
    // SAFETY: the caller's contract is luaL_loadfilex's; a null mode is
    // allowed.
    unsafe { luaL_loadfilex(L, filename, ptr::null()) }
}

/// The panic function of states made by luaL_newstate.
///
/// # Safety
/// `L` is a live thread (the VM calls the panic function with the thread
/// whose error went unprotected).
unsafe extern "C-unwind" fn default_panic(L: *mut lua_State) -> c_int {
    use std::io::Write;
    // SAFETY: the VM calls the panic function with the live thread whose
    // error went unprotected.
    let L = unsafe { State::from_raw(L) };
    // Written piece by piece: nothing to allocate (the panic may report
    // a memory error).
    let msg_arg = to_bytes(L, -1);
    let msg = msg_arg.as_deref().unwrap_or(b"?");
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(b"PANIC: unprotected error in call to Lua API (");
    let _ = e.write_all(msg);
    let _ = e.write_all(b")\n");
    0
}

#[no_mangle]
pub extern "C-unwind" fn luaL_newstate() -> *mut lua_State {
    let arena = crate::alloc::Arena::create();
    if arena.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: arena is the live arena just created; its allocator function
    // takes it as data.
    let l = unsafe { new_state(crate::alloc::Arena::alloc_fn(arena), arena as *mut c_void) };
    match l {
        None => {
            // SAFETY: the failed state freed every block it had taken.
            unsafe { crate::alloc::Arena::destroy(arena) };
            ptr::null_mut()
        }
        Some(l) => {
            let g = l.global_ptr();
            // SAFETY: fields of the new state's live global state, written
            // by value.
            unsafe {
                (*g).panic = Some(default_panic);
                (*g).default_arena = arena;
            }
            l.as_ptr()
        }
    }
}

/// # Safety
/// `s`, `p` and `r` point to NUL-terminated strings, unchanged during the
/// call.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_gsub(
    L: State,
    s: *const c_char,
    p: *const c_char,
    r: *const c_char,
) -> *const c_char {
    // SAFETY: the function's contract.
    let (s, p, r) = unsafe { (cstr(s), cstr(p), cstr(r)) };
    let mut out = crate::mem::StateBuf::of(L);
    let mut i = 0;
    while i < s.len() {
        if !p.is_empty() && s[i..].starts_with(p) {
            out.extend_from_slice(r);
            i += p.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    push_bytes(L, &out);
    // SAFETY: a null length pointer is allowed.
    unsafe { lua_tolstring(L, -1, ptr::null_mut()) }
}

/// # Safety
/// `fname` points to a NUL-terminated string, unchanged during the call.
/// A non-null result points into it.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_findtable(
    L: State,
    idx: c_int,
    fname: *const c_char,
    szhint: c_int,
) -> *const c_char {
    // SAFETY: the function's contract.
    let name = unsafe { cstr(fname) };
    lua_pushvalue(L, idx);
    let mut start = 0;
    loop {
        let end = name[start..]
            .iter()
            .position(|&c| c == b'.')
            .map_or(name.len(), |i| start + i);
        let part = &name[start..end];
        let dotted = end < name.len();
        push_bytes(L, part);
        lua_rawget(L, -2);
        if lua_type(L, -1) == LUA_TNIL {
            lua_settop(L, -2);
            lua_createtable(L, 0, if dotted { 1 } else { szhint });
            push_bytes(L, part);
            lua_pushvalue(L, -2);
            lua_settable(L, -4);
        } else if lua_type(L, -1) != LUA_TTABLE {
            lua_settop(L, -3);
            // SAFETY: start is at most the string's length: inside it or at
            // its NUL.
            return unsafe { fname.add(start) };
        }
        lua_remove(L, -2);
        if !dotted {
            break;
        }
        start = end + 1;
    }
    ptr::null()
}

/// # Safety
/// `l` points to an array of `luaL_Reg` ended by an entry with a null
/// name; each name is NUL-terminated and each function may be called with
/// this state's threads.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_setfuncs(L: State, l: *const luaL_Reg, nup: c_int) {
    // SAFETY: a NUL-terminated literal.
    unsafe { luaL_checkstack(L, nup, c"too many upvalues".as_ptr()) };
    let mut r = l;
    // SAFETY: the function's contract: r walks the array up to its
    // terminating entry, whose names and functions are valid.
    unsafe {
        while !(*r).name.is_null() {
            for _ in 0..nup {
                lua_pushvalue(L, -nup);
            }
            lua_pushcclosure(L, (*r).func, nup);
            lua_setfield(L, -(nup + 2), (*r).name);
            r = r.add(1);
        }
    }
    lua_settop(L, -nup - 1);
}

/// # Safety
/// `modname` points to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_pushmodule(L: State, modname: *const c_char, sizehint: c_int) {
    // SAFETY: a NUL-terminated literal; the function's contract on modname.
    unsafe {
        luaL_findtable(L, LUA_REGISTRYINDEX, c"_LOADED".as_ptr(), 16);
        lua_getfield(L, -1, modname);
    }
    if lua_type(L, -1) != LUA_TTABLE {
        lua_settop(L, -2);
        // SAFETY: the function's contract on modname.
        if !unsafe { luaL_findtable(L, LUA_GLOBALSINDEX, modname, sizehint) }.is_null() {
            let mut m = b"name conflict for module '".to_vec();
            // SAFETY: as above; the bytes are copied at once.
            m.extend_from_slice(unsafe { cstr(modname) });
            m.push(b'\'');
            error_bytes(L, &m);
        }
        lua_pushvalue(L, -1);
        // SAFETY: as above.
        unsafe { lua_setfield(L, -3, modname) };
    }
    lua_remove(L, -2);
}

/// # Safety
/// `libname` is null or a NUL-terminated string; `l` is null or satisfies
/// [`luaL_setfuncs`]'s contract.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_openlib(
    L: State,
    libname: *const c_char,
    l: *const luaL_Reg,
    nup: c_int,
) {
    if !libname.is_null() {
        let mut size = 0;
        let mut r = l;
        // SAFETY: the function's contract: a non-null l is an array ended by
        // an entry with a null name.
        unsafe {
            while !r.is_null() && !(*r).name.is_null() {
                size += 1;
                r = r.add(1);
            }
        }
        // SAFETY: the function's contract on libname.
        unsafe { luaL_pushmodule(L, libname, size) };
        lua_insert(L, -(nup + 1));
    }
    if !l.is_null() {
        // SAFETY: the function's contract on l.
        unsafe { luaL_setfuncs(L, l, nup) };
    } else {
        lua_settop(L, -nup - 1);
    }
}

/// # Safety
/// As for [`luaL_openlib`].
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_register(
    L: State,
    libname: *const c_char,
    l: *const luaL_Reg,
) {
    // SAFETY: the caller's contract is luaL_openlib's.
    unsafe { luaL_openlib(L, libname, l, 0) }
}

/// # Safety
/// `msg` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_traceback(
    L: State,
    L1: State,
    msg: *const c_char,
    level: c_int,
) {
    let mut out = crate::mem::StateBuf::of(L);
    if !msg.is_null() {
        // SAFETY: the function's contract; the bytes are copied at once.
        out.extend_from_slice(unsafe { cstr(msg) });
        out.push(b'\n');
    }
    crate::debug::traceback(L1, level.max(0) as usize, &mut out);
    push_bytes(L, &out);
}

/// # Safety
/// `fname` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_fileresult(
    L: State,
    stat: c_int,
    fname: *const c_char,
) -> c_int {
    let en = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    if stat != 0 {
        lua_pushboolean(L, 1);
        1
    } else {
        lua_pushnil(L);
        let es = crate::capi::os_error_string(en);
        if fname.is_null() {
            push_bytes(L, es.as_bytes());
        } else {
            // SAFETY: the function's contract; the bytes are copied at once.
            let mut m = unsafe { cstr(fname) }.to_vec();
            m.extend_from_slice(b": ");
            m.extend_from_slice(es.as_bytes());
            push_bytes(L, &m);
        }
        lua_pushinteger(L, en as lua_Integer);
        3
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaL_execresult(L: State, stat: c_int) -> c_int {
    if stat == -1 {
        // SAFETY: a null file name is allowed.
        return unsafe { luaL_fileresult(L, 0, ptr::null()) };
    }
    let (what, code) = if stat & 0x7f == 0 {
        ("exit", (stat >> 8) & 0xff)
    } else {
        ("signal", stat & 0x7f)
    };
    if what == "exit" && code == 0 {
        lua_pushboolean(L, 1);
    } else {
        lua_pushnil(L);
    }
    push_bytes(L, what.as_bytes());
    lua_pushinteger(L, code as lua_Integer);
    3
}

// ---- String buffers.
//
// A `luaL_Buffer` lives in C memory; C fills it through these functions
// and the luaL_addchar/luaL_addsize macros (which write through `p`).
// Its contract, for every function below taking `B`: `B` points to a
// buffer initialised by luaL_buffinit, whose state is live, whose `p`
// points into `buffer` (at most LUAL_BUFFERSIZE bytes in), and whose `lvl`
// pieces are the top values of that state's running function.

/// # Safety
/// `B` points to a writable `luaL_Buffer`.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_buffinit(L: State, B: *mut luaL_Buffer) {
    // SAFETY: the function's contract; fields written by value.
    unsafe {
        (*B).L = L.as_ptr();
        (*B).p = (&raw mut (*B).buffer).cast();
        (*B).lvl = 0;
    }
}

/// The buffer's state.
///
/// # Safety
/// `B` satisfies the buffer contract above.
unsafe fn buf_state(B: *mut luaL_Buffer) -> State {
    // SAFETY: the contract: B's state is a live thread.
    unsafe { State::from_raw((*B).L) }
}

/// Bytes in the buffer's array.
///
/// # Safety
/// `B` satisfies the buffer contract above.
unsafe fn buf_len(B: *mut luaL_Buffer) -> usize {
    // SAFETY: the contract: p points into the buffer's array.
    unsafe {
        (*B).p
            .offset_from((&raw const (*B).buffer).cast::<c_char>()) as usize
    }
}

/// Move the buffered bytes onto the stack as a new piece.
///
/// # Safety
/// `B` satisfies the buffer contract above.
unsafe fn empty_buffer(B: *mut luaL_Buffer) -> bool {
    // SAFETY: the contract: the first n bytes of the array are the
    // buffered ones; fields written by value.
    unsafe {
        let n = buf_len(B);
        if n == 0 {
            return false;
        }
        let start = (&raw mut (*B).buffer).cast::<c_char>();
        lua_pushlstring(buf_state(B), start, n);
        (*B).p = start;
        (*B).lvl += 1;
        true
    }
}

/// Concatenate pieces on the stack to keep their number small.
///
/// # Safety
/// `B` satisfies the buffer contract above.
unsafe fn adjust_stack(B: *mut luaL_Buffer) {
    // SAFETY: the contract: the lvl pieces are the top values of the
    // buffer's live state; fields read and written by value.
    unsafe {
        if (*B).lvl > 1 {
            let L = buf_state(B);
            let mut toget = 1;
            let mut toplen = lua_objlen(L, -1);
            loop {
                let l = lua_objlen(L, -(toget + 1));
                if (*B).lvl - toget + 1 >= 10 || toplen > l {
                    toplen += l;
                    toget += 1;
                } else {
                    break;
                }
                if toget >= (*B).lvl {
                    break;
                }
            }
            lua_concat(L, toget);
            (*B).lvl = (*B).lvl - toget + 1;
        }
    }
}

/// # Safety
/// `B` satisfies the buffer contract above.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_prepbuffer(B: *mut luaL_Buffer) -> *mut c_char {
    // SAFETY: the function's contract is the helpers'.
    unsafe {
        if empty_buffer(B) {
            adjust_stack(B);
        }
        (&raw mut (*B).buffer).cast()
    }
}

/// # Safety
/// `B` satisfies the buffer contract above; `s` points to `l` readable
/// bytes.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_addlstring(B: *mut luaL_Buffer, s: *const c_char, l: usize) {
    // SAFETY: the function's contract: i < l bytes are readable at s; p
    // stays inside the array (a full array is emptied first).
    unsafe {
        for i in 0..l {
            if buf_len(B) >= LUAL_BUFFERSIZE {
                luaL_prepbuffer(B);
            }
            *(*B).p = *s.add(i);
            (*B).p = (*B).p.add(1);
        }
    }
}

/// # Safety
/// `B` satisfies the buffer contract above; `s` points to a NUL-terminated
/// string.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_addstring(B: *mut luaL_Buffer, s: *const c_char) {
    // SAFETY: the function's contract: the bytes of s before its NUL are
    // readable.
    unsafe { luaL_addlstring(B, s, cstr(s).len()) }
}

/// # Safety
/// `B` satisfies the buffer contract above.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_pushresult(B: *mut luaL_Buffer) {
    // SAFETY: the function's contract is the helpers'; after emptying the
    // array, the lvl pieces are the top values.
    unsafe {
        empty_buffer(B);
        lua_concat(buf_state(B), (*B).lvl);
        (*B).lvl = 1;
    }
}

/// # Safety
/// `B` satisfies the buffer contract above, with the value to add pushed
/// above its pieces.
#[no_mangle]
pub unsafe extern "C-unwind" fn luaL_addvalue(B: *mut luaL_Buffer) {
    // SAFETY: the function's contract; the string at the top stays there
    // while its vl bytes are copied into the array's free part (vl fits,
    // checked).
    unsafe {
        let L = buf_state(B);
        let mut vl = 0usize;
        let s = lua_tolstring(L, -1, &mut vl);
        if vl <= LUAL_BUFFERSIZE - buf_len(B) {
            // (A value that is no string has no bytes, and s is null.)
            if vl > 0 {
                ptr::copy_nonoverlapping(s, (*B).p, vl);
            }
            (*B).p = (*B).p.add(vl);
            lua_settop(L, -2);
        } else {
            if empty_buffer(B) {
                lua_insert(L, -2);
            }
            (*B).lvl += 1;
            adjust_stack(B);
        }
    }
}
