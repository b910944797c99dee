//! The `luajit` command: LuaJIT's stand-alone interpreter, with its options.

use luajit::capi::aux::*;
use luajit::capi::core::*;
use luajit::state::State;
use luajit::stdlib;
use std::io::{IsTerminal, Write};
use std::os::raw::c_int;

/// argv[0], as the reference prints it in messages (None in interactive
/// mode, where messages have no prefix).
fn progname() -> Option<String> {
    PROGNAME.with(|p| p.borrow().clone())
}

thread_local! {
    static PROGNAME: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn set_progname(p: Option<String>) {
    PROGNAME.with(|c| *c.borrow_mut() = p);
}

fn usage() {
    let mut e = std::io::stderr();
    let _ = write!(
        e,
        "usage: {} [options]... [script [args]...].
Available options are:
  -e chunk  Execute string 'chunk'.
  -l name   Require library 'name'.
  -b ...    Save or list bytecode.
  -j cmd    Perform LuaJIT control command.
  -O[opt]   Control LuaJIT optimizations.
  -i        Enter interactive mode after executing 'script'.
  -v        Show version information.
  -E        Ignore environment variables.
  --        Stop handling options.
  -         Execute stdin and stop handling options.
",
        progname().unwrap_or_default()
    );
    let _ = e.flush();
}

fn print_error(msg: &[u8]) {
    let mut e = std::io::stderr();
    if let Some(p) = progname() {
        let _ = e.write_all(p.as_bytes());
        let _ = e.write_all(b": ");
    }
    let _ = e.write_all(msg);
    let _ = e.write_all(b"\n");
    let _ = e.flush();
}

/// Report a non-zero status with the error message at the top.
fn report(l: State, status: c_int) -> c_int {
    if status != 0 && lua_type(l, -1) != 0 {
        // Printed from the string on the stack: no copy (the error may
        // be a memory error, or a message as large as memory allows).
        let text = to_bytes(l, -1);
        let msg: &[u8] = match lua_isstring(l, -1) {
            0 => b"(error object is not a string)",
            _ => text.as_deref().unwrap_or(b""),
        };
        print_error(msg);
        lua_settop(l, -2);
    }
    status
}

/// The message handler: adds a traceback to string errors.
extern "C-unwind" fn traceback(l: State) -> c_int {
    if lua_isstring(l, 1) == 0 {
        // Non-string error object: use __tostring if it gives a string,
        // else hand the object back unchanged.
        if lua_type(l, 1) <= 0 {
            return 1;
        }
        // SAFETY: a NUL-terminated literal.
        let called = unsafe { luaL_callmeta(l, 1, c"__tostring".as_ptr()) } != 0;
        if !called || lua_isstring(l, -1) == 0 {
            return 1;
        }
        lua_remove(l, 1);
    }
    // SAFETY: a null length pointer is allowed.
    let msg = unsafe { lua_tolstring(l, 1, std::ptr::null_mut()) };
    // SAFETY: msg is the string at index 1 (converted in place), which stays
    // there while the traceback is made.
    unsafe { luaL_traceback(l, l, msg, 1) };
    1
}

fn docall(l: State, narg: c_int, clear: bool) -> c_int {
    let base = lua_gettop(l) - narg;
    stdlib::push_closure(l, traceback, 0);
    lua_insert(l, base);
    let status = lua_pcall(l, narg, if clear { 0 } else { -1 }, base);
    lua_remove(l, base);
    if status != 0 {
        lua_gc(l, LUA_GCCOLLECT, 0);
    }
    status
}

fn dochunk(l: State, status: c_int) -> c_int {
    let status = if status == 0 {
        docall(l, 0, true)
    } else {
        status
    };
    report(l, status)
}

fn dostring(l: State, s: &[u8], name: &[u8]) -> c_int {
    let st = load_bytes(l, s, name, None);
    dochunk(l, st)
}

fn dofile(l: State, name: Option<&[u8]>) -> c_int {
    let st = load_file(l, name, None);
    dochunk(l, st)
}

fn dolibrary(l: State, name: &str) -> c_int {
    stdlib::get_field(l, LUA_GLOBALSINDEX, "require");
    push_bytes(l, name.as_bytes());
    let st = docall(l, 1, true);
    report(l, st)
}

/// Write to C's stdout (shared with print and io.write, so output stays in
/// program order) and flush it, as the reference does for its own messages.
fn out(s: &str) {
    stdlib::io::write_stdout(s.as_bytes());
    stdlib::io::flush_all();
}

fn print_version() {
    out("LuaJIT 2.1.0-beta3 -- Copyright (C) 2005-2022 Mike Pall. https://luajit.org/\n");
}

fn print_jit_status(l: State) {
    stdlib::get_field(l, LUA_REGISTRYINDEX, "_LOADED");
    stdlib::get_field(l, -1, "jit");
    lua_remove(l, -2);
    stdlib::get_field(l, -1, "status");
    lua_remove(l, -2);
    let n = lua_gettop(l);
    lua_call(l, 0, -1);
    let mut out = String::new();
    out.push_str(if lua_toboolean(l, n) != 0 {
        "JIT: ON"
    } else {
        "JIT: OFF"
    });
    let top = lua_gettop(l);
    for i in (n + 1)..=top {
        if let Some(s) = to_bytes(l, i) {
            out.push(' ');
            out.push_str(&String::from_utf8_lossy(&s));
        }
    }
    lua_settop(l, n - 1);
    out.push('\n');
    self::out(&out);
}

/// Build the `arg` table: script at 0, its arguments at 1.., the
/// interpreter and options at negative indices.
fn create_arg_table(l: State, args: &[Vec<u8>], script: usize) {
    lua_createtable(
        l,
        args.len().saturating_sub(script) as c_int,
        script as c_int + 1,
    );
    for (i, a) in args.iter().enumerate() {
        push_bytes(l, a);
        lua_rawseti(l, -2, i as c_int - script as c_int);
    }
    stdlib::set_field(l, LUA_GLOBALSINDEX, "arg");
}

/// -j cmd[=arg[,arg...]]: jit.cmd(args) or require("jit."..cmd).start(args).
fn dojitcmd(l: State, cmd: &str) -> c_int {
    let (name, opts) = match cmd.find('=') {
        Some(i) => (&cmd[..i], Some(&cmd[i + 1..])),
        None => (cmd, None),
    };
    stdlib::get_field(l, LUA_REGISTRYINDEX, "_LOADED");
    stdlib::get_field(l, -1, "jit");
    lua_remove(l, -2);
    stdlib::get_field(l, -1, name);
    lua_remove(l, -2);
    if lua_type(l, -1) != luajit::value::LUA_TFUNCTION {
        lua_settop(l, -2);
        // Load jit.<name> and call its start().
        stdlib::get_field(l, LUA_GLOBALSINDEX, "require");
        push_bytes(l, format!("jit.{}", name).as_bytes());
        if lua_pcall(l, 1, 1, 0) != 0 {
            let msg = to_bytes(l, -1).map(|b| b.to_vec()).unwrap_or_default();
            lua_settop(l, -2);
            if msg.windows(9).any(|w| w == b"not found") {
                print_error(
                    format!("unknown luaJIT command or jit.* modules not installed").as_bytes(),
                );
            } else {
                print_error(&msg);
            }
            return 1;
        }
        stdlib::get_field(l, -1, "start");
        lua_remove(l, -2);
    }
    let mut n = 0;
    if let Some(o) = opts {
        for a in o.split(',') {
            push_bytes(l, a.as_bytes());
            n += 1;
        }
    }
    let st = docall(l, n, true);
    report(l, st)
}

/// -b: run jit.bcsave's start(args...) like LuaJIT; without the jit.*
/// modules, fall back to the built-in raw saver and lister.
fn bcsave(l: State, args: &[Vec<u8>]) -> c_int {
    stdlib::get_field(l, LUA_GLOBALSINDEX, "require");
    push_bytes(l, b"jit.bcsave");
    if lua_pcall(l, 1, 1, 0) != 0 {
        lua_settop(l, -2);
        return dobytecode(l, args);
    }
    stdlib::get_field(l, -1, "start");
    lua_remove(l, -2);
    for a in args {
        push_bytes(l, a);
    }
    let st = docall(l, args.len() as c_int, true);
    report(l, st)
}

/// -b: save or list bytecode (built-in fallback).
fn dobytecode(l: State, args: &[Vec<u8>]) -> c_int {
    let mut list = false;
    let mut strip = true;
    let mut deterministic = false;
    let mut fr2 = true;
    let mut i = 0;
    let mut chunkname: Option<Vec<u8>> = None;
    while i < args.len() && args[i].first() == Some(&b'-') && args[i].len() > 1 {
        let a = String::from_utf8_lossy(&args[i]).to_string();
        if a == "--" {
            i += 1;
            break;
        }
        for c in a[1..].chars() {
            match c {
                'l' => list = true,
                's' => strip = true,
                'g' => strip = false,
                'd' => deterministic = true,
                'W' => fr2 = false,
                'X' => fr2 = true,
                'n' => {
                    i += 1;
                    chunkname = args.get(i).cloned();
                }
                't' | 'a' | 'o' | 'F' | 'e' => {
                    if matches!(c, 't' | 'a' | 'o' | 'F') {
                        i += 1;
                    }
                }
                'b' => {}
                _ => {
                    bcsave_usage();
                    return 1;
                }
            }
        }
        i += 1;
    }
    let rest = &args[i.min(args.len())..];
    if rest.is_empty() || (!list && rest.len() < 2) || rest.len() > 2 {
        bcsave_usage();
        return 1;
    }
    let input = &rest[0];
    let (data, name) = if input == b"-" {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut v);
        (v, b"=stdin".to_vec())
    } else {
        match std::fs::read(String::from_utf8_lossy(input).as_ref()) {
            Ok(v) => {
                let mut n = b"@".to_vec();
                n.extend_from_slice(input);
                (v, n)
            }
            Err(e) => {
                print_error(
                    format!("cannot open {}: {}", String::from_utf8_lossy(input), e).as_bytes(),
                );
                return 1;
            }
        }
    };
    let name = chunkname
        .map(|c| {
            let mut n = b"=".to_vec();
            n.extend_from_slice(&c);
            n
        })
        .unwrap_or(name);
    let mut body: &[u8] = &data;
    if body.first() == Some(&b'#') {
        let nl = body.iter().position(|&c| c == b'\n').unwrap_or(body.len());
        body = &body[nl..];
    }
    let pd = if body.first() == Some(&0x1b) {
        if fr2 {
            luajit::bytecode::reader::undump_unverified(body, &name)
        } else {
            luajit::bytecode::reader::undump_format(body, &name, false)
        }
    } else {
        let opts = luajit::frontend::CompileOptions {
            fr2,
            ..Default::default()
        };
        luajit::frontend::compile_with(body, &name, &opts)
    };
    let _ = l;
    let pd = match pd {
        Ok(p) => p,
        Err(m) => {
            print_error(&m);
            return 1;
        }
    };
    if list {
        let out = luajit::bytecode::listing::list_bytes(&pd);
        if rest.len() == 2 && rest[1] != b"-" {
            if std::fs::write(String::from_utf8_lossy(&rest[1]).as_ref(), &out).is_err() {
                print_error(b"cannot write output file");
                return 1;
            }
        } else {
            stdlib::io::write_stdout(&out);
            stdlib::io::flush_all();
        }
        return 0;
    }
    let out = luajit::bytecode::writer::dump_with(&pd, strip, deterministic);
    let r = if rest[1] == b"-" {
        std::io::stdout().write_all(&out)
    } else {
        std::fs::write(String::from_utf8_lossy(&rest[1]).as_ref(), &out)
    };
    if r.is_err() {
        print_error(b"cannot write output file");
        return 1;
    }
    0
}

fn bcsave_usage() {
    let _ = std::io::stderr().write_all(
        b"Save LuaJIT bytecode: luajit -b[options] input output
  -l        Only list bytecode.
  -s        Strip debug info (default).
  -g        Keep debug info.
  -W        Generate 32 bit (non-GC64) bytecode.
  -X        Generate 64 bit (GC64) bytecode.
  -d        Generate bytecode in deterministic manner.
  -n name   Set module name (default: auto-detect from input name).
  -t type   Set output file type (default: auto-detect from output name).
  -a arch   Override architecture for object files (default: native).
  -o os     Override OS for object files (default: native).
  -F name   Override filename (default: input filename).
  -e chunk  Use chunk string as input.
  --        Stop handling options.
  -         Use stdin as input and/or stdout as output.

File types: c cc h obj o raw (default)\n",
    );
}

/// Whether a load error means the statement is incomplete.
fn incomplete(l: State, status: c_int) -> bool {
    if status == luajit::state::LUA_ERRSYNTAX as c_int {
        if let Some(m) = to_bytes(l, -1) {
            if m.ends_with(b"'<eof>'") {
                lua_settop(l, -2);
                return true;
            }
        }
    }
    false
}

/// The interactive prompt: the global _PROMPT (first line of a statement)
/// or _PROMPT2 (continuation lines) when it converts to a string, else the
/// default, as LuaJIT's luajit.c.
fn write_prompt(l: State, first_line: bool) {
    let (global, default): (&str, &[u8]) = if first_line {
        ("_PROMPT", b"> ")
    } else {
        ("_PROMPT2", b">> ")
    };
    stdlib::get_field(l, LUA_GLOBALSINDEX, global);
    let prompt = to_bytes(l, -1).map(|p| p.to_vec());
    lua_settop(l, -2);
    stdlib::io::write_stdout(prompt.as_deref().unwrap_or(default));
    stdlib::io::flush_all();
}

/// One line of input without its newline, or None at the end of input.
fn read_input_line(lines: &mut impl std::io::BufRead) -> Option<String> {
    let mut buf = String::new();
    match lines.read_line(&mut buf) {
        Ok(n) if n > 0 => Some(buf.trim_end_matches('\n').to_string()),
        _ => None,
    }
}

/// Read and compile one statement, asking for more lines while it is
/// incomplete. None at the end of input, also in the middle of a
/// statement (which then ends the session, as in LuaJIT).
fn load_statement(l: State, lines: &mut impl std::io::BufRead) -> Option<c_int> {
    write_prompt(l, true);
    let mut src = read_input_line(lines)?;
    if let Some(rest) = src.strip_prefix('=') {
        src = format!("return {}", rest);
    }
    loop {
        let status = load_bytes(l, src.as_bytes(), b"=stdin", None);
        if !incomplete(l, status) {
            return Some(status);
        }
        write_prompt(l, false);
        let more = read_input_line(lines)?;
        src.push('\n');
        src.push_str(&more);
    }
}

fn dotty(l: State) {
    // Results of each line are what is on the stack after it.
    lua_settop(l, 0);
    let saved = progname();
    set_progname(None);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    lua_settop(l, 0);
    while let Some(mut status) = load_statement(l, &mut lines) {
        if status == 0 {
            status = docall(l, 0, false);
        }
        report(l, status);
        if status == 0 && lua_gettop(l) > 0 {
            stdlib::get_field(l, LUA_GLOBALSINDEX, "print");
            lua_insert(l, 1);
            let n = lua_gettop(l) - 1;
            if lua_pcall(l, n, 0, 0) != 0 {
                let m = to_bytes(l, -1).map(|b| b.to_vec()).unwrap_or_default();
                let mut s = b"error calling 'print' (".to_vec();
                s.extend_from_slice(&m);
                s.push(b')');
                print_error(&s);
            }
        }
        lua_settop(l, 0);
    }
    lua_settop(l, 0);
    out("\n");
    set_progname(saved);
}

fn handle_luainit(l: State) -> c_int {
    let init = match std::env::var_os("LUA_INIT") {
        Some(v) => v,
        None => return 0,
    };
    use std::os::unix::ffi::OsStrExt;
    let b = init.as_bytes();
    if let Some(f) = b.strip_prefix(b"@") {
        dofile(l, Some(f))
    } else {
        dostring(l, b, b"=LUA_INIT")
    }
}

fn run(l: State, args: Vec<Vec<u8>>) -> c_int {
    // Scan options.
    let mut i = 1;
    let mut has_i = false;
    let mut has_v = false;
    let mut has_e = false;
    let mut no_env = false;
    let mut script: Option<usize> = None;
    let mut actions: Vec<(char, Vec<u8>)> = Vec::new();
    while i < args.len() {
        let a = &args[i];
        if a.first() != Some(&b'-') {
            script = Some(i);
            break;
        }
        if a == b"-" {
            script = Some(i);
            break;
        }
        if a == b"--" {
            i += 1;
            if i < args.len() {
                script = Some(i);
            }
            break;
        }
        let opt = a[1] as char;
        match opt {
            'i' if a.len() == 2 => {
                has_i = true;
                has_v = true;
            }
            'v' if a.len() == 2 => has_v = true,
            'E' if a.len() == 2 => no_env = true,
            'e' | 'l' | 'j' => {
                let val = if a.len() > 2 {
                    a[2..].to_vec()
                } else {
                    i += 1;
                    match args.get(i) {
                        Some(v) => v.clone(),
                        None => {
                            usage();
                            return 1;
                        }
                    }
                };
                if opt == 'e' {
                    has_e = true;
                }
                actions.push((opt, val));
            }
            'O' => actions.push(('O', a[2..].to_vec())),
            'b' => {
                // Everything after -b belongs to the bytecode saver.
                let mut bargs = vec![];
                if a.len() > 2 {
                    let mut o = b"-".to_vec();
                    o.extend_from_slice(&a[2..]);
                    bargs.push(o);
                }
                bargs.extend(args[i + 1..].iter().cloned());
                create_arg_table(l, &args, i.min(args.len() - 1));
                return bcsave(l, &bargs);
            }
            _ => {
                usage();
                return 1;
            }
        }
        i += 1;
    }
    if has_v {
        print_version();
    }
    let script_idx = script.unwrap_or(args.len());
    create_arg_table(l, &args, script_idx);
    if !no_env && handle_luainit(l) != 0 {
        return 1;
    }
    for (opt, val) in &actions {
        let st = match opt {
            'e' => dostring(l, val, b"=(command line)"),
            'l' => dolibrary(l, &String::from_utf8_lossy(val)),
            'j' => dojitcmd(l, &String::from_utf8_lossy(val)),
            _ => 0,
        };
        if st != 0 {
            return 1;
        }
    }
    if let Some(s) = script {
        let fname = if args[s] == b"-" && (s == 0 || args[s - 1] != b"--") {
            None
        } else {
            Some(args[s].as_slice())
        };
        let st = load_file(l, fname, None);
        let nargs = (args.len() - s - 1) as c_int;
        let status = if st == 0 {
            // SAFETY: a NUL-terminated literal.
            unsafe { luaL_checkstack(l, nargs + 3, c"too many arguments to script".as_ptr()) };
            for a in &args[s + 1..] {
                push_bytes(l, a);
            }
            docall(l, nargs, false)
        } else {
            st
        };
        if report(l, status) != 0 {
            return 1;
        }
        let _ = script_idx;
    }
    if has_i {
        print_jit_status(l);
        dotty(l);
    } else if script.is_none() && !has_e && !has_v {
        if std::io::stdin().is_terminal() {
            print_version();
            print_jit_status(l);
            dotty(l);
        } else if dofile(l, None) != 0 {
            return 1;
        }
    }
    0
}

/// When run from the build tree (`build/bin/luajit`), make the tree's
/// `share/luajit-2.1/jit/*.lua` modules findable (`-b`, `-j` need them),
/// as LuaJIT's own command finds `src/jit/` when run inside `src/`. A
/// command installed in the prefix it was built for keeps the compiled-in
/// paths untouched, so no build directory ends up in them.
fn add_build_tree_path(l: State) {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(_) => return,
    };
    let tree = match exe.parent().and_then(|b| b.parent()) {
        Some(p) => p,
        None => return,
    };
    let installed_prefix = std::path::Path::new(stdlib::package::INSTALL_PREFIX);
    if tree == installed_prefix || installed_prefix.canonicalize().is_ok_and(|p| p == tree) {
        return;
    }
    let share = tree.join("share").join("luajit-2.1");
    if !share.join("jit").is_dir() {
        return;
    }
    stdlib::get_field(l, LUA_GLOBALSINDEX, "package");
    if lua_type(l, -1) == luajit::value::LUA_TTABLE {
        stdlib::get_field(l, -1, "path");
        let mut p = to_bytes(l, -1).map(|b| b.to_vec()).unwrap_or_default();
        lua_settop(l, -2);
        p.extend_from_slice(format!(";{}/?.lua", share.display()).as_bytes());
        push_bytes(l, &p);
        stdlib::set_field(l, -2, "path");
    }
    lua_settop(l, -2);
}

struct MainArgs {
    args: Vec<Vec<u8>>,
    status: c_int,
}

/// Everything runs inside a protected C function, as in LuaJIT's luajit.c,
/// so that Lua code sees a C caller at the bottom of its stack.
///
/// # Safety
/// Called by lua_cpcall with a light userdata pointing to a `MainArgs`
/// nothing else uses during the call (main's).
unsafe extern "C-unwind" fn pmain(l: State) -> c_int {
    // The light userdata stays in slot 1, as in LuaJIT's luajit: the
    // script's frames then sit where LuaJIT's do (which decides the exact
    // depth where a runaway recursion overflows the stack).
    // SAFETY: the function's contract: slot 1 is the MainArgs owned by
    // main(), borrowed only here.
    let m = unsafe { &mut *(lua_touserdata(l, 1) as *mut MainArgs) };
    // -E (before the script name) must be known before the libraries
    // read LUA_PATH/LUA_CPATH.
    for a in m.args.iter().skip(1) {
        if a.first() != Some(&b'-') || a == b"--" || a == b"-" {
            break;
        }
        if a == b"-E" {
            lua_pushboolean(l, 1);
            stdlib::set_field(l, LUA_REGISTRYINDEX, "LUA_NOENV");
        }
    }
    lua_gc(l, LUA_GCSTOP, 0);
    stdlib::open_all(l);
    lua_gc(l, LUA_GCRESTART, -1);
    add_build_tree_path(l);
    m.status = run(l, std::mem::take(&mut m.args));
    0
}

fn main() {
    use std::os::unix::ffi::OsStringExt;
    extern "C" {
        fn signal(sig: c_int, handler: usize) -> usize;
    }
    // Rust starts programs with SIGPIPE ignored; child processes (popen,
    // os.execute) and our own writes must see the default, as with LuaJIT.
    // SAFETY: installing the default disposition for SIGPIPE (13).
    unsafe { signal(13, 0) };
    let args: Vec<Vec<u8>> = std::env::args_os().map(|a| a.into_vec()).collect();
    set_progname(Some(
        args.first()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .unwrap_or_else(|| "luajit".into()),
    ));
    let l = luaL_newstate();
    if l.is_null() {
        print_error(b"cannot create state: not enough memory");
        std::process::exit(1);
    }
    // SAFETY: luaL_newstate returned a live main thread (non-null, checked),
    // used by this thread only until lua_close below.
    let l = unsafe { State::from_raw(l) };
    let mut m = MainArgs { args, status: 0 };
    // SAFETY: pmain takes the light userdata as the MainArgs, which lives on
    // this frame for the whole call and is not used meanwhile.
    let st = unsafe {
        lua_cpcall(
            l,
            luajit::stdlib::cfunc(pmain),
            &mut m as *mut MainArgs as *mut std::ffi::c_void,
        )
    };
    // As luajit.c: any failure of the protected main exits with 1 (a memory
    // error while opening the libraries included).
    let code = if st != 0 {
        report(l, st);
        1
    } else {
        m.status
    };
    stdlib::io::flush_all();
    lua_close(l);
    std::process::exit(code);
}
