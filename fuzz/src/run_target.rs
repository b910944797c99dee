//! Run target: mutated bytecode dumps are loaded *and run* by the VM.
//!
//! The VM is the main crate itself (a dependency of this crate), driven
//! through its C API in a worker process: this binary started again with
//! `--run-worker`. The parent generates inputs and sends them to the worker
//! over a pipe; the worker runs each in a fresh `lua_State` and answers
//! with the outcome. A worker that dies (a signal, an abort, an exit), that
//! does not answer in time, or that saw a Rust panic (even one turned into
//! a Lua error) is a failure: the input is saved to `fuzz/crashes/` and a
//! new worker is started.
//!
//! Per input, the worker:
//! - creates a state with an allocator capped at `LUA_MEMORY` bytes (a
//!   runaway program gets "not enough memory"), opens the standard
//!   libraries and fences them (see `SANDBOX`: no FFI, no C modules, no
//!   process control, no writing or removing files, no `debug.sethook`);
//! - installs a hook on every `HOOK_EVERY` instructions, lines, calls and
//!   returns: it stops the program after `INSTRUCTION_BUDGET` instructions
//!   or `TIME_BUDGET`, and looks at the running frame through
//!   `lua_getinfo` now and then (names, lines, sources of mutated code);
//! - loads the input with `luaL_loadbuffer` (the loader verifies it) and
//!   runs it under `lua_pcall` with `debug.traceback` as the handler, then
//!   a full collection, then `lua_close` (finalizers run).
//!
//! Seeds: tests/bytecode/*.raw, the dumps (stripped and not) of every Lua
//! file under tests/lua and bench compiled by the front end, fuzz/corpus-run/
//! if present and saved failures `fuzz/crashes/run-*.raw`. Mutations: the
//! byte-level ones of the bytecode target, and instruction-level ones on the
//! prototype tree that keep most inputs loadable (operands moved by one or
//! to the frame's edge, opcodes swapped for ones with the same operand
//! modes, constants and jump targets redirected, frame sizes, parameter
//! counts, flags and upvalue descriptors changed, instructions swapped,
//! duplicated or dropped), so that the interpreter, not only the
//! verifier, sees unusual code.

use crate::bytecode::opmodes::modes;
use crate::bytecode::{reader, writer, KGc, Op, ProtoData, NUM_OPS};
use crate::{load_dir, mutate_bytes, mutate_proto, save, Rng};
use luajit::capi::aux::{luaL_loadbuffer, luaL_loadstring};
use luajit::capi::core::{
    lua_close, lua_gc, lua_getallocf, lua_getfield, lua_newstate, lua_pcall, lua_pushcclosure,
    lua_pushlightuserdata, lua_pushstring, lua_settop, lua_tolstring, lua_touserdata, LUA_GCCOLLECT,
    LUA_GLOBALSINDEX, LUA_MULTRET,
};
use luajit::capi::debugapi::{
    lua_getinfo, lua_getstack, lua_sethook, LUA_HOOKCOUNT, LUA_MASKCALL, LUA_MASKCOUNT,
    LUA_MASKLINE, LUA_MASKRET,
};
use luajit::capi::types::{lua_Debug, lua_State};
use luajit::state::State;
use luajit::stdlib::luaL_openlibs;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most bytes the Lua allocator of one run hands out.
const LUA_MEMORY: usize = 256 << 20;
/// Instructions one run may execute (counted by the hook).
const INSTRUCTION_BUDGET: u64 = 2_000_000;
/// Wall-clock time one run may take before the hook stops it.
const TIME_BUDGET: Duration = Duration::from_secs(2);
/// Instructions between count hook calls.
const HOOK_EVERY: c_int = 1000;
/// The events the hook sees.
const HOOK_MASK: c_int = LUA_MASKCOUNT | LUA_MASKLINE | LUA_MASKCALL | LUA_MASKRET;
/// Line, call and return events between two `lua_getinfo` looks.
const INSPECT_EVERY: u64 = 97;
/// How long the parent waits for an answer before it calls the worker hung
/// (the worker stops programs itself after `TIME_BUDGET`; C functions such
/// as pattern matching are not interrupted by hooks).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// What an input that took longer than `ANSWER_TIMEOUT` is saved as. Not a
/// failure: hooks cannot interrupt a C function, and some take as long in
/// the reference (`table.insert(t, -2^28, v)` shifts 2^28 elements in
/// both). A hang inside the interpreter would show up here too, so these
/// are kept for a look.
const SLOW: &str = "run-slow";
/// Inputs kept as bases for mutation (seeds included).
const POOL_SIZE: usize = 4000;
/// Work (instructions and hook events) a run must show to enter the pool.
const POOL_MIN_WORK: u32 = 100;
/// Inputs larger than this are not run (keeps the exec rate up).
const MAX_INPUT: usize = 512 * 1024;
/// The message of the error the hook raises.
const BUDGET_MESSAGE: &CStr = c"fuzz: budget exhausted";
const CHUNKNAME: &CStr = c"=fuzz";

/// Fences the standard library of a run: nothing a mutated program calls
/// may leave its state (write or remove files, run commands, load native
/// code, use the FFI, whose pointers crash by design) or take the
/// instruction budget's hook away, and `table.move`/`table.insert` refuse
/// ranges of 2^20 elements or more (they loop per element in C, where the
/// hook cannot stop them; LuaJIT's `table.move` is bytecode, which it
/// can).
const SANDBOX: &CStr = c"
local function blocked() error('blocked in the fuzzer', 2) end
os.exit, os.execute, os.remove, os.rename, os.tmpname = blocked, blocked, blocked, blocked, blocked
io.popen, package.loadlib = blocked, blocked
package.cpath = ''
package.loaded.ffi, package.preload.ffi = nil, blocked
local open, output = io.open, io.output
io.open = function(name, mode, ...)
  if mode == nil or mode == 'r' or mode == 'rb' then return open(name, mode, ...) end
  blocked()
end
io.output = function(f, ...)
  if type(f) == 'string' then blocked() end
  return output(f, ...)
end
debug.sethook = function() end
-- Hooks cannot stop a C function: no element loops over huge ranges.
local function huge(n) return type(n) == 'number' and not (math.abs(n) < 2^20) end
local move, insert = table.move, table.insert
table.move = function(a1, f, e, ...)
  if type(f) == 'number' and type(e) == 'number' and huge(e - f) then blocked() end
  return move(a1, f, e, ...)
end
table.insert = function(t, ...)
  if select('#', ...) >= 2 and type(t) == 'table' and huge((...) - #t) then blocked() end
  return insert(t, ...)
end
";

/// What the worker reports for one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Outcome {
    /// The loader rejected it.
    Rejected = 0,
    /// It ran to the end.
    Ran = 1,
    /// It raised an error (other than the budget's).
    Error = 2,
    /// The hook stopped it.
    Budget = 3,
    /// A Rust panic happened while it ran (the message follows).
    Panic = 4,
    /// No state could be created.
    NoState = 5,
}

impl Outcome {
    fn from_u8(b: u8) -> Option<Outcome> {
        [
            Outcome::Rejected,
            Outcome::Ran,
            Outcome::Error,
            Outcome::Budget,
            Outcome::Panic,
            Outcome::NoState,
        ]
        .into_iter()
        .find(|o| *o as u8 == b)
    }
}

// ---------------------------------------------------------------------------
// Worker side.

/// Limits of one run, reached through the allocator's user data.
struct RunLimits {
    allocated: usize,
    instructions: u64,
    events: u64,
    deadline: Instant,
}

/// Messages of Rust panics seen by the worker since the last input.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

extern "C" {
    fn dup(fd: c_int) -> c_int;
    fn dup2(old: c_int, new: c_int) -> c_int;
    fn open(path: *const c_char, flags: c_int, ...) -> c_int;
    fn malloc(size: usize) -> *mut c_void;
    fn realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
}

/// `lua_Alloc` over malloc with a cap on the bytes in use.
unsafe extern "C-unwind" fn capped_alloc(
    ud: *mut c_void,
    ptr: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    // SAFETY: ud is the RunLimits of this state; ptr came from this
    // allocator with size osize (or is null).
    unsafe {
        let limits = &mut *(ud as *mut RunLimits);
        let old = if ptr.is_null() { 0 } else { osize };
        if nsize == 0 {
            free(ptr);
            limits.allocated -= old;
            return std::ptr::null_mut();
        }
        if nsize > old && limits.allocated - old + nsize > LUA_MEMORY {
            return std::ptr::null_mut();
        }
        let p = if ptr.is_null() {
            malloc(nsize)
        } else {
            realloc(ptr, nsize)
        };
        if !p.is_null() {
            limits.allocated = limits.allocated - old + nsize;
        }
        p
    }
}

/// Stops the program when its budget is spent; looks at the running
/// function now and then.
unsafe extern "C-unwind" fn budget_hook(l: *mut lua_State, ar: *mut lua_Debug) {
    // SAFETY: l is the running state, ar its hook record; the allocator's
    // user data is the RunLimits of this run.
    unsafe {
        let l = State::from_raw(l);
        let mut ud = std::ptr::null_mut();
        lua_getallocf(l, &mut ud);
        let limits = &mut *(ud as *mut RunLimits);
        if (*ar).event == LUA_HOOKCOUNT {
            limits.instructions += HOOK_EVERY as u64;
            if limits.instructions > INSTRUCTION_BUDGET || Instant::now() > limits.deadline {
                // From now on at every instruction: a program that catches
                // the error (pcall in a loop) meets it again outside.
                lua_sethook(l, Some(budget_hook), HOOK_MASK, 1);
                lua_pushstring(l, BUDGET_MESSAGE.as_ptr());
                luajit::capi::core::lua_error(l);
            }
            return;
        }
        limits.events += 1;
        if limits.events % INSPECT_EVERY == 0 {
            lua_getinfo(l, c"nSlu".as_ptr(), ar);
            let mut caller: lua_Debug = std::mem::zeroed();
            if lua_getstack(l, 1, &mut caller) != 0 {
                lua_getinfo(l, c"nSlu".as_ptr(), &mut caller);
            }
        }
    }
}

/// One input for `protected_run`, and what came of it.
struct Job<'a> {
    data: &'a [u8],
    limits: *mut RunLimits,
    outcome: Outcome,
    /// How much the program did: instructions (in steps of `HOOK_EVERY`)
    /// plus line, call and return events.
    work: u64,
}

/// Whether an error message is the budget's (possibly with a traceback).
fn is_budget_error(msg: &[u8]) -> bool {
    let budget = BUDGET_MESSAGE.to_bytes();
    msg.windows(budget.len()).any(|w| w == budget)
}

/// The error message at the top of the stack, if it is a string.
unsafe fn top_message<'a>(l: State) -> &'a [u8] {
    let mut len = 0;
    // SAFETY: l is live; the bytes stay valid while the value is on the stack.
    unsafe {
        let msg = lua_tolstring(l, -1, &mut len);
        if msg.is_null() {
            &[]
        } else {
            std::slice::from_raw_parts(msg as *const u8, len)
        }
    }
}

/// Runs under `lua_pcall` with the Job as light userdata: loads the input
/// (`luaL_loadbuffer`, which verifies bytecode), runs it under a nested
/// `lua_pcall` with `debug.traceback` as handler, then collects garbage.
/// Loading and collecting can run finalizers, whose errors must land in a
/// protected call too.
unsafe extern "C-unwind" fn protected_run(l: *mut lua_State) -> c_int {
    // SAFETY: argument 1 is the light userdata of a live Job.
    unsafe {
        let l = State::from_raw(l);
        let job = &mut *(lua_touserdata(l, 1) as *mut Job);
        lua_settop(l, 0);
        lua_getfield(l, LUA_GLOBALSINDEX, c"debug".as_ptr());
        lua_getfield(l, -1, c"traceback".as_ptr());
        let data = job.data;
        if luaL_loadbuffer(
            l,
            data.as_ptr() as *const c_char,
            data.len(),
            CHUNKNAME.as_ptr(),
        ) != 0
        {
            job.outcome = Outcome::Rejected;
            return 0;
        }
        job.outcome = match lua_pcall(l, 0, LUA_MULTRET, 2) {
            0 => Outcome::Ran,
            _ if is_budget_error(top_message(l)) => Outcome::Budget,
            _ => Outcome::Error,
        };
        lua_settop(l, 0);
        let limits = &mut *job.limits;
        job.work = limits.instructions + limits.events;
        // The collector walks whatever the program left behind, with a
        // fresh budget for the finalizers it runs.
        limits.deadline = Instant::now() + TIME_BUDGET;
        limits.instructions = 0;
        lua_sethook(l, Some(budget_hook), HOOK_MASK, HOOK_EVERY);
        lua_gc(l, LUA_GCCOLLECT, 0);
        0
    }
}

/// Load and run one input in a fresh state: the outcome and how much the
/// program did (see `Job::work`).
fn run_input(data: &[u8]) -> (Outcome, u64) {
    let mut limits = Box::new(RunLimits {
        allocated: 0,
        instructions: 0,
        events: 0,
        deadline: Instant::now() + TIME_BUDGET,
    });
    // SAFETY: the C API is used as a C program would; `limits` and `job`
    // outlive the state, which is closed before they are dropped.
    unsafe {
        let l = lua_newstate(
            Some(capped_alloc),
            &mut *limits as *mut RunLimits as *mut c_void,
        );
        if l.is_null() {
            return (Outcome::NoState, 0);
        }
        let l = State::from_raw(l);
        luaL_openlibs(l);
        if luaL_loadstring(l, SANDBOX.as_ptr()) != 0 || lua_pcall(l, 0, 0, 0) != 0 {
            lua_close(l);
            return (Outcome::NoState, 0);
        }
        lua_sethook(l, Some(budget_hook), HOOK_MASK, HOOK_EVERY);
        let mut job = Job {
            data,
            limits: &mut *limits,
            outcome: Outcome::Error,
            work: 0,
        };
        lua_pushcclosure(l, Some(protected_run), 0);
        lua_pushlightuserdata(l, &mut job as *mut Job as *mut c_void);
        if lua_pcall(l, 1, 0, 0) != 0 && !is_budget_error(top_message(l)) {
            // A finalizer's error while loading or collecting.
            job.outcome = Outcome::Error;
        }
        lua_close(l);
        (job.outcome, job.work)
    }
}

/// The worker: reads length-prefixed inputs from its stdin and answers each
/// with an outcome byte and a length-prefixed panic message. The Lua code
/// it runs gets /dev/null as stdin and stdout; stderr stays (the parent
/// keeps it in a log).
pub fn worker() -> ! {
    // SAFETY: plain descriptor juggling before any other thread exists.
    let (mut input, mut output) = unsafe {
        let (in_fd, out_fd) = (dup(0), dup(1));
        let null = open(c"/dev/null".as_ptr(), 2 /* O_RDWR */);
        if in_fd < 0 || out_fd < 0 || null < 0 {
            std::process::exit(3);
        }
        dup2(null, 0);
        dup2(null, 1);
        (
            std::fs::File::from_raw_fd(in_fd),
            std::fs::File::from_raw_fd(out_fd),
        )
    };
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        eprintln!("worker: panic: {}", msg);
        if let Ok(mut p) = PANICS.lock() {
            p.push(msg);
        }
    }));
    loop {
        let mut len = [0u8; 4];
        if input.read_exact(&mut len).is_err() {
            std::process::exit(0);
        }
        let mut data = vec![0u8; u32::from_le_bytes(len) as usize];
        if input.read_exact(&mut data).is_err() {
            std::process::exit(0);
        }
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_input(&data)));
        let panics: Vec<String> = PANICS.lock().map(|mut p| p.drain(..).collect()).unwrap_or_default();
        let (outcome, work, message) = match (result, panics.is_empty()) {
            (Ok((o, work)), true) => (o, work, String::new()),
            (Ok(_), false) => (Outcome::Panic, 0, panics.join("\n")),
            (Err(_), _) => (
                Outcome::Panic,
                0,
                format!("panic escaped lua_pcall: {}", panics.join("\n")),
            ),
        };
        let mut answer = vec![outcome as u8];
        answer.extend_from_slice(&(work.min(u32::MAX as u64) as u32).to_le_bytes());
        answer.extend_from_slice(&(message.len() as u32).to_le_bytes());
        answer.extend_from_slice(message.as_bytes());
        if output.write_all(&answer).is_err() {
            std::process::exit(0);
        }
        if outcome == Outcome::Panic {
            // The state may have been left inconsistent: start afresh.
            std::process::exit(0);
        }
    }
}

/// `--run-one FILE...`: run saved inputs in this process, as the worker
/// does, and print each outcome (for replaying failures; stdout and stderr
/// stay open, so what the program prints shows).
pub fn run_files(files: &[String]) -> ! {
    let mut failed = false;
    for f in files {
        let data = match std::fs::read(f) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{}: {}", f, e);
                std::process::exit(2);
            }
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_input(&data)));
        let outcome = result.map_or(Outcome::Panic, |(o, _)| o);
        failed |= matches!(outcome, Outcome::Panic | Outcome::NoState);
        println!("{}: {:?}", f, outcome);
    }
    std::process::exit(if failed { 1 } else { 0 });
}

// ---------------------------------------------------------------------------
// Parent side.

/// A running worker process.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<(u8, u32, String)>,
}

impl Worker {
    fn start(dir: &Path, log: &Path) -> Worker {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("worker log");
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .arg("--run-worker")
            .current_dir(dir)
            .env_remove("LUA_INIT")
            .env_remove("LUA_PATH")
            .env_remove("LUA_CPATH")
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start the worker");
        let stdin = child.stdin.take().expect("worker stdin");
        let mut stdout = child.stdout.take().expect("worker stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            // Outcome byte, work, message length, message.
            let mut head = [0u8; 9];
            if stdout.read_exact(&mut head).is_err() {
                return;
            }
            let work = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
            let n = u32::from_le_bytes([head[5], head[6], head[7], head[8]]) as usize;
            let mut msg = vec![0u8; n];
            if stdout.read_exact(&mut msg).is_err() {
                return;
            }
            let text = String::from_utf8_lossy(&msg).into_owned();
            if tx.send((head[0], work, text)).is_err() {
                return;
            }
        });
        Worker {
            child,
            stdin,
            answers: rx,
        }
    }

    /// Run one input: its outcome, the program's work and the panic message,
    /// or a description of how the worker failed.
    fn run(&mut self, data: &[u8]) -> Result<(Outcome, u32, String), (String, String)> {
        let mut msg = (data.len() as u32).to_le_bytes().to_vec();
        msg.extend_from_slice(data);
        let sent = self.stdin.write_all(&msg).and_then(|_| self.stdin.flush());
        let answer = match sent {
            Ok(()) => self.answers.recv_timeout(ANSWER_TIMEOUT),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        };
        match answer {
            Ok((b, work, text)) => match Outcome::from_u8(b) {
                Some(o) => Ok((o, work, text)),
                None => Err(("run-protocol".into(), format!("outcome byte {}", b))),
            },
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err((
                    SLOW.into(),
                    format!("no answer within {:?}", ANSWER_TIMEOUT),
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait();
                let what = match &status {
                    Ok(s) => match (s.signal(), s.code()) {
                        (Some(sig), _) => format!("killed by signal {}", sig),
                        (None, Some(c)) => format!("exited with status {}", c),
                        _ => "ended".to_string(),
                    },
                    Err(e) => format!("wait failed: {}", e),
                };
                let kind = match status.ok().and_then(|s| s.signal()) {
                    Some(sig) => format!("run-signal{}", sig),
                    None => "run-exit".to_string(),
                };
                Err((kind, what))
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every `.lua` file below `dir`.
fn lua_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            lua_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "lua") {
            out.push(p);
        }
    }
}

fn seeds(root: &Path, crashes: &Path) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    load_dir(&root.join("../tests/bytecode"), ".raw", &mut seeds);
    load_dir(&root.join("corpus-run"), "", &mut seeds);
    if let Ok(entries) = std::fs::read_dir(crashes) {
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.starts_with("run-") && n.ends_with(".raw")) {
                if let Ok(d) = std::fs::read(&p) {
                    seeds.push(d);
                }
            }
        }
    }
    let mut files = Vec::new();
    lua_files(&root.join("../tests/lua"), &mut files);
    lua_files(&root.join("../bench"), &mut files);
    for f in files {
        let Ok(src) = std::fs::read(&f) else { continue };
        let name = format!("@{}", f.display());
        if let Ok(p) = crate::frontend::compile(&src, name.as_bytes()) {
            seeds.push(writer::dump(&p, false));
            seeds.push(writer::dump(&p, true));
        }
    }
    seeds
}

/// The prototype at a random place of the tree (the root or a descendant).
fn random_proto<'a>(rng: &mut Rng, p: &'a mut ProtoData) -> &'a mut ProtoData {
    let mut depth = 0;
    let mut cur = p;
    loop {
        let children: Vec<usize> = cur
            .kgc
            .iter()
            .enumerate()
            .filter(|(_, k)| matches!(k, KGc::Child(_)))
            .map(|(i, _)| i)
            .collect();
        if children.is_empty() || depth > 50 || rng.chance(3) {
            return cur;
        }
        let i = children[rng.below(children.len())];
        depth += 1;
        match &mut cur.kgc[i] {
            KGc::Child(c) => cur = c,
            _ => unreachable!("index of a child constant"),
        }
    }
}

/// A value near the edge of what an operand may hold: 0, 1, the frame
/// size and its neighbours, or the limit of a field.
fn edge_value(rng: &mut Rng, fs: u32, max: u32) -> u32 {
    match rng.below(6) {
        0 => 0,
        1 => 1,
        2 => fs.saturating_sub(1),
        3 => fs,
        4 => fs + 1,
        _ => max,
    }
}

/// One instruction-level change to a random prototype of the tree.
fn mutate_code(rng: &mut Rng, root: &mut ProtoData) {
    use crate::bytecode::{bc_a, bc_b, bc_c, bc_d, bc_op_raw, set_a, set_b, set_c, set_d};
    let p = random_proto(rng, root);
    let n = p.bc.len();
    if n < 2 {
        return;
    }
    let pc = 1 + rng.below(n - 1);
    let fs = p.framesize as u32;
    let ins = &mut p.bc[pc];
    match rng.below(14) {
        // An operand moved by one.
        0..=2 => {
            let delta = |v: u32, rng: &mut Rng| {
                if rng.chance(2) {
                    v.wrapping_add(1)
                } else {
                    v.wrapping_sub(1)
                }
            };
            match rng.below(4) {
                0 => set_a(ins, delta(bc_a(*ins), rng) & 0xff),
                1 => set_b(ins, delta(bc_b(*ins), rng) & 0xff),
                2 => set_c(ins, delta(bc_c(*ins), rng) & 0xff),
                _ => set_d(ins, delta(bc_d(*ins), rng) & 0xffff),
            }
        }
        // An operand at an edge.
        3 | 4 => match rng.below(4) {
            0 => set_a(ins, edge_value(rng, fs, 0xff) & 0xff),
            1 => set_b(ins, edge_value(rng, fs, 0xff) & 0xff),
            2 => set_c(ins, edge_value(rng, fs, 0xff) & 0xff),
            _ => set_d(ins, edge_value(rng, fs, 0xffff)),
        },
        // Another opcode with the same operand modes.
        5..=7 => {
            if let Some(op) = Op::from_u8(bc_op_raw(*ins)) {
                let same: Vec<u8> = (0..NUM_OPS as u8)
                    .filter(|&o| Op::from_u8(o).is_some_and(|x| modes(x) == modes(op)))
                    .collect();
                let new = same[rng.below(same.len())];
                *ins = (*ins & !0xff) | new as u32;
            }
        }
        // Any opcode.
        8 => *ins = (*ins & !0xff) | rng.below(NUM_OPS) as u32,
        // Two instructions swapped, one duplicated over another, one dropped.
        9 => {
            let other = 1 + rng.below(n - 1);
            p.bc.swap(pc, other);
        }
        10 => {
            let other = 1 + rng.below(n - 1);
            p.bc[other] = p.bc[pc];
        }
        11 if n > 2 => {
            p.bc.remove(pc);
            if p.lineinfo.len() > pc {
                p.lineinfo.remove(pc);
            }
        }
        // The frame: size, parameters, flags.
        12 => match rng.below(4) {
            0 => p.framesize = p.framesize.wrapping_add(1),
            1 => p.framesize = p.framesize.wrapping_sub(1),
            2 => p.numparams = p.numparams.wrapping_add(1),
            _ => p.flags ^= 1 << rng.below(8),
        },
        // An upvalue descriptor.
        _ => {
            if !p.uv.is_empty() {
                let i = rng.below(p.uv.len());
                p.uv[i] = match rng.below(3) {
                    0 => p.uv[i] ^ 0x8000,
                    1 => p.uv[i].wrapping_add(1),
                    _ => p.uv[i].wrapping_sub(1),
                };
            }
        }
    }
}

#[derive(Default)]
struct RunStats {
    execs: u64,
    outcomes: [u64; 6],
    failures: u64,
    slow: u64,
    restarts: u64,
}

pub fn run(minutes: f64, seed: u64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let crashes = root.join("crashes");
    let seeds = seeds(&root, &crashes);
    let scratch = std::env::temp_dir().join(format!("run-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);
    let log = scratch.join("worker.log");
    eprintln!(
        "run: fuzzing for {} minutes, seed {}, {} seeds; worker in {}",
        minutes,
        seed,
        seeds.len(),
        scratch.display()
    );
    let mut rng = Rng(seed | 1);
    let mut worker = Worker::start(&scratch, &log);
    let mut stats = RunStats::default();
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(minutes * 60.0);
    let mut next_report = started + Duration::from_secs(60);
    while Instant::now() < deadline {
        // A third of the inputs start from a seed.
        let base = if rng.chance(3) {
            &seeds[rng.below(seeds.len())]
        } else {
            &pool[rng.below(pool.len())]
        };
        let mut data = base.clone();
        match rng.below(8) {
            0 | 1 => {
                for _ in 0..1 + rng.below(3) {
                    mutate_bytes(&mut rng, &mut data, &seeds);
                }
            }
            2 => {
                if let Ok(mut p) = reader::undump_unverified(&data, b"=fuzz") {
                    mutate_proto(&mut rng, &mut p, 0);
                    data = writer::dump(&p, rng.chance(2));
                }
            }
            _ => {
                if let Ok(mut p) = reader::undump_unverified(&data, b"=fuzz") {
                    for _ in 0..1 + rng.below(3) {
                        mutate_code(&mut rng, &mut p);
                    }
                    data = writer::dump(&p, rng.chance(2));
                }
            }
        }
        if data.len() > MAX_INPUT {
            continue;
        }
        let result = worker.run(&data);
        stats.execs += 1;
        match result {
            Ok((outcome, work, text)) => {
                stats.outcomes[outcome as usize] += 1;
                match outcome {
                    Outcome::Panic => {
                        stats.failures += 1;
                        save(&crashes, "run-panic", &data, &text);
                        stats.restarts += 1;
                        worker = Worker::start(&scratch, &log);
                    }
                    Outcome::NoState => {
                        stats.failures += 1;
                        save(&crashes, "run-nostate", &data, &text);
                    }
                    // Inputs that load and do something make good bases for
                    // further changes (the pool would otherwise fill up
                    // with programs that stop at once, which run fastest).
                    Outcome::Ran | Outcome::Error | Outcome::Budget
                        if work >= POOL_MIN_WORK || rng.chance(16) =>
                    {
                        if pool.len() < POOL_SIZE {
                            pool.push(data);
                        } else if rng.chance(8) {
                            let i = seeds.len() + rng.below(pool.len() - seeds.len());
                            pool[i] = data;
                        }
                    }
                    Outcome::Ran | Outcome::Error | Outcome::Budget | Outcome::Rejected => {}
                }
            }
            Err((kind, what)) => {
                if kind == SLOW {
                    stats.slow += 1;
                } else {
                    stats.failures += 1;
                }
                let tail = std::fs::read(&log)
                    .map(|l| {
                        let from = l.len().saturating_sub(4000);
                        String::from_utf8_lossy(&l[from..]).into_owned()
                    })
                    .unwrap_or_default();
                save(
                    &crashes,
                    &kind,
                    &data,
                    &format!("{}\nworker log (tail):\n{}", what, tail),
                );
                stats.restarts += 1;
                worker = Worker::start(&scratch, &log);
            }
        }
        // Keep the log to what the current worker wrote lately.
        if stats.execs % 4096 == 0 {
            if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&log) {
                let _ = f.set_len(0);
            }
        }
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(60);
            let secs = started.elapsed().as_secs_f64();
            let o = &stats.outcomes;
            eprintln!(
                "{:.0}s: {} execs ({:.0}/s): {} rejected, {} ran, {} errors, {} budget, {} slow; {} failures, pool {}",
                secs,
                stats.execs,
                stats.execs as f64 / secs,
                o[Outcome::Rejected as usize],
                o[Outcome::Ran as usize],
                o[Outcome::Error as usize],
                o[Outcome::Budget as usize],
                stats.slow,
                stats.failures,
                pool.len()
            );
        }
    }
    drop(worker);
    let o = &stats.outcomes;
    eprintln!(
        "done: {} execs in {:.0}s: {} rejected, {} ran, {} errors, {} budget, {} slow; {} failures, {} worker restarts",
        stats.execs,
        started.elapsed().as_secs_f64(),
        o[Outcome::Rejected as usize],
        o[Outcome::Ran as usize],
        o[Outcome::Error as usize],
        o[Outcome::Budget as usize],
        stats.slow,
        stats.failures,
        stats.restarts,
    );
    let _ = std::fs::remove_dir_all(&scratch);
    std::process::exit(if stats.failures > 0 { 1 } else { 0 });
}
