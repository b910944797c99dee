//! Debug interface of the C API (lua_getstack, lua_getinfo, hooks, locals).
//!
//! A `lua_Debug` filled by `lua_getstack` identifies its frame by the
//! stack offset of the frame's base, kept in the private `i_ci` field; the
//! other functions find the frame again by walking the thread's frames.
//! The Rust-side helpers (`get_info`, `local_at`, `upvalue_at`) also serve
//! the `debug` library, which needs a little more than `lua_Debug` holds.
#![allow(non_snake_case)]

use super::core::*;
use super::types::*;
use crate::bytecode::PROTO_VARARG;
use crate::debug::{self, Frame};
use crate::func::{GcFunc, GcProto};
use crate::state::*;
use crate::string::GcStr;
use crate::value::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

pub const LUA_HOOKCALL: c_int = 0;
pub const LUA_HOOKRET: c_int = 1;
pub const LUA_HOOKLINE: c_int = 2;
pub const LUA_HOOKCOUNT: c_int = 3;
pub const LUA_HOOKTAILRET: c_int = 4;

pub const LUA_MASKCALL: c_int = 1 << LUA_HOOKCALL;
pub const LUA_MASKRET: c_int = 1 << LUA_HOOKRET;
pub const LUA_MASKLINE: c_int = 1 << LUA_HOOKLINE;
pub const LUA_MASKCOUNT: c_int = 1 << LUA_HOOKCOUNT;

/// Bit of `lua_State::inhook` set while a hook runs (bit 2 belongs to the
/// error handler machinery).
const INHOOK_HOOK: u8 = 1;

/// What a debug query is about: a frame of a thread (with the end of its
/// live slots), or a function value.
#[derive(Clone, Copy)]
pub enum Target {
    Frame(Frame, *mut TValue),
    Func(TValue),
}

impl Target {
    fn func(&self) -> TValue {
        match self {
            Target::Frame(f, _) => f.func(),
            Target::Func(v) => *v,
        }
    }
}

/// Everything `getinfo` can report: the fields of `lua_Debug` plus the
/// ones only `debug.getinfo` returns (nparams, isvararg). Strings are
/// NUL-terminated and live as long as the function they describe.
pub struct Info {
    pub func: TValue,
    pub source: *const c_char,
    pub short_src: Vec<u8>,
    pub what: &'static [u8],
    pub linedefined: c_int,
    pub lastlinedefined: c_int,
    pub currentline: c_int,
    pub nups: c_int,
    pub nparams: c_int,
    pub isvararg: bool,
    pub name: *const c_char,
    pub namewhat: &'static [u8],
}

/// The frame of `l` whose base is at stack offset `offset`.
pub fn frame_by_offset(l: State, offset: c_int) -> Option<(Frame, *mut TValue)> {
    // SAFETY: a field of the live thread, read by value.
    let stack = unsafe { (*l.as_ptr()).stack };
    // SAFETY: the frames of l have their bases in l's stack.
    debug::frames(l).find(|(f, _)| unsafe { f.base().offset_from(stack) } == offset as isize)
}

/// The frame of `l` at `level`, as a target.
pub fn frame_target(l: State, level: usize) -> Option<Target> {
    debug::frames(l)
        .nth(level)
        .map(|(f, lim)| Target::Frame(f, lim))
}

/// The prototype of a Lua function value (its caller holds the function,
/// so both are live).
fn lua_proto(f: TValue) -> Option<*mut GcProto> {
    if !f.is_func() {
        return None;
    }
    let fnp: *mut GcFunc = f.as_ptr();
    // SAFETY: a function value the caller holds is a live closure.
    unsafe { (*fnp).is_lua().then(|| (*fnp).proto) }
}

/// The NUL-terminated bytes of a string, as a C string.
///
/// # Safety
/// `s` is a live string; the result is valid while it stays reachable.
unsafe fn c_str_of(s: *mut GcStr) -> *const c_char {
    // SAFETY: the caller's contract; a string's bytes are NUL-terminated.
    unsafe { (*s).data() as *const c_char }
}

fn static_namewhat(what: &str) -> &'static [u8] {
    match what {
        "global" => b"global\0",
        "local" => b"local\0",
        "method" => b"method\0",
        "field" => b"field\0",
        "upvalue" => b"upvalue\0",
        "metamethod" => b"metamethod\0",
        _ => b"\0",
    }
}

/// Answer a getinfo query for the options in `what` ("nSlfLu"). Returns
/// None when an option is not valid. 'f' and 'L' are the caller's
/// business (see `push_activelines`).
pub fn get_info(l: State, what: &[u8], target: &Target) -> Option<Info> {
    let func = target.func();
    let mut info = Info {
        func,
        source: ptr::null(),
        short_src: Vec::new(),
        what: b"\0",
        linedefined: 0,
        lastlinedefined: 0,
        currentline: -1,
        nups: 0,
        nparams: 0,
        isvararg: false,
        name: ptr::null(),
        namewhat: b"\0",
    };
    let pt = lua_proto(func);
    for &opt in what {
        match opt {
            b'S' => match pt {
                Some(pt) => {
                    // SAFETY: pt is the prototype of the target's function,
                    // live while the caller holds the target; so is its
                    // chunk name.
                    let (name, first, num) =
                        unsafe { ((*pt).chunkname, (*pt).firstline, (*pt).numline) };
                    // SAFETY: as above.
                    info.source = unsafe { c_str_of(name) };
                    // SAFETY: as above; the bytes are copied at once.
                    info.short_src =
                        crate::chunkname::short_src(unsafe { crate::string::str_bytes(name) });
                    info.linedefined = first as c_int;
                    info.lastlinedefined = first.wrapping_add(num) as c_int;
                    info.what = if first != 0 || num == 0 {
                        b"Lua\0"
                    } else {
                        b"main\0"
                    };
                }
                None => {
                    info.source = c"=[C]".as_ptr();
                    info.short_src = b"[C]".to_vec();
                    info.linedefined = -1;
                    info.lastlinedefined = -1;
                    info.what = b"C\0";
                }
            },
            b'l' => {
                info.currentline = match (target, pt) {
                    (Target::Frame(f, _), Some(pt)) => match debug::frame_pc_index(f) {
                        // SAFETY: pt is the prototype of the frame's live
                        // function.
                        Some(i) if unsafe { (*pt).lineinfo.is_null() } => {
                            let _ = i;
                            0
                        }
                        // SAFETY: as above.
                        Some(i) => unsafe { debug::proto_line(pt, i) },
                        None => -1,
                    },
                    _ => -1,
                };
            }
            b'u' => {
                if func.is_func() {
                    let fnp: *mut GcFunc = func.as_ptr();
                    // SAFETY: the target's function, live while the caller
                    // holds the target.
                    info.nups = unsafe { (*fnp).nupvalues } as c_int;
                }
                match pt {
                    Some(pt) => {
                        // SAFETY: that function's prototype.
                        unsafe {
                            info.nparams = (*pt).numparams as c_int;
                            info.isvararg = (*pt).flags & PROTO_VARARG != 0;
                        }
                    }
                    None => {
                        info.nparams = 0;
                        info.isvararg = true;
                    }
                }
            }
            b'n' => {
                if let Target::Frame(f, _) = target {
                    if let Some((what, name)) = debug::func_name(l, f) {
                        // The name is interned (and so lives as long as
                        // strings that equal it are reachable), as
                        // LuaJIT's names are strings of the prototype.
                        let s = l.intern(&name);
                        // SAFETY: s is the live string just interned.
                        info.name = unsafe { c_str_of(s) };
                        info.namewhat = static_namewhat(what);
                    }
                }
            }
            b'f' | b'L' => {}
            _ => return None,
        }
    }
    Some(info)
}

/// Push the table of lines holding code of a Lua function (nil for a C
/// function), as getinfo's 'L' option does.
pub fn push_activelines(l: State, func: TValue) {
    let pt = match lua_proto(func) {
        Some(pt) => pt,
        None => {
            api_push(l, TValue::NIL);
            return;
        }
    };
    lua_createtable(l, 0, 0);
    // SAFETY: pt is kept alive by func, which the caller holds (the stores
    // below run no Lua code and free nothing).
    let (has_lines, sizebc) = unsafe { (!(*pt).lineinfo.is_null(), (*pt).sizebc) };
    if !has_lines {
        return;
    }
    // Instruction 0 is the function header, not code of any line.
    for i in 1..sizebc {
        // SAFETY: as above.
        let line = unsafe { debug::proto_line(pt, i) };
        lua_pushboolean(l, 1);
        lua_rawseti(l, -2, line);
    }
}

/// Store `src` as the record's `short_src`, truncated and NUL-terminated.
///
/// # Safety
/// `ar` points to a writable `lua_Debug`.
unsafe fn copy_short_src(ar: *mut lua_Debug, src: &[u8]) {
    // SAFETY: the caller's contract; n + 1 <= LUA_IDSIZE bytes are written
    // into short_src.
    unsafe {
        let n = src.len().min(LUA_IDSIZE - 1);
        let dst = (*ar).short_src.as_mut_ptr() as *mut u8;
        ptr::copy_nonoverlapping(src.as_ptr(), dst, n);
        *dst.add(n) = 0;
    }
}

/// # Safety
/// `ar` points to a writable `lua_Debug`.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getstack(L: State, level: c_int, ar: *mut lua_Debug) -> c_int {
    if level < 0 {
        return 0;
    }
    match debug::frames(L).nth(level as usize) {
        Some((f, _)) => {
            // SAFETY: the function's contract on ar; the frame's base is a
            // slot of L's stack.
            unsafe { (*ar).i_ci = f.base().offset_from((*L.as_ptr()).stack) as c_int };
            1
        }
        None => 0,
    }
}

/// # Safety
/// `what` points to a NUL-terminated string; `ar` points to a writable
/// `lua_Debug`, filled by `lua_getstack` on this thread unless `what`
/// starts with '>'.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getinfo(
    L: State,
    what: *const c_char,
    ar: *mut lua_Debug,
) -> c_int {
    // SAFETY: the function's contract on what, unchanged during the call.
    let mut opts = unsafe { cstr(what) };
    let target = if opts.first() == Some(&b'>') {
        // '>' takes the function from the top of the stack.
        opts = &opts[1..];
        let v = top_value(L, 0);
        pop_n(L, 1);
        Target::Func(v)
    } else {
        // SAFETY: the function's contract on ar.
        match frame_by_offset(L, unsafe { (*ar).i_ci }) {
            Some((f, lim)) => Target::Frame(f, lim),
            None => return 0,
        }
    };
    let info = match get_info(L, opts, &target) {
        Some(i) => i,
        None => return 0,
    };
    for &o in opts {
        // SAFETY: the function's contract on ar; fields written by value.
        unsafe {
            match o {
                b'S' => {
                    (*ar).source = info.source;
                    copy_short_src(ar, &info.short_src);
                    (*ar).linedefined = info.linedefined;
                    (*ar).lastlinedefined = info.lastlinedefined;
                    (*ar).what = info.what.as_ptr() as *const c_char;
                }
                b'l' => (*ar).currentline = info.currentline,
                b'u' => (*ar).nups = info.nups,
                b'n' => {
                    (*ar).name = info.name;
                    (*ar).namewhat = info.namewhat.as_ptr() as *const c_char;
                }
                _ => {}
            }
        }
        match o {
            b'f' => api_push(L, info.func),
            b'L' => push_activelines(L, info.func),
            _ => {}
        }
    }
    1
}

// ---- Locals.

/// The variable `n` of a frame: its name and slot. Positive `n` are the
/// frame's slots (named locals, else temporaries below the frame's live
/// end); negative `n` are the varargs of a vararg Lua function.
pub fn local_at(
    frame: &Frame,
    limit: *mut TValue,
    n: c_int,
) -> Option<(*const c_char, *mut TValue)> {
    if n == 0 {
        return None;
    }
    let temporary = c"(*temporary)".as_ptr();
    if n < 0 {
        return vararg_at(frame, (-(n as i64)) as usize);
    }
    let slot = frame.base().wrapping_add(n as usize - 1);
    // Named or not, only slots below the frame's live end: the variable
    // info of loaded bytecode may name more variables than the frame
    // holds, and slots above are the next frame's function and link.
    if slot >= limit {
        return None;
    }
    if frame.is_lua() {
        if let Some(pc) = debug::frame_pc_index(frame) {
            // SAFETY: the prototype of the frame's live function.
            if let Some(name) = unsafe { var_name_ptr(frame.proto(), pc, n as u32 - 1) } {
                return Some((name, slot));
            }
        }
    }
    Some((temporary, slot))
}

fn vararg_at(frame: &Frame, k: usize) -> Option<(*const c_char, *mut TValue)> {
    if !frame.is_lua() {
        return None;
    }
    let pt = frame.proto();
    // SAFETY: pt is live; the vararg frame layout is the interpreter's:
    // original base `ob`, the passed arguments from `ob`, then the
    // function and a VARG link, then the frame base.
    unsafe {
        if (*pt).flags & PROTO_VARARG == 0 {
            return None;
        }
        let link = frame.link();
        if frame_typep(link) != FRAME_VARG {
            return None;
        }
        let ob = (frame.base() as *mut u8).sub((link & !FRAME_TYPEP) as usize) as *mut TValue;
        let slot = ob.add((*pt).numparams as usize + k - 1);
        if slot < frame.base().sub(2) {
            Some((c"(*vararg)".as_ptr(), slot))
        } else {
            None
        }
    }
}

/// The name (a live string of the prototype) of the variable in `slot` at
/// instruction `pc`, internal names included.
///
/// # Safety
/// `pt` is a live prototype.
unsafe fn var_name_ptr(pt: *mut GcProto, pc: u32, slot: u32) -> Option<*const c_char> {
    // SAFETY: the caller's contract; varinfo has sizevarinfo entries, and
    // their names are live strings of the prototype.
    unsafe {
        let mut n = 0u32;
        for i in 0..(*pt).sizevarinfo as usize {
            let v = *(*pt).varinfo.add(i);
            if v.startpc > pc {
                break;
            }
            if pc < v.endpc {
                if n == slot {
                    return Some(c_str_of(v.name));
                }
                n += 1;
            }
        }
    }
    None
}

/// Name of parameter `n` of a Lua function (lua_getlocal with a null ar).
pub fn param_name(f: TValue, n: c_int) -> *const c_char {
    match lua_proto(f) {
        // SAFETY: the prototype of the live function f.
        Some(pt) if n > 0 => unsafe { var_name_ptr(pt, 0, n as u32 - 1) }.unwrap_or(ptr::null()),
        _ => ptr::null(),
    }
}

/// # Safety
/// `ar` is null or points to a `lua_Debug` filled by `lua_getstack` on this
/// thread.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_getlocal(
    L: State,
    ar: *const lua_Debug,
    n: c_int,
) -> *const c_char {
    if ar.is_null() {
        if lua_gettop(L) == 0 {
            return ptr::null();
        }
        return param_name(top_value(L, 0), n);
    }
    // SAFETY: the function's contract on ar.
    let (f, lim) = match frame_by_offset(L, unsafe { (*ar).i_ci }) {
        Some(x) => x,
        None => return ptr::null(),
    };
    match local_at(&f, lim, n) {
        Some((name, slot)) => {
            // SAFETY: local_at gives a slot of the live frame, below its end.
            api_push(L, unsafe { *slot });
            name
        }
        None => ptr::null(),
    }
}

/// # Safety
/// `ar` points to a `lua_Debug` filled by `lua_getstack` on this thread.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_setlocal(
    L: State,
    ar: *const lua_Debug,
    n: c_int,
) -> *const c_char {
    let v = top_value(L, 0);
    // SAFETY: the function's contract on ar.
    let found = frame_by_offset(L, unsafe { (*ar).i_ci }).and_then(|(f, lim)| local_at(&f, lim, n));
    let name = match found {
        Some((name, slot)) => {
            // SAFETY: local_at gives a slot of the live frame, below its end.
            unsafe { *slot = v };
            name
        }
        None => ptr::null(),
    };
    pop_n(L, 1);
    name
}

// ---- Upvalues.

/// Upvalue `n` (1-based) of a function: its name ("" for C functions and
/// stripped Lua functions) and the slot holding its value.
pub fn upvalue_at(f: TValue, n: c_int) -> Option<(*const c_char, *mut TValue)> {
    if !f.is_func() || n < 1 {
        return None;
    }
    let fnp: *mut GcFunc = f.as_ptr();
    // SAFETY: a function value the caller holds is a live closure with
    // nupvalues upvalues (i is below that, checked); a Lua closure's
    // prototype has sizeuv upvalue names, live strings of it.
    unsafe {
        if n as usize > (*fnp).nupvalues as usize {
            return None;
        }
        let i = n as usize - 1;
        if (*fnp).is_lua() {
            let pt = (*fnp).proto;
            let name = if (*pt).uvnames.is_null() || i >= (*pt).sizeuv as usize {
                c"".as_ptr()
            } else {
                c_str_of(*(*pt).uvnames.add(i))
            };
            let uv = (*fnp).uv(i);
            Some((name, (*uv).v))
        } else {
            Some((c"".as_ptr(), (*fnp).cuv(i)))
        }
    }
}

/// Identity of upvalue `n` of a function (null when out of range).
pub fn upvalue_id(f: TValue, n: c_int) -> *mut c_void {
    if !f.is_func() || n < 1 {
        return ptr::null_mut();
    }
    let fnp: *mut GcFunc = f.as_ptr();
    // SAFETY: a function value the caller holds is a live closure with
    // nupvalues upvalues (n is in range, checked).
    unsafe {
        if n as usize > (*fnp).nupvalues as usize {
            return ptr::null_mut();
        }
        if (*fnp).is_lua() {
            (*fnp).uv(n as usize - 1) as *mut c_void
        } else {
            (*fnp).cuv(n as usize - 1) as *mut c_void
        }
    }
}

/// Make upvalue `n1` of Lua function `f1` refer to upvalue `n2` of Lua
/// function `f2`. False when either is not a Lua function or out of range.
pub fn upvalue_join(l: State, f1: TValue, n1: c_int, f2: TValue, n2: c_int) -> bool {
    let (p1, p2) = match (lua_proto(f1), lua_proto(f2)) {
        (Some(_), Some(_)) => (f1.as_ptr::<GcFunc>(), f2.as_ptr::<GcFunc>()),
        _ => return false,
    };
    // SAFETY: function values the caller holds are live Lua closures
    // (checked by lua_proto); the upvalue indices are checked.
    let uv = unsafe {
        let ok1 = n1 >= 1 && n1 as usize <= (*p1).nupvalues as usize;
        let ok2 = n2 >= 1 && n2 as usize <= (*p2).nupvalues as usize;
        if !ok1 || !ok2 {
            return false;
        }
        let uv = (*p2).uv(n2 as usize - 1);
        (*p1).set_uv(n1 as usize - 1, uv);
        uv
    };
    // SAFETY: p1 is a live closure (see above) and uv, now stored in it,
    // an upvalue of the live closure p2.
    unsafe {
        crate::capi::leaf::barrier_obj_ptr(
            l,
            p1 as *mut crate::gc::GcHeader,
            uv as *mut crate::gc::GcHeader,
        )
    };
    true
}

#[no_mangle]
pub extern "C-unwind" fn lua_getupvalue(L: State, funcindex: c_int, n: c_int) -> *const c_char {
    let f = index_value(L, funcindex);
    match upvalue_at(f, n) {
        Some((name, slot)) => {
            // SAFETY: upvalue_at gives the value slot of an upvalue of the
            // live function f.
            api_push(L, unsafe { *slot });
            name
        }
        None => ptr::null(),
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_setupvalue(L: State, funcindex: c_int, n: c_int) -> *const c_char {
    let f = index_value(L, funcindex);
    match upvalue_at(f, n) {
        Some((name, slot)) => {
            let v = top_value(L, 0);
            pop_n(L, 1);
            // SAFETY: upvalue_at gives the value slot of an upvalue of the
            // live function f.
            unsafe { *slot = v };
            crate::capi::leaf::barrier_upvalue_store(L, f, n, v);
            name
        }
        None => ptr::null(),
    }
}

#[no_mangle]
pub extern "C-unwind" fn lua_upvalueid(L: State, idx: c_int, n: c_int) -> *mut c_void {
    upvalue_id(index_value(L, idx), n)
}

#[no_mangle]
pub extern "C-unwind" fn lua_upvaluejoin(L: State, idx1: c_int, n1: c_int, idx2: c_int, n2: c_int) {
    upvalue_join(L, index_value(L, idx1), n1, index_value(L, idx2), n2);
}

// ---- Hooks.

/// # Safety
/// `func`, when set, is a hook that may be called with this state's
/// threads and a `lua_Debug` record.
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_sethook(
    L: State,
    func: lua_Hook,
    mask: c_int,
    count: c_int,
) -> c_int {
    let (func, mask) = if func.is_none() || mask == 0 {
        (None, 0)
    } else {
        (func, mask)
    };
    let g = L.global_ptr();
    // SAFETY: fields of the live global state, written by value.
    unsafe {
        (*g).hook = func;
        (*g).hookmask = mask;
        (*g).hookcount = count;
        (*g).hookcounter = count;
    }
    1
}

#[no_mangle]
pub extern "C-unwind" fn lua_gethook(L: State) -> lua_Hook {
    // SAFETY: a field of the live global state, read by value.
    unsafe { (*L.global_ptr()).hook }
}

#[no_mangle]
pub extern "C-unwind" fn lua_gethookmask(L: State) -> c_int {
    // SAFETY: a field of the live global state, read by value.
    unsafe { (*L.global_ptr()).hookmask }
}

#[no_mangle]
pub extern "C-unwind" fn lua_gethookcount(L: State) -> c_int {
    // SAFETY: a field of the live global state, read by value.
    unsafe { (*L.global_ptr()).hookcount }
}

/// Clears the in-hook flag when a hook returns or an error unwinds
/// through it (the catcher restores the frame registers then).
struct HookGuard {
    l: State,
}

impl Drop for HookGuard {
    fn drop(&mut self) {
        // SAFETY: a field of the live thread (the hook's), written by value.
        unsafe { (*self.l.as_ptr()).inhook &= !INHOOK_HOOK };
    }
}

/// Turn hooks off for `l` until `resume_hooks` (LuaJIT runs `__gc`
/// finalizers without hooks); returns what `resume_hooks` restores.
pub fn suspend_hooks(l: State) -> u8 {
    // SAFETY: a field of the live thread, read and written by value.
    unsafe {
        let saved = (*l.as_ptr()).inhook & INHOOK_HOOK;
        (*l.as_ptr()).inhook |= INHOOK_HOOK;
        saved
    }
}

/// Undo `suspend_hooks` with the value it returned.
pub fn resume_hooks(l: State, saved: u8) {
    // SAFETY: a field of the live thread, read and written by value.
    unsafe { (*l.as_ptr()).inhook = ((*l.as_ptr()).inhook & !INHOOK_HOOK) | saved };
}

/// Whether a hook could run now for an event in `mask` (a cheap test the
/// interpreter can make before preparing a hook call).
#[inline]
pub fn hook_wanted(l: State, mask: c_int) -> bool {
    // SAFETY: fields of the live global state and thread, read by value.
    unsafe { (*l.global_ptr()).hookmask & mask != 0 && (*l.as_ptr()).inhook & INHOOK_HOOK == 0 }
}

/// Call the hook for `event` (LUA_HOOKCALL, LUA_HOOKRET, LUA_HOOKLINE,
/// LUA_HOOKCOUNT) with `line` (the new line for line events, else -1).
///
/// The hooked function is the frame at `L.base`; for a Lua frame the
/// interpreter must have saved its PC (`L.savedpc`, pointing after the
/// instruction being executed) and set `L.top` above all its live slots
/// (`base + framesize`). Hooks do not nest: nothing happens while a hook
/// of this thread runs. Errors raised by the hook propagate.
pub fn call_hook(l: State, event: c_int, line: c_int) {
    let hook = match lua_gethook(l) {
        Some(h) => h,
        None => return,
    };
    // SAFETY: a field of the live thread, read by value.
    if unsafe { (*l.as_ptr()).inhook } & INHOOK_HOOK != 0 {
        return;
    }
    // SAFETY: base and top are slots of the live stack (the interpreter set
    // top above the hooked frame's live slots); fields by value.
    let (base_off, top_off, savedpc) = unsafe {
        let l = l.as_ptr();
        (
            (*l).base.offset_from((*l).stack),
            (*l).top.offset_from((*l).stack),
            (*l).savedpc,
        )
    };
    check_stack(l, 4 + crate::vm::LUA_MINSTACK);
    // SAFETY: check_stack made room for the four slots of the pseudo-frame
    // at top and a minimal stack for the hook above them; the offsets
    // survive the stack's reallocation. The hook is called with the live
    // thread and a record on this frame, as lua_Hook's contract wants.
    unsafe {
        let base = (*l.as_ptr()).stack.offset(base_off);
        let top = (*l.as_ptr()).top;
        // A continuation-style pseudo-frame: the hooked frame's PC, a
        // spare slot, the marker as its function, and a link back to the
        // hooked frame. The frame walker skips it and takes the PC from it.
        *top = TValue((*l.as_ptr()).savedpc as u64);
        *top.add(1) = TValue::NIL;
        *top.add(2) = debug::hook_marker();
        let hbase = top.add(4);
        *top.add(3) = TValue(((hbase as usize - base as usize) as u64) | FRAME_CONT);
        (*l.as_ptr()).base = hbase;
        (*l.as_ptr()).top = hbase;
        (*l.as_ptr()).inhook |= INHOOK_HOOK;
        let guard = HookGuard { l };
        let mut ar: lua_Debug = std::mem::zeroed();
        ar.event = event;
        ar.currentline = line;
        ar.i_ci = base_off as c_int;
        hook(l.as_ptr(), &mut ar);
        drop(guard);
        (*l.as_ptr()).base = (*l.as_ptr()).stack.offset(base_off);
        (*l.as_ptr()).top = (*l.as_ptr()).stack.offset(top_off);
        (*l.as_ptr()).savedpc = savedpc;
    }
}

/// The hook installed by `debug.sethook`: calls the Lua function stored
/// in the registry with the event name and the line (or nil).
///
/// # Safety
/// `L` is a live thread and `ar` points to the hook record (how call_hook
/// calls hooks).
pub unsafe extern "C-unwind" fn lua_hook_dispatch(L: *mut lua_State, ar: *mut lua_Debug) {
    const NAMES: [&[u8]; 5] = [b"call", b"return", b"line", b"count", b"tail return"];
    // SAFETY: the function's contract.
    let L = unsafe { State::from_raw(L) };
    push_hook_key(L);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if lua_type(L, -1) != LUA_TFUNCTION {
        lua_settop(L, -2);
        return;
    }
    // SAFETY: the function's contract on ar, read before any Lua code runs.
    let (event, line) = unsafe { ((*ar).event, (*ar).currentline) };
    super::aux::push_bytes(L, NAMES[event.clamp(0, 4) as usize]);
    if line >= 0 {
        lua_pushinteger(L, line as lua_Integer);
    } else {
        lua_pushnil(L);
    }
    lua_call(L, 2, 0);
}

/// Registry key of the Lua hook function of `debug.sethook` (a light
/// userdata no Lua value can equal by accident).
static HOOK_KEY: u8 = 0;

pub fn push_hook_key(l: State) {
    api_push(l, TValue::lightud(&HOOK_KEY as *const u8 as *mut c_void));
}
