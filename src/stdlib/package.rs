//! The `package` library: `require`, `module`, the four standard loaders
//! (preload, Lua path, C path, all-in-one), `package.loadlib` on top of
//! dlopen/dlsym, `package.searchpath` and `package.seeall`.
//!
//! `package.loaded` and `package.preload` are the registry tables
//! `_LOADED` and `_PRELOAD`. The loaders, `require` and `module` reach the
//! package table through their first upvalue, so replacing the global
//! `package` does not break them.

use super::*;
use crate::capi::debugapi;
use crate::state::State;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};

/// Default search paths, composed at build time from the installation
/// layout (build.rs, package_paths.rs): LuaJIT's for the same PREFIX,
/// MULTILIB and LMULTILIB.
const LUA_PATH_DEFAULT: &str = env!("LUAJIT_RS_LUA_PATH_DEFAULT");
const LUA_CPATH_DEFAULT: &str = env!("LUAJIT_RS_C_PATH_DEFAULT");
/// The installation prefix the library was built for.
pub const INSTALL_PREFIX: &str = env!("LUAJIT_RS_INSTALL_PREFIX");
/// Directory separator, path separator, substitution mark, executable
/// directory mark, and the mark before which a module name is ignored
/// when building `luaopen_` names.
const PACKAGE_CONFIG: &str = "/\n;\n?\n!\n-\n";

const RTLD_NOW: c_int = 2;
const RTLD_LOCAL: c_int = 0;
const RTLD_GLOBAL: c_int = 0x100;

extern "C" {
    fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
    fn dlclose(handle: *mut c_void) -> c_int;
}

/// The value `require` stores in `package.loaded[name]` while the module
/// loads: LuaJIT's sentinel, a raw 64-bit pattern that reads as a tiny
/// negative number.
fn sentinel() -> TValue {
    TValue(0x8000_0000_0000_0073)
}

/// Push field `name` of the package table (upvalue 1 of the running function).
fn push_package_field(l: State, name: &str) {
    get_field(l, upvalue_index(1), name);
}

fn upvalue_index(i: c_int) -> c_int {
    LUA_GLOBALSINDEX - i
}

// ---- Searching the path.

/// Whether a file can be opened for reading.
fn readable(filename: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    std::fs::File::open(std::ffi::OsStr::from_bytes(filename)).is_ok()
}

fn replace_all(s: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() {
        return crate::mem::vec_from_slice(s);
    }
    let mut out = crate::mem::FallibleVec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out.into_vec()
}

/// Look for `name` along the `;`-separated templates of `path` (each `?`
/// replaced by the name, with `sep` in the name replaced by `rep` first).
/// Ok(file name), or Err(the "\n\tno file '...'" list).
fn search_path(name: &[u8], path: &[u8], sep: &[u8], rep: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let name = replace_all(name, sep, rep);
    let mut tried = crate::mem::FallibleVec::new();
    for template in path.split(|&c| c == b';').filter(|t| !t.is_empty()) {
        let filename = replace_all(template, b"?", &name);
        if readable(&filename) {
            return Ok(filename);
        }
        tried.extend_from_slice(b"\n\tno file '");
        tried.extend_from_slice(&filename);
        tried.push(b'\'');
    }
    Err(tried.into_vec())
}

/// Search `package.<field>` (path or cpath) for a module name.
fn find_file(l: State, name: &[u8], field: &str) -> Result<Vec<u8>, Vec<u8>> {
    push_package_field(l, field);
    let path = match to_bytes(l, -1) {
        Some(p) => crate::mem::vec_from_slice(&p),
        None => error_str(l, &format!("'package.{}' must be a string", field)),
    };
    lua_settop(l, -2);
    search_path(name, &path, b".", b"/")
}

fn loader_error(l: State, name: &[u8], filename: &[u8], detail: &[u8]) -> ! {
    let mut m = crate::mem::FallibleVec::from_slice(b"error loading module '");
    m.extend_from_slice(name);
    m.extend_from_slice(b"' from file '");
    m.extend_from_slice(filename);
    m.extend_from_slice(b"':\n\t");
    m.extend_from_slice(detail);
    error_bytes(l, &m)
}

// ---- Dynamic libraries.

/// Why loading a C function from a library failed.
enum LoadFailure {
    /// The library could not be opened ("open").
    Open(Vec<u8>),
    /// The symbol is not in the library ("init").
    Symbol(Vec<u8>),
    /// Bytecode embedded in the library did not load.
    Bytecode,
}

fn last_dl_error() -> Vec<u8> {
    // SAFETY: dlerror returns null or a NUL-terminated message.
    unsafe {
        let e = dlerror();
        if e.is_null() {
            b"unknown dynamic linker error".to_vec()
        } else {
            std::ffi::CStr::from_ptr(e).to_bytes().to_vec()
        }
    }
}

/// The library handle slot of the userdata at `idx`: a userdata with room
/// for a handle (one lib_handle made, or one Lua code put in its place).
fn handle_slot(l: State, idx: c_int) -> Option<*mut *mut c_void> {
    let p = lua_touserdata(l, idx) as *mut *mut c_void;
    let big_enough = lua_objlen(l, idx) >= std::mem::size_of::<*mut c_void>();
    (lua_type(l, idx) == LUA_TUSERDATA && !p.is_null() && big_enough).then_some(p)
}

extern "C-unwind" fn loadlib_gc(l: State) -> c_int {
    // As LuaJIT's: argument 1 must have the library handle metatable.
    // SAFETY: a NUL-terminated literal.
    unsafe { luaL_checkudata(l, 1, c"_LOADLIB".as_ptr()) };
    if let Some(p) = handle_slot(l, 1) {
        // SAFETY: p is the payload of argument 1, a userdata with room for
        // a handle (handle_slot), which is null or a library dlopen gave
        // (only load_func stores one); it is forgotten once closed.
        unsafe {
            if !(*p).is_null() {
                dlclose(*p);
                *p = std::ptr::null_mut();
            }
        }
    }
    0
}

/// The handle slot of library `path`, kept in the registry under
/// "LOADLIB: path" as a userdata that closes the library when collected.
/// The slot is used at once, before any collector step (the registry
/// entry is all that keeps the userdata).
fn lib_handle(l: State, path: &[u8]) -> *mut *mut c_void {
    let mut key = b"LOADLIB: ".to_vec();
    key.extend_from_slice(path);
    push_str(l, &key);
    lua_rawget(l, LUA_REGISTRYINDEX);
    if let Some(p) = handle_slot(l, -1) {
        lua_settop(l, -2);
        return p;
    }
    lua_settop(l, -2);
    let p = lua_newuserdata(l, std::mem::size_of::<*mut c_void>()) as *mut *mut c_void;
    // SAFETY: p is the payload of the new userdata, sized for a pointer.
    unsafe { *p = std::ptr::null_mut() };
    get_field(l, LUA_REGISTRYINDEX, "_LOADLIB");
    lua_setmetatable(l, -2);
    push_str(l, &key);
    lua_pushvalue(l, -2);
    lua_rawset(l, LUA_REGISTRYINDEX);
    lua_settop(l, -2);
    p
}

/// Load `sym` from library `path` and push it: a C function, `true` for
/// the symbol "*" (which only loads the library, globally), or, for
/// `require` (`bytecode_chunkname` is the module name then), a Lua
/// function from bytecode embedded as `luaJIT_BC_<name>` (what
/// `luajit -b` object files export).
fn load_func(
    l: State,
    path: &[u8],
    sym: &[u8],
    bytecode_chunkname: Option<&[u8]>,
) -> Result<(), LoadFailure> {
    let cpath = CString::new(path.to_vec())
        .map_err(|_| LoadFailure::Open(b"invalid library path".to_vec()))?;
    let slot = lib_handle(l, path);
    // SAFETY: slot is the handle slot of the registry's userdata for path
    // (lib_handle), used before any collector step: it holds null or a
    // handle dlopen gave.
    let mut handle = unsafe { *slot };
    if handle.is_null() {
        let global = sym == b"*";
        // SAFETY: cpath is NUL-terminated.
        handle = unsafe {
            dlopen(
                cpath.as_ptr(),
                RTLD_NOW | if global { RTLD_GLOBAL } else { RTLD_LOCAL },
            )
        };
        if handle.is_null() {
            return Err(LoadFailure::Open(last_dl_error()));
        }
        // SAFETY: as above; nothing ran since slot was read.
        unsafe { *slot = handle };
    }
    if sym == b"*" {
        push_bool(l, true);
        return Ok(());
    }
    let csym = CString::new(sym.to_vec())
        .map_err(|_| LoadFailure::Symbol(b"invalid symbol name".to_vec()))?;
    // SAFETY: handle is an open library (the registry keeps it open while
    // the userdata lives); csym is NUL-terminated.
    let f = unsafe { dlsym(handle, csym.as_ptr()) };
    if !f.is_null() {
        // SAFETY: as in LuaJIT (package.loadlib's contract), the symbol
        // asked for is taken to be a lua_CFunction.
        let cf = unsafe {
            std::mem::transmute::<*mut c_void, unsafe extern "C-unwind" fn(*mut lua_State) -> c_int>(
                f,
            )
        };
        // SAFETY: cf is such a C function.
        unsafe { lua_pushcclosure(l, Some(cf), 0) };
        return Ok(());
    }
    let err = last_dl_error();
    if let (Some(rest), Some(chunkname)) = (sym.strip_prefix(b"luaopen_"), bytecode_chunkname) {
        let mut bcsym = b"luaJIT_BC_".to_vec();
        bcsym.extend_from_slice(rest);
        let cbc = CString::new(bcsym).unwrap_or_default();
        // SAFETY: as for dlsym above.
        let data = unsafe { dlsym(handle, cbc.as_ptr()) } as *const u8;
        if !data.is_null() {
            // SAFETY: a library's luaJIT_BC_<name> symbol is a bytecode
            // dump (what luajit -b object files export), in memory as long
            // as the library stays open.
            let code = unsafe { std::slice::from_raw_parts(data, bytecode_dump_len(data)) };
            if load_bytes(l, code, chunkname, None) != 0 {
                return Err(LoadFailure::Bytecode);
            }
            return Ok(());
        }
    }
    Err(LoadFailure::Symbol(err))
}

/// Length of a LuaJIT bytecode dump in memory: the header, then
/// length-prefixed prototypes up to a zero length.
///
/// # Safety
/// `p` must point to a complete bytecode dump (as `luajit -b` embeds it).
unsafe fn bytecode_dump_len(p: *const u8) -> usize {
    // SAFETY: the caller guarantees a well-formed dump.
    unsafe {
        let mut i = 0usize;
        let uleb = |i: &mut usize| -> usize {
            let mut v = 0usize;
            let mut shift = 0;
            loop {
                let b = *p.add(*i);
                *i += 1;
                v |= ((b & 0x7f) as usize) << shift;
                if b & 0x80 == 0 {
                    return v;
                }
                shift += 7;
            }
        };
        // ESC 'L' 'J' version
        if *p != 0x1b || *p.add(1) != b'L' || *p.add(2) != b'J' {
            return 0;
        }
        i += 4;
        let flags = uleb(&mut i);
        const FLAG_STRIP: usize = 0x02;
        if flags & FLAG_STRIP == 0 {
            let n = uleb(&mut i);
            i += n;
        }
        loop {
            let n = uleb(&mut i);
            if n == 0 {
                return i;
            }
            i += n;
        }
    }
}

/// The `luaopen_` function name for a module: the part of the name up to
/// the first '-' is ignored, dots become underscores.
fn open_func_name(modname: &[u8]) -> Vec<u8> {
    let name = match modname.iter().position(|&c| c == b'-') {
        Some(i) => &modname[i + 1..],
        None => modname,
    };
    let mut f = b"luaopen_".to_vec();
    f.extend(name.iter().map(|&c| if c == b'.' { b'_' } else { c }));
    f
}

// ---- Loaders.

extern "C-unwind" fn loader_preload(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    push_package_field(l, "preload");
    if lua_type(l, -1) != LUA_TTABLE {
        error_str(l, "'package.preload' must be a table");
    }
    push_str(l, &name);
    lua_rawget(l, -2);
    if lua_type(l, -1) == LUA_TNIL {
        let mut m = crate::mem::FallibleVec::from_slice(b"\n\tno field package.preload['");
        m.extend_from_slice(&name);
        m.extend_from_slice(b"']");
        push_str(l, &m);
    }
    1
}

extern "C-unwind" fn loader_lua(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let filename = match find_file(l, &name, "path") {
        Ok(f) => f,
        Err(tried) => {
            push_str(l, &tried);
            return 1;
        }
    };
    if load_file(l, Some(&filename), None) != 0 {
        let detail_arg = to_bytes(l, -1);
        let detail = crate::mem::vec_from_slice(detail_arg.as_deref().unwrap_or(b""));
        loader_error(l, &name, &filename, &detail);
    }
    1
}

/// Load the C (or embedded bytecode) opener of module `name` from a library
/// file, raising the loader error for anything but a missing symbol.
fn load_module_func(l: State, filename: &[u8], name: &[u8]) -> Result<(), Vec<u8>> {
    match load_func(l, filename, &open_func_name(name), Some(name)) {
        Ok(()) => Ok(()),
        Err(LoadFailure::Symbol(e)) => Err(e),
        Err(LoadFailure::Open(e)) => loader_error(l, name, filename, &e),
        Err(LoadFailure::Bytecode) => {
            let detail_arg = to_bytes(l, -1);
            let detail = crate::mem::vec_from_slice(detail_arg.as_deref().unwrap_or(b""));
            loader_error(l, name, filename, &detail)
        }
    }
}

extern "C-unwind" fn loader_c(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let filename = match find_file(l, &name, "cpath") {
        Ok(f) => f,
        Err(tried) => {
            push_str(l, &tried);
            return 1;
        }
    };
    if let Err(e) = load_module_func(l, &filename, &name) {
        loader_error(l, &name, &filename, &e);
    }
    1
}

extern "C-unwind" fn loader_croot(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let root = match name.iter().position(|&c| c == b'.') {
        Some(i) => name[..i].to_vec(),
        None => return 0,
    };
    let filename = match find_file(l, &root, "cpath") {
        Ok(f) => f,
        Err(tried) => {
            push_str(l, &tried);
            return 1;
        }
    };
    if load_module_func(l, &filename, &name).is_err() {
        let mut m = crate::mem::FallibleVec::from_slice(b"\n\tno module '");
        m.extend_from_slice(&name);
        m.extend_from_slice(b"' in file '");
        m.extend_from_slice(&filename);
        m.push(b'\'');
        push_str(l, &m);
    }
    1
}

// ---- require and module.

extern "C-unwind" fn pkg_require(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    lua_settop(l, 1);
    get_field(l, LUA_REGISTRYINDEX, "_LOADED");
    lua_pushvalue(l, 1);
    lua_rawget(l, 2);
    if lua_toboolean(l, -1) != 0 {
        if value_at(l, -1) == sentinel() {
            let mut m =
                crate::mem::FallibleVec::from_slice(b"loop or previous error loading module '");
            m.extend_from_slice(&name);
            m.push(b'\'');
            error_bytes(l, &m);
        }
        return 1;
    }
    lua_settop(l, 2);
    push_package_field(l, "loaders");
    if lua_type(l, 3) != LUA_TTABLE {
        error_str(l, "'package.loaders' must be a table");
    }
    let mut tried = crate::mem::FallibleVec::new();
    let mut i = 1;
    loop {
        lua_rawgeti(l, 3, i);
        if lua_type(l, -1) == LUA_TNIL {
            let mut m = crate::mem::FallibleVec::from_slice(b"module '");
            m.extend_from_slice(&name);
            m.extend_from_slice(b"' not found:");
            m.extend_from_slice(&tried);
            error_bytes(l, &m);
        }
        lua_pushvalue(l, 1);
        lua_call(l, 1, 1);
        match lua_type(l, -1) {
            LUA_TFUNCTION => break,
            LUA_TSTRING | LUA_TNUMBER => {
                if let Some(s) = to_bytes(l, -1) {
                    tried.extend_from_slice(&s);
                }
            }
            _ => {}
        }
        lua_settop(l, 3);
        i += 1;
    }
    // Mark the module as loading, then run its loader with its name.
    lua_pushvalue(l, 1);
    push_value(l, sentinel());
    lua_rawset(l, 2);
    lua_pushvalue(l, 1);
    lua_call(l, 1, 1);
    if lua_type(l, -1) != LUA_TNIL {
        lua_pushvalue(l, 1);
        lua_pushvalue(l, -2);
        lua_rawset(l, 2);
    }
    lua_pushvalue(l, 1);
    lua_rawget(l, 2);
    if value_at(l, -1) == sentinel() {
        lua_pushvalue(l, 1);
        lua_pushboolean(l, 1);
        lua_rawset(l, 2);
        lua_pushboolean(l, 1);
    }
    1
}

/// Set the environment of the Lua function that called `module`.
fn set_caller_env(l: State) {
    // SAFETY: lua_Debug is plain C data (integers, null pointers and a
    // char array), for which all-zero bytes are a valid value.
    let mut ar: lua_Debug = unsafe { std::mem::zeroed() };
    // SAFETY: ar is a local record, filled by lua_getstack before
    // lua_getinfo reads it; the option string is a NUL-terminated literal.
    let found = unsafe {
        debugapi::lua_getstack(l, 1, &mut ar) != 0
            && debugapi::lua_getinfo(l, c"f".as_ptr(), &mut ar) != 0
    };
    if !found || lua_iscfunction(l, -1) != 0 {
        error_str(l, "'module' not called from a Lua function");
    }
    lua_pushvalue(l, -2);
    lua_setfenv(l, -2);
    lua_settop(l, -2);
}

extern "C-unwind" fn pkg_module(l: State) -> c_int {
    let modname = crate::mem::vec_from_slice(&check_str(l, 1));
    let lastarg = arg_count(l);
    let cname = CString::new(modname.clone()).unwrap_or_default();
    // SAFETY: cname is NUL-terminated.
    unsafe { luaL_pushmodule(l, cname.as_ptr(), 1) };
    get_field(l, -1, "_NAME");
    let initialized = lua_type(l, -1) != LUA_TNIL;
    lua_settop(l, -2);
    if !initialized {
        lua_pushvalue(l, -1);
        set_field(l, -2, "_M");
        push_str(l, &modname);
        set_field(l, -2, "_NAME");
        let package = match modname.iter().rposition(|&c| c == b'.') {
            Some(i) => &modname[..=i],
            None => &modname[..0],
        };
        push_str(l, package);
        set_field(l, -2, "_PACKAGE");
    }
    set_caller_env(l);
    // Options: each one is called with the module table (whatever
    // its type, as in LuaJIT).
    let module_idx = arg_count(l);
    for i in 2..=lastarg {
        lua_pushvalue(l, i);
        lua_pushvalue(l, module_idx);
        lua_call(l, 1, 0);
    }
    0
}

// ---- package.* functions.

extern "C-unwind" fn pkg_loadlib(l: State) -> c_int {
    let path = crate::mem::vec_from_slice(&check_str(l, 1));
    let init = crate::mem::vec_from_slice(&check_str(l, 2));
    match load_func(l, &path, &init, None) {
        Ok(()) => 1,
        Err(f) => {
            push_nil(l);
            let (msg, what): (Vec<u8>, &[u8]) = match f {
                LoadFailure::Open(e) => (e, b"open"),
                LoadFailure::Symbol(e) => (e, b"init"),
                LoadFailure::Bytecode => (
                    to_bytes(l, -2).map(|s| s.to_vec()).unwrap_or_default(),
                    b"init",
                ),
            };
            push_str(l, &msg);
            push_str(l, what);
            3
        }
    }
}

extern "C-unwind" fn pkg_searchpath(l: State) -> c_int {
    let path = crate::mem::vec_from_slice(&check_str(l, 2));
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let sep = opt_str(l, 3)
        .map(|s| s.to_vec())
        .unwrap_or_else(|| b".".to_vec());
    let rep = opt_str(l, 4)
        .map(|s| s.to_vec())
        .unwrap_or_else(|| b"/".to_vec());
    match search_path(&name, &path, &sep, &rep) {
        Ok(f) => {
            push_str(l, &f);
            1
        }
        Err(tried) => {
            push_nil(l);
            push_str(l, &tried);
            2
        }
    }
}

extern "C-unwind" fn pkg_seeall(l: State) -> c_int {
    check_type(l, 1, LUA_TTABLE);
    if lua_getmetatable(l, 1) == 0 {
        lua_createtable(l, 0, 1);
        lua_pushvalue(l, -1);
        lua_setmetatable(l, 1);
    }
    lua_pushvalue(l, LUA_GLOBALSINDEX);
    set_field(l, -2, "__index");
    0
}

/// Set `package.<field>` from environment variable `env` (";;" stands for
/// the default path), or to the default when it is unset or the registry
/// says to ignore the environment (`luajit -E`).
fn set_path(l: State, field: &str, env: &str, default: &str, noenv: bool) {
    use std::os::unix::ffi::OsStrExt;
    let value = match std::env::var_os(env) {
        Some(v) if !noenv => {
            let v = v.as_bytes();
            let marked = replace_all(v, b";;", b";\x01;");
            replace_all(&marked, b"\x01", default.as_bytes())
        }
        _ => default.as_bytes().to_vec(),
    };
    push_str(l, &value);
    set_field(l, -2, field);
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_package(l: State) -> c_int {
    // Metatable of library handles: closes them when collected.
    // SAFETY: a NUL-terminated literal.
    unsafe { luaL_newmetatable(l, c"_LOADLIB".as_ptr()) };
    push_cfunc(l, loadlib_gc, FastFunc::C);
    set_field(l, -2, "__gc");
    lua_settop(l, -2);

    new_lib(
        l,
        &[
            ("loadlib", pkg_loadlib),
            ("searchpath", pkg_searchpath),
            ("seeall", pkg_seeall),
        ],
    );
    let pkg = arg_count(l);

    let loaders: [CFn; 4] = [loader_preload, loader_lua, loader_c, loader_croot];
    lua_createtable(l, loaders.len() as c_int, 0);
    for (i, f) in loaders.iter().enumerate() {
        lua_pushvalue(l, pkg);
        push_closure(l, *f, 1);
        lua_rawseti(l, -2, i as c_int + 1);
    }
    set_field(l, pkg, "loaders");

    get_field(l, LUA_REGISTRYINDEX, "LUA_NOENV");
    let noenv = lua_toboolean(l, -1) != 0;
    lua_settop(l, -2);
    set_path(l, "path", "LUA_PATH", LUA_PATH_DEFAULT, noenv);
    set_path(l, "cpath", "LUA_CPATH", LUA_CPATH_DEFAULT, noenv);
    push_str(l, PACKAGE_CONFIG.as_bytes());
    set_field(l, pkg, "config");

    registry_table(l, c"_LOADED", 16);
    set_field(l, pkg, "loaded");
    registry_table(l, c"_PRELOAD", 4);
    set_field(l, pkg, "preload");

    for (name, f) in [
        ("module", pkg_module as CFn),
        ("require", pkg_require as CFn),
    ] {
        lua_pushvalue(l, pkg);
        push_closure(l, f, 1);
        set_field(l, LUA_GLOBALSINDEX, name);
    }
    lua_settop(l, pkg);
    register_loaded(l, "package", true);
    1
}
