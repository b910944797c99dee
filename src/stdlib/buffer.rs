//! The `string.buffer` library (LuaJIT 2.1's string buffers and their
//! serializer, https://luajit.org/ext_buffer.html).
//!
//! A buffer is a full userdata (udtype `UDTYPE_BUFFER`) whose payload is a
//! [`SBuf`]: a byte area obtained from the VM's allocator, with a read and
//! a write offset.  The area is released by `buf:free()` and by `__gc`.
//! Options given to `buffer.new` (the `dict` and `metatable` arrays) are
//! kept in the userdata's environment table so the GC keeps them alive.
//!
//! `reserve` and `ref` hand out `uint8_t *` cdata into the byte area.

use super::*;
use crate::mem::StateBuf;
use crate::state::State;
use crate::string::str_bytes;
use crate::table::{self, GcTab, Node};
use crate::udata::{GcUdata, UDTYPE_BUFFER};
use std::os::raw::c_int;

/// Payload of a buffer userdata (see [`BufRef`] for its invariant).
#[repr(C)]
#[derive(Clone, Copy)]
struct SBuf {
    /// Start of the byte area (null when nothing is allocated).
    data: *mut u8,
    /// Size of the byte area.
    cap: usize,
    /// Read offset: bytes before it were consumed.
    r: usize,
    /// Write offset: bytes `r..w` are the buffer's contents.
    w: usize,
    /// True when the environment table holds serializer options.
    has_options: bool,
}

/// Registry key of the shared buffer metatable.
const MT_KEY: &str = "_LJRS_BUFFER_MT";
/// Nesting limit of the serializer (tables deeper than this fail).
const MAX_DEPTH: u32 = 100;
/// LuaJIT's buffer size limit (LJ_MAX_BUF).
const MAX_BUF: i64 = 0x7fff_ff00;

// Environment slots of a buffer created with options.
const ENV_DICT_STR: i32 = 1;
const ENV_DICT_STR_MAP: i32 = 2;
const ENV_DICT_MT: i32 = 3;
const ENV_DICT_MT_MAP: i32 = 4;

// Serialization tags (LuaJIT's wire format).
const TAG_NIL: u32 = 0x00;
const TAG_FALSE: u32 = 0x01;
const TAG_TRUE: u32 = 0x02;
const TAG_NULL: u32 = 0x03;
const TAG_LIGHTUD32: u32 = 0x04;
const TAG_LIGHTUD64: u32 = 0x05;
const TAG_INT: u32 = 0x06;
const TAG_NUM: u32 = 0x07;
const TAG_TAB: u32 = 0x08;
const TAG_DICT_MT: u32 = 0x0e;
const TAG_DICT_STR: u32 = 0x0f;
const TAG_INT64: u32 = 0x10;
const TAG_UINT64: u32 = 0x11;
const TAG_COMPLEX: u32 = 0x12;
const TAG_STR: u32 = 0x20;

// ---- The byte area.

/// A handle to a buffer's payload.
///
/// Type invariant: the payload of a live buffer userdata (udtype
/// UDTYPE_BUFFER, so it holds an initialised `SBuf` whose `data` is null
/// or a block of `cap` bytes from the state's allocator, with
/// `r <= w <= cap`), which the holder keeps reachable from the stack while
/// the handle is used. Fields are read and written by value, and no slice
/// of the byte area is held across anything that can run Lua code or step
/// the collector: a finalizer may use the buffer meanwhile (even free or
/// move its area).
#[derive(Clone, Copy, PartialEq)]
struct BufRef(*mut SBuf);

impl BufRef {
    /// The buffer at stack index `idx`, if the value there is one.
    fn at(l: State, idx: c_int) -> Option<BufRef> {
        let v = value_at(l, idx);
        if !v.is_udata() {
            return None;
        }
        let u: *mut GcUdata = v.as_ptr();
        // SAFETY: a userdata value on the stack is live.
        if unsafe { (*u).udtype } != UDTYPE_BUFFER {
            return None;
        }
        Some(BufRef(crate::udata::payload(u) as *mut SBuf))
    }

    /// A copy of the fields.
    fn get(self) -> SBuf {
        // SAFETY: the type invariant; read by value.
        unsafe { self.0.read() }
    }

    fn set_rw(self, r: usize, w: usize) {
        // SAFETY: the type invariant; written by value.
        unsafe {
            (*self.0).r = r;
            (*self.0).w = w;
        }
    }

    fn len(self) -> usize {
        let b = self.get();
        b.w - b.r
    }

    /// Free bytes after the contents.
    fn space(self) -> usize {
        let b = self.get();
        b.cap - b.w
    }

    /// The address `off` bytes into the area (null without one).
    fn addr(self, off: usize) -> *mut u8 {
        let b = self.get();
        if b.data.is_null() {
            std::ptr::null_mut()
        } else {
            // SAFETY: off <= cap (callers pass r or w), inside the block.
            unsafe { b.data.add(off) }
        }
    }

    /// Run `f` on the contents; `f` must not run Lua code or step the
    /// collector (appending to a StateBuf does neither).
    fn with_contents<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        let b = self.get();
        if b.data.is_null() {
            return f(&[]);
        }
        // SAFETY: r..w lies inside the block (the type invariant), which
        // stays allocated while f runs (f runs no Lua code).
        f(unsafe { std::slice::from_raw_parts(b.data.add(b.r), b.w - b.r) })
    }

    /// Push the first `n` bytes of the contents (at most all) as a string.
    fn push_prefix(self, l: State, n: usize) {
        let n = n.min(self.len());
        // The bytes are copied by the push before the collector can run,
        // and no reference to them outlives that copy.
        // SAFETY: n bytes of the contents start at r.
        unsafe { lua_pushlstring(l, self.addr(self.get().r) as *const std::os::raw::c_char, n) };
    }

    /// Make room for `n` more bytes after `w` (moving the contents down
    /// first when that suffices).
    fn reserve(self, l: State, n: usize) {
        let b = self.get();
        if b.cap - b.w >= n {
            return;
        }
        let len = b.w - b.r;
        if b.r > 0 {
            if len > 0 {
                // SAFETY: both ranges lie inside the block; copy handles
                // overlap.
                unsafe { std::ptr::copy(b.data.add(b.r), b.data, len) };
            }
            self.set_rw(0, len);
            if b.cap - len >= n {
                return;
            }
        }
        let need = len as u64 + n as u64;
        if need > MAX_BUF as u64 {
            super::string::err_mem(l);
        }
        let mut ncap = b.cap.max(32);
        while (ncap as u64) < need {
            ncap *= 2;
        }
        let ncap = (ncap as u64).min(MAX_BUF as u64) as usize;
        // SAFETY: data is null or the block of cap bytes from this state's
        // allocator (the type invariant).
        let data = unsafe { leaf::mem_realloc(l, b.data, b.cap, ncap) };
        // SAFETY: the type invariant; written by value (the reallocation
        // ran no Lua code).
        unsafe {
            (*self.0).data = data;
            (*self.0).cap = ncap;
        }
    }

    /// Append `s`, which must not point into this buffer's own area
    /// (callers copy such data first: growing may move the area).
    fn append(self, l: State, s: &[u8]) {
        if s.is_empty() {
            return;
        }
        self.reserve(l, s.len());
        let w = self.get().w;
        // SAFETY: reserve made room for s.len() bytes at w; s is elsewhere.
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), self.addr(w), s.len()) };
        self.set_rw(self.get().r, w + s.len());
    }

    /// Mark `n` bytes (at most the contents) as read.
    fn consume(self, n: usize) {
        let b = self.get();
        let r = b.r + n.min(b.w - b.r);
        if r == b.w {
            self.set_rw(0, 0);
        } else {
            self.set_rw(r, b.w);
        }
    }

    fn reset(self) {
        self.set_rw(0, 0);
    }

    /// Mark `n` bytes written after the contents (at most the free space).
    fn commit(self, n: usize) {
        let b = self.get();
        self.set_rw(b.r, b.w + n.min(b.cap - b.w));
    }

    fn release(self, l: State) {
        let b = self.get();
        if !b.data.is_null() {
            // SAFETY: data is the block of cap bytes from this state's
            // allocator (the type invariant); it is forgotten right after.
            unsafe { leaf::mem_realloc(l, b.data, b.cap, 0) };
        }
        // SAFETY: the type invariant; written by value.
        unsafe {
            (*self.0).data = std::ptr::null_mut();
            (*self.0).cap = 0;
        }
        self.reset();
    }
}

/// `self` of a buffer method: "buffer expected" otherwise.
fn check_buffer(l: State, idx: c_int) -> BufRef {
    match BufRef::at(l, idx) {
        Some(b) => b,
        None => type_error(l, idx, "buffer"),
    }
}

/// `self` for methods that return it.
fn return_self(l: State) -> c_int {
    lua_settop(l, 1);
    1
}

/// A length argument: strictly a number (no string coercion, as in
/// LuaJIT's buffer library), truncated to int32, not negative.
fn check_len_arg(l: State, idx: c_int) -> usize {
    let v = value_at(l, idx);
    if !v.is_num() {
        type_error(l, idx, "number");
    }
    let n = super::string::num_to_i32(v.as_num());
    if n < 0 {
        arg_error(l, idx, b"number out of range");
    }
    n as usize
}

// ---- Buffer methods.

extern "C-unwind" fn buf_free(l: State) -> c_int {
    check_buffer(l, 1).release(l);
    return_self(l)
}

extern "C-unwind" fn buf_gc(l: State) -> c_int {
    if let Some(b) = BufRef::at(l, 1) {
        b.release(l);
    }
    0
}

extern "C-unwind" fn buf_reset(l: State) -> c_int {
    check_buffer(l, 1).reset();
    return_self(l)
}

extern "C-unwind" fn buf_skip(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = check_len_arg(l, 2);
    b.consume(n);
    return_self(l)
}

extern "C-unwind" fn buf_set(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let v = value_at(l, 2);
    if v.is(TID_CDATA) {
        // buf:set(ptr, len): the bytes at a cdata's address (copied).
        let p = cdata_address_arg(l, 2, v);
        let n = check_len_arg(l, 3);
        let mut bytes = StateBuf::of(l);
        if n > 0 {
            // SAFETY: as in LuaJIT, the caller vouches for n readable bytes
            // at the cdata's address; they are copied at once (they may lie
            // in this buffer's own area).
            bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(p, n) });
        }
        b.reset();
        b.append(l, &bytes);
        return return_self(l);
    }
    if !v.is_str() {
        type_error(l, 2, "string");
    }
    b.reset();
    // SAFETY: argument 2, a string (checked), live in its slot; appending
    // runs no Lua code.
    b.append(l, unsafe { str_bytes(v.as_ptr()) });
    return_self(l)
}

/// A cdata argument converted to `const void *` like a C argument.
fn cdata_address_arg(l: State, idx: c_int, v: TValue) -> *const u8 {
    let mut p: u64 = 0;
    // SAFETY: the destination is p, with room for a pointer.
    let r = unsafe {
        crate::ffi::conv::lua_to_c(
            l,
            &mut crate::ffi::CtsLock::acquire(l),
            crate::ffi::ctype::CTID_P_CVOID,
            &mut p as *mut u64 as *mut u8,
            v,
            crate::ffi::conv::CONV_ARG,
        )
    };
    if let Err(msg) = r {
        arg_error(l, idx, msg.as_bytes());
    }
    p as *const u8
}

/// Append the value at `idx` as `buf:put` does.
fn put_value(l: State, b: BufRef, idx: c_int) {
    let v = value_at(l, idx);
    if v.is_str() {
        // SAFETY: the string at idx, live in its slot; appending runs no
        // Lua code.
        b.append(l, unsafe { str_bytes(v.as_ptr()) });
        return;
    }
    if v.is_num() {
        let mut t = Vec::new();
        crate::numfmt::fmt_number(v.as_num(), &mut t);
        b.append(l, &t);
        return;
    }
    if let Some(other) = BufRef::at(l, idx) {
        if other == b {
            arg_error(l, idx, b"cannot put buffer into itself");
        }
        // Another buffer's area: growing this one does not move it.
        other.with_contents(|s| b.append(l, s));
        return;
    }
    let mm = l.get_mm(v, crate::meta::MM_TOSTRING);
    if !mm.is_nil() {
        let r = crate::vm::call_meta1(l, mm, &[v]);
        let mut t = crate::mem::ShortBuf::of(l);
        if r.is_str() {
            // SAFETY: the string the metamethod just returned; nothing can
            // collect it before it is copied (no Lua code, no collector
            // step in between).
            t.extend_from_slice(unsafe { str_bytes(r.as_ptr()) });
        } else if r.is_num() {
            crate::numfmt::fmt_number(r.as_num(), &mut t);
        } else {
            put_type_error(l, idx);
        }
        b.append(l, &t);
        return;
    }
    put_type_error(l, idx)
}

fn put_type_error(l: State, idx: c_int) -> ! {
    let got = type_name(value_at(l, idx));
    let m = format!("string/number/__tostring expected, got {}", got);
    arg_error(l, idx, m.as_bytes())
}

extern "C-unwind" fn buf_put(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = arg_count(l);
    for i in 2..=n {
        put_value(l, b, i);
    }
    return_self(l)
}

extern "C-unwind" fn buf_putf(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let mut out = crate::mem::ShortBuf::of(l);
    super::string::format_into(l, 2, &mut out);
    b.append(l, &out);
    return_self(l)
}

extern "C-unwind" fn buf_get(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = arg_count(l).max(2);
    // SAFETY: a NUL-terminated literal.
    unsafe { luaL_checkstack(l, n, c"too many results".as_ptr()) };
    for i in 2..=n {
        let want = if value_at(l, i).is_nil() {
            usize::MAX
        } else {
            check_len_arg(l, i)
        };
        let k = want.min(b.len());
        b.push_prefix(l, k);
        b.consume(k);
    }
    n - 1
}

extern "C-unwind" fn buf_tostring(l: State) -> c_int {
    let b = check_buffer(l, 1);
    b.push_prefix(l, usize::MAX);
    1
}

extern "C-unwind" fn buf_len(l: State) -> c_int {
    let b = check_buffer(l, 1);
    push_num(l, b.len() as f64);
    1
}

/// `..` with a buffer operand: buffers concatenate as their contents
/// (LuaJIT does this in the VM; here the buffer metatable's `__concat`).
extern "C-unwind" fn buf_concat(l: State) -> c_int {
    let a = value_at(l, 1);
    let b = value_at(l, 2);
    let plain = |idx: c_int, v: TValue| v.is_str() || v.is_num() || BufRef::at(l, idx).is_some();
    if !(plain(1, a) && plain(2, b)) {
        // Another operand's own __concat takes precedence, as in LuaJIT.
        let other = if BufRef::at(l, 1).is_some() { b } else { a };
        let mm = l.get_mm(other, crate::meta::MM_CONCAT);
        if !mm.is_nil() && BufRef::at(l, if other.0 == a.0 { 1 } else { 2 }).is_none() {
            let r = crate::vm::call_meta1(l, mm, &[a, b]);
            push_value(l, r);
            return 1;
        }
        let bad = if a.is_str() || a.is_num() { b } else { a };
        let m = format!("attempt to concatenate a {} value", type_name(bad));
        error_str(l, &m);
    }
    let mut out = crate::mem::ShortBuf::of(l);
    for (idx, v) in [(1, a), (2, b)] {
        if let Some(p) = BufRef::at(l, idx) {
            p.with_contents(|s| out.extend_from_slice(s));
        } else if v.is_str() {
            // SAFETY: operand idx, a string, live in its slot.
            out.extend_from_slice(unsafe { str_bytes(v.as_ptr()) });
        } else {
            crate::numfmt::fmt_number(v.as_num(), &mut out);
        }
    }
    push_str(l, &out);
    1
}

extern "C-unwind" fn buf_commit(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = check_len_arg(l, 2);
    if n > b.space() {
        arg_error(l, 2, b"number out of range");
    }
    b.commit(n);
    return_self(l)
}

/// Push a `uint8_t *` cdata for `p` and a length.
fn push_byte_pointer(l: State, p: *mut u8, n: usize) -> c_int {
    let id = crate::ffi::CtsLock::acquire(l).ptr_to(crate::ffi::ctype::CTID_UINT8);
    let v = crate::ffi::conv::new_pointer(l, id, p as u64);
    push_value(l, v);
    push_num(l, n as f64);
    crate::gc::check(l);
    2
}

extern "C-unwind" fn buf_reserve(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = check_len_arg(l, 2);
    b.reserve(l, n);
    push_byte_pointer(l, b.addr(b.get().w), b.space())
}

extern "C-unwind" fn buf_ref(l: State) -> c_int {
    let b = check_buffer(l, 1);
    push_byte_pointer(l, b.addr(b.get().r), b.len())
}

extern "C-unwind" fn buf_putcdata(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let v = value_at(l, 2);
    if !v.is(TID_CDATA) {
        type_error(l, 2, "cdata");
    }
    // Any cdata with an address (pointers, arrays, structs) is accepted.
    let p = cdata_address_arg(l, 2, v);
    let n = check_len_arg(l, 3);
    if n > 0 {
        // Copy first: the source may point into this buffer.
        let mut bytes = StateBuf::of(l);
        // SAFETY: as in LuaJIT, the caller vouches for n readable bytes at
        // the cdata's address; they are copied at once.
        bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(p, n) });
        b.append(l, &bytes);
    }
    return_self(l)
}

// ---- Serialization.

/// Serializer options: lookup tables from the buffer's environment.
#[derive(Clone, Copy)]
struct Dicts {
    str_list: *mut GcTab,
    str_map: *mut GcTab,
    mt_list: *mut GcTab,
    mt_map: *mut GcTab,
}

impl Dicts {
    const NONE: Dicts = Dicts {
        str_list: std::ptr::null_mut(),
        str_map: std::ptr::null_mut(),
        mt_list: std::ptr::null_mut(),
        mt_map: std::ptr::null_mut(),
    };
}

/// The options of the buffer at `idx`. The tables stay alive in the
/// buffer's environment while it is on the stack (nothing can change an
/// environment made here: debug.setfenv would need a table, and keeps
/// the options reachable until the next collection at the earliest).
fn dicts_of(l: State, idx: c_int) -> Dicts {
    let b = check_buffer(l, idx);
    if !b.get().has_options {
        return Dicts::NONE;
    }
    let u: *mut GcUdata = value_at(l, idx).as_ptr();
    // SAFETY: the buffer userdata at idx, live in its slot; read by value.
    let env = unsafe { (*u).env };
    let slot = |i: i32| {
        // SAFETY: a buffer with options has its option table as env, live
        // while the buffer (an argument) is.
        let v = unsafe { table::get_int(env, i as i64) };
        if v.is_tab() {
            v.as_ptr()
        } else {
            std::ptr::null_mut()
        }
    };
    Dicts {
        str_list: slot(ENV_DICT_STR),
        str_map: slot(ENV_DICT_STR_MAP),
        mt_list: slot(ENV_DICT_MT),
        mt_map: slot(ENV_DICT_MT_MAP),
    }
}

/// LuaJIT's variable-length integer: one byte below 0xe0, two bytes below
/// 0x1fe0, else 0xff and four little-endian bytes.
fn put_u124(out: &mut StateBuf, v: u32) {
    if v < 0xe0 {
        out.push(v as u8);
    } else if v < 0x1fe0 {
        let v = v - 0xe0;
        out.push(0xe0 | (v >> 8) as u8);
        out.push(v as u8);
    } else {
        out.push(0xff);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Lookup of a value in an option map: its 0-based dictionary index.
fn dict_index(map: *mut GcTab, key: TValue) -> Option<u32> {
    if map.is_null() {
        return None;
    }
    // SAFETY: map is one of the option tables of a buffer being
    // serialized into (see dicts_of), live while the buffer is.
    let v = unsafe { table::get(map, key) };
    if v.is_num() {
        Some(v.as_num() as u32)
    } else {
        None
    }
}

fn encode_value(l: State, out: &mut StateBuf, v: TValue, d: &Dicts, depth: u32) {
    if v.is_nil() {
        out.push(TAG_NIL as u8);
    } else if v.is_false() {
        out.push(TAG_FALSE as u8);
    } else if v.is_bool() {
        out.push(TAG_TRUE as u8);
    } else if v.is_num() {
        out.push(TAG_NUM as u8);
        out.extend_from_slice(&v.as_num().to_bits().to_le_bytes());
    } else if v.is_str() {
        // SAFETY: a string reachable from the value being encoded (an
        // argument); encoding runs no Lua code and does not step the
        // collector.
        let s = unsafe { str_bytes(v.as_ptr()) };
        put_u124(out, TAG_STR + s.len() as u32);
        out.extend_from_slice(s);
    } else if v.is_lightud() {
        let p = v.payload();
        if p == 0 {
            out.push(TAG_NULL as u8);
        } else if p >> 32 == 0 {
            out.push(TAG_LIGHTUD32 as u8);
            out.extend_from_slice(&(p as u32).to_le_bytes());
        } else {
            out.push(TAG_LIGHTUD64 as u8);
            out.extend_from_slice(&p.to_le_bytes());
        }
    } else if v.is_tab() {
        // SAFETY: a table reachable from the value being encoded (an
        // argument).
        unsafe { encode_table(l, out, v.as_ptr(), d, depth) };
    } else if let Some((tag, bytes)) = boxed_cdata_bytes(l, v) {
        out.push(tag as u8);
        out.extend_from_slice(&bytes);
    } else {
        let m = format!("cannot serialize '{}'", type_name(v));
        error_str(l, &m);
    }
}

/// The serialized form of a boxed 64-bit integer or complex number.
fn boxed_cdata_bytes(l: State, v: TValue) -> Option<(u32, Vec<u8>)> {
    use crate::ffi::ctype::*;
    if !v.is(TID_CDATA) {
        return None;
    }
    let cd = crate::ffi::cdata::of(v);
    let id = cd.ctypeid();
    let p = cd.payload();
    let tag = match id {
        CTID_INT64 => TAG_INT64,
        CTID_UINT64 => TAG_UINT64,
        CTID_COMPLEX_DOUBLE => TAG_COMPLEX,
        _ => return None,
    };
    let _ = l;
    let n = if tag == TAG_COMPLEX { 16 } else { 8 };
    // SAFETY: the payload of a live 64-bit integer (8 bytes) or complex
    // (16 bytes) cdata, reachable from the value being encoded.
    Some((tag, unsafe { std::slice::from_raw_parts(p, n) }.to_vec()))
}

/// # Safety
/// `t` is a live table reachable from the value being encoded.
unsafe fn encode_table(l: State, out: &mut StateBuf, t: *mut GcTab, d: &Dicts, depth: u32) {
    if depth == 0 {
        error_str(l, "too deep to serialize");
    }
    let nilnode = leaf::nilnode(l);
    // SAFETY: t is a live table reachable from the value being encoded; its
    // array and node areas have the sizes recorded in asize and hmask.
    // Encoding runs no Lua code and does not step the collector, so the
    // table is neither changed nor freed while the borrows last.
    unsafe {
        let tr = &*t;
        let array = |i: usize| *tr.array.add(i);
        let mut narray = 0usize;
        for i in (0..tr.asize as usize).rev() {
            if !array(i).is_nil() {
                narray = i + 1;
                break;
            }
        }
        // Slot 0 is written only when it is used.
        let one: u32 = if narray > 0 && array(0).is_nil() {
            4
        } else {
            2
        };
        let nodes: &[Node] = if tr.node == nilnode {
            &[]
        } else {
            std::slice::from_raw_parts(tr.node, tr.hmask as usize + 1)
        };
        let nhash = nodes.iter().filter(|n| !n.val.is_nil()).count();
        if !tr.metatable.is_null() {
            let mtv = TValue::gcobj(TID_TAB, tr.metatable as *const crate::gc::GcHeader);
            if let Some(i) = dict_index(d.mt_map, mtv) {
                out.push(TAG_DICT_MT as u8);
                put_u124(out, i);
            }
        }
        let tag = TAG_TAB + (nhash > 0) as u32 + if narray > 0 { one } else { 0 };
        out.push(tag as u8);
        if narray > 0 {
            put_u124(out, narray as u32);
        }
        if nhash > 0 {
            put_u124(out, nhash as u32);
        }
        for i in (one >> 2) as usize..narray {
            encode_value(l, out, array(i), d, depth - 1);
        }
        for n in nodes.iter().rev() {
            if n.val.is_nil() {
                continue;
            }
            match (n.key.is_str(), dict_index(d.str_map, n.key)) {
                (true, Some(i)) => {
                    out.push(TAG_DICT_STR as u8);
                    put_u124(out, i);
                }
                _ => encode_value(l, out, n.key, d, depth - 1),
            }
            encode_value(l, out, n.val, d, depth - 1);
        }
    }
}

/// Where serialized data is read from.
enum Source {
    /// A string argument (immutable, live in its slot).
    Str(crate::string::StrRef),
    /// A buffer's contents (consumed only when decoding ends). They are
    /// looked up again at every read: a finalizer run while values are
    /// made may change or free the buffer's area (the data read then is
    /// garbage, but every read stays in bounds).
    Buf(BufRef),
}

/// Reads serialized values, pushing them on the Lua stack.
struct Decoder {
    l: State,
    src: Source,
    /// Bytes consumed so far.
    pos: usize,
    d: Dicts,
}

impl Decoder {
    fn eob(&self) -> ! {
        error_str(self.l, "unexpected end of buffer")
    }

    /// The unread bytes, to `f`, which must not run Lua code or step the
    /// collector.
    fn with_rest<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match &self.src {
            Source::Str(s) => f(s.get(self.pos..).unwrap_or(&[])),
            Source::Buf(b) => b.with_contents(|c| f(c.get(self.pos..).unwrap_or(&[]))),
        }
    }

    /// Bytes left to read.
    fn remaining(&self) -> usize {
        self.with_rest(|r| r.len())
    }

    /// The next `N` bytes.
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let a = self.with_rest(|r| r.get(..N).map(|s| <[u8; N]>::try_from(s).expect("N bytes")));
        let Some(a) = a else { self.eob() };
        self.pos += N;
        a
    }

    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    fn u124(&mut self) -> u32 {
        let b = self.u8() as u32;
        if b < 0xe0 {
            b
        } else if b != 0xff {
            let lo = self.u8() as u32;
            (((b & 0x1f) << 8) | lo) + 0xe0
        } else {
            u32::from_le_bytes(self.take::<4>())
        }
    }

    /// Push the next `n` bytes as a string.
    fn push_string(&mut self, n: usize) {
        let l = self.l;
        if self.remaining() < n {
            self.eob();
        }
        if n >= crate::string::MAX_STR_LEN {
            // As push_str: a memory error for an overlong string.
            crate::stdlib::string::err_mem(l);
        }
        // The string is interned (copied) before the collector can run.
        self.with_rest(|r| {
            // SAFETY: a slice: n <= r.len() readable bytes.
            unsafe { lua_pushlstring(l, r.as_ptr() as *const std::os::raw::c_char, n) }
        });
        self.pos += n;
    }

    fn dict_error(&self, idx: u32) -> ! {
        let m = format!("cannot deserialize dictionary index {}", idx as u64 + 1);
        error_str(self.l, &m)
    }

    fn tag_error(&self, tag: u32) -> ! {
        let m = format!("cannot deserialize tag 0x{:02x}", tag);
        error_str(self.l, &m)
    }

    /// Decode one value and push it.
    fn value(&mut self, depth: u32) {
        let l = self.l;
        // SAFETY: a NUL-terminated literal.
        unsafe { luaL_checkstack(l, 4, c"too deep to serialize".as_ptr()) };
        let tag = self.u124();
        match tag {
            TAG_NIL => push_nil(l),
            TAG_FALSE => push_bool(l, false),
            TAG_TRUE => push_bool(l, true),
            TAG_NULL => push_value(l, TValue::lightud(std::ptr::null_mut())),
            TAG_LIGHTUD32 => {
                let p = u32::from_le_bytes(self.take()) as usize;
                push_value(l, TValue::lightud(p as *mut std::ffi::c_void));
            }
            TAG_LIGHTUD64 => {
                let p = u64::from_le_bytes(self.take()) as usize;
                push_value(l, TValue::lightud(p as *mut std::ffi::c_void));
            }
            TAG_INT => {
                push_num(l, i32::from_le_bytes(self.take()) as f64);
            }
            TAG_NUM => {
                push_num(l, f64::from_bits(u64::from_le_bytes(self.take())));
            }
            0x08..=0x0d => self.table(tag, depth),
            TAG_DICT_MT => {
                let idx = self.u124();
                let mt = if self.d.mt_list.is_null() {
                    TValue::NIL
                } else {
                    // SAFETY: an option table of the buffer being decoded
                    // (see dicts_of), live while the buffer is.
                    unsafe { table::get_int(self.d.mt_list, idx as i64 + 1) }
                };
                if !mt.is_tab() {
                    self.dict_error(idx);
                }
                let save = self.pos;
                let next = self.u124();
                if !(0x08..=0x0d).contains(&next) {
                    self.tag_error(next);
                }
                self.pos = save;
                self.value(depth);
                push_value(l, mt);
                lua_setmetatable(l, -2);
            }
            TAG_DICT_STR => {
                let idx = self.u124();
                let s = if self.d.str_list.is_null() {
                    TValue::NIL
                } else {
                    // SAFETY: as above.
                    unsafe { table::get_int(self.d.str_list, idx as i64 + 1) }
                };
                if !s.is_str() {
                    self.dict_error(idx);
                }
                push_value(l, s);
            }
            TAG_INT64 | TAG_UINT64 | TAG_COMPLEX if !crate::stdlib::ffi::is_loaded(l) => {
                if tag == TAG_COMPLEX {
                    self.take::<16>();
                } else {
                    self.take::<8>();
                }
                self.tag_error(tag);
            }
            TAG_INT64 | TAG_UINT64 => {
                let raw = self.take::<8>();
                let v = crate::ffi::conv::new_int64(l, i64::from_le_bytes(raw), tag == TAG_UINT64);
                push_value(l, v);
            }
            TAG_COMPLEX => {
                let raw = self.take::<16>();
                let re = f64::from_le_bytes(raw[..8].try_into().expect("8 bytes"));
                let im = f64::from_le_bytes(raw[8..].try_into().expect("8 bytes"));
                // SAFETY: making a cdata constant only allocates (a leaf:
                // no Lua code, no collector step, no State-taking call).
                let v = crate::ffi::new_constant(
                    unsafe { l.global_mut() },
                    crate::ffi::Constant::Complex(re, im),
                );
                push_value(l, v);
            }
            0x13..=0x1f => self.tag_error(tag),
            _ => {
                self.push_string((tag - TAG_STR) as usize);
            }
        }
    }

    fn table(&mut self, tag: u32, depth: u32) {
        let l = self.l;
        if depth == 0 {
            error_str(l, "too deep to serialize");
        }
        let narray = if tag & 6 != 0 { self.u124() } else { 0 };
        let nhash = if tag & 1 != 0 { self.u124() } else { 0 };
        if narray > table::MAX_ASIZE || table::hsize2hbits(nhash) > 26 {
            error_str(l, "table overflow");
        }
        let first = if tag & 4 != 0 { 1 } else { 0 };
        // Every value takes at least one byte: fail before allocating.
        let need = narray.saturating_sub(first) as u64 + 2 * nhash as u64;
        if need > self.remaining() as u64 {
            self.eob();
        }
        let t = leaf::new_table_sized(l, narray, table::hsize2hbits(nhash));
        push_value(l, TValue::gcobj(TID_TAB, t as *const crate::gc::GcHeader));
        for i in first..narray {
            self.value(depth - 1);
            lua_rawseti(l, -2, i as c_int);
        }
        for _ in 0..nhash {
            self.value(depth - 1);
            let k = value_at(l, -1);
            if k.is_nil() {
                error_str(l, "table index is nil");
            }
            if k.is_num() && k.as_num().is_nan() {
                error_str(l, "table index is NaN");
            }
            self.value(depth - 1);
            lua_rawset(l, -3);
        }
    }
}

extern "C-unwind" fn buf_encode(l: State) -> c_int {
    let b = check_buffer(l, 1);
    check_any(l, 2);
    let d = dicts_of(l, 1);
    let mut out = StateBuf::of(l);
    encode_value(l, &mut out, value_at(l, 2), &d, MAX_DEPTH);
    b.append(l, &out);
    return_self(l)
}

extern "C-unwind" fn buf_decode(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let d = dicts_of(l, 1);
    let mut dec = Decoder {
        l,
        src: Source::Buf(b),
        pos: 0,
        d,
    };
    lua_settop(l, 1);
    dec.value(MAX_DEPTH);
    b.consume(dec.pos);
    1
}

extern "C-unwind" fn lib_encode(l: State) -> c_int {
    check_any(l, 1);
    let mut out = StateBuf::of(l);
    encode_value(l, &mut out, value_at(l, 1), &Dicts::NONE, MAX_DEPTH);
    push_str(l, &out);
    1
}

extern "C-unwind" fn lib_decode(l: State) -> c_int {
    let v = value_at(l, 1);
    if !v.is_str() {
        type_error(l, 1, "string");
    }
    // SAFETY: argument 1, a string (checked), live in its slot.
    let data = unsafe { crate::string::StrRef::from_raw(v.as_ptr()) };
    let mut dec = Decoder {
        l,
        src: Source::Str(data),
        pos: 0,
        d: Dicts::NONE,
    };
    dec.value(MAX_DEPTH);
    if dec.remaining() != 0 {
        error_str(l, "left-over data in buffer");
    }
    1
}

// ---- Construction.

/// Validate an option array (`dict` of strings or `metatable` of tables)
/// and build its reverse map (value -> 0-based index).
fn prep_dict(l: State, list_idx: c_int, want_str: bool) {
    let list: *mut GcTab = value_at(l, list_idx).as_ptr();
    // SAFETY: the option array is a table on the stack.
    let n = unsafe { table::len(list) };
    lua_createtable(l, 0, n as c_int);
    for i in 1..=n as i64 {
        // SAFETY: as above.
        let v = unsafe { table::get_int(list, i) };
        if v.is_nil() {
            continue;
        }
        if (want_str && !v.is_str()) || (!want_str && !v.is_tab()) {
            error_str(l, "bad options table");
        }
        push_value(l, v);
        push_num(l, (i - 1) as f64);
        lua_rawset(l, -3);
    }
}

extern "C-unwind" fn lib_new(l: State) -> c_int {
    let mut size = 0usize;
    let mut targ = 1;
    let n = arg_count(l);
    if n >= 1 && !value_at(l, 1).is_tab() {
        targ = 2;
        if !value_at(l, 1).is_nil() {
            let s = check_len_arg(l, 1) as i64;
            if s > MAX_BUF {
                arg_error(l, 1, b"number out of range");
            }
            size = s as usize;
        }
    }
    let mut has_options = false;
    if n >= targ {
        check_type(l, targ, LUA_TTABLE);
        lua_createtable(l, 4, 0);
        let env = arg_count(l);
        get_field(l, targ, "dict");
        if value_at(l, -1).is_tab() {
            prep_dict(l, -1, true);
            lua_rawseti(l, env, ENV_DICT_STR_MAP);
            lua_rawseti(l, env, ENV_DICT_STR);
            has_options = true;
        } else {
            lua_settop(l, env);
        }
        get_field(l, targ, "metatable");
        if value_at(l, -1).is_tab() {
            prep_dict(l, -1, false);
            lua_rawseti(l, env, ENV_DICT_MT_MAP);
            lua_rawseti(l, env, ENV_DICT_MT);
            has_options = true;
        } else {
            lua_settop(l, env);
        }
    }
    let p = lua_newuserdata(l, std::mem::size_of::<SBuf>()) as *mut SBuf;
    let u: *mut GcUdata = value_at(l, -1).as_ptr();
    // SAFETY: u is the userdata just pushed and p its payload, sized for an
    // SBuf; it is initialised (an empty buffer) before it is tagged as one.
    unsafe {
        p.write(SBuf {
            data: std::ptr::null_mut(),
            cap: 0,
            r: 0,
            w: 0,
            has_options,
        });
        (*u).udtype = UDTYPE_BUFFER;
    }
    let b = BufRef::at(l, -1).expect("a buffer was just pushed");
    get_field(l, LUA_REGISTRYINDEX, MT_KEY);
    lua_setmetatable(l, -2);
    if has_options {
        lua_pushvalue(l, -2);
        lua_setfenv(l, -2);
    }
    if size > 0 {
        b.reserve(l, size);
    }
    1
}

#[no_mangle]
pub extern "C-unwind" fn luaopen_string_buffer(l: State) -> c_int {
    // The metatable doubles as the method table, as in LuaJIT; the ids
    // are LuaJIT's builtin numbers (tostring(buf.put) reads "builtin#N").
    let methods: [(&str, CFn, FastFunc); 17] = [
        ("free", buf_free, FastFunc::BufferMethodFree),
        ("reset", buf_reset, FastFunc::BufferMethodReset),
        ("skip", buf_skip, FastFunc::BufferMethodSkip),
        ("set", buf_set, FastFunc::BufferMethodSet),
        ("put", buf_put, FastFunc::BufferMethodPut),
        ("putf", buf_putf, FastFunc::BufferMethodPutf),
        ("get", buf_get, FastFunc::BufferMethodGet),
        ("putcdata", buf_putcdata, FastFunc::BufferMethodPutcdata),
        ("reserve", buf_reserve, FastFunc::BufferMethodReserve),
        ("commit", buf_commit, FastFunc::BufferMethodCommit),
        ("ref", buf_ref, FastFunc::BufferMethodRef),
        ("encode", buf_encode, FastFunc::BufferMethodEncode),
        ("decode", buf_decode, FastFunc::BufferMethodDecode),
        ("__gc", buf_gc, FastFunc::BufferMethodGc),
        ("tostring", buf_tostring, FastFunc::BufferMethodTostring),
        ("__len", buf_len, FastFunc::BufferMethodLen),
        ("__concat", buf_concat, FastFunc::C),
    ];
    lua_createtable(l, 0, methods.len() as c_int + 3);
    for (name, f, id) in methods {
        push_cfunc(l, f, id);
        set_field(l, -2, name);
    }
    get_field(l, -1, "tostring");
    set_field(l, -2, "__tostring");
    lua_pushvalue(l, -1);
    set_field(l, -2, "__index");
    push_str(l, b"buffer");
    set_field(l, -2, "__metatable");
    set_field(l, LUA_REGISTRYINDEX, MT_KEY);
    lua_createtable(l, 0, 3);
    push_cfunc(l, lib_new, FastFunc::BufferNew);
    set_field(l, -2, "new");
    push_cfunc(l, lib_encode, FastFunc::BufferEncode);
    set_field(l, -2, "encode");
    push_cfunc(l, lib_decode, FastFunc::BufferDecode);
    set_field(l, -2, "decode");
    register_loaded(l, "string.buffer", false);
    1
}
