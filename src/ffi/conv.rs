//! Conversions between Lua values and C values, and between C types, with
//! LuaJIT's rules: implicit conversions are checked, casts are not.

use crate::state::{g_of, lua_State};
use crate::string::{str_bytes, GcStr};
use crate::udata::GcUdata;
use crate::value::*;

use super::cdata::{self, GcCdata};
use super::ctype::*;

/// The scalar fields of a C type, copied out of the table (cheap, unlike
/// cloning the record with its members).
#[derive(Clone, Copy, Debug)]
pub struct Head {
    pub kind: CKind,
    pub flags: u32,
    pub size: u32,
    pub align: u32,
    pub child: CTypeId,
}

impl Head {
    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }
    #[inline]
    pub fn is_complex(&self) -> bool {
        self.kind == CKind::Array && self.has(CTF_COMPLEX)
    }
    #[inline]
    pub fn is_ref(&self) -> bool {
        self.kind == CKind::Ptr && self.has(CTF_REF)
    }
    pub fn array_len(&self, elem_size: u32) -> u32 {
        if self.size == CTSIZE_INVALID || elem_size == 0 {
            0
        } else {
            self.size / elem_size
        }
    }
}

/// The scalar fields of type `id`.
#[inline]
pub fn head(cts: &CTState, id: CTypeId) -> Head {
    let ct = cts.get(id);
    Head {
        kind: ct.kind,
        flags: ct.flags,
        size: ct.size,
        align: ct.align,
        child: ct.child,
    }
}

/// An explicit cast (`ffi.cast`): any scalar converts to any scalar.
pub const CONV_CAST: u32 = 1;
/// Initialising a new object (`ffi.new`, fields of a table initializer).
pub const CONV_INIT: u32 = 2;
/// Passing an argument to a C function.
pub const CONV_ARG: u32 = 4;

/// The FFI state of `l` (created on first use). The reference is not tied
/// to `l`'s borrow: the state is a separate allocation owned by the global
/// state and lives until the Lua state is closed.
pub fn cts_of<'a>(l: *mut lua_State) -> &'a mut CTState {
    let g = g_of(l);
    let p: *mut CTState = super::cts(g);
    // SAFETY: see above; callers do not keep it across lua_close.
    unsafe { &mut *p }
}

/// The type name used in conversion errors: the C type of a cdata, the
/// Lua type name otherwise.
pub fn value_type_name(cts: &CTState, v: TValue) -> String {
    if v.is(TID_CDATA) {
        // A reference is named by the type it refers to.
        let id = cdata::ctypeid(cdata::of(v));
        let ct = cts.get(id);
        cts.repr(if ct.is_ref() { ct.child } else { id })
    } else {
        type_name(v).to_string()
    }
}

fn conv_error(cts: &CTState, sid: CTypeId, did: CTypeId) -> String {
    // A reference is named by the type it refers to.
    let sc = cts.get(sid);
    let sid = if sc.is_ref() { sc.child } else { sid };
    if cts.get(sid).kind == CKind::Func {
        // A C function converts as a pointer to it.
        return format!(
            "cannot convert '{}' to '{}'",
            cts.repr_func_ptr(sid),
            cts.repr(did)
        );
    }
    format!("cannot convert '{}' to '{}'", cts.repr(sid), cts.repr(did))
}

fn lua_conv_error(cts: &CTState, v: TValue, did: CTypeId) -> String {
    // A Lua boolean converts as a C bool, and is named so.
    let from = if v.is_bool() {
        "bool".to_string()
    } else {
        value_type_name(cts, v)
    };
    format!("cannot convert '{}' to '{}'", from, cts.repr(did))
}

/// The integer type behind an enum (following qualified copies).
pub fn enum_base(cts: &CTState, mut id: CTypeId) -> CTypeId {
    while cts.get(id).kind == CKind::Enum {
        let c = cts.get(id).child;
        if c == id {
            break;
        }
        id = c;
    }
    id
}

/// A C integer read from memory, widened.
///
/// # Safety
/// `p` points to `size` readable bytes.
pub unsafe fn read_int(p: *const u8, size: u32, unsigned: bool) -> i64 {
    match (size, unsigned) {
        (1, false) => *(p as *const i8) as i64,
        (1, true) => *p as i64,
        (2, false) => (p as *const i16).read_unaligned() as i64,
        (2, true) => (p as *const u16).read_unaligned() as i64,
        (4, false) => (p as *const i32).read_unaligned() as i64,
        (4, true) => (p as *const u32).read_unaligned() as i64,
        _ => (p as *const i64).read_unaligned(),
    }
}

/// Store the low `size` bytes of an integer.
///
/// # Safety
/// `p` points to `size` writable bytes.
pub unsafe fn write_int(p: *mut u8, size: u32, v: i64) {
    match size {
        1 => *p = v as u8,
        2 => (p as *mut u16).write_unaligned(v as u16),
        4 => (p as *mut u32).write_unaligned(v as u32),
        _ => (p as *mut i64).write_unaligned(v),
    }
}

/// A double converted to a C integer of `size` bytes as LuaJIT does on
/// x86-64: 32-bit signed targets and smaller through a 32-bit truncation,
/// `uint32_t` and `int64_t` through a 64-bit one, `uint64_t` through a
/// signed truncation with a second try shifted by 2^64 (out-of-range values
/// give the "integer indefinite" 0x8000...).
pub fn double_to_int(n: f64, size: u32, unsigned: bool) -> i64 {
    match (size, unsigned) {
        (8, true) => {
            // Values from 2^63 on are above int64_t's range: convert them
            // shifted down by 2^64 (the same bits). Testing the value, not
            // the converted result, keeps this right where the conversion
            // saturates (ARM64) instead of giving 0x8000000000000000.
            // Negative values take the same path, as LuaJIT on x86-64 does
            // (-1 gives 0x8000000000000000 there).
            if n >= 9_223_372_036_854_775_808.0 || n <= -1.0 {
                f64_trunc_index(n - 18_446_744_073_709_551_616.0)
            } else {
                f64_trunc_index(n)
            }
        }
        (8, false) | (4, true) => f64_trunc_index(n),
        _ => trunc_i32(n) as i64,
    }
}

/// 32-bit truncation (out of range and NaN give i32::MIN, as cvttsd2si).
fn trunc_i32(n: f64) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_cvttsd_si32, _mm_set_sd};
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { _mm_cvttsd_si32(_mm_set_sd(n)) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        n as i32
    }
}

/// Scalar view of a number-like C value.
#[derive(Clone, Copy, Debug)]
pub enum Scalar {
    Int(i64, bool),
    Float(f64),
}

/// Read a number type (integer, bool, float, enum) from memory.
///
/// # Safety
/// `p` points to a value of type `id`.
pub unsafe fn read_scalar(cts: &CTState, id: CTypeId, p: *const u8) -> Scalar {
    let id = enum_base(cts, id);
    let ct = cts.get(id);
    if ct.has(CTF_FP) {
        if ct.size == 4 {
            Scalar::Float((p as *const f32).read_unaligned() as f64)
        } else {
            Scalar::Float((p as *const f64).read_unaligned())
        }
    } else {
        let u = ct.has(CTF_UNSIGNED);
        Scalar::Int(read_int(p, ct.size, u), u && ct.size == 8)
    }
}

/// Store a scalar into a number type (integer, bool, float, enum).
///
/// # Safety
/// `p` points to writable memory of type `id`.
pub unsafe fn write_scalar(cts: &CTState, id: CTypeId, p: *mut u8, s: Scalar) {
    let id = enum_base(cts, id);
    let ct = cts.get(id);
    if ct.has(CTF_BOOL) {
        *p = match s {
            Scalar::Int(i, _) => (i != 0) as u8,
            Scalar::Float(f) => (f != 0.0) as u8,
        };
    } else if ct.has(CTF_FP) {
        let f = match s {
            Scalar::Int(i, true) => i as u64 as f64,
            Scalar::Int(i, false) => i as f64,
            Scalar::Float(f) => f,
        };
        if ct.size == 4 {
            (p as *mut f32).write_unaligned(f as f32);
        } else {
            (p as *mut f64).write_unaligned(f);
            if ct.size > 8 {
                std::ptr::write_bytes(p.add(8), 0, ct.size as usize - 8);
            }
        }
    } else {
        let i = match s {
            Scalar::Int(i, _) => i,
            Scalar::Float(f) => double_to_int(f, ct.size, ct.has(CTF_UNSIGNED)),
        };
        write_int(p, ct.size, i);
    }
}

/// Whether a pointer to `s` converts implicitly to a pointer to `d`.
fn ptr_compatible(cts: &CTState, d: CTypeId, s: CTypeId) -> bool {
    let dc = cts.get(d);
    let sc = cts.get(s);
    // Qualifiers may be added, not dropped.
    if sc.flags & CTF_QUAL & !dc.flags != 0 {
        return false;
    }
    if dc.kind == CKind::Void || sc.kind == CKind::Void {
        return true;
    }
    if dc.kind == CKind::Num
        && sc.kind == CKind::Num
        && dc.size == sc.size
        && !dc.has(CTF_FP)
        && !sc.has(CTF_FP)
    {
        // Integers of the same size, ignoring signedness (`char *` and
        // `uint8_t *`).
        return true;
    }
    if dc.kind == CKind::Func && sc.kind == CKind::Func {
        // Function pointers convert freely among themselves.
        return true;
    }
    same_type_unqualified(cts, d, s)
}

/// Structural type identity ignoring top-level qualifiers.
pub fn same_type_unqualified(cts: &CTState, a: CTypeId, b: CTypeId) -> bool {
    if a == b {
        return true;
    }
    let (ac, bc) = (cts.get(a), cts.get(b));
    if ac.kind != bc.kind {
        return false;
    }
    match ac.kind {
        CKind::Struct | CKind::Enum | CKind::Func => {
            let ao = if ac.flags & CTF_QUAL != 0 {
                ac.child
            } else {
                a
            };
            let bo = if bc.flags & CTF_QUAL != 0 {
                bc.child
            } else {
                b
            };
            ao == bo
        }
        CKind::Num => (ac.flags & !CTF_QUAL) == (bc.flags & !CTF_QUAL) && ac.size == bc.size,
        CKind::Void => true,
        CKind::Ptr => {
            (ac.flags & CTF_REF) == (bc.flags & CTF_REF)
                && same_type_qualified(cts, ac.child, bc.child)
        }
        CKind::Array => {
            (ac.flags & !CTF_QUAL) == (bc.flags & !CTF_QUAL)
                && ac.size == bc.size
                && same_type_qualified(cts, ac.child, bc.child)
        }
    }
}

fn same_type_qualified(cts: &CTState, a: CTypeId, b: CTypeId) -> bool {
    (cts.get(a).flags & CTF_QUAL) == (cts.get(b).flags & CTF_QUAL)
        && same_type_unqualified(cts, a, b)
}

/// Convert the C value at `src` (type `sid`) into `dst` (type `did`).
///
/// # Safety
/// `src` and `dst` point to valid values of their types.
pub unsafe fn c_to_c(
    cts: &CTState,
    did: CTypeId,
    dst: *mut u8,
    sid: CTypeId,
    src: *const u8,
    mode: u32,
) -> Result<(), String> {
    let dc = cts.get(did);
    let sc = cts.get(sid);
    let cast = mode & CONV_CAST != 0;
    match (dc.kind, sc.kind) {
        (CKind::Num | CKind::Enum, CKind::Num | CKind::Enum) => {
            write_scalar(cts, did, dst, read_scalar(cts, sid, src));
            Ok(())
        }
        (CKind::Num | CKind::Enum, CKind::Ptr)
            if cast || cts.get(enum_base(cts, did)).has(CTF_BOOL) =>
        {
            let p = (src as *const u64).read_unaligned();
            if sc.has(CTF_REF) {
                // A reference converts as the value it refers to.
                return c_to_c(cts, did, dst, sc.child, p as *const u8, mode);
            }
            write_scalar(cts, did, dst, Scalar::Int(p as i64, true));
            Ok(())
        }
        (CKind::Num | CKind::Enum, CKind::Ptr) if sc.has(CTF_REF) => {
            let p = (src as *const u64).read_unaligned();
            c_to_c(cts, did, dst, sc.child, p as *const u8, mode)
        }
        (CKind::Num, CKind::Array) if sc.has(CTF_COMPLEX) => {
            // The real part.
            write_scalar(cts, did, dst, read_scalar(cts, sc.child, src));
            Ok(())
        }
        (CKind::Ptr, CKind::Num | CKind::Enum) => {
            // Only a Lua number (not a C float or double) casts to a pointer.
            if !cast || sc.has(CTF_FP) {
                return Err(conv_error(cts, sid, did));
            }
            let v = match read_scalar(cts, sid, src) {
                Scalar::Int(i, _) => i,
                Scalar::Float(f) => double_to_int(f, 8, false),
            };
            (dst as *mut i64).write_unaligned(v);
            Ok(())
        }
        (CKind::Ptr, CKind::Ptr) => {
            if sc.has(CTF_REF) {
                // A reference to a pointer converts as that pointer; a
                // reference to anything else is a pointer to it (an array
                // decays to its first element, also for a reference).
                let p = (src as *const u64).read_unaligned();
                let target = cts.get(sc.child);
                if target.kind == CKind::Ptr && !dc.has(CTF_REF) {
                    return c_to_c(cts, did, dst, sc.child, p as *const u8, mode);
                }
                if !cast
                    && !ptr_compatible(cts, dc.child, sc.child)
                    && !array_elem_compat(cts, dc.child, sc.child)
                {
                    return Err(conv_error(cts, sid, did));
                }
                (dst as *mut u64).write_unaligned(p);
                return Ok(());
            }
            if !cast && !ptr_compatible(cts, dc.child, sc.child) {
                return Err(conv_error(cts, sid, did));
            }
            (dst as *mut u64).write_unaligned((src as *const u64).read_unaligned());
            Ok(())
        }
        (CKind::Ptr, CKind::Array) => {
            // Arrays decay to a pointer to their first element.
            if !cast && !ptr_compatible(cts, dc.child, sc.child) {
                return Err(conv_error(cts, sid, did));
            }
            (dst as *mut u64).write_unaligned(src as u64);
            Ok(())
        }
        (CKind::Ptr, CKind::Struct) => {
            if !cast && !ptr_compatible(cts, dc.child, sid) {
                return Err(conv_error(cts, sid, did));
            }
            (dst as *mut u64).write_unaligned(src as u64);
            Ok(())
        }
        (CKind::Ptr, CKind::Func) => {
            // A C function (from a library namespace) holds its address:
            // it converts as a pointer to the function.
            if !cast && !ptr_compatible(cts, dc.child, sid) {
                return Err(conv_error(cts, sid, did));
            }
            (dst as *mut u64).write_unaligned((src as *const u64).read_unaligned());
            Ok(())
        }
        (CKind::Num | CKind::Enum, CKind::Func)
            if cast && !cts.get(enum_base(cts, did)).has(CTF_FP) =>
        {
            let p = (src as *const u64).read_unaligned();
            write_scalar(cts, did, dst, Scalar::Int(p as i64, true));
            Ok(())
        }
        (CKind::Array, CKind::Array) if dc.has(CTF_COMPLEX) && sc.has(CTF_COMPLEX) => {
            // Complex numbers of either precision convert part by part.
            let (dh, sh) = ((dc.size / 2) as usize, (sc.size / 2) as usize);
            write_scalar(cts, dc.child, dst, read_scalar(cts, sc.child, src));
            write_scalar(
                cts,
                dc.child,
                dst.add(dh),
                read_scalar(cts, sc.child, src.add(sh)),
            );
            Ok(())
        }
        (CKind::Struct, CKind::Struct) | (CKind::Array, CKind::Array)
            if (same_type_unqualified(cts, did, sid)
                || (dc.kind == CKind::Array
                    && dc.size == sc.size
                    && same_type_unqualified(cts, dc.child, sc.child)))
                && (dc.kind != CKind::Array
                    || cts.get(sc.child).flags & CTF_QUAL & !cts.get(dc.child).flags == 0) =>
        {
            std::ptr::copy(src, dst, dc.size as usize);
            Ok(())
        }
        (CKind::Struct | CKind::Array, CKind::Ptr) if sc.has(CTF_REF) => {
            let p = (src as *const u64).read_unaligned();
            c_to_c(cts, did, dst, sc.child, p as *const u8, mode)
        }
        (CKind::Array, CKind::Num) if dc.has(CTF_COMPLEX) => {
            let s = read_scalar(cts, sid, src);
            write_scalar(cts, dc.child, dst, s);
            let half = dc.size / 2;
            std::ptr::write_bytes(dst.add(half as usize), 0, half as usize);
            Ok(())
        }
        _ => Err(conv_error(cts, sid, did)),
    }
}

fn array_elem_compat(cts: &CTState, d: CTypeId, s: CTypeId) -> bool {
    let sc = cts.get(s);
    sc.kind == CKind::Array && ptr_compatible(cts, d, sc.child)
}

/// Convert a Lua value into a C value of type `did` at `dst`.
///
/// # Safety
/// `dst` points to writable memory for a value of type `did`.
pub unsafe fn lua_to_c(
    l: *mut lua_State,
    cts: &mut CTState,
    did: CTypeId,
    dst: *mut u8,
    v: TValue,
    mode: u32,
) -> Result<(), String> {
    let dc = head(cts, did);
    if v.is_num() {
        let n = v.as_num();
        return match dc.kind {
            CKind::Num | CKind::Enum => {
                write_scalar(cts, did, dst, Scalar::Float(n));
                Ok(())
            }
            CKind::Ptr if mode & CONV_CAST != 0 => {
                (dst as *mut i64).write_unaligned(double_to_int(n, 8, false));
                Ok(())
            }
            CKind::Array if dc.has(CTF_COMPLEX) => {
                write_scalar(cts, dc.child, dst, Scalar::Float(n));
                let half = dc.size / 2;
                std::ptr::write_bytes(dst.add(half as usize), 0, half as usize);
                Ok(())
            }
            _ => Err(lua_conv_error(cts, v, did)),
        };
    }
    if v.is_bool() {
        let b = v.is_truthy();
        return match dc.kind {
            CKind::Num | CKind::Enum => {
                write_scalar(cts, did, dst, Scalar::Int(b as i64, false));
                Ok(())
            }
            _ => Err(lua_conv_error(cts, v, did)),
        };
    }
    if v.is_nil() {
        return match dc.kind {
            CKind::Ptr if !dc.has(CTF_REF) => {
                (dst as *mut u64).write_unaligned(0);
                Ok(())
            }
            _ => Err(lua_conv_error(cts, v, did)),
        };
    }
    if v.is_str() {
        let s: *mut GcStr = v.as_ptr();
        let bytes = str_bytes(s);
        return match dc.kind {
            CKind::Ptr if !dc.has(CTF_REF) => {
                // Strings convert to `const char *` (pointing into the
                // string object), and that to compatible pointers.
                let child = cts.get(dc.child);
                let bytes_like = child.kind == CKind::Void
                    || (child.kind == CKind::Num && child.size == 1 && !child.has(CTF_BOOL));
                let ok = mode & CONV_CAST != 0 || (bytes_like && child.has(CTF_CONST));
                if !ok {
                    return Err(format!("cannot convert 'string' to '{}'", cts.repr(did)));
                }
                (dst as *mut u64).write_unaligned(bytes.as_ptr() as u64);
                Ok(())
            }
            CKind::Array if !dc.has(CTF_COMPLEX) => {
                let elem = cts.get(dc.child);
                if elem.kind != CKind::Num || elem.size != 1 || elem.has(CTF_BOOL) {
                    return Err(lua_conv_error(cts, v, did));
                }
                // Copy the string, with its terminating zero if it fits
                // (an array of size 0 or unknown size takes all of it).
                let cap = if dc.has(CTF_VLA) || dc.size == 0 || dc.size == CTSIZE_INVALID {
                    bytes.len() + 1
                } else {
                    dc.size as usize
                };
                let n = (bytes.len() + 1).min(cap);
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, n.min(bytes.len()));
                if n > bytes.len() {
                    *dst.add(bytes.len()) = 0;
                }
                Ok(())
            }
            CKind::Num if mode & CONV_CAST != 0 => {
                // A cast sees the string as its `const char *`.
                write_scalar(cts, did, dst, Scalar::Int(bytes.as_ptr() as i64, true));
                Ok(())
            }
            CKind::Enum => match enum_value(cts, did, bytes) {
                Some(val) => {
                    write_scalar(cts, did, dst, Scalar::Int(val, false));
                    Ok(())
                }
                None => Err(lua_conv_error(cts, v, did)),
            },
            _ => Err(lua_conv_error(cts, v, did)),
        };
    }
    if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        let sid = cdata::ctypeid(cd);
        if sid == CTID_CTYPEID {
            return Err(lua_conv_error(cts, v, did));
        }
        let src = cdata::payload(cd);
        return c_to_c(cts, did, dst, sid, src, mode);
    }
    if v.is_lightud() || v.is_udata() {
        // A userdata converts as a `void *`: its address (a light one), its
        // payload, or an io file's FILE *. Casts may make it an integer.
        let p = if v.is_lightud() {
            v.payload()
        } else {
            let u: *mut GcUdata = v.as_ptr();
            if (*u).udtype == crate::udata::UDTYPE_IO_FILE {
                *(crate::udata::payload(u) as *const u64)
            } else {
                crate::udata::payload(u) as u64
            }
        };
        return match dc.kind {
            CKind::Ptr if !dc.has(CTF_REF) => {
                (dst as *mut u64).write_unaligned(p);
                Ok(())
            }
            CKind::Num | CKind::Enum if mode & CONV_CAST != 0 => {
                write_scalar(cts, did, dst, Scalar::Int(p as i64, true));
                Ok(())
            }
            _ => Err(format!("cannot convert 'void *' to '{}'", cts.repr(did))),
        };
    }
    if v.is_tab() && matches!(dc.kind, CKind::Struct | CKind::Array) {
        // (A complex number initialises like an array of two.)
        if dc.size == CTSIZE_INVALID {
            return Err(lua_conv_error(cts, v, did));
        }
        return table_init(l, cts, did, dst, v, dc.size as u64);
    }
    if v.is_func() && dc.kind == CKind::Ptr && cts.get(dc.child).kind == CKind::Func {
        return super::callback::new_callback(l, cts, did, dst, v);
    }
    let _ = l;
    Err(lua_conv_error(cts, v, did))
}

/// The value of a named constant of an enum.
pub fn enum_value(cts: &CTState, id: CTypeId, name: &[u8]) -> Option<i64> {
    let mut ct = cts.get(id);
    if ct.fields.is_empty() && ct.flags & CTF_QUAL != 0 {
        ct = cts.get(ct.child);
    }
    ct.fields.iter().find(|f| f.name == name).map(|f| f.value)
}

/// Initialise a struct or array from a Lua table (`{1, 2}` or `{a = 1}`).
///
/// # Safety
/// `dst` has `size` writable bytes (the size of `did`, or of the VLA/VLS
/// instance being initialised).
pub unsafe fn table_init(
    l: *mut lua_State,
    cts: &mut CTState,
    did: CTypeId,
    dst: *mut u8,
    v: TValue,
    size: u64,
) -> Result<(), String> {
    let t: *mut crate::table::GcTab = v.as_ptr();
    let dc = cts.get(did).clone();
    std::ptr::write_bytes(dst, 0, size as usize);
    if dc.kind == CKind::Array {
        let elem = dc.child;
        let esize = cts.get(elem).size;
        let n = if esize == 0 || esize == CTSIZE_INVALID {
            0
        } else {
            (size / esize as u64) as u32
        };
        // Arrays take their elements from index 0 if present, else from 1,
        // up to the first nil. A fixed-size array takes no more elements
        // than it holds, and a single element fills all of it.
        let fixed = !dc.has(CTF_VLA);
        let start = if crate::table::get_int(t, 0).is_nil() {
            1
        } else {
            0
        };
        let mut i = 0;
        loop {
            let e = crate::table::get_int(t, (i + start) as i64);
            if e.is_nil() {
                break;
            }
            if i >= n {
                if fixed {
                    return Err(format!("too many initializers for '{}'", cts.repr(did)));
                }
                // (LuaJIT writes past a VLA here; the extra elements are dropped.)
                break;
            }
            lua_to_c(l, cts, elem, dst.add((i * esize) as usize), e, CONV_INIT)?;
            i += 1;
        }
        if fixed && i == 1 {
            for j in 1..n {
                std::ptr::copy_nonoverlapping(dst, dst.add((j * esize) as usize), esize as usize);
            }
        }
        return Ok(());
    }
    // Structs: by position from index 0 or 1, or, when neither is present,
    // by member name; anonymous members are flattened into their parent.
    let mut pos: i64 = 0;
    struct_init_tab(l, cts, did, dst, size, t, &mut pos)
}

/// Table initialisation of the members of `sid` at `dst` (`size` bytes of
/// instance, for a trailing VLA). `pos` is the next table index, or -1 once
/// the table turned out to hold names instead of positions. A nil ends the
/// positional members; a union takes only its first member.
unsafe fn struct_init_tab(
    l: *mut lua_State,
    cts: &mut CTState,
    sid: CTypeId,
    dst: *mut u8,
    size: u64,
    t: *mut crate::table::GcTab,
    pos: &mut i64,
) -> Result<(), String> {
    let sc = cts.get(sid).clone();
    for f in sc.fields.iter() {
        if f.name.is_empty() {
            let fc = cts.get(f.ctype);
            if fc.kind == CKind::Struct && f.bitsize == 0 {
                let sub = f.ctype;
                struct_init_tab(
                    l,
                    cts,
                    sub,
                    dst.add(f.offset as usize),
                    size.saturating_sub(f.offset as u64),
                    t,
                    pos,
                )?;
            }
            continue;
        }
        let e = if *pos >= 0 {
            let first = *pos;
            let mut e = crate::table::get_int(t, *pos);
            if e.is_nil() && *pos == 0 {
                *pos = 1;
                e = crate::table::get_int(t, 1);
            }
            if e.is_nil() {
                if first == 0 {
                    // Neither t[0] nor t[1]: the table names its members.
                    *pos = -1;
                    named_member(l, t, &f.name)
                } else {
                    break;
                }
            } else {
                *pos += 1;
                e
            }
        } else {
            named_member(l, t, &f.name)
        };
        if e.is_nil() {
            continue;
        }
        init_member(l, cts, dst, size, f, e)?;
        if sc.has(CTF_UNION) {
            break;
        }
    }
    Ok(())
}

fn named_member(l: *mut lua_State, t: *mut crate::table::GcTab, name: &[u8]) -> TValue {
    let key = crate::string::new_str_value(g_of(l), name);
    crate::table::get(t, key)
}

/// Initialisation of the members of `sid` from the values `vals` in order
/// (`ffi.new(ct, a, b, ...)`), anonymous members flattened, one member of a
/// union; `next` counts the values used. Conversion errors come first; the
/// caller reports values left over.
///
/// # Safety
/// `dst` points to an instance of `sid` with `size` bytes.
pub unsafe fn struct_init_values(
    l: *mut lua_State,
    cts: &mut CTState,
    sid: CTypeId,
    dst: *mut u8,
    size: u64,
    vals: &[TValue],
    next: &mut usize,
) -> Result<(), String> {
    let sc = cts.get(sid).clone();
    for f in sc.fields.iter() {
        if *next >= vals.len() {
            break;
        }
        if f.name.is_empty() {
            let fc = cts.get(f.ctype);
            if fc.kind == CKind::Struct && f.bitsize == 0 {
                let sub = f.ctype;
                struct_init_values(
                    l,
                    cts,
                    sub,
                    dst.add(f.offset as usize),
                    size.saturating_sub(f.offset as u64),
                    vals,
                    next,
                )?;
                if sc.has(CTF_UNION) {
                    break;
                }
            }
            continue;
        }
        let e = vals[*next];
        *next += 1;
        init_member(l, cts, dst, size, f, e)?;
        if sc.has(CTF_UNION) {
            break;
        }
    }
    Ok(())
}

/// Initialise one member of a struct of `size` bytes at `dst` from `e`
/// (safety: `dst` has `size` writable bytes of that struct).
unsafe fn init_member(
    l: *mut lua_State,
    cts: &mut CTState,
    dst: *mut u8,
    size: u64,
    f: &CField,
    e: TValue,
) -> Result<(), String> {
    let fc = cts.get(f.ctype);
    if fc.kind == CKind::Array && fc.has(CTF_VLA) && e.is_tab() {
        // The variable part of a VLS takes what is left of the instance.
        let avail = size.saturating_sub(f.offset as u64);
        table_init(l, cts, f.ctype, dst.add(f.offset as usize), e, avail)
    } else {
        store_field(l, cts, dst, f.into(), e, CONV_INIT)
    }
}

/// Where a struct member is: its type, byte offset and bit field position.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub ctype: CTypeId,
    pub offset: u32,
    pub bitpos: u8,
    /// 0: not a bit field.
    pub bitsize: u8,
}

impl From<&CField> for Member {
    fn from(f: &CField) -> Member {
        Member {
            ctype: f.ctype,
            offset: f.offset,
            bitpos: f.bitpos,
            bitsize: f.bitsize,
        }
    }
}

/// Store a Lua value into a struct member (bit fields included).
///
/// # Safety
/// `base` points to the struct the member belongs to.
pub unsafe fn store_field(
    l: *mut lua_State,
    cts: &mut CTState,
    base: *mut u8,
    f: Member,
    v: TValue,
    mode: u32,
) -> Result<(), String> {
    let p = base.add(f.offset as usize);
    if f.bitsize == 0 {
        return lua_to_c(l, cts, f.ctype, p, v, mode);
    }
    // Bit field: convert to the field's integer type, then insert the bits.
    let mut tmp = [0u8; 8];
    lua_to_c(l, cts, f.ctype, tmp.as_mut_ptr(), v, mode)?;
    let ct = cts.get(enum_base(cts, f.ctype));
    let size = ct.size;
    let val = read_int(tmp.as_ptr(), size, true) as u64;
    let mask: u64 = if f.bitsize >= 64 {
        !0
    } else {
        (1u64 << f.bitsize) - 1
    };
    let old = read_int(p, size, true) as u64;
    let new = (old & !(mask << f.bitpos)) | ((val & mask) << f.bitpos);
    write_int(p, size, new as i64);
    Ok(())
}

/// Read a struct member into a Lua value.
///
/// # Safety
/// `base` points to the struct the member belongs to.
pub unsafe fn load_field(l: *mut lua_State, cts: &mut CTState, base: *mut u8, f: Member) -> TValue {
    let p = base.add(f.offset as usize);
    if f.bitsize == 0 {
        return c_to_lua(l, cts, f.ctype, p);
    }
    let ct = cts.get(enum_base(cts, f.ctype));
    let (size, unsigned, is_bool) = (ct.size, ct.has(CTF_UNSIGNED), ct.has(CTF_BOOL));
    let raw = read_int(p, size, true) as u64;
    let mask: u64 = if f.bitsize >= 64 {
        !0
    } else {
        (1u64 << f.bitsize) - 1
    };
    let bits = (raw >> f.bitpos) & mask;
    if is_bool {
        return TValue::bool(bits != 0);
    }
    let v = if unsigned || f.bitsize >= 64 {
        bits as i64
    } else {
        // Sign-extend.
        let shift = 64 - f.bitsize as u32;
        ((bits << shift) as i64) >> shift
    };
    TValue::num(v as f64)
}

/// Convert the C value at `src` (type `sid`) to a Lua value: numbers that
/// fit a double become numbers, 64-bit integers, pointers and complex
/// numbers become new cdata, aggregates become references to `src`.
///
/// # Safety
/// `src` points to a valid value of type `sid`.
pub unsafe fn c_to_lua(
    l: *mut lua_State,
    cts: &mut CTState,
    sid: CTypeId,
    src: *const u8,
) -> TValue {
    let sc = cts.get(sid);
    match sc.kind {
        CKind::Num | CKind::Enum => {
            let base = cts.get(enum_base(cts, sid));
            if base.has(CTF_BOOL) {
                return TValue::bool(*src != 0);
            }
            if base.size == 8 && !base.has(CTF_FP) {
                // 64-bit integers are boxed.
                let id = if base.has(CTF_UNSIGNED) {
                    CTID_UINT64
                } else {
                    CTID_INT64
                };
                return new_scalar_cdata(l, cts, id, src, 8);
            }
            if sc.kind == CKind::Enum {
                // Enums are boxed too (so they compare with their constants'
                // names).
                let id = cts.unqualified(sid);
                let size = cts.get(id).size;
                return new_scalar_cdata(l, cts, id, src, size);
            }
            match read_scalar(cts, sid, src) {
                Scalar::Int(i, _) => TValue::num(i as f64),
                Scalar::Float(f) => TValue::num_checked(f),
            }
        }
        CKind::Ptr if sc.has(CTF_REF) => {
            let p = (src as *const u64).read_unaligned() as *const u8;
            c_to_lua(l, cts, sc.child, p)
        }
        CKind::Ptr => {
            let id = cts.unqualified(sid);
            new_scalar_cdata(l, cts, id, src, 8)
        }
        CKind::Array if sc.has(CTF_COMPLEX) => {
            let size = sc.size;
            let id = cts.unqualified(sid);
            new_scalar_cdata(l, cts, id, src, size)
        }
        CKind::Void => TValue::NIL,
        _ => {
            // Aggregates and functions: a reference to the memory.
            let r = cts.ref_to(sid);
            new_scalar_cdata(l, cts, r, &(src as u64) as *const u64 as *const u8, 8)
        }
    }
}

/// A new cdata of type `id` holding a copy of `size` bytes at `src`.
unsafe fn new_scalar_cdata(
    l: *mut lua_State,
    cts: &CTState,
    id: CTypeId,
    src: *const u8,
    size: u32,
) -> TValue {
    let align = cts.get(id).align;
    let cd = cdata::new(g_of(l), id, size, align, false);
    std::ptr::copy_nonoverlapping(src, cdata::payload(cd), size as usize);
    cdata::value(cd)
}

/// A new boxed 64-bit integer.
pub fn new_int64(l: *mut lua_State, v: i64, unsigned: bool) -> TValue {
    let id = if unsigned { CTID_UINT64 } else { CTID_INT64 };
    let cd = cdata::new(g_of(l), id, 8, 8, false);
    // SAFETY: a fresh 8-byte payload.
    unsafe { (cdata::payload(cd) as *mut i64).write(v) };
    cdata::value(cd)
}

/// A new pointer cdata.
pub fn new_pointer(l: *mut lua_State, id: CTypeId, p: u64) -> TValue {
    let cd = cdata::new(g_of(l), id, 8, 8, false);
    // SAFETY: a fresh 8-byte payload.
    unsafe { (cdata::payload(cd) as *mut u64).write(p) };
    cdata::value(cd)
}

/// The address a cdata stands for when used as a pointer: the stored
/// address for pointers and references, the payload for everything else.
pub fn cdata_address(cts: &CTState, cd: *mut GcCdata) -> (CTypeId, *mut u8) {
    let id = cdata::ctypeid(cd);
    let ct = cts.get(id);
    let p = cdata::payload(cd);
    if ct.kind == CKind::Ptr {
        // SAFETY: a pointer cdata holds 8 bytes.
        (id, unsafe { (p as *const u64).read() } as *mut u8)
    } else {
        (id, p)
    }
}

/// Is the value a cdata of an object type whose memory a GcCdata does not
/// own (reference) — used by callers that must look through references.
pub fn deref_ref(cts: &CTState, id: CTypeId, p: *mut u8) -> (CTypeId, *mut u8) {
    let ct = cts.get(id);
    if ct.is_ref() {
        // SAFETY: a reference cdata holds the address.
        (ct.child, unsafe { (p as *const u64).read() } as *mut u8)
    } else {
        (id, p)
    }
}
