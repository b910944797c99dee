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
use crate::gc::{mem_free, mem_realloc};
use crate::mem::StateBuf;
use crate::state::g_of;
use crate::state::State;
use crate::string::str_bytes;
use crate::table::{self, GcTab, Node};
use crate::udata::{GcUdata, UDTYPE_BUFFER};
use std::os::raw::c_int;

/// Payload of a buffer userdata.
#[repr(C)]
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

impl SBuf {
    fn len(&self) -> usize {
        self.w - self.r
    }

    fn contents<'a>(&self) -> &'a [u8] {
        if self.data.is_null() {
            return &[];
        }
        // SAFETY: r..w lies inside the allocated area.
        unsafe { std::slice::from_raw_parts(self.data.add(self.r), self.len()) }
    }

    /// Make room for `n` more bytes after `w` (moving the contents down
    /// first when that suffices).
    fn reserve(&mut self, l: State, n: usize) {
        if self.cap - self.w >= n {
            return;
        }
        let len = self.len();
        if self.r > 0 {
            if len > 0 {
                // SAFETY: both ranges lie inside the area; copy handles overlap.
                unsafe { std::ptr::copy(self.data.add(self.r), self.data, len) };
            }
            self.r = 0;
            self.w = len;
            if self.cap - self.w >= n {
                return;
            }
        }
        let need = len as u64 + n as u64;
        if need > MAX_BUF as u64 {
            super::string::err_mem(l);
        }
        let mut ncap = self.cap.max(32);
        while (ncap as u64) < need {
            ncap *= 2;
        }
        let ncap = (ncap as u64).min(MAX_BUF as u64) as usize;
        self.data = mem_realloc(g_of(l), self.data, self.cap, ncap);
        self.cap = ncap;
    }

    fn append(&mut self, l: State, s: &[u8]) {
        if s.is_empty() {
            return;
        }
        self.reserve(l, s.len());
        // SAFETY: reserve made room for s.len() bytes at w; s never points
        // into this buffer's own area (callers copy such data first).
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), self.data.add(self.w), s.len()) };
        self.w += s.len();
    }

    /// Mark `n` bytes (at most the contents) as read.
    fn consume(&mut self, n: usize) {
        self.r += n.min(self.len());
        if self.r == self.w {
            self.r = 0;
            self.w = 0;
        }
    }

    fn reset(&mut self) {
        self.r = 0;
        self.w = 0;
    }

    fn release(&mut self, l: State) {
        if !self.data.is_null() {
            mem_free(g_of(l), self.data, self.cap);
        }
        self.data = std::ptr::null_mut();
        self.cap = 0;
        self.reset();
    }
}

/// The buffer at stack index `idx`, if the value there is one.
fn test_buffer(l: State, idx: c_int) -> Option<*mut SBuf> {
    let v = value_at(l, idx);
    if !v.is_udata() {
        return None;
    }
    let u: *mut GcUdata = v.as_ptr();
    // SAFETY: u is a live userdata.
    if unsafe { (*u).udtype } != UDTYPE_BUFFER {
        return None;
    }
    Some(crate::udata::payload(u) as *mut SBuf)
}

/// `self` of a buffer method: "buffer expected" otherwise.
fn check_buffer<'a>(l: State, idx: c_int) -> &'a mut SBuf {
    match test_buffer(l, idx) {
        // SAFETY: the userdata stays on the stack during the call.
        Some(b) => unsafe { &mut *b },
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

unsafe extern "C-unwind" fn buf_free(l: State) -> c_int {
    check_buffer(l, 1).release(l);
    return_self(l)
}

unsafe extern "C-unwind" fn buf_gc(l: State) -> c_int {
    if let Some(b) = test_buffer(l, 1) {
        // SAFETY: b is the payload of the userdata at index 1.
        unsafe { (*b).release(l) };
    }
    0
}

unsafe extern "C-unwind" fn buf_reset(l: State) -> c_int {
    check_buffer(l, 1).reset();
    return_self(l)
}

unsafe extern "C-unwind" fn buf_skip(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = check_len_arg(l, 2);
    b.consume(n);
    return_self(l)
}

unsafe extern "C-unwind" fn buf_set(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let v = value_at(l, 2);
    if v.is(TID_CDATA) {
        // buf:set(ptr, len): the bytes at a cdata's address (copied).
        let p = cdata_address_arg(l, 2, v);
        let n = check_len_arg(l, 3);
        let mut bytes = StateBuf::of(l);
        if n > 0 {
            bytes.extend_from_slice(std::slice::from_raw_parts(p, n));
        }
        b.reset();
        b.append(l, &bytes);
        return return_self(l);
    }
    if !v.is_str() {
        type_error(l, 2, "string");
    }
    b.reset();
    b.append(l, str_bytes(v.as_ptr()));
    return_self(l)
}

/// A cdata argument converted to `const void *` like a C argument.
fn cdata_address_arg(l: State, idx: c_int, v: TValue) -> *const u8 {
    let mut p: u64 = 0;
    // SAFETY: p has room for a pointer.
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
fn put_value(l: State, b: *mut SBuf, idx: c_int) {
    let v = value_at(l, idx);
    // SAFETY: b is a live buffer payload; no Lua code runs while the
    // reference is used.
    let buf = unsafe { &mut *b };
    if v.is_str() {
        buf.append(l, unsafe { str_bytes(v.as_ptr()) });
        return;
    }
    if v.is_num() {
        let mut t = Vec::new();
        crate::numfmt::fmt_number(v.as_num(), &mut t);
        buf.append(l, &t);
        return;
    }
    if let Some(other) = test_buffer(l, idx) {
        if other == b {
            arg_error(l, idx, b"cannot put buffer into itself");
        }
        // SAFETY: other is a different live buffer.
        let s = unsafe { (*other).contents() };
        buf.append(l, s);
        return;
    }
    let mm = crate::meta::get_mm(g_of(l), v, crate::meta::MM_TOSTRING);
    if !mm.is_nil() {
        let r = crate::vm::call_meta1(l, mm, &[v]);
        let mut t = crate::mem::ShortBuf::of(l);
        if r.is_str() {
            t.extend_from_slice(unsafe { str_bytes(r.as_ptr()) });
        } else if r.is_num() {
            crate::numfmt::fmt_number(r.as_num(), &mut t);
        } else {
            put_type_error(l, idx);
        }
        // SAFETY: as above; the metamethod has returned.
        unsafe { (*b).append(l, &t) };
        return;
    }
    put_type_error(l, idx)
}

fn put_type_error(l: State, idx: c_int) -> ! {
    let got = type_name(value_at(l, idx));
    let m = format!("string/number/__tostring expected, got {}", got);
    arg_error(l, idx, m.as_bytes())
}

unsafe extern "C-unwind" fn buf_put(l: State) -> c_int {
    let b: *mut SBuf = check_buffer(l, 1);
    let n = arg_count(l);
    for i in 2..=n {
        put_value(l, b, i);
    }
    return_self(l)
}

unsafe extern "C-unwind" fn buf_putf(l: State) -> c_int {
    let b: *mut SBuf = check_buffer(l, 1);
    let mut out = crate::mem::ShortBuf::of(l);
    super::string::format_into(l, 2, &mut out);
    // SAFETY: b is the payload of the userdata at index 1.
    unsafe { (*b).append(l, &out) };
    return_self(l)
}

unsafe extern "C-unwind" fn buf_get(l: State) -> c_int {
    let b: *mut SBuf = check_buffer(l, 1);
    let n = arg_count(l).max(2);
    // SAFETY: l is live.
    unsafe { luaL_checkstack(l, n, b"too many results\0".as_ptr() as *const _) };
    for i in 2..=n {
        let want = if value_at(l, i).is_nil() {
            usize::MAX
        } else {
            check_len_arg(l, i)
        };
        // SAFETY: b is the payload of the userdata at index 1; the pushed
        // string is a copy.
        unsafe {
            let s = (*b).contents();
            let k = want.min(s.len());
            push_str(l, &s[..k]);
            (*b).consume(k);
        }
    }
    n - 1
}

unsafe extern "C-unwind" fn buf_tostring(l: State) -> c_int {
    let b = check_buffer(l, 1);
    push_str(l, b.contents());
    1
}

unsafe extern "C-unwind" fn buf_len(l: State) -> c_int {
    let b = check_buffer(l, 1);
    push_num(l, b.len() as f64);
    1
}

/// `..` with a buffer operand: buffers concatenate as their contents
/// (LuaJIT does this in the VM; here the buffer metatable's `__concat`).
unsafe extern "C-unwind" fn buf_concat(l: State) -> c_int {
    let a = value_at(l, 1);
    let b = value_at(l, 2);
    let plain = |idx: c_int, v: TValue| v.is_str() || v.is_num() || test_buffer(l, idx).is_some();
    if !(plain(1, a) && plain(2, b)) {
        // Another operand's own __concat takes precedence, as in LuaJIT.
        let other = if test_buffer(l, 1).is_some() { b } else { a };
        let mm = crate::meta::get_mm(g_of(l), other, crate::meta::MM_CONCAT);
        if !mm.is_nil() && test_buffer(l, if other.0 == a.0 { 1 } else { 2 }).is_none() {
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
        if let Some(p) = test_buffer(l, idx) {
            // SAFETY: p is a live buffer payload.
            out.extend_from_slice(unsafe { (*p).contents() });
        } else if v.is_str() {
            out.extend_from_slice(str_bytes(v.as_ptr()));
        } else {
            crate::numfmt::fmt_number(v.as_num(), &mut out);
        }
    }
    push_str(l, &out);
    1
}

unsafe extern "C-unwind" fn buf_commit(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = check_len_arg(l, 2);
    if n > b.cap - b.w {
        arg_error(l, 2, b"number out of range");
    }
    b.w += n;
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

unsafe extern "C-unwind" fn buf_reserve(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let n = check_len_arg(l, 2);
    b.reserve(l, n);
    let free = b.cap - b.w;
    let p = if b.data.is_null() {
        std::ptr::null_mut()
    } else {
        b.data.add(b.w)
    };
    push_byte_pointer(l, p, free)
}

unsafe extern "C-unwind" fn buf_ref(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let p = if b.data.is_null() {
        std::ptr::null_mut()
    } else {
        b.data.add(b.r)
    };
    push_byte_pointer(l, p, b.len())
}

unsafe extern "C-unwind" fn buf_putcdata(l: State) -> c_int {
    let b = check_buffer(l, 1);
    let v = value_at(l, 2);
    if !v.is(TID_CDATA) {
        type_error(l, 2, "cdata");
    }
    // Any cdata with an address (pointers, arrays, structs) is accepted.
    let p = cdata_address_arg(l, 2, v) as u64;
    let n = check_len_arg(l, 3);
    if n > 0 {
        // Copy first: the source may point into this buffer.
        let mut bytes = StateBuf::of(l);
        bytes.extend_from_slice(std::slice::from_raw_parts(p as *const u8, n));
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

fn dicts_of(l: State, idx: c_int) -> Dicts {
    let b = check_buffer(l, idx);
    if !b.has_options {
        return Dicts::NONE;
    }
    let u: *mut GcUdata = value_at(l, idx).as_ptr();
    // SAFETY: u is a live userdata whose env holds the option tables.
    let env = unsafe { (*u).env };
    let slot = |i: i32| {
        let v = table::get_int(env, i as i64);
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
    let v = table::get(map, key);
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
        encode_table(l, out, v.as_ptr(), d, depth);
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
    // SAFETY: the payload holds n bytes.
    Some((tag, unsafe { std::slice::from_raw_parts(p, n) }.to_vec()))
}

fn encode_table(l: State, out: &mut StateBuf, t: *mut GcTab, d: &Dicts, depth: u32) {
    if depth == 0 {
        error_str(l, "too deep to serialize");
    }
    // SAFETY: t is a live table; its array and node areas have the sizes
    // recorded in asize and hmask.
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
        let nodes: &[Node] = if tr.node == g_of(l).nilnode() {
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

/// Reads serialized values from `data`, pushing them on the Lua stack.
struct Decoder<'a> {
    l: State,
    data: &'a [u8],
    pos: usize,
    d: Dicts,
}

impl Decoder<'_> {
    fn eob(&self) -> ! {
        error_str(self.l, "unexpected end of buffer")
    }

    fn bytes(&mut self, n: usize) -> &[u8] {
        if self.data.len() - self.pos < n {
            self.eob();
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        s
    }

    fn u124(&mut self) -> u32 {
        let b = self.bytes(1)[0] as u32;
        if b < 0xe0 {
            b
        } else if b != 0xff {
            let lo = self.bytes(1)[0] as u32;
            (((b & 0x1f) << 8) | lo) + 0xe0
        } else {
            let s = self.bytes(4);
            u32::from_le_bytes([s[0], s[1], s[2], s[3]])
        }
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
        // SAFETY: l is live.
        unsafe { luaL_checkstack(l, 4, b"too deep to serialize\0".as_ptr() as *const _) };
        let tag = self.u124();
        match tag {
            TAG_NIL => push_nil(l),
            TAG_FALSE => push_bool(l, false),
            TAG_TRUE => push_bool(l, true),
            TAG_NULL => push_value(l, TValue::lightud(std::ptr::null_mut())),
            TAG_LIGHTUD32 => {
                let s = self.bytes(4);
                let p = u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize;
                push_value(l, TValue::lightud(p as *mut std::ffi::c_void));
            }
            TAG_LIGHTUD64 => {
                let s = self.bytes(8);
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                let p = u64::from_le_bytes(a) as usize;
                push_value(l, TValue::lightud(p as *mut std::ffi::c_void));
            }
            TAG_INT => {
                let s = self.bytes(4);
                push_num(l, i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as f64);
            }
            TAG_NUM => {
                let s = self.bytes(8);
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                push_num(l, f64::from_bits(u64::from_le_bytes(a)));
            }
            0x08..=0x0d => self.table(tag, depth),
            TAG_DICT_MT => {
                let idx = self.u124();
                let mt = if self.d.mt_list.is_null() {
                    TValue::NIL
                } else {
                    table::get_int(self.d.mt_list, idx as i64 + 1)
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
                    table::get_int(self.d.str_list, idx as i64 + 1)
                };
                if !s.is_str() {
                    self.dict_error(idx);
                }
                push_value(l, s);
            }
            TAG_INT64 | TAG_UINT64 | TAG_COMPLEX if !crate::stdlib::ffi::is_loaded(l) => {
                self.bytes(if tag == TAG_COMPLEX { 16 } else { 8 });
                self.tag_error(tag);
            }
            TAG_INT64 | TAG_UINT64 => {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(self.bytes(8));
                let v = crate::ffi::conv::new_int64(l, i64::from_le_bytes(raw), tag == TAG_UINT64);
                push_value(l, v);
            }
            TAG_COMPLEX => {
                let mut raw = [0u8; 16];
                raw.copy_from_slice(self.bytes(16));
                let re = f64::from_le_bytes(raw[..8].try_into().unwrap());
                let im = f64::from_le_bytes(raw[8..].try_into().unwrap());
                let v = crate::ffi::new_constant(g_of(l), crate::ffi::Constant::Complex(re, im));
                push_value(l, v);
            }
            0x13..=0x1f => self.tag_error(tag),
            _ => {
                let n = (tag - TAG_STR) as usize;
                let s = self.bytes(n);
                push_str(l, s);
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
        if need > (self.data.len() - self.pos) as u64 {
            self.eob();
        }
        let t = table::new(g_of(l), narray, table::hsize2hbits(nhash));
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

unsafe extern "C-unwind" fn buf_encode(l: State) -> c_int {
    let b: *mut SBuf = check_buffer(l, 1);
    check_any(l, 2);
    let d = dicts_of(l, 1);
    let mut out = StateBuf::of(l);
    encode_value(l, &mut out, value_at(l, 2), &d, MAX_DEPTH);
    // SAFETY: b is the payload of the userdata at index 1.
    unsafe { (*b).append(l, &out) };
    return_self(l)
}

unsafe extern "C-unwind" fn buf_decode(l: State) -> c_int {
    let b: *mut SBuf = check_buffer(l, 1);
    let d = dicts_of(l, 1);
    // SAFETY: b is the payload of the userdata at index 1; the data is not
    // modified while decoding.
    let data = unsafe { (*b).contents() };
    let mut dec = Decoder { l, data, pos: 0, d };
    lua_settop(l, 1);
    dec.value(MAX_DEPTH);
    let used = dec.pos;
    // SAFETY: as above.
    unsafe { (*b).consume(used) };
    1
}

unsafe extern "C-unwind" fn lib_encode(l: State) -> c_int {
    check_any(l, 1);
    let mut out = StateBuf::of(l);
    encode_value(l, &mut out, value_at(l, 1), &Dicts::NONE, MAX_DEPTH);
    push_str(l, &out);
    1
}

unsafe extern "C-unwind" fn lib_decode(l: State) -> c_int {
    let v = value_at(l, 1);
    if !v.is_str() {
        type_error(l, 1, "string");
    }
    let data = str_bytes(v.as_ptr());
    let mut dec = Decoder {
        l,
        data,
        pos: 0,
        d: Dicts::NONE,
    };
    dec.value(MAX_DEPTH);
    if dec.pos != data.len() {
        error_str(l, "left-over data in buffer");
    }
    1
}

// ---- Construction.

/// Validate an option array (`dict` of strings or `metatable` of tables)
/// and build its reverse map (value -> 0-based index).
fn prep_dict(l: State, list_idx: c_int, want_str: bool) {
    let list: *mut GcTab = value_at(l, list_idx).as_ptr();
    let n = table::len(list);
    lua_createtable(l, 0, n as c_int);
    for i in 1..=n as i64 {
        let v = table::get_int(list, i);
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

unsafe extern "C-unwind" fn lib_new(l: State) -> c_int {
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
    // SAFETY: l is live; the new userdata is initialised before use.
    unsafe {
        let p = lua_newuserdata(l, std::mem::size_of::<SBuf>()) as *mut SBuf;
        let u: *mut GcUdata = value_at(l, -1).as_ptr();
        (*u).udtype = UDTYPE_BUFFER;
        p.write(SBuf {
            data: std::ptr::null_mut(),
            cap: 0,
            r: 0,
            w: 0,
            has_options,
        });
        get_field(l, LUA_REGISTRYINDEX, MT_KEY);
        lua_setmetatable(l, -2);
        if has_options {
            lua_pushvalue(l, -2);
            lua_setfenv(l, -2);
        }
        if size > 0 {
            (*p).reserve(l, size);
        }
    }
    1
}

#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_string_buffer(l: State) -> c_int {
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
