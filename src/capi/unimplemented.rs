//! C API entry points that are not implemented yet. Each one aborts the
//! process with a message naming itself, so a caller never gets a plausible
//! wrong value. Functions move out of this file as they are implemented.
#![allow(non_snake_case, clippy::missing_safety_doc)]

use super::types::*;
use std::os::raw::{c_char, c_int, c_void};

macro_rules! api_unimplemented {
    ($( fn $name:ident ( $($arg:ident : $ty:ty),* ) $(-> $ret:ty)? ; )*) => {
        $(
            #[no_mangle]
            pub unsafe extern "C-unwind" fn $name($($arg: $ty),*) $(-> $ret)? {
                let _ = ($($arg,)*);
                super::fatal_unimplemented(stringify!($name))
            }
        )*
    };
}

api_unimplemented! {
    fn lua_newstate(f: lua_Alloc, ud: *mut c_void) -> *mut lua_State;
    fn lua_close(L: *mut lua_State);
    fn lua_newthread(L: *mut lua_State) -> *mut lua_State;
    fn lua_atpanic(L: *mut lua_State, panicf: lua_CFunction) -> lua_CFunction;
    fn lua_gettop(L: *mut lua_State) -> c_int;
    fn lua_settop(L: *mut lua_State, idx: c_int);
    fn lua_pushvalue(L: *mut lua_State, idx: c_int);
    fn lua_remove(L: *mut lua_State, idx: c_int);
    fn lua_insert(L: *mut lua_State, idx: c_int);
    fn lua_replace(L: *mut lua_State, idx: c_int);
    fn lua_copy(L: *mut lua_State, fromidx: c_int, toidx: c_int);
    fn lua_checkstack(L: *mut lua_State, sz: c_int) -> c_int;
    fn lua_xmove(from: *mut lua_State, to: *mut lua_State, n: c_int);
    fn lua_isnumber(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_isstring(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_iscfunction(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_isuserdata(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_type(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_typename(L: *mut lua_State, tp: c_int) -> *const c_char;
    fn lua_equal(L: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    fn lua_rawequal(L: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    fn lua_lessthan(L: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    fn lua_tonumber(L: *mut lua_State, idx: c_int) -> lua_Number;
    fn lua_tonumberx(L: *mut lua_State, idx: c_int, isnum: *mut c_int) -> lua_Number;
    fn lua_tointeger(L: *mut lua_State, idx: c_int) -> lua_Integer;
    fn lua_tointegerx(L: *mut lua_State, idx: c_int, isnum: *mut c_int) -> lua_Integer;
    fn lua_toboolean(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_tolstring(L: *mut lua_State, idx: c_int, len: *mut usize) -> *const c_char;
    fn lua_objlen(L: *mut lua_State, idx: c_int) -> usize;
    fn lua_tocfunction(L: *mut lua_State, idx: c_int) -> lua_CFunction;
    fn lua_touserdata(L: *mut lua_State, idx: c_int) -> *mut c_void;
    fn lua_tothread(L: *mut lua_State, idx: c_int) -> *mut lua_State;
    fn lua_topointer(L: *mut lua_State, idx: c_int) -> *const c_void;
    fn lua_pushnil(L: *mut lua_State);
    fn lua_pushnumber(L: *mut lua_State, n: lua_Number);
    fn lua_pushinteger(L: *mut lua_State, n: lua_Integer);
    fn lua_pushlstring(L: *mut lua_State, s: *const c_char, len: usize);
    fn lua_pushstring(L: *mut lua_State, s: *const c_char);
    fn lua_pushcclosure(L: *mut lua_State, f: lua_CFunction, n: c_int);
    fn lua_pushboolean(L: *mut lua_State, b: c_int);
    fn lua_pushlightuserdata(L: *mut lua_State, p: *mut c_void);
    fn lua_pushthread(L: *mut lua_State) -> c_int;
    fn lua_gettable(L: *mut lua_State, idx: c_int);
    fn lua_getfield(L: *mut lua_State, idx: c_int, k: *const c_char);
    fn lua_rawget(L: *mut lua_State, idx: c_int);
    fn lua_rawgeti(L: *mut lua_State, idx: c_int, n: c_int);
    fn lua_createtable(L: *mut lua_State, narr: c_int, nrec: c_int);
    fn lua_newuserdata(L: *mut lua_State, sz: usize) -> *mut c_void;
    fn lua_getmetatable(L: *mut lua_State, objindex: c_int) -> c_int;
    fn lua_getfenv(L: *mut lua_State, idx: c_int);
    fn lua_settable(L: *mut lua_State, idx: c_int);
    fn lua_setfield(L: *mut lua_State, idx: c_int, k: *const c_char);
    fn lua_rawset(L: *mut lua_State, idx: c_int);
    fn lua_rawseti(L: *mut lua_State, idx: c_int, n: c_int);
    fn lua_setmetatable(L: *mut lua_State, objindex: c_int) -> c_int;
    fn lua_setfenv(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_call(L: *mut lua_State, nargs: c_int, nresults: c_int);
    fn lua_pcall(L: *mut lua_State, nargs: c_int, nresults: c_int, errfunc: c_int) -> c_int;
    fn lua_cpcall(L: *mut lua_State, func: lua_CFunction, ud: *mut c_void) -> c_int;
    fn lua_load(L: *mut lua_State, reader: lua_Reader, dt: *mut c_void, chunkname: *const c_char) -> c_int;
    fn lua_loadx(L: *mut lua_State, reader: lua_Reader, dt: *mut c_void, chunkname: *const c_char, mode: *const c_char) -> c_int;
    fn lua_dump(L: *mut lua_State, writer: lua_Writer, data: *mut c_void) -> c_int;
    fn lua_yield(L: *mut lua_State, nresults: c_int) -> c_int;
    fn lua_resume(L: *mut lua_State, narg: c_int) -> c_int;
    fn lua_status(L: *mut lua_State) -> c_int;
    fn lua_isyieldable(L: *mut lua_State) -> c_int;
    fn lua_gc(L: *mut lua_State, what: c_int, data: c_int) -> c_int;
    fn lua_error(L: *mut lua_State) -> c_int;
    fn lua_next(L: *mut lua_State, idx: c_int) -> c_int;
    fn lua_concat(L: *mut lua_State, n: c_int);
    fn lua_getallocf(L: *mut lua_State, ud: *mut *mut c_void) -> lua_Alloc;
    fn lua_setallocf(L: *mut lua_State, f: lua_Alloc, ud: *mut c_void);
    fn lua_getstack(L: *mut lua_State, level: c_int, ar: *mut lua_Debug) -> c_int;
    fn lua_getinfo(L: *mut lua_State, what: *const c_char, ar: *mut lua_Debug) -> c_int;
    fn lua_getlocal(L: *mut lua_State, ar: *const lua_Debug, n: c_int) -> *const c_char;
    fn lua_setlocal(L: *mut lua_State, ar: *const lua_Debug, n: c_int) -> *const c_char;
    fn lua_getupvalue(L: *mut lua_State, funcindex: c_int, n: c_int) -> *const c_char;
    fn lua_setupvalue(L: *mut lua_State, funcindex: c_int, n: c_int) -> *const c_char;
    fn lua_sethook(L: *mut lua_State, func: lua_Hook, mask: c_int, count: c_int) -> c_int;
    fn lua_gethook(L: *mut lua_State) -> lua_Hook;
    fn lua_gethookmask(L: *mut lua_State) -> c_int;
    fn lua_gethookcount(L: *mut lua_State) -> c_int;
    fn lua_upvalueid(L: *mut lua_State, idx: c_int, n: c_int) -> *mut c_void;
    fn lua_upvaluejoin(L: *mut lua_State, idx1: c_int, n1: c_int, idx2: c_int, n2: c_int);
    fn lua_version(L: *mut lua_State) -> *const lua_Number;
    fn lua_resetthread(L: *mut lua_State, th: *mut lua_State);
    fn lua_setexdata(L: *mut lua_State, exdata: *mut c_void);
    fn lua_getexdata(L: *mut lua_State) -> *mut c_void;
    fn lua_setexdata2(L: *mut lua_State, exdata2: *mut c_void);
    fn lua_getexdata2(L: *mut lua_State) -> *mut c_void;

    fn luaL_openlib(L: *mut lua_State, libname: *const c_char, l: *const luaL_Reg, nup: c_int);
    fn luaL_register(L: *mut lua_State, libname: *const c_char, l: *const luaL_Reg);
    fn luaL_getmetafield(L: *mut lua_State, obj: c_int, e: *const c_char) -> c_int;
    fn luaL_callmeta(L: *mut lua_State, obj: c_int, e: *const c_char) -> c_int;
    fn luaL_typerror(L: *mut lua_State, narg: c_int, tname: *const c_char) -> c_int;
    fn luaL_argerror(L: *mut lua_State, numarg: c_int, extramsg: *const c_char) -> c_int;
    fn luaL_checklstring(L: *mut lua_State, numarg: c_int, l: *mut usize) -> *const c_char;
    fn luaL_optlstring(L: *mut lua_State, numarg: c_int, def: *const c_char, l: *mut usize) -> *const c_char;
    fn luaL_checknumber(L: *mut lua_State, numarg: c_int) -> lua_Number;
    fn luaL_optnumber(L: *mut lua_State, narg: c_int, def: lua_Number) -> lua_Number;
    fn luaL_checkinteger(L: *mut lua_State, numarg: c_int) -> lua_Integer;
    fn luaL_optinteger(L: *mut lua_State, narg: c_int, def: lua_Integer) -> lua_Integer;
    fn luaL_checkstack(L: *mut lua_State, sz: c_int, msg: *const c_char);
    fn luaL_checktype(L: *mut lua_State, narg: c_int, t: c_int);
    fn luaL_checkany(L: *mut lua_State, narg: c_int);
    fn luaL_newmetatable(L: *mut lua_State, tname: *const c_char) -> c_int;
    fn luaL_checkudata(L: *mut lua_State, ud: c_int, tname: *const c_char) -> *mut c_void;
    fn luaL_where(L: *mut lua_State, lvl: c_int);
    fn luaL_checkoption(L: *mut lua_State, narg: c_int, def: *const c_char, lst: *const *const c_char) -> c_int;
    fn luaL_ref(L: *mut lua_State, t: c_int) -> c_int;
    fn luaL_unref(L: *mut lua_State, t: c_int, r: c_int);
    fn luaL_loadfile(L: *mut lua_State, filename: *const c_char) -> c_int;
    fn luaL_loadfilex(L: *mut lua_State, filename: *const c_char, mode: *const c_char) -> c_int;
    fn luaL_loadbuffer(L: *mut lua_State, buff: *const c_char, sz: usize, name: *const c_char) -> c_int;
    fn luaL_loadbufferx(L: *mut lua_State, buff: *const c_char, sz: usize, name: *const c_char, mode: *const c_char) -> c_int;
    fn luaL_loadstring(L: *mut lua_State, s: *const c_char) -> c_int;
    fn luaL_newstate() -> *mut lua_State;
    fn luaL_gsub(L: *mut lua_State, s: *const c_char, p: *const c_char, r: *const c_char) -> *const c_char;
    fn luaL_findtable(L: *mut lua_State, idx: c_int, fname: *const c_char, szhint: c_int) -> *const c_char;
    fn luaL_fileresult(L: *mut lua_State, stat: c_int, fname: *const c_char) -> c_int;
    fn luaL_execresult(L: *mut lua_State, stat: c_int) -> c_int;
    fn luaL_traceback(L: *mut lua_State, L1: *mut lua_State, msg: *const c_char, level: c_int);
    fn luaL_setfuncs(L: *mut lua_State, l: *const luaL_Reg, nup: c_int);
    fn luaL_pushmodule(L: *mut lua_State, modname: *const c_char, sizehint: c_int);
    fn luaL_testudata(L: *mut lua_State, ud: c_int, tname: *const c_char) -> *mut c_void;
    fn luaL_setmetatable(L: *mut lua_State, tname: *const c_char);
    fn luaL_buffinit(L: *mut lua_State, B: *mut luaL_Buffer);
    fn luaL_prepbuffer(B: *mut luaL_Buffer) -> *mut c_char;
    fn luaL_addlstring(B: *mut luaL_Buffer, s: *const c_char, l: usize);
    fn luaL_addstring(B: *mut luaL_Buffer, s: *const c_char);
    fn luaL_addvalue(B: *mut luaL_Buffer);
    fn luaL_pushresult(B: *mut luaL_Buffer);
    fn luaL_openlibs(L: *mut lua_State);

    fn luaJIT_setmode(L: *mut lua_State, idx: c_int, mode: c_int) -> c_int;
    fn luaJIT_profile_start(L: *mut lua_State, mode: *const c_char, cb: luaJIT_profile_callback, data: *mut c_void);
    fn luaJIT_profile_stop(L: *mut lua_State);
    fn luaJIT_profile_dumpstack(L: *mut lua_State, fmt: *const c_char, depth: c_int, len: *mut usize) -> *const c_char;

    fn luaopen_base(L: *mut lua_State) -> c_int;
    fn luaopen_math(L: *mut lua_State) -> c_int;
    fn luaopen_string(L: *mut lua_State) -> c_int;
    fn luaopen_table(L: *mut lua_State) -> c_int;
    fn luaopen_io(L: *mut lua_State) -> c_int;
    fn luaopen_os(L: *mut lua_State) -> c_int;
    fn luaopen_package(L: *mut lua_State) -> c_int;
    fn luaopen_debug(L: *mut lua_State) -> c_int;
    fn luaopen_bit(L: *mut lua_State) -> c_int;
    fn luaopen_jit(L: *mut lua_State) -> c_int;
    fn luaopen_ffi(L: *mut lua_State) -> c_int;
    fn luaopen_string_buffer(L: *mut lua_State) -> c_int;
}
