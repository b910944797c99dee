//! The `io` library. A file is a userdata (udtype UDTYPE_IO_FILE) whose
//! payload starts with a C `FILE*`, as in LuaJIT, so that reads, writes and
//! buffering are C stdio's and C modules can use the handle (`FILE*`
//! metatable in the registry, `*(FILE**)luaL_checkudata(L, n, "FILE*")`).

use super::*;
use crate::state::State;
use crate::udata::{GcUdata, UDTYPE_IO_FILE};
use std::os::raw::{c_char, c_int, c_void};

/// Opaque C stdio stream.
#[repr(C)]
pub struct FILE {
    _opaque: [u8; 0],
}

extern "C" {
    fn fopen(path: *const c_char, mode: *const c_char) -> *mut FILE;
    fn fclose(fp: *mut FILE) -> c_int;
    fn fread(buf: *mut c_void, size: usize, n: usize, fp: *mut FILE) -> usize;
    fn fwrite(buf: *const c_void, size: usize, n: usize, fp: *mut FILE) -> usize;
    fn fgets(buf: *mut c_char, n: c_int, fp: *mut FILE) -> *mut c_char;
    fn getc(fp: *mut FILE) -> c_int;
    fn putc(c: c_int, fp: *mut FILE) -> c_int;
    fn ungetc(c: c_int, fp: *mut FILE) -> c_int;
    fn fseeko(fp: *mut FILE, off: i64, whence: c_int) -> c_int;
    fn ftello(fp: *mut FILE) -> i64;
    fn fflush(fp: *mut FILE) -> c_int;
    fn setvbuf(fp: *mut FILE, buf: *mut c_char, mode: c_int, size: usize) -> c_int;
    fn popen(cmd: *const c_char, mode: *const c_char) -> *mut FILE;
    fn pclose(fp: *mut FILE) -> c_int;
    fn tmpfile() -> *mut FILE;
    fn ferror(fp: *mut FILE) -> c_int;
    fn clearerr(fp: *mut FILE);
    fn fscanf(fp: *mut FILE, fmt: *const c_char, ...) -> c_int;
    fn strlen(s: *const c_char) -> usize;
    static mut stdin: *mut FILE;
    static mut stdout: *mut FILE;
    static mut stderr: *mut FILE;
}

const EOF: c_int = -1;
const SEEK_SET: c_int = 0;
const SEEK_CUR: c_int = 1;
const SEEK_END: c_int = 2;
const IOFBF: c_int = 0;
const IOLBF: c_int = 1;
const IONBF: c_int = 2;

/// Registry name of the file metatable (LUA_FILEHANDLE).
const FILEHANDLE: &str = "FILE*";
/// Registry keys of the default input and output files.
const DEFAULT_INPUT: &str = "_IO_input";
const DEFAULT_OUTPUT: &str = "_IO_output";

/// Largest buffer LuaJIT allocates for a read (LJ_MAX_BUF); beyond it a
/// read raises a memory error.
const MAX_BUF: u64 = 0x7fff_ff00;
/// LuaJIT's upvalue limit bounds the formats io.lines may store.
const MAX_LINES_ARGS: c_int = 60;

/// Payload of a file userdata; LuaJIT's IOFileUD layout (`fp` first).
#[repr(C)]
pub struct IoFile {
    fp: *mut FILE,
    kind: u32,
}
// C modules read the `FILE*` first in the payload (see `layout`).
const _: () = assert!(std::mem::offset_of!(IoFile, fp) == 0);

const KIND_FILE: u32 = 0;
const KIND_PIPE: u32 = 1;
const KIND_STD: u32 = 2;
const KIND_MASK: u32 = 3;
/// Set on files opened by io.lines(name): closed when the lines run out.
const FLAG_CLOSE_AT_EOF: u32 = 4;

// ---- Print support.

/// Write bytes to C's `stdout`, the stream `print` and `io.write` share in
/// LuaJIT, so their output interleaves in program order. LuaJIT's `print`
/// does one `fwrite` per value and one `putchar` per separator and for the
/// final newline; doing the same keeps glibc's buffering identical.
pub fn write_stdout(bytes: &[u8]) {
    // SAFETY: stdout is the C library's stream, valid for the whole process.
    unsafe {
        fwrite(bytes.as_ptr() as *const c_void, 1, bytes.len(), stdout);
    }
}

/// `putchar(c)` on C's `stdout` (print's tabs and newline).
pub fn putc_stdout(c: u8) {
    // SAFETY: stdout is the C library's stream, valid for the whole process.
    unsafe {
        putc(c as c_int, stdout);
    }
}

/// Flush every C output stream (before running a child process, exiting).
pub fn flush_all() {
    // SAFETY: fflush(NULL) flushes all open output streams.
    unsafe {
        fflush(std::ptr::null_mut());
    }
}

// ---- Small helpers.

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn cstring(s: &[u8]) -> crate::mem::FallibleVec<u8> {
    crate::mem::c_string(s)
}

/// `nil, "[name: ]strerror", errno` (or `true` on success), like luaL_fileresult
/// but with the errno captured right after the failing call.
fn file_result(l: State, ok: bool, name: Option<&[u8]>, err: i32) -> c_int {
    if ok {
        push_bool(l, true);
        return 1;
    }
    push_nil(l);
    let mut msg = crate::mem::StateBuf::of(l);
    if let Some(n) = name {
        msg.extend_from_slice(n);
        msg.extend_from_slice(b": ");
    }
    msg.extend_from_slice(crate::capi::os_error_string(err).as_bytes());
    push_str(l, &msg);
    push_num(l, err as f64);
    3
}

/// A file userdata's payload.
///
/// Type invariant: the payload of a live file userdata (udtype
/// UDTYPE_IO_FILE, so it holds an `IoFile`) that the holder keeps
/// reachable from the stack (an argument, or a value it pushed) while the
/// handle is used. Its stream may be closed meanwhile (Lua code running in
/// a finalizer can close it), so streams are fetched again with
/// [`FileRef::stream`] before each use.
#[derive(Clone, Copy)]
struct FileRef(*mut IoFile);

impl FileRef {
    /// The file at stack index `idx`, if the value there is one.
    fn at(l: State, idx: c_int) -> Option<FileRef> {
        let v = value_at(l, idx);
        // SAFETY: a userdata value on the stack is a live userdata.
        if v.is_udata() && unsafe { (*v.as_ptr::<GcUdata>()).udtype } == UDTYPE_IO_FILE {
            Some(FileRef(
                crate::udata::payload(v.as_ptr::<GcUdata>()) as *mut IoFile
            ))
        } else {
            None
        }
    }

    /// The stream, null once closed.
    fn fp(self) -> *mut FILE {
        // SAFETY: the type invariant: a live IoFile payload, read by value.
        unsafe { (*self.0).fp }
    }

    fn set_fp(self, fp: *mut FILE) {
        // SAFETY: the type invariant: a live IoFile payload, written by value.
        unsafe { (*self.0).fp = fp }
    }

    fn kind(self) -> u32 {
        // SAFETY: the type invariant: a live IoFile payload, read by value.
        unsafe { (*self.0).kind }
    }

    fn set_kind(self, kind: u32) {
        // SAFETY: the type invariant: a live IoFile payload, written by value.
        unsafe { (*self.0).kind = kind }
    }

    /// The open stream, or the "closed file" error.
    fn stream(self, l: State) -> Stream {
        let fp = self.fp();
        if fp.is_null() {
            error_str(l, "attempt to use a closed file");
        }
        Stream(fp)
    }
}

/// An open C stream, fetched from its file just before a stdio call: no
/// Lua code runs between the fetch and the call, so the stream is still
/// open (only closing the file, from Lua, closes it).
#[derive(Clone, Copy)]
struct Stream(*mut FILE);

/// The file at stack index 1, or an argument error.
fn to_filep(l: State) -> FileRef {
    match FileRef::at(l, 1) {
        Some(f) => f,
        None => type_error(l, 1, FILEHANDLE),
    }
}

/// The open file at stack index 1; errors if it is closed.
fn to_file(l: State) -> FileRef {
    let f = to_filep(l);
    f.stream(l);
    f
}

/// Push the default input or output file.
fn push_default(l: State, key: &str) {
    get_field(l, LUA_REGISTRYINDEX, key);
}

/// Push the default input or output file and return it, open. Lua code
/// can reach the registry, where the defaults live: a value there that is
/// no file counts as a closed one.
fn push_default_stream(l: State, key: &str) -> FileRef {
    push_default(l, key);
    match FileRef::at(l, -1) {
        Some(f) if !f.fp().is_null() => f,
        _ => error_str(l, "standard file is closed"),
    }
}

/// Push a new, not yet opened file userdata with the `FILE*` metatable.
fn new_file(l: State, kind: u32) -> FileRef {
    lua_newuserdata(l, std::mem::size_of::<IoFile>());
    let u: *mut GcUdata = value_at(l, -1).as_ptr();
    // SAFETY: u is the userdata just pushed, live in its slot.
    unsafe { (*u).udtype = UDTYPE_IO_FILE };
    let f = FileRef::at(l, -1).expect("a file userdata was just pushed");
    f.set_fp(std::ptr::null_mut());
    f.set_kind(kind);
    get_field(l, LUA_REGISTRYINDEX, FILEHANDLE);
    lua_setmetatable(l, -2);
    f
}

/// Open the file named by argument 1 (a new userdata on the top); an open
/// failure is an argument error, as in io.lines/io.input/io.output.
fn open_arg_file(l: State, mode: &[u8]) -> FileRef {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let f = new_file(l, KIND_FILE);
    let cname = cstring(&name);
    let cmode = cstring(mode);
    // SAFETY: both strings are NUL-terminated.
    let fp = unsafe {
        fopen(
            cname.as_ptr() as *const c_char,
            cmode.as_ptr() as *const c_char,
        )
    };
    if fp.is_null() {
        let mut msg = crate::mem::FallibleVec::from(name);
        msg.extend_from_slice(b": ");
        msg.extend_from_slice(crate::capi::os_error_string(errno()).as_bytes());
        arg_error(l, 1, &msg);
    }
    f.set_fp(fp);
    f
}

/// Close a file; returns the number of results pushed.
fn close_file(l: State, f: FileRef) -> c_int {
    let Stream(fp) = f.stream(l);
    let ok = match f.kind() & KIND_MASK {
        // SAFETY: fp is the open stream of a file (Stream's invariant),
        // closed as it was opened; the file forgets it right after.
        KIND_FILE => (unsafe { fclose(fp) }) == 0,
        // SAFETY: as above, for a stream from popen.
        KIND_PIPE => (unsafe { pclose(fp) }) != -1,
        _ => {
            push_nil(l);
            push_str(l, b"cannot close standard file");
            return 2;
        }
    };
    let err = errno();
    f.set_fp(std::ptr::null_mut());
    file_result(l, ok, None, err)
}

// ---- Reading.

/// Read a line with fgets, as LuaJIT does (so an embedded NUL cuts what
/// follows it in the same fgets call): the buffer starts at
/// LUAL_BUFFERSIZE and doubles when nearly full. `keep_newline` is the
/// `*L` format. Pushes the string; false if nothing at all was read.
fn read_line(l: State, f: FileRef, keep_newline: bool) -> bool {
    let mut size = crate::capi::types::LUAL_BUFFERSIZE;
    let mut buf = crate::mem::StateBuf::of(l);
    buf.resize(size, 0);
    let mut n = 0usize;
    let mut ok = false;
    loop {
        if buf.len() < size {
            buf.resize(size, 0);
        }
        let Stream(fp) = f.stream(l);
        // SAFETY: buf[n..size] is writable (size <= buf.len()) and fgets
        // NUL-terminates within it; fp is open (Stream's invariant).
        let got = unsafe {
            fgets(
                buf.as_mut_ptr().add(n) as *mut c_char,
                (size - n) as c_int,
                fp,
            )
        };
        if got.is_null() {
            break;
        }
        // SAFETY: fgets NUL-terminated the text it stored at buf[n..].
        n += unsafe { strlen(buf.as_ptr().add(n) as *const c_char) };
        ok |= n > 0;
        if n > 0 && buf[n - 1] == b'\n' {
            if !keep_newline {
                n -= 1;
            }
            break;
        }
        if n >= size - 64 {
            size += size;
        }
    }
    push_str(l, &buf[..n]);
    ok
}

/// Read everything up to the end of the file (always succeeds).
fn read_all(l: State, f: FileRef) {
    let mut data = crate::mem::StateBuf::of(l);
    let mut chunk = vec![0u8; crate::capi::types::LUAL_BUFFERSIZE];
    loop {
        let Stream(fp) = f.stream(l);
        // SAFETY: chunk is writable for its whole length; fp is open
        // (Stream's invariant).
        let n = unsafe { fread(chunk.as_mut_ptr() as *mut c_void, 1, chunk.len(), fp) };
        data.extend_from_slice(&chunk[..n]);
        if n < chunk.len() {
            break;
        }
    }
    push_str(l, &data);
}

/// Read up to `count` bytes; a count of 0 tests for the end of the file.
fn read_count(l: State, f: FileRef, count: u32) -> bool {
    if count == 0 {
        let Stream(fp) = f.stream(l);
        // SAFETY: fp is open (Stream's invariant).
        let c = unsafe {
            let c = getc(fp);
            ungetc(c, fp);
            c
        };
        push_str(l, b"");
        return c != EOF;
    }
    if count as u64 > MAX_BUF {
        crate::error::throw_status(l, crate::state::LUA_ERRMEM, b"not enough memory");
    }
    let mut data = crate::mem::StateBuf::of(l);
    let mut chunk = vec![0u8; (count as usize).min(1 << 16)];
    while data.len() < count as usize {
        let want = (count as usize - data.len()).min(chunk.len());
        let Stream(fp) = f.stream(l);
        // SAFETY: chunk has room for `want` bytes; fp is open (Stream's
        // invariant).
        let n = unsafe { fread(chunk.as_mut_ptr() as *mut c_void, 1, want, fp) };
        data.extend_from_slice(&chunk[..n]);
        if n < want {
            break;
        }
    }
    let ok = !data.is_empty();
    push_str(l, &data);
    ok
}

/// Read a number the way C's `fscanf("%lf")` does; pushes it or nil.
fn read_number(l: State, f: FileRef) -> bool {
    let mut d: f64 = 0.0;
    let Stream(fp) = f.stream(l);
    // SAFETY: the format converts exactly one double into d; fp is open
    // (Stream's invariant).
    let n = unsafe { fscanf(fp, c"%lf".as_ptr(), &mut d as *mut f64) };
    if n == 1 {
        push_num(l, d);
        true
    } else {
        push_nil(l);
        false
    }
}

/// Truncate like a C cast to int32 (x86 cvttsd2si: out of range gives INT_MIN).
fn c_int_cast(n: f64) -> i32 {
    if n.is_nan() || n >= 2147483648.0 || n <= -2147483649.0 {
        i32::MIN
    } else {
        n as i32
    }
}

/// Read with the formats at stack indices `first..=last` (none: one
/// line); the format at `first` is argument number `argno` in error
/// messages. Pushes one result per format; reading stops at the first
/// failure, whose result is nil. A stream error gives `nil, message,
/// errno`.
fn read_formats(l: State, f: FileRef, first: c_int, last: c_int, argno: c_int) -> c_int {
    let nformats = last - first + 1;
    let Stream(fp) = f.stream(l);
    // SAFETY: fp is open (Stream's invariant).
    unsafe { clearerr(fp) };
    let mut ok = true;
    let mut pushed = 0;
    if nformats <= 0 {
        ok = read_line(l, f, false);
        pushed = 1;
    } else {
        if lua_checkstack(l, nformats + 20) == 0 {
            error_str(l, "stack overflow (too many arguments)");
        }
        let mut i = first;
        while i <= last && ok {
            let v = value_at(l, i);
            let arg = argno + (i - first);
            if v.is_str() {
                // SAFETY: a string format on the stack, live in its slot for
                // the whole call.
                let s = unsafe { crate::string::str_bytes(v.as_ptr()) };
                let s = if s.first() == Some(&b'*') { &s[1..] } else { s };
                ok = match s.first() {
                    Some(b'n') => read_number(l, f),
                    Some(b'l') => read_line(l, f, false),
                    Some(b'L') => read_line(l, f, true),
                    Some(b'a') => {
                        read_all(l, f);
                        true
                    }
                    _ => arg_error(l, arg, b"invalid format"),
                };
            } else if v.is_num() {
                ok = read_count(l, f, c_int_cast(v.as_num()) as u32);
            } else {
                arg_error(l, arg, b"invalid option");
            }
            pushed += 1;
            i += 1;
        }
    }
    let Stream(fp) = f.stream(l);
    // SAFETY: fp is open (Stream's invariant).
    if unsafe { ferror(fp) } != 0 {
        let err = errno();
        return file_result(l, false, None, err);
    }
    if !ok {
        push_nil(l);
        lua_replace(l, -2);
    }
    pushed
}

// ---- Writing.

/// Write the strings and numbers at stack indices `first..=last`; pushes
/// the result (`true` or `nil, message, errno`).
fn write_values(l: State, f: FileRef, first: c_int, last: c_int) -> c_int {
    let mut ok = true;
    let mut err = 0;
    let mut numbuf = Vec::new();
    for i in first..=last {
        let v = value_at(l, i);
        let bytes: &[u8] = if v.is_str() {
            // SAFETY: a string argument, live in its slot while written.
            unsafe { crate::string::str_bytes(v.as_ptr()) }
        } else if v.is_num() {
            numbuf.clear();
            crate::numfmt::fmt_number(v.as_num(), &mut numbuf);
            &numbuf
        } else {
            type_error(l, i, "string")
        };
        if ok {
            let Stream(fp) = f.stream(l);
            // SAFETY: bytes is a slice; fp is open (Stream's invariant).
            let n = unsafe { fwrite(bytes.as_ptr() as *const c_void, 1, bytes.len(), fp) };
            if n != bytes.len() {
                ok = false;
                err = errno();
            }
        }
    }
    file_result(l, ok, None, err)
}

// ---- Lines iterators.

/// Push an iterator over the file at index 1 with the formats after it
/// (all stack values become its upvalues).
fn push_lines_iter(l: State) -> c_int {
    let n = arg_count(l);
    if n > MAX_LINES_ARGS {
        error_str(l, "too many results to unpack");
    }
    push_closure(l, lines_iter, n);
    1
}

extern "C-unwind" fn lines_iter(l: State) -> c_int {
    // Upvalue 1 is the file, the others are the formats.
    let mut nup = 1;
    while !index2adr(l, LUA_GLOBALSINDEX - nup - 1).is_null() {
        nup += 1;
    }
    lua_settop(l, 0);
    if lua_checkstack(l, nup + 20) == 0 {
        error_str(l, "stack overflow");
    }
    // Slot 1 anchors the file while it is read (an upvalue can be
    // replaced meanwhile); the formats follow.
    lua_pushvalue(l, LUA_GLOBALSINDEX - 1);
    let f = match FileRef::at(l, 1) {
        Some(f) => f,
        // Replaced by something else (debug.setupvalue): LuaJIT reads it
        // as a file whose stream is null.
        None => error_str(l, "attempt to use a closed file"),
    };
    f.stream(l);
    for i in 2..=nup {
        lua_pushvalue(l, LUA_GLOBALSINDEX - i);
    }
    let n = read_formats(l, f, 2, nup, 1);
    let Stream(fp) = f.stream(l);
    // SAFETY: fp is open (Stream's invariant).
    if unsafe { ferror(fp) } != 0 {
        let msg_arg = to_bytes(l, -2);
        let msg = msg_arg.as_deref().unwrap_or(b"").to_vec();
        error_bytes(l, &msg);
    }
    // As in LuaJIT, the end is detected on the first slot after the file,
    // which is a format when formats were given: then the file stays open.
    if value_at(l, 2).is_nil() && f.kind() & FLAG_CLOSE_AT_EOF != 0 {
        close_file(l, f);
        return 0;
    }
    n
}

// ---- File methods.

extern "C-unwind" fn f_close(l: State) -> c_int {
    if arg_count(l) == 0 {
        return io_close(l);
    }
    let f = to_file(l);
    close_file(l, f)
}

extern "C-unwind" fn f_read(l: State) -> c_int {
    let f = to_file(l);
    read_formats(l, f, 2, arg_count(l), 2)
}

extern "C-unwind" fn f_write(l: State) -> c_int {
    let f = to_file(l);
    write_values(l, f, 2, arg_count(l))
}

/// fflush the file's stream; pushes the result.
fn flush_file(l: State, f: FileRef) -> c_int {
    let Stream(fp) = f.stream(l);
    // SAFETY: fp is open (Stream's invariant).
    let ok = unsafe { fflush(fp) } == 0;
    let err = errno();
    file_result(l, ok, None, err)
}

extern "C-unwind" fn f_flush(l: State) -> c_int {
    let f = to_file(l);
    flush_file(l, f)
}

/// luaL_checkoption-like choice among `names`, LuaJIT's messages; `def`
/// is used when the argument is absent or nil.
fn check_option(l: State, n: c_int, def: Option<usize>, names: &[&str]) -> usize {
    let s = match def {
        Some(d) if value_at(l, n).is_nil() => return d,
        _ => check_str(l, n),
    };
    match names.iter().position(|x| x.as_bytes() == &*s) {
        Some(i) => i,
        None => {
            let mut m = b"invalid option '".to_vec();
            m.extend_from_slice(&s);
            m.push(b'\'');
            arg_error(l, n, &m)
        }
    }
}

extern "C-unwind" fn f_seek(l: State) -> c_int {
    let f = to_file(l);
    let whence = match check_option(l, 2, Some(1), &["set", "cur", "end"]) {
        0 => SEEK_SET,
        1 => SEEK_CUR,
        _ => SEEK_END,
    };
    let off = value_at(l, 3);
    let offset: i64 = if off.is_num() {
        off.as_num() as i64
    } else if off.is_nil() {
        0
    } else {
        type_error(l, 3, "number")
    };
    let Stream(fp) = f.stream(l);
    // SAFETY: fp is open (Stream's invariant); nothing runs before ftello.
    let pos = unsafe {
        if fseeko(fp, offset, whence) != 0 {
            let err = errno();
            return file_result(l, false, None, err);
        }
        ftello(fp)
    };
    push_num(l, pos as f64);
    1
}

extern "C-unwind" fn f_setvbuf(l: State) -> c_int {
    let f = to_file(l);
    let mode = match check_option(l, 2, None, &["full", "line", "no"]) {
        0 => IOFBF,
        1 => IOLBF,
        _ => IONBF,
    };
    let size = opt_int(l, 3, crate::capi::types::LUAL_BUFFERSIZE as i64);
    let Stream(fp) = f.stream(l);
    // SAFETY: fp is open (Stream's invariant); a null buffer lets stdio
    // allocate one.
    let ok = unsafe { setvbuf(fp, std::ptr::null_mut(), mode, size as usize) } == 0;
    let err = errno();
    file_result(l, ok, None, err)
}

extern "C-unwind" fn f_lines(l: State) -> c_int {
    to_file(l);
    push_lines_iter(l)
}

extern "C-unwind" fn f_gc(l: State) -> c_int {
    let f = to_filep(l);
    if !f.fp().is_null() && f.kind() & KIND_MASK != KIND_STD {
        close_file(l, f);
    }
    0
}

extern "C-unwind" fn f_tostring(l: State) -> c_int {
    let fp = to_filep(l).fp();
    if fp.is_null() {
        push_str(l, b"file (closed)");
    } else {
        push_str(l, format!("file ({:p})", fp).as_bytes());
    }
    1
}

// ---- Library functions.

extern "C-unwind" fn io_close(l: State) -> c_int {
    if arg_count(l) == 0 {
        push_default(l, DEFAULT_OUTPUT);
    }
    let f = to_file(l);
    close_file(l, f)
}

extern "C-unwind" fn io_open(l: State) -> c_int {
    let name = crate::mem::vec_from_slice(&check_str(l, 1));
    let mode_arg = opt_str(l, 2);
    let mode = crate::mem::vec_from_slice(mode_arg.as_deref().unwrap_or(b"r"));
    let f = new_file(l, KIND_FILE);
    let (cname, cmode) = (cstring(&name), cstring(&mode));
    // SAFETY: both strings are NUL-terminated.
    let fp = unsafe {
        fopen(
            cname.as_ptr() as *const c_char,
            cmode.as_ptr() as *const c_char,
        )
    };
    if fp.is_null() {
        let err = errno();
        return file_result(l, false, Some(&name), err);
    }
    f.set_fp(fp);
    1
}

extern "C-unwind" fn io_popen(l: State) -> c_int {
    let cmd = crate::mem::vec_from_slice(&check_str(l, 1));
    let mode_arg = opt_str(l, 2);
    let mode = crate::mem::vec_from_slice(mode_arg.as_deref().unwrap_or(b"r"));
    let f = new_file(l, KIND_PIPE);
    let (ccmd, cmode) = (cstring(&cmd), cstring(&mode));
    flush_all();
    // SAFETY: both strings are NUL-terminated.
    let fp = unsafe {
        popen(
            ccmd.as_ptr() as *const c_char,
            cmode.as_ptr() as *const c_char,
        )
    };
    if fp.is_null() {
        let err = errno();
        return file_result(l, false, Some(&cmd), err);
    }
    f.set_fp(fp);
    1
}

extern "C-unwind" fn io_tmpfile(l: State) -> c_int {
    let f = new_file(l, KIND_FILE);
    // SAFETY: tmpfile has no preconditions.
    let fp = unsafe { tmpfile() };
    if fp.is_null() {
        let err = errno();
        return file_result(l, false, None, err);
    }
    f.set_fp(fp);
    1
}

extern "C-unwind" fn io_type(l: State) -> c_int {
    check_any(l, 1);
    match FileRef::at(l, 1) {
        Some(f) if f.fp().is_null() => push_str(l, b"closed file"),
        Some(_) => push_str(l, b"file"),
        None => push_nil(l),
    }
    1
}

// The default file is pushed above the arguments, where it stays while
// it is used (the registry entry can be changed meanwhile).

extern "C-unwind" fn io_read(l: State) -> c_int {
    let n = arg_count(l);
    let f = push_default_stream(l, DEFAULT_INPUT);
    read_formats(l, f, 1, n, 1)
}

extern "C-unwind" fn io_write(l: State) -> c_int {
    let n = arg_count(l);
    let f = push_default_stream(l, DEFAULT_OUTPUT);
    write_values(l, f, 1, n)
}

extern "C-unwind" fn io_flush(l: State) -> c_int {
    let f = push_default_stream(l, DEFAULT_OUTPUT);
    flush_file(l, f)
}

/// io.input / io.output: with a file or a name, set the default (opening
/// the name with `mode`); always return the current default.
fn get_set_default(l: State, key: &str, mode: &[u8]) -> c_int {
    if arg_count(l) >= 1 && !value_at(l, 1).is_nil() {
        if value_at(l, 1).is_udata() {
            to_file(l);
            lua_settop(l, 1);
        } else {
            open_arg_file(l, mode);
        }
        lua_pushvalue(l, -1);
        set_field(l, LUA_REGISTRYINDEX, key);
    } else {
        push_default(l, key);
    }
    1
}

extern "C-unwind" fn io_input(l: State) -> c_int {
    get_set_default(l, DEFAULT_INPUT, b"r")
}

extern "C-unwind" fn io_output(l: State) -> c_int {
    get_set_default(l, DEFAULT_OUTPUT, b"w")
}

extern "C-unwind" fn io_lines(l: State) -> c_int {
    if arg_count(l) == 0 {
        push_nil(l);
    }
    if value_at(l, 1).is_nil() {
        push_default(l, DEFAULT_INPUT);
    } else {
        let f = open_arg_file(l, b"r");
        f.set_kind(KIND_FILE | FLAG_CLOSE_AT_EOF);
    }
    lua_replace(l, 1);
    push_lines_iter(l)
}

/// Create a standard file (never closed) and store it in the io table.
fn new_std_file(l: State, fp: *mut FILE, name: &str) {
    let f = new_file(l, KIND_STD);
    f.set_fp(fp);
    set_field(l, -2, name);
}

/// Set the environment of every function in the table at the top to the
/// table at `env` (LuaJIT gives the io functions, not the methods, the
/// file metatable as environment).
fn set_funcs_env(l: State, env: c_int) {
    lua_pushnil(l);
    while lua_next(l, -2) != 0 {
        if lua_type(l, -1) == LUA_TFUNCTION {
            lua_pushvalue(l, env);
            lua_setfenv(l, -2);
        }
        lua_settop(l, -2);
    }
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_io(l: State) -> c_int {
    // The file metatable, which is also its own __index.
    new_lib(
        l,
        &[
            ("close", f_close),
            ("read", f_read),
            ("write", f_write),
            ("flush", f_flush),
            ("seek", f_seek),
            ("setvbuf", f_setvbuf),
            ("lines", f_lines),
        ],
    );
    lua_pushvalue(l, -1);
    set_field(l, -2, "__index");
    set_funcs(l, &[("__gc", f_gc), ("__tostring", f_tostring)]);
    set_ffids(
        l,
        &[
            ("close", FastFunc::IoMethodClose),
            ("read", FastFunc::IoMethodRead),
            ("write", FastFunc::IoMethodWrite),
            ("flush", FastFunc::IoMethodFlush),
            ("seek", FastFunc::IoMethodSeek),
            ("setvbuf", FastFunc::IoMethodSetvbuf),
            ("lines", FastFunc::IoMethodLines),
            ("__gc", FastFunc::IoMethodGc),
            ("__tostring", FastFunc::IoMethodTostring),
        ],
    );
    let mt = lua_gettop(l);
    lua_pushvalue(l, mt);
    set_field(l, LUA_REGISTRYINDEX, FILEHANDLE);

    new_lib(
        l,
        &[
            ("open", io_open),
            ("popen", io_popen),
            ("tmpfile", io_tmpfile),
            ("close", io_close),
            ("read", io_read),
            ("write", io_write),
            ("flush", io_flush),
            ("input", io_input),
            ("output", io_output),
            ("lines", io_lines),
            ("type", io_type),
        ],
    );
    set_funcs_env(l, mt);
    set_ffids(
        l,
        &[
            ("open", FastFunc::IoOpen),
            ("popen", FastFunc::IoPopen),
            ("tmpfile", FastFunc::IoTmpfile),
            ("close", FastFunc::IoClose),
            ("read", FastFunc::IoRead),
            ("write", FastFunc::IoWrite),
            ("flush", FastFunc::IoFlush),
            ("input", FastFunc::IoInput),
            ("output", FastFunc::IoOutput),
            ("lines", FastFunc::IoLines),
            ("type", FastFunc::IoType),
        ],
    );
    // SAFETY: the C library's standard streams, set up before main and
    // never reassigned by this program; read by value.
    let (cin, cout, cerr) = unsafe { (stdin, stdout, stderr) };
    new_std_file(l, cin, "stdin");
    new_std_file(l, cout, "stdout");
    new_std_file(l, cerr, "stderr");
    get_field(l, -1, "stdin");
    set_field(l, LUA_REGISTRYINDEX, DEFAULT_INPUT);
    get_field(l, -1, "stdout");
    set_field(l, LUA_REGISTRYINDEX, DEFAULT_OUTPUT);
    lua_remove(l, mt);
    register_loaded(l, "io", true);
    1
}
