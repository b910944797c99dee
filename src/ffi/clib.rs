//! C library namespaces: `ffi.C` and the objects `ffi.load` returns. A
//! namespace is a userdata (udtype UDTYPE_FFI_CLIB) holding a `dlopen`
//! handle; its environment table caches resolved functions.

use crate::capi::core::*;
use crate::state::State;
use crate::stdlib::ffi::ffi_error;
use crate::stdlib::{push_value, value_at};
use crate::udata::{GcUdata, UDTYPE_FFI_CLIB};
use crate::value::*;
use std::os::raw::{c_char, c_int, c_void};

use super::cdata;
use super::conv;
use super::ctype::*;
use super::CtsLock;

#[repr(C)]
struct CLib {
    handle: *mut c_void,
    /// Whether `dlclose` must be called (not for the default namespace).
    owned: bool,
}

extern "C" {
    fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlclose(handle: *mut c_void) -> c_int;
    fn dlerror() -> *const c_char;
}

const RTLD_NOW: c_int = 2;
const RTLD_GLOBAL: c_int = 0x100;
const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();

/// Index of the namespaces' shared metatable in the FFI root table.
const ROOT_CLIB_METATABLE: i64 = 2;

/// The namespace that argument `idx` is (a type error otherwise). The
/// pointer is to the userdata's payload, live while the argument is.
fn clib_of(l: State, idx: c_int) -> *mut CLib {
    let v = value_at(l, idx);
    if v.is_udata() {
        let u: *mut GcUdata = v.as_ptr();
        // SAFETY: u is argument idx, a live userdata; its type tag is
        // read by value.
        if unsafe { (*u).udtype } == UDTYPE_FFI_CLIB {
            return crate::udata::payload(u) as *mut CLib;
        }
    }
    crate::capi::aux::type_error(l, idx, "userdata")
}

fn last_dl_error() -> String {
    // SAFETY: dlerror returns null or a NUL-terminated message.
    unsafe {
        let e = dlerror();
        if e.is_null() {
            "unknown error".into()
        } else {
            String::from_utf8_lossy(std::ffi::CStr::from_ptr(e).to_bytes()).into_owned()
        }
    }
}

/// The metatable shared by namespaces (kept in the FFI root table).
fn push_metatable(l: State) {
    let roots = super::roots(l);
    // SAFETY: the FFI's root table is live (a GC root).
    let cached = unsafe { crate::table::get_int(roots, ROOT_CLIB_METATABLE) };
    if cached.is_tab() {
        push_value(l, cached);
        return;
    }
    lua_createtable(l, 0, 4);
    crate::stdlib::set_funcs(
        l,
        &[
            ("__index", clib_index),
            ("__newindex", clib_newindex),
            ("__gc", clib_gc),
        ],
    );
    let mt = value_at(l, -1);
    // SAFETY: a table store and its barrier are leaves of the core (no Lua
    // code, no collection step): the only reference to the global state
    // while it lives.
    let g = unsafe { l.global_mut() };
    // SAFETY: a slot of the live root table, written at once, then its
    // barrier.
    unsafe {
        *crate::table::set_int_slot(g, roots, ROOT_CLIB_METATABLE) = mt;
        crate::gc::barrier_table(g, roots);
    }
}

fn push_namespace(l: State, handle: *mut c_void, owned: bool) {
    let p = lua_newuserdata(l, std::mem::size_of::<CLib>()) as *mut CLib;
    // SAFETY: p is the fresh userdata's payload, sized and (16-byte)
    // aligned for a CLib.
    unsafe { p.write(CLib { handle, owned }) };
    let u: *mut GcUdata = value_at(l, -1).as_ptr();
    // SAFETY: u is the userdata on the stack top; its type tag is written
    // by value.
    unsafe { (*u).udtype = UDTYPE_FFI_CLIB };
    lua_createtable(l, 0, 0);
    lua_setfenv(l, -2);
    push_metatable(l);
    lua_setmetatable(l, -2);
}

/// Push `ffi.C`.
pub fn push_default(l: State) {
    push_namespace(l, RTLD_DEFAULT, false)
}

/// `ffi.load(name, global)`.
pub fn load(l: State, name: &[u8], global: bool) -> c_int {
    let path = library_path(name);
    let c = std::ffi::CString::new(path).unwrap_or_default();
    let flags = RTLD_NOW | if global { RTLD_GLOBAL } else { 0 };
    // SAFETY: c is NUL-terminated.
    let mut h = unsafe { dlopen(c.as_ptr(), flags) };
    if h.is_null() {
        let err = last_dl_error();
        // `libfoo.so` may be a linker script (GROUP ( /lib/.../libfoo.so.6 ));
        // load the library it names instead, as LuaJIT does.
        if let Some(real) = linker_script_target(&err) {
            let c = std::ffi::CString::new(real).unwrap_or_default();
            // SAFETY: c is NUL-terminated.
            h = unsafe { dlopen(c.as_ptr(), flags) };
        }
        if h.is_null() {
            crate::stdlib::ffi::ffi_error(l, &err);
        }
    }
    push_namespace(l, h, true);
    1
}

/// The first library a linker script names, when dlopen failed on it
/// ("<path>: invalid ELF header").
fn linker_script_target(err: &str) -> Option<Vec<u8>> {
    let path = err.strip_suffix(": invalid ELF header")?;
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    for key in ["GROUP", "INPUT"] {
        if let Some(pos) = text.find(key) {
            let rest = text[pos + key.len()..].trim_start().strip_prefix('(')?;
            let name = rest.split_whitespace().next()?;
            return Some(name.as_bytes().to_vec());
        }
    }
    None
}

/// `foo` -> `libfoo.so`; names with a path or an extension stay as given.
fn library_path(name: &[u8]) -> Vec<u8> {
    if name.contains(&b'/') {
        return name.to_vec();
    }
    let has_so = name.windows(3).any(|w| w == b".so");
    let mut p = Vec::new();
    if !has_so {
        if !name.starts_with(b"lib") {
            p.extend_from_slice(b"lib");
        }
        p.extend_from_slice(name);
        p.extend_from_slice(b".so");
    } else {
        p.extend_from_slice(name);
    }
    p
}

enum Symbol {
    Constant(TValue),
    Function(TValue),
    Variable(CTypeId, *mut u8),
}

/// Resolve a name in a namespace; errors are messages for the caller to
/// raise.
fn resolve(l: State, cts: &CTState, handle: *mut c_void, name: &[u8]) -> Result<Symbol, String> {
    match cts.decls.get(name) {
        Some(&CDecl::Constant { ctype, value }) => {
            let base = cts.get(conv::enum_base(cts, ctype));
            let v = if base.size == 8 && !base.has(CTF_FP) {
                conv::new_int64(l, value, base.has(CTF_UNSIGNED))
            } else if base.has(CTF_UNSIGNED) {
                TValue::num(value as u32 as f64)
            } else {
                TValue::num(value as f64)
            };
            Ok(Symbol::Constant(v))
        }
        Some(CDecl::Extern { ctype, symbol }) => {
            let ctype = *ctype;
            let sym = symbol.clone().unwrap_or_else(|| name.to_vec());
            let c = std::ffi::CString::new(sym).unwrap_or_default();
            // SAFETY: handle is a namespace's: RTLD_DEFAULT or a dlopen
            // handle, open while the namespace lives; c is NUL-terminated;
            // dlerror is called first to clear an old error.
            let addr = unsafe {
                dlerror();
                dlsym(handle, c.as_ptr())
            };
            if addr.is_null() {
                return Err(last_dl_error());
            }
            if cts.get(ctype).kind == CKind::Func {
                let cd = cdata::alloc(l, ctype, 8, 8, false);
                // SAFETY: a fresh 8-byte payload, 16-byte aligned.
                unsafe { (cd.payload() as *mut u64).write(addr as u64) };
                Ok(Symbol::Function(cd.value()))
            } else {
                Ok(Symbol::Variable(ctype, addr as *mut u8))
            }
        }
        _ => Err(format!(
            "missing declaration for symbol '{}'",
            String::from_utf8_lossy(name)
        )),
    }
}

/// The name argument 2 of a namespace's metamethod (a string).
fn check_name(l: State) -> (TValue, Vec<u8>) {
    let k = value_at(l, 2);
    if !k.is_str() {
        crate::capi::aux::type_error(l, 2, "string");
    }
    // SAFETY: k is argument 2, a string, so live; the bytes are copied.
    (k, unsafe { crate::string::str_bytes(k.as_ptr()) }.to_vec())
}

/// The library handle of namespace argument 1.
fn handle_arg(l: State) -> *mut c_void {
    let clib = clib_of(l, 1);
    // SAFETY: clib is the payload of argument 1, a live namespace; the
    // handle is read by value.
    unsafe { (*clib).handle }
}

extern "C-unwind" fn clib_index(l: State) -> c_int {
    let handle = handle_arg(l);
    let (k, name) = check_name(l);
    // Cached functions and constants.
    lua_getfenv(l, 1);
    push_value(l, k);
    lua_rawget(l, -2);
    if lua_type(l, -1) != LUA_TNIL {
        return 1;
    }
    lua_settop(l, 2);
    let mut cts = CtsLock::acquire(l);
    let r = match resolve(l, &cts, handle, &name) {
        Ok(Symbol::Variable(id, addr)) => {
            // SAFETY: dlsym found the variable at addr, declared of type id
            // (the FFI trusts declarations, as LuaJIT does).
            unsafe { conv::c_to_lua(l, &mut cts, id, addr) }.map(|v| (v, false))
        }
        Ok(Symbol::Constant(v) | Symbol::Function(v)) => Ok((v, true)),
        Err(msg) => Err(msg),
    };
    drop(cts);
    match r {
        Ok((v, cache)) => {
            if cache {
                lua_getfenv(l, 1);
                push_value(l, k);
                push_value(l, v);
                lua_rawset(l, -3);
            }
            push_value(l, v);
            1
        }
        Err(msg) => ffi_error(l, &msg),
    }
}

extern "C-unwind" fn clib_newindex(l: State) -> c_int {
    let handle = handle_arg(l);
    let v = value_at(l, 3);
    let (_, name) = check_name(l);
    let mut cts = CtsLock::acquire(l);
    let r = match resolve(l, &cts, handle, &name) {
        Ok(Symbol::Variable(id, _)) if cts.get(id).has(CTF_CONST) => {
            Err("attempt to write to constant location".to_string())
        }
        // SAFETY: dlsym found the variable at addr, declared of type id
        // (the FFI trusts declarations, as LuaJIT does).
        Ok(Symbol::Variable(id, addr)) => unsafe { conv::lua_to_c(l, &mut cts, id, addr, v, 0) },
        Ok(_) => Err("attempt to write to constant location".to_string()),
        Err(msg) => Err(msg),
    };
    drop(cts);
    if let Err(msg) = r {
        ffi_error(l, &msg);
    }
    0
}

extern "C-unwind" fn clib_gc(l: State) -> c_int {
    let clib = clib_of(l, 1);
    // SAFETY: clib is the payload of argument 1, a live namespace; its
    // fields are read and written by value, and the handle is closed once
    // (it is cleared here).
    unsafe {
        if (*clib).owned && !(*clib).handle.is_null() {
            dlclose((*clib).handle);
            (*clib).handle = std::ptr::null_mut();
        }
    }
    0
}
