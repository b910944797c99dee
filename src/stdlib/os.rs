//! The `os` library, on the C library's time, locale, process and file
//! functions as in LuaJIT (so dates, locales and exit behaviour match C).

use super::*;
use crate::state::State;
use std::os::raw::{c_char, c_int, c_long};

/// C `struct tm` (glibc/musl layout on Linux).
#[repr(C)]
#[derive(Default)]
struct Tm {
    tm_sec: c_int,
    tm_min: c_int,
    tm_hour: c_int,
    tm_mday: c_int,
    tm_mon: c_int,
    tm_year: c_int,
    tm_wday: c_int,
    tm_yday: c_int,
    tm_isdst: c_int,
    tm_gmtoff: c_long,
    tm_zone: usize,
}

type TimeT = i64;

extern "C" {
    fn time(t: *mut TimeT) -> TimeT;
    fn mktime(tm: *mut Tm) -> TimeT;
    fn localtime_r(t: *const TimeT, tm: *mut Tm) -> *mut Tm;
    fn gmtime_r(t: *const TimeT, tm: *mut Tm) -> *mut Tm;
    fn strftime(buf: *mut c_char, max: usize, fmt: *const c_char, tm: *const Tm) -> usize;
    fn clock() -> c_long;
    fn getenv(name: *const c_char) -> *const c_char;
    fn remove(path: *const c_char) -> c_int;
    fn rename(from: *const c_char, to: *const c_char) -> c_int;
    fn system(cmd: *const c_char) -> c_int;
    fn setlocale(cat: c_int, locale: *const c_char) -> *const c_char;
    fn mkstemp(template: *mut c_char) -> c_int;
    fn close(fd: c_int) -> c_int;
    fn exit(status: c_int) -> !;
}

const CLOCKS_PER_SEC: f64 = 1_000_000.0;
// glibc's locale category numbers.
const LC_CTYPE: c_int = 0;
const LC_NUMERIC: c_int = 1;
const LC_TIME: c_int = 2;
const LC_COLLATE: c_int = 3;
const LC_MONETARY: c_int = 4;
const LC_ALL: c_int = 6;

fn cstring(s: &[u8]) -> crate::mem::FallibleVec<u8> {
    crate::mem::c_string(s)
}

/// A C string argument: the bytes up to the first NUL, NUL-terminated.
fn c_arg(s: &[u8]) -> crate::mem::FallibleVec<u8> {
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    cstring(&s[..end])
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `true`, or `nil, "name: strerror", errno`.
fn file_result(l: State, ok: bool, name: &[u8], err: i32) -> c_int {
    if ok {
        push_bool(l, true);
        return 1;
    }
    push_nil(l);
    let mut msg = name.to_vec();
    msg.extend_from_slice(b": ");
    msg.extend_from_slice(crate::capi::os_error_string(err).as_bytes());
    push_str(l, &msg);
    push_num(l, err as f64);
    3
}

/// A C cast of a double to time_t (x86-64: out of range gives INT64_MIN).
fn to_time_t(n: f64) -> TimeT {
    if n.is_nan() || n >= 9.223372036854775807e18 || n < -9.223372036854775808e18 {
        i64::MIN
    } else {
        n as i64
    }
}

fn is_none_or_nil(l: State, n: c_int) -> bool {
    lua_type(l, n) <= LUA_TNIL
}

extern "C-unwind" fn os_clock(l: State) -> c_int {
    // SAFETY: clock has no preconditions.
    push_num(l, unsafe { clock() } as f64 * (1.0 / CLOCKS_PER_SEC));
    1
}

fn push_date_table(l: State, tm: &Tm) {
    lua_createtable(l, 0, 9);
    let fields = [
        ("sec", tm.tm_sec),
        ("min", tm.tm_min),
        ("hour", tm.tm_hour),
        ("day", tm.tm_mday),
        ("month", tm.tm_mon + 1),
        ("year", tm.tm_year + 1900),
        ("wday", tm.tm_wday + 1),
        ("yday", tm.tm_yday + 1),
    ];
    for (name, v) in fields {
        push_num(l, v as f64);
        set_field(l, -2, name);
    }
    if tm.tm_isdst >= 0 {
        push_bool(l, tm.tm_isdst != 0);
        set_field(l, -2, "isdst");
    }
}

/// Format through C's strftime with the whole format at once, as LuaJIT
/// does: the buffer starts at 30 bytes per '%' plus 1 per other byte and
/// grows a few times; None if the result stays empty.
fn format_date(fmt: &[u8], tm: &Tm) -> Option<crate::mem::FallibleVec<u8>> {
    let cfmt = cstring(fmt);
    let mut want: u32 = fmt
        .iter()
        .map(|&c| if c == b'%' { 30u32 } else { 1 })
        .fold(0u32, |a, b| a.wrapping_add(b));
    for _ in 0..4 {
        let mut size = 32usize;
        while size < want as usize {
            size += size;
        }
        let mut buf = crate::mem::FallibleVec::new();
        buf.resize(size, 0);
        // SAFETY: cfmt is NUL-terminated; buf has room for `size` bytes.
        let n = unsafe {
            strftime(
                buf.as_mut_ptr() as *mut c_char,
                size,
                cfmt.as_ptr() as *const c_char,
                tm,
            )
        };
        if n > 0 {
            buf.truncate(n);
            return Some(buf);
        }
        want = want.wrapping_add(want | 1);
    }
    None
}

extern "C-unwind" fn os_date(l: State) -> c_int {
    let fmt_arg = opt_str(l, 1);
    let fmt = fmt_arg.as_deref().unwrap_or(b"%c");
    let fmt = &fmt[..fmt.iter().position(|&b| b == 0).unwrap_or(fmt.len())];
    let t: TimeT = if is_none_or_nil(l, 2) {
        // SAFETY: time accepts a null pointer.
        unsafe { time(std::ptr::null_mut()) }
    } else {
        to_time_t(check_num(l, 2))
    };
    let (utc, fmt) = match fmt.first() {
        Some(b'!') => (true, &fmt[1..]),
        _ => (false, fmt),
    };
    let mut tm = Tm::default();
    // SAFETY: t and tm are locals: a readable time_t and a writable tm.
    let ok = unsafe {
        if utc {
            !gmtime_r(&t, &mut tm).is_null()
        } else {
            !localtime_r(&t, &mut tm).is_null()
        }
    };
    if !ok {
        push_nil(l);
    } else if fmt == b"*t" {
        push_date_table(l, &tm);
    } else if fmt.is_empty() {
        push_str(l, b"");
    } else {
        // With no result LuaJIT pushes nothing and returns the top value.
        if let Some(s) = format_date(fmt, &tm) {
            push_str(l, &s);
        }
    }
    1
}

/// A date-table field as a C int; `default` None means the field is required.
fn date_field(l: State, key: &str, default: Option<c_int>) -> c_int {
    get_field(l, -1, key);
    let r = if lua_isnumber(l, -1) != 0 {
        lua_tointeger(l, -1) as i64 as c_int
    } else {
        match default {
            Some(d) => d,
            None => error_str(l, &format!("field '{}' missing in date table", key)),
        }
    };
    lua_settop(l, -2);
    r
}

extern "C-unwind" fn os_time(l: State) -> c_int {
    let t = if is_none_or_nil(l, 1) {
        // SAFETY: time accepts a null pointer.
        unsafe { time(std::ptr::null_mut()) }
    } else {
        check_type(l, 1, LUA_TTABLE);
        lua_settop(l, 1);
        let mut tm = Tm {
            tm_sec: date_field(l, "sec", Some(0)),
            tm_min: date_field(l, "min", Some(0)),
            tm_hour: date_field(l, "hour", Some(12)),
            tm_mday: date_field(l, "day", None),
            tm_mon: date_field(l, "month", None).wrapping_sub(1),
            tm_year: date_field(l, "year", None).wrapping_sub(1900),
            ..Tm::default()
        };
        get_field(l, -1, "isdst");
        tm.tm_isdst = if value_at(l, -1).is_nil() {
            -1
        } else {
            value_at(l, -1).is_truthy() as c_int
        };
        // SAFETY: tm is a local, a writable struct tm.
        unsafe { mktime(&mut tm) }
    };
    if t == -1 {
        push_nil(l);
    } else {
        push_num(l, t as f64);
    }
    1
}

extern "C-unwind" fn os_difftime(l: State) -> c_int {
    let t1 = to_time_t(check_num(l, 1));
    let t2 = to_time_t(opt_num(l, 2, 0.0));
    push_num(l, t1 as f64 - t2 as f64);
    1
}

extern "C-unwind" fn os_execute(l: State) -> c_int {
    let cmd = opt_str(l, 1).map(|s| c_arg(&s));
    let p = cmd
        .as_ref()
        .map_or(std::ptr::null(), |c| c.as_ptr() as *const c_char);
    // SAFETY: p is null or a NUL-terminated command.
    let status = unsafe { system(p) };
    push_num(l, status as f64);
    1
}

extern "C-unwind" fn os_exit(l: State) -> c_int {
    let v = value_at(l, 1);
    let status = if arg_count(l) >= 1 && v.is_bool() {
        if v.is_truthy() {
            0
        } else {
            1
        }
    } else {
        opt_int(l, 1, 0) as c_int
    };
    if arg_count(l) >= 2 && value_at(l, 2).is_truthy() {
        lua_close(l);
    }
    // Rust's own stdout buffer is not known to C's exit().
    {
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
    // SAFETY: exit flushes and closes C stdio streams and ends the process.
    unsafe { exit(status) }
}

extern "C-unwind" fn os_getenv(l: State) -> c_int {
    let name = c_arg(&check_str(l, 1));
    // SAFETY: name is NUL-terminated; getenv's result is read at once.
    let v = unsafe { getenv(name.as_ptr() as *const c_char) };
    if v.is_null() {
        push_nil(l);
    } else {
        // SAFETY: getenv returned a NUL-terminated string, valid until the
        // environment changes; it is copied at once.
        push_str(l, unsafe { crate::capi::core::cstr(v) });
    }
    1
}

extern "C-unwind" fn os_remove(l: State) -> c_int {
    let name = check_str(l, 1);
    let c = c_arg(&name);
    // SAFETY: c is NUL-terminated.
    let ok = unsafe { remove(c.as_ptr() as *const c_char) } == 0;
    let err = errno();
    file_result(l, ok, &c[..c.len() - 1], err)
}

extern "C-unwind" fn os_rename(l: State) -> c_int {
    let from = c_arg(&check_str(l, 1));
    let to = c_arg(&check_str(l, 2));
    // SAFETY: both are NUL-terminated.
    let ok = unsafe { rename(from.as_ptr() as *const c_char, to.as_ptr() as *const c_char) } == 0;
    let err = errno();
    file_result(l, ok, &from[..from.len() - 1], err)
}

extern "C-unwind" fn os_setlocale(l: State) -> c_int {
    let locale = opt_str(l, 1).map(|s| c_arg(&s));
    let names = ["all", "collate", "ctype", "monetary", "numeric", "time"];
    let cats = [
        LC_ALL,
        LC_COLLATE,
        LC_CTYPE,
        LC_MONETARY,
        LC_NUMERIC,
        LC_TIME,
    ];
    let cat = if is_none_or_nil(l, 2) {
        0
    } else {
        let s = check_str(l, 2);
        match names.iter().position(|n| n.as_bytes() == &*s) {
            Some(i) => i,
            None => {
                let mut m = b"invalid option '".to_vec();
                m.extend_from_slice(&s);
                m.push(b'\'');
                arg_error(l, 2, &m)
            }
        }
    };
    let p = locale
        .as_ref()
        .map_or(std::ptr::null(), |c| c.as_ptr() as *const c_char);
    // SAFETY: p is null or NUL-terminated; the result is copied at once.
    let r = unsafe { setlocale(cats[cat], p) };
    if r.is_null() {
        push_nil(l);
    } else {
        // SAFETY: setlocale returned a NUL-terminated string, valid until
        // its next call; it is copied at once.
        push_str(l, unsafe { crate::capi::core::cstr(r) });
    }
    1
}

extern "C-unwind" fn os_tmpname(l: State) -> c_int {
    let mut template = *b"/tmp/lua_XXXXXX\0";
    // SAFETY: template is a writable NUL-terminated mkstemp pattern.
    let fd = unsafe { mkstemp(template.as_mut_ptr() as *mut c_char) };
    if fd == -1 {
        error_str(l, "unable to generate a unique filename");
    }
    // SAFETY: fd was just opened by mkstemp.
    unsafe { close(fd) };
    push_str(l, &template[..template.len() - 1]);
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_os(l: State) -> c_int {
    new_lib(
        l,
        &[
            ("execute", os_execute),
            ("remove", os_remove),
            ("rename", os_rename),
            ("tmpname", os_tmpname),
            ("getenv", os_getenv),
            ("exit", os_exit),
            ("clock", os_clock),
            ("date", os_date),
            ("time", os_time),
            ("difftime", os_difftime),
            ("setlocale", os_setlocale),
        ],
    );
    // LuaJIT's builtin ids.
    set_ffids(
        l,
        &[
            ("execute", FastFunc::OsExecute),
            ("remove", FastFunc::OsRemove),
            ("rename", FastFunc::OsRename),
            ("tmpname", FastFunc::OsTmpname),
            ("getenv", FastFunc::OsGetenv),
            ("exit", FastFunc::OsExit),
            ("clock", FastFunc::OsClock),
            ("date", FastFunc::OsDate),
            ("time", FastFunc::OsTime),
            ("difftime", FastFunc::OsDifftime),
            ("setlocale", FastFunc::OsSetlocale),
        ],
    );
    register_loaded(l, "os", true);
    1
}
