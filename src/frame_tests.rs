//! Unit tests of frame walking (`debug::frames`) through nested Lua, C,
//! pcall, metamethod and coroutine frames, and of the stack and frame
//! checks themselves (each kind of damage is reported).

use super::*;
use crate::capi::aux::{luaL_loadstring, luaL_newstate};
use crate::capi::core::{
    lua_close, lua_gettop, lua_pcall, lua_pushcclosure, lua_pushlstring, lua_setfield,
    lua_tolstring, lua_tothread, LUA_GLOBALSINDEX,
};
use crate::stdlib::luaL_openlibs;
use std::ffi::{c_int, CStr};

/// The visible frames of `l` from level `skip` on, as `debug.getinfo`
/// shows them in `what:currentline:name` form (`main` for a main chunk).
fn describe_frames(l: State, skip: usize) -> String {
    let names: Vec<String> = crate::debug::frames(l)
        .skip(skip)
        .map(|(f, _)| {
            let name = crate::debug::func_name(l, &f).map_or("nil".to_string(), |(_, n)| {
                String::from_utf8_lossy(&n).into_owned()
            });
            if f.is_lua() {
                // SAFETY: a Lua frame's prototype is live.
                let main = unsafe { (*f.proto()).firstline } == 0;
                let what = if main { "main" } else { "Lua" };
                format!("{}:{}:{}", what, crate::debug::current_line(&f), name)
            } else {
                format!("C:-1:{}", name)
            }
        })
        .collect();
    names.join(" ")
}

/// Push a Rust string.
///
/// # Safety
/// `l` has room for one more value.
unsafe fn push_str(l: State, s: &str) {
    // SAFETY: s is valid for its length.
    unsafe { lua_pushlstring(l, s.as_ptr() as *const _, s.len()) };
}

/// Reads the string at stack index `idx`.
///
/// # Safety
/// `l` has a string at `idx`.
unsafe fn string_at(l: State, idx: c_int) -> String {
    let mut len = 0;
    // SAFETY: a string value: len bytes at the returned pointer.
    unsafe {
        let p = lua_tolstring(l, idx, &mut len);
        assert!(!p.is_null(), "not a string at {}", idx);
        String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len)).into_owned()
    }
}

/// `probe()`: its callers' frames, described, and what the frame check
/// finds wrong with the whole walk (appended after a `!`).
unsafe extern "C-unwind" fn probe(l: *mut lua_State) -> c_int {
    // SAFETY: the VM calls a C function with its running thread.
    let l = unsafe { State::from_raw(l) };
    let mut out = describe_frames(l, 1);
    // SAFETY: a field of the live thread, read by value.
    if let Some(problem) = frames_violation(l, unsafe { (*l.as_ptr()).base }) {
        out.push_str(" !");
        out.push_str(&problem);
    }
    // SAFETY: a C function has LUA_MINSTACK free slots.
    unsafe { push_str(l, &out) };
    1
}

/// None if the frame walk from `base` reports a problem mentioning
/// `expect`, else what it said about the damage `what`.
fn unless_reported(l: State, base: *mut TValue, what: &str, expect: &str) -> Option<String> {
    match frames_violation(l, base) {
        Some(problem) if problem.contains(expect) => None,
        other => Some(format!("{}: {:?}", what, other)),
    }
}

/// `damage()`: damages its own frame (or its caller's, or the stack
/// bounds) in each way in turn, checks that the walk reports it, and
/// repairs it. Returns "ok" or what went unreported.
unsafe extern "C-unwind" fn damage(l: *mut lua_State) -> c_int {
    // SAFETY: the VM calls a C function with its running thread.
    let (th, l) = (l, unsafe { State::from_raw(l) });
    let mut unreported = vec![];
    // SAFETY: l is the running thread, its base the frame of this C
    // function called from the Lua function `damaged` (through CALL);
    // every slot or field written is restored before the next case.
    unsafe {
        let base = (*th).base;
        let link_slot = base.sub(1);
        let own_link = *link_slot;
        assert_eq!(frame_type(own_link.0), FRAME_LUA);
        let caller = crate::debug::frame_at(l, 1).expect("a caller").base();
        let beyond = ((*th).stacksize as u64 + 10) * SLOT as u64;
        *link_slot = TValue(beyond | FRAME_C);
        unreported.extend(unless_reported(
            l,
            base,
            "delta beyond the stack",
            "leads out of the stack",
        ));
        *link_slot = TValue(FRAME_C);
        unreported.extend(unless_reported(l, base, "zero delta", "not a slot delta"));
        *link_slot = TValue(own_link.0 - std::mem::size_of::<Ins>() as u64);
        unreported.extend(unless_reported(
            l,
            base,
            "return PC after a non-call",
            "not a call",
        ));
        let pcall_delta = (base as u64 - caller as u64) | FRAME_PCALL;
        *link_slot = TValue(pcall_delta);
        unreported.extend(unless_reported(
            l,
            base,
            "pcall link to a Lua function",
            "does not lead to pcall",
        ));
        *link_slot = own_link;
        let caller_func = *caller.sub(2);
        *caller.sub(2) = TValue::NIL;
        unreported.extend(unless_reported(
            l,
            base,
            "caller without its function",
            "bytecode",
        ));
        *caller.sub(2) = caller_func;
        let maxstack = (*th).maxstack;
        (*th).maxstack = maxstack.add(1);
        unreported.extend(unless_reported(l, base, "maxstack moved", "maxstack"));
        (*th).maxstack = maxstack;
        let top = (*th).top;
        (*th).top = base.sub(1);
        unreported.extend(unless_reported(l, base, "top below base", "base at slot"));
        (*th).top = top;
        if let Some(problem) = frames_violation(l, base) {
            unreported.push(format!("after the repairs: {}", problem));
        }
    }
    let out = if unreported.is_empty() {
        "ok".to_string()
    } else {
        unreported.join("; ")
    };
    // SAFETY: a C function has LUA_MINSTACK free slots.
    unsafe { push_str(l, &out) };
    1
}

/// Runs `src` in a fresh state with `probe` and `damage` as globals and
/// hands `f` the thread and the number of results.
fn run(src: &CStr, f: impl FnOnce(State, c_int)) {
    // SAFETY: the C API used as a C program would.
    unsafe {
        let l = State::from_raw(luaL_newstate());
        luaL_openlibs(l);
        lua_pushcclosure(l, Some(probe), 0);
        lua_setfield(l, LUA_GLOBALSINDEX, c"probe".as_ptr());
        lua_pushcclosure(l, Some(damage), 0);
        lua_setfield(l, LUA_GLOBALSINDEX, c"damage".as_ptr());
        assert_eq!(luaL_loadstring(l, src.as_ptr()), 0);
        let status = lua_pcall(l, 0, -1, 0);
        if status != 0 {
            panic!("{}", string_at(l, -1));
        }
        f(l, lua_gettop(l));
        lua_close(l);
    }
}

/// The frames seen from a C function called through pcall, a C function
/// calling back into Lua (table.sort), a metamethod, xpcall and a
/// coroutine are those `debug.getinfo` shows in LuaJIT (`luajit -joff`,
/// the same chunk, minus the frames of the `luajit` command below it), and
/// every frame link checks out.
#[test]
fn frames_of_nested_lua_c_pcall_and_coroutine_calls() {
    let src = c"local function leaf() return (probe()) end
local function viapcall() local ok, r = pcall(leaf); return r end
local function viasort()
  local r
  table.sort({2, 1}, function(a, b) r = r or viapcall(); return a < b end)
  return r
end
local co = coroutine.wrap(function() return (viasort()) end)
local t = setmetatable({}, {__index = function(t, k) return viapcall() end})
return co(), t.x, select(2, xpcall(function() return viasort() end, print)), leaf()";
    run(src, |l, n| {
        let want = [
            "Lua:1:nil C:-1:pcall Lua:2:viapcall Lua:5:nil C:-1:sort Lua:5:viasort Lua:8:nil",
            "Lua:1:nil C:-1:pcall Lua:2:__index main:10:nil",
            "Lua:1:nil C:-1:pcall Lua:2:viapcall Lua:5:nil C:-1:sort Lua:5:nil C:-1:xpcall main:10:nil",
            "Lua:1:leaf main:10:nil",
        ];
        assert_eq!(n as usize, want.len());
        for (i, w) in want.iter().enumerate() {
            // SAFETY: the results are strings on l's stack.
            let got = unsafe { string_at(l, i as c_int + 1) };
            assert_eq!(got, *w, "result {}", i + 1);
        }
    });
}

/// Every kind of damage to a frame link, a function slot or the stack
/// bounds is reported by the frame check (its negative controls), wherever
/// the damaged frame sits: called by Lua directly, through pcall, and from
/// a callback of a C function.
#[test]
fn the_frame_check_reports_damaged_frames() {
    let src = c"local function damaged() return (damage()) end
local a = damaged()
local ok, b = pcall(damaged)
local c
table.sort({2, 1}, function(x, y) c = c or damaged(); return x < y end)
return a, b, c";
    run(src, |l, n| {
        assert_eq!(n, 3);
        for i in 1..=n {
            // SAFETY: the results are strings on l's stack.
            assert_eq!(unsafe { string_at(l, i) }, "ok", "result {}", i);
        }
    });
}

/// A suspended coroutine's frames, from the yielding C function down, are
/// those LuaJIT shows (`debug.getinfo(co, level)`), and they check out
/// from its recorded yielding frame.
#[test]
fn frames_of_a_suspended_coroutine() {
    let src = c"local function inner() local x = coroutine.yield(1) return x end
local function middle() local ok, v = pcall(inner) return v end
local co = coroutine.create(function() return middle() end)
assert(coroutine.resume(co))
return co";
    run(src, |l, n| {
        assert_eq!(n, 1);
        let co = lua_tothread(l, 1);
        assert!(!co.is_null());
        // SAFETY: the result is a thread, kept alive by l's stack.
        let co = unsafe { State::from_raw(co) };
        assert_eq!(stack_violation(co), None);
        // SAFETY: fields of the live thread, read by value; yield_base is
        // a slot offset inside its stack.
        unsafe {
            let th = co.as_ptr();
            assert_eq!((*th).status, LUA_YIELD);
            let yielding = (*th).stack.add((*th).yield_base);
            assert_eq!(frames_violation(co, yielding), None);
        }
        assert_eq!(
            describe_frames(co, 0),
            "C:-1:yield Lua:1:nil C:-1:pcall Lua:2:nil"
        );
    });
}
