//! Conversions between Lua values and C values, and between C types, with
//! LuaJIT's rules: implicit conversions are checked, casts are not.

use crate::state::State;
use crate::string::{str_bytes, GcStr};
use crate::udata::GcUdata;
use crate::value::*;

use super::cdata;
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

/// Addresses below this are never mapped (Linux keeps at least the first
/// page unmapped): reading or writing there through a NULL pointer, or a
/// NULL pointer plus a small offset, raises an error instead of crashing
/// (where LuaJIT crashes).
pub const NULL_GUARD: usize = 4096;
pub const NULL_ACCESS: &str = "attempt to dereference a NULL pointer";

/// Whether memory at `p` is certainly not accessible (see `NULL_GUARD`).
pub fn is_null_access(p: *const u8) -> bool {
    (p as usize) < NULL_GUARD
}

/// An explicit cast (`ffi.cast`): any scalar converts to any scalar.
pub const CONV_CAST: u32 = 1;
/// Initialising a new object (`ffi.new`, fields of a table initializer).
pub const CONV_INIT: u32 = 2;
/// Passing an argument to a C function.
pub const CONV_ARG: u32 = 4;

/// The type name used in conversion errors: the C type of a cdata, the
/// Lua type name otherwise.
pub fn value_type_name(cts: &CTState, v: TValue) -> String {
    if v.is(TID_CDATA) {
        // A reference is named by the type it refers to.
        let id = cdata::of(v).ctypeid();
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
            cts.repr(raw_for_message(cts, did))
        );
    }
    format!(
        "cannot convert '{}' to '{}'",
        cts.repr(sid),
        cts.repr(raw_for_message(cts, did))
    )
}

/// A destination type as the reference names it in conversion errors:
/// structs, unions and enums without their qualifiers or alignment.
pub fn raw_for_message(cts: &CTState, id: CTypeId) -> CTypeId {
    match cts.get(id).kind {
        CKind::Struct | CKind::Enum => cts.original(id),
        _ => id,
    }
}

fn lua_conv_error(cts: &CTState, v: TValue, did: CTypeId) -> String {
    // A Lua boolean converts as a C bool, and is named so.
    let from = if v.is_bool() {
        "bool".to_string()
    } else {
        value_type_name(cts, v)
    };
    format!(
        "cannot convert '{}' to '{}'",
        from,
        cts.repr(raw_for_message(cts, did))
    )
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
    // SAFETY: p has `size` readable bytes (the caller's contract); the
    // reads are unaligned.
    unsafe {
        match (size, unsigned) {
            (1, false) => (p as *const i8).read() as i64,
            (1, true) => p.read() as i64,
            (2, false) => (p as *const i16).read_unaligned() as i64,
            (2, true) => (p as *const u16).read_unaligned() as i64,
            (4, false) => (p as *const i32).read_unaligned() as i64,
            (4, true) => (p as *const u32).read_unaligned() as i64,
            _ => (p as *const i64).read_unaligned(),
        }
    }
}

/// Store the low `size` bytes of an integer.
///
/// # Safety
/// `p` points to `size` writable bytes.
pub unsafe fn write_int(p: *mut u8, size: u32, v: i64) {
    // SAFETY: p has `size` writable bytes (the caller's contract); the
    // writes are unaligned.
    unsafe {
        match size {
            1 => p.write(v as u8),
            2 => (p as *mut u16).write_unaligned(v as u16),
            4 => (p as *mut u32).write_unaligned(v as u32),
            _ => (p as *mut i64).write_unaligned(v),
        }
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
    // SAFETY: p holds a value of type id (the caller's contract), so it
    // has `ct.size` readable bytes; the reads are unaligned.
    unsafe {
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
}

/// Store a scalar into a number type (integer, bool, float, enum).
///
/// # Safety
/// `p` points to writable memory of type `id`.
pub unsafe fn write_scalar(cts: &CTState, id: CTypeId, p: *mut u8, s: Scalar) {
    let id = enum_base(cts, id);
    let ct = cts.get(id);
    // SAFETY (all writes below): p has room for a value of type id (the
    // caller's contract), `ct.size` bytes; the writes are unaligned.
    if ct.has(CTF_BOOL) {
        let b = match s {
            Scalar::Int(i, _) => i != 0,
            Scalar::Float(f) => f != 0.0,
        };
        // (A bool may be 4 bytes: `_Bool int`.)
        // SAFETY: see above.
        unsafe { write_int(p, ct.size, b as i64) };
    } else if ct.has(CTF_FP) {
        let f = match s {
            Scalar::Int(i, true) => i as u64 as f64,
            Scalar::Int(i, false) => i as f64,
            Scalar::Float(f) => f,
        };
        // SAFETY: see above (a long double is a double and zero padding).
        unsafe {
            if ct.size == 4 {
                (p as *mut f32).write_unaligned(f as f32);
            } else {
                (p as *mut f64).write_unaligned(f);
                if ct.size > 8 {
                    std::ptr::write_bytes(p.add(8), 0, ct.size as usize - 8);
                }
            }
        }
    } else {
        let i = match s {
            Scalar::Int(i, _) => i,
            Scalar::Float(f) => double_to_int(f, ct.size, ct.has(CTF_UNSIGNED)),
        };
        // SAFETY: see above.
        unsafe { write_int(p, ct.size, i) };
    }
}

/// How strictly the targets of two pointers must agree.
#[derive(Clone, Copy, PartialEq)]
pub enum PtrCheck {
    /// An implicit conversion: qualifiers may be added to the target, not
    /// dropped, and `void *` converts to and from any object pointer.
    Implicit,
    /// Below the first level of indirection (`char **` to `const char **`
    /// is refused, as in C): the qualifiers must be the same.
    SameQualifiers,
    /// Pointer comparison and subtraction: qualifiers do not matter.
    IgnoreQualifiers,
}

/// The target type of a pointer, array or reference, and its qualifiers,
/// with enums resolved to their integer type (as the reference compares
/// them).
fn pointer_target(cts: &CTState, child: CTypeId) -> (CTypeId, u32) {
    let mut id = child;
    let mut qual = 0;
    loop {
        let ct = cts.get(id);
        qual |= ct.flags & CTF_QUAL;
        if ct.kind != CKind::Enum || ct.child == id {
            return (id, qual);
        }
        id = ct.child;
    }
}

/// Whether the pointer, array or struct value `s` converts to the pointer
/// or array `d` without a cast. LuaJIT's rules, which are looser than C's:
/// the targets must be of the same kind and size, numbers may differ in
/// signedness but not be bool or floating-point against the other (so
/// `unsigned char *[1]` converts to `char **`), pointer and array targets
/// are compared the same way one level down with equal qualifiers, structs
/// must be the same struct, and functions must take as many parameters. A
/// struct value stands for a pointer to it.
pub fn ptr_compatible(cts: &CTState, d: CTypeId, s: CTypeId, check: PtrCheck) -> bool {
    if d == s {
        return true;
    }
    let (dt, dqual) = pointer_target(cts, cts.get(d).child);
    let (st, squal) = if cts.get(s).kind == CKind::Struct {
        (s, 0)
    } else {
        pointer_target(cts, cts.get(s).child)
    };
    targets_compatible(cts, (dt, dqual), (st, squal), check)
}

/// The core of `ptr_compatible`, on the targets and their qualifiers.
fn targets_compatible(
    cts: &CTState,
    (dt, dqual): (CTypeId, u32),
    (st, squal): (CTypeId, u32),
    check: PtrCheck,
) -> bool {
    let (dc, sc) = (cts.get(dt), cts.get(st));
    match check {
        PtrCheck::SameQualifiers if dqual != squal => return false,
        PtrCheck::Implicit => {
            if squal & !dqual != 0 {
                return false;
            }
            if dc.kind == CKind::Void || sc.kind == CKind::Void {
                return true;
            }
        }
        _ => {}
    }
    if dc.kind != sc.kind || dc.size != sc.size {
        return false;
    }
    match dc.kind {
        CKind::Num => (dc.flags ^ sc.flags) & (CTF_BOOL | CTF_FP) == 0,
        CKind::Ptr | CKind::Array => ptr_compatible(cts, dt, st, PtrCheck::SameQualifiers),
        CKind::Struct => cts.original(dt) == cts.original(st),
        // The reference keeps a function's parameter count as its size:
        // functions agree when they take as many parameters.
        CKind::Func => dc.fields.len() == sc.fields.len(),
        CKind::Void | CKind::Enum => true,
    }
}

/// Whether the C function `func` converts to the pointer `d` without a
/// cast (as a pointer to the function).
fn func_ptr_compatible(cts: &CTState, d: CTypeId, func: CTypeId) -> bool {
    let (dt, dqual) = pointer_target(cts, cts.get(d).child);
    let squal = cts.get(func).flags & CTF_QUAL;
    targets_compatible(cts, (dt, dqual), (func, squal), PtrCheck::Implicit)
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

/// What a C type is for conversions: the reference converts by these
/// categories (enums as their integer type, references as pointers).
#[derive(Clone, Copy, PartialEq)]
enum Category {
    Bool,
    Int,
    Float,
    Complex,
    Vector,
    Pointer,
    Array,
    Struct,
    Function,
    Other,
}

fn category(ct: &CType) -> Category {
    match ct.kind {
        CKind::Num if ct.has(CTF_BOOL) => Category::Bool,
        CKind::Num if ct.has(CTF_FP) => Category::Float,
        CKind::Num | CKind::Enum => Category::Int,
        CKind::Ptr => Category::Pointer,
        CKind::Array if ct.has(CTF_COMPLEX) => Category::Complex,
        CKind::Array if ct.has(CTF_VECTOR) => Category::Vector,
        CKind::Array => Category::Array,
        CKind::Struct => Category::Struct,
        CKind::Func => Category::Function,
        CKind::Void => Category::Other,
    }
}

/// Convert the C value at `src` (type `sid`) into `dst` (type `did`),
/// by LuaJIT's table of conversions: numbers (bool, integer, floating
/// point, complex) convert among themselves (a complex number as its real
/// part; nothing converts to a bool from a complex number), numbers splat
/// into vectors, pointers only from pointers, arrays, structs and
/// functions of compatible types (`ptr_compatible`) or by a cast from an
/// integer, integers from pointers and arrays only by a cast, and arrays
/// and structs are copied only from the same type.
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
    let sc = cts.get(sid);
    if sc.is_ref() {
        // A reference converts as the value it refers to.
        // SAFETY: src holds a reference (the caller's contract): 8 bytes.
        let p = unsafe { (src as *const u64).read_unaligned() } as *const u8;
        let target = category(cts.get(enum_base(cts, sc.child)));
        if is_null_access(p) && !matches!(target, Category::Array | Category::Struct) {
            return Err(NULL_ACCESS.into());
        }
        // SAFETY: a reference refers to a value of its target type (the
        // FFI trusts the addresses the program made, as LuaJIT does;
        // only the NULL guard area is refused).
        return unsafe { c_to_c(cts, did, dst, sc.child, p, mode) };
    }
    // Enums convert as their integer type (and are named so in errors).
    let (did, sid) = (enum_base(cts, did), enum_base(cts, sid));
    let (dc, sc) = (cts.get(did), cts.get(sid));
    let cast = mode & CONV_CAST != 0;
    let fail = || Err(conv_error(cts, sid, did));
    use Category::*;
    // SAFETY (every block below): src holds a value of type sid and dst
    // has room for a value of type did (the caller's contract), so each
    // arm reads at most `sc.size` bytes at src and writes at most
    // `dc.size` bytes at dst, unaligned; a complex number's parts are
    // its halves, a vector's elements lie inside it, and pointers are
    // 8 bytes. Aggregates are copied with `copy`, which allows overlap.
    match (category(dc), category(sc)) {
        (Bool | Int | Float, Bool | Int | Float) => {
            // SAFETY: see above.
            unsafe { write_scalar(cts, did, dst, read_scalar(cts, sid, src)) };
        }
        (Int | Float, Complex) => {
            // The real part.
            // SAFETY: see above.
            unsafe { write_scalar(cts, did, dst, read_scalar(cts, sc.child, src)) };
        }
        (Int, Pointer | Function) if cast => {
            // SAFETY: see above.
            unsafe {
                let p = (src as *const u64).read_unaligned();
                write_scalar(cts, did, dst, Scalar::Int(p as i64, true));
            }
        }
        (Int, Array) if cast => {
            // SAFETY: see above.
            unsafe { write_scalar(cts, did, dst, Scalar::Int(src as i64, true)) };
        }
        (Complex, Int | Float) => {
            let half = (dc.size / 2) as usize;
            // SAFETY: see above.
            unsafe {
                write_scalar(cts, dc.child, dst, read_scalar(cts, sid, src));
                std::ptr::write_bytes(dst.add(half), 0, half);
            }
        }
        (Complex, Complex) => {
            // Part by part (either precision).
            let (dh, sh) = ((dc.size / 2) as usize, (sc.size / 2) as usize);
            // SAFETY: see above.
            unsafe {
                write_scalar(cts, dc.child, dst, read_scalar(cts, sc.child, src));
                let im = read_scalar(cts, sc.child, src.add(sh));
                write_scalar(cts, dc.child, dst.add(dh), im);
            }
        }
        (Vector, Int | Float | Complex) => {
            // The first element, then copies of it.
            let elem = dc.child;
            // SAFETY: see above; the first element is at the vector's start.
            unsafe { c_to_c(cts, elem, dst, sid, src, mode)? };
            let esize = cts.get(elem).size as usize;
            if esize > 0 {
                let mut ofs = esize;
                while ofs + esize <= dc.size as usize {
                    // SAFETY: see above; both elements lie inside dst.
                    unsafe { std::ptr::copy_nonoverlapping(dst, dst.add(ofs), esize) };
                    ofs += esize;
                }
            }
        }
        (Vector, Vector) => {
            // Vectors of the same size, whatever their elements.
            if dc.size != sc.size {
                return fail();
            }
            if is_null_access(src) {
                return Err(NULL_ACCESS.into());
            }
            // SAFETY: see above (same size).
            unsafe { std::ptr::copy(src, dst, dc.size as usize) };
        }
        (Pointer, Int) if cast => {
            // SAFETY: see above.
            let v = match unsafe { read_scalar(cts, sid, src) } {
                Scalar::Int(i, _) => i,
                Scalar::Float(f) => double_to_int(f, 8, false),
            };
            // SAFETY: see above.
            unsafe { (dst as *mut i64).write_unaligned(v) };
        }
        (Pointer, Pointer) => {
            if !cast && !ptr_compatible(cts, did, sid, PtrCheck::Implicit) {
                return fail();
            }
            // SAFETY: see above.
            unsafe { (dst as *mut u64).write_unaligned((src as *const u64).read_unaligned()) };
        }
        (Pointer, Array | Struct) => {
            // Arrays decay to a pointer to their first element; a struct
            // converts to a pointer to it.
            if !cast && !ptr_compatible(cts, did, sid, PtrCheck::Implicit) {
                return fail();
            }
            // SAFETY: see above.
            unsafe { (dst as *mut u64).write_unaligned(src as u64) };
        }
        (Pointer, Function) => {
            // A C function (from a library namespace) holds its address:
            // it converts as a pointer to the function.
            if !cast && !func_ptr_compatible(cts, did, sid) {
                return fail();
            }
            // SAFETY: see above.
            unsafe { (dst as *mut u64).write_unaligned((src as *const u64).read_unaligned()) };
        }
        (Array, Array) => {
            // A copy between arrays of the same known size whose elements
            // agree as pointer targets do (`char[4]` from `unsigned
            // char[4]`); never into a VLA, never by a cast.
            if cast
                || dc.has(CTF_VLA)
                || dc.size == CTSIZE_INVALID
                || dc.size != sc.size
                || !ptr_compatible(cts, did, sid, PtrCheck::Implicit)
            {
                return fail();
            }
            if is_null_access(src) {
                return Err(NULL_ACCESS.into());
            }
            // SAFETY: see above (same known size).
            unsafe { std::ptr::copy(src, dst, dc.size as usize) };
        }
        (Struct, Struct) => {
            // Only a copy of the same struct (qualifiers aside), not a
            // cast, and not into a variable-length struct.
            if cast || dc.has(CTF_VLS) || cts.original(did) != cts.original(sid) {
                return fail();
            }
            if is_null_access(src) {
                return Err(NULL_ACCESS.into());
            }
            // SAFETY: see above (the same struct, so the same size).
            unsafe { std::ptr::copy(src, dst, dc.size as usize) };
        }
        _ => return fail(),
    }
    Ok(())
}

/// Convert a Lua value into a C value of type `did` at `dst`.
///
/// # Safety
/// `dst` points to writable memory for a value of type `did`.
#[inline]
pub unsafe fn lua_to_c(
    l: State,
    cts: &mut CTState,
    did: CTypeId,
    dst: *mut u8,
    v: TValue,
    mode: u32,
) -> Result<(), String> {
    // SAFETY: the caller's contract; an array of unknown or zero size is
    // the program's memory of the size it says (as in LuaJIT).
    unsafe { lua_to_c_in(l, cts, did, dst, v, mode, usize::MAX) }
}

/// `lua_to_c` where `dst` has `room` bytes: a string copied into an array
/// of unknown or zero size (a VLA, a flexible or zero-length member) takes
/// at most that many, where LuaJIT writes all of it, past the object.
///
/// # Safety
/// `dst` points to writable memory for a value of type `did`, and to
/// `room` writable bytes if `did` is an array of unknown or zero size.
pub unsafe fn lua_to_c_in(
    l: State,
    cts: &mut CTState,
    did: CTypeId,
    dst: *mut u8,
    v: TValue,
    mode: u32,
    room: usize,
) -> Result<(), String> {
    let dc = head(cts, did);
    let cast = mode & CONV_CAST != 0;
    // The category of the destination, enums as their integer type.
    let dcat = category(cts.get(enum_base(cts, did)));
    // An error naming the Lua type of the value (errors found after the
    // value became a C value name that, as in the reference: numbers,
    // strings and nil by their Lua type, the destination enum as its
    // integer type).
    let lua_error = |cts: &CTState, resolved: bool| {
        let d = if resolved { enum_base(cts, did) } else { did };
        Err(lua_conv_error(cts, v, d))
    };
    // SAFETY (every block below that writes dst): dst has room for a
    // value of type did (the caller's contract): `dc.size` bytes, written
    // unaligned; a complex number's halves lie inside it. Sources made
    // here (a number, a bool, a pointer) are locals of the type named.
    if v.is_num() {
        let n = v.as_num();
        return match dcat {
            Category::Bool | Category::Int | Category::Float => {
                // SAFETY: see above.
                unsafe { write_scalar(cts, did, dst, Scalar::Float(n)) };
                Ok(())
            }
            Category::Complex => {
                let half = (dc.size / 2) as usize;
                // SAFETY: see above.
                unsafe {
                    write_scalar(cts, dc.child, dst, Scalar::Float(n));
                    std::ptr::write_bytes(dst.add(half), 0, half);
                }
                Ok(())
            }
            // SAFETY: see above.
            Category::Vector => unsafe {
                c_to_c(
                    cts,
                    did,
                    dst,
                    CTID_DOUBLE,
                    &n as *const f64 as *const u8,
                    mode,
                )
            },
            Category::Pointer if cast => {
                // SAFETY: see above.
                unsafe { (dst as *mut i64).write_unaligned(double_to_int(n, 8, false)) };
                Ok(())
            }
            _ => lua_error(cts, true),
        };
    }
    if v.is_bool() {
        // A C bool (named 'bool'): numbers take it, complex numbers and
        // pointers do not.
        let b = v.is_truthy() as u8;
        // SAFETY: see above.
        return unsafe { c_to_c(cts, did, dst, CTID_BOOL, &b as *const u8, mode) };
    }
    if v.is_nil() {
        // A NULL `void *`.
        return match dcat {
            Category::Pointer => {
                // SAFETY: see above.
                unsafe { (dst as *mut u64).write_unaligned(0) };
                Ok(())
            }
            Category::Int if cast => {
                // SAFETY: see above.
                unsafe { write_scalar(cts, did, dst, Scalar::Int(0, true)) };
                Ok(())
            }
            _ => lua_error(cts, true),
        };
    }
    if v.is_str() {
        let s: *mut GcStr = v.as_ptr();
        // SAFETY: v is a string value its holder keeps reachable (the
        // caller's value), and strings are immutable; the slice is used
        // within this call, which frees nothing.
        let bytes = unsafe { str_bytes(s) };
        if dc.kind == CKind::Enum {
            // The name of one of its constants.
            return match enum_value(cts, did, bytes) {
                Some(val) => {
                    // SAFETY: see above.
                    unsafe { write_scalar(cts, did, dst, Scalar::Int(val, false)) };
                    Ok(())
                }
                None => lua_error(cts, false),
            };
        }
        if dcat == Category::Array {
            let elem = cts.get(dc.child);
            if !elem.is_integer() || elem.size != 1 {
                return lua_error(cts, false);
            }
            // Copy the string, with its terminating zero if it fits (an
            // array of size 0 or unknown size takes all of it that fits
            // its room).
            let cap = if dc.size == 0 || dc.size == CTSIZE_INVALID {
                (bytes.len() + 1).min(room)
            } else {
                dc.size as usize
            };
            let n = (bytes.len() + 1).min(cap);
            // SAFETY: see above: n bytes fit the array (its size, or the
            // room the caller gave an array of unknown or zero size).
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, n.min(bytes.len()));
                if n > bytes.len() {
                    dst.add(bytes.len()).write(0);
                }
            }
            return Ok(());
        }
        // Otherwise the string is a `const char []` at its data.
        // SAFETY: see above; the string's bytes are a char array.
        return match unsafe { c_to_c(cts, did, dst, CTID_A_CCHAR, bytes.as_ptr(), mode) } {
            Ok(()) => Ok(()),
            Err(_) => lua_error(cts, true),
        };
    }
    if v.is(TID_CDATA) {
        let cd = cdata::of(v);
        let src = cd.payload();
        // Converted as the reference does: a ctype object as the `int` it
        // holds, a qualified or aligned struct as the struct.
        let sid = match cd.ctypeid() {
            CTID_CTYPEID => CTID_INT32,
            id if cts.get(id).kind == CKind::Struct => cts.original(id),
            id => id,
        };
        // SAFETY: see above; a cdata's payload holds a value of its type.
        return unsafe { c_to_c(cts, did, dst, sid, src, mode) };
    }
    if v.is_lightud() || v.is_udata() {
        // A userdata converts as a `void *`: its address (a light one), its
        // payload, or an io file's FILE *.
        let p = if v.is_lightud() {
            v.payload()
        } else {
            let u: *mut GcUdata = v.as_ptr();
            // SAFETY: v is a userdata value its holder keeps reachable; an
            // io file's payload starts with its FILE *.
            unsafe {
                if (*u).udtype == crate::udata::UDTYPE_IO_FILE {
                    (crate::udata::payload(u) as *const u64).read()
                } else {
                    crate::udata::payload(u) as u64
                }
            }
        };
        // SAFETY: see above; p is a `void *`.
        return unsafe {
            c_to_c(
                cts,
                did,
                dst,
                CTID_P_VOID,
                &p as *const u64 as *const u8,
                mode,
            )
        };
    }
    if v.is_tab() {
        return match dcat {
            // (A complex number or a vector initialises like an array.)
            Category::Array | Category::Complex | Category::Vector | Category::Struct => {
                if dc.size == CTSIZE_INVALID {
                    return lua_error(cts, false);
                }
                // SAFETY: see above; dst has dc.size bytes.
                unsafe { table_init(l, cts, did, dst, v, dc.size as u64) }
            }
            _ => lua_error(cts, false),
        };
    }
    if v.is_func() && dc.kind == CKind::Ptr && cts.get(dc.child).kind == CKind::Func {
        // SAFETY: see above; dst has room for a function pointer.
        return unsafe { super::callback::new_callback(l, cts, did, dst, v) };
    }
    lua_error(cts, false)
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
    l: State,
    cts: &mut CTState,
    did: CTypeId,
    dst: *mut u8,
    v: TValue,
    size: u64,
) -> Result<(), String> {
    let t: *mut crate::table::GcTab = v.as_ptr();
    let dc = cts.get(did).clone();
    // SAFETY: dst has `size` bytes (the caller's contract).
    unsafe { std::ptr::write_bytes(dst, 0, size as usize) };
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
        // SAFETY: (here and below) v, the initializer, is a table value the
        // caller holds on the stack, so a live table.
        let start = if unsafe { crate::table::get_int(t, 0) }.is_nil() {
            1
        } else {
            0
        };
        let mut i = 0;
        loop {
            // SAFETY: as above.
            let e = unsafe { crate::table::get_int(t, (i + start) as i64) };
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
            // SAFETY: element i < n lies inside the `size` bytes at dst.
            unsafe { lua_to_c(l, cts, elem, dst.add((i * esize) as usize), e, CONV_INIT)? };
            i += 1;
        }
        if fixed && i == 1 {
            for j in 1..n {
                // SAFETY: elements 0 and j < n lie inside the `size` bytes.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        dst,
                        dst.add((j * esize) as usize),
                        esize as usize,
                    )
                };
            }
        }
        return Ok(());
    }
    // Structs: by position from index 0 or 1, or, when neither is present,
    // by member name; anonymous members are flattened into their parent.
    let mut pos: i64 = 0;
    // SAFETY: dst is an instance of did with `size` bytes.
    unsafe { struct_init_tab(l, cts, did, dst, size, t, &mut pos) }
}

/// Table initialisation of the members of `sid` at `dst` (`size` bytes of
/// instance, for a trailing VLA). `pos` is the next table index, or -1 once
/// the table turned out to hold names instead of positions. A nil ends the
/// positional members; a union takes only its first member.
///
/// # Safety
/// `dst` points to an instance of `sid` with `size` writable bytes; `t` is
/// a live table.
unsafe fn struct_init_tab(
    l: State,
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
                // SAFETY: the anonymous member is an instance of `sub` at
                // its offset inside the instance.
                unsafe {
                    struct_init_tab(
                        l,
                        cts,
                        sub,
                        dst.add(f.offset as usize),
                        size.saturating_sub(f.offset as u64),
                        t,
                        pos,
                    )?
                };
            }
            continue;
        }
        let e = if *pos >= 0 {
            let first = *pos;
            // SAFETY: (the lookups below) t is live (this function's
            // contract).
            let mut e = unsafe { crate::table::get_int(t, *pos) };
            if e.is_nil() && *pos == 0 {
                *pos = 1;
                // SAFETY: as above.
                e = unsafe { crate::table::get_int(t, 1) };
            }
            if e.is_nil() {
                if first == 0 {
                    // Neither t[0] nor t[1]: the table names its members.
                    *pos = -1;
                    // SAFETY: as above.
                    unsafe { named_member(l, t, &f.name) }
                } else {
                    break;
                }
            } else {
                *pos += 1;
                e
            }
        } else {
            // SAFETY: as above.
            unsafe { named_member(l, t, &f.name) }
        };
        if e.is_nil() {
            continue;
        }
        // SAFETY: f is a member of sid, whose instance is at dst.
        unsafe { init_member(l, cts, dst, size, f, e)? };
        if sc.has(CTF_UNION) {
            break;
        }
    }
    Ok(())
}

/// `t[name]` (raw).
///
/// # Safety
/// `t` points to a live table.
unsafe fn named_member(l: State, t: *mut crate::table::GcTab, name: &[u8]) -> TValue {
    let key = l.new_str(name);
    // SAFETY: t is live (this function's contract).
    unsafe { crate::table::get(t, key) }
}

/// Initialisation of the members of `sid` from the values `vals` in order
/// (`ffi.new(ct, a, b, ...)`), anonymous members flattened, one member of a
/// union; `next` counts the values used. Conversion errors come first; the
/// caller reports values left over.
///
/// # Safety
/// `dst` points to an instance of `sid` with `size` bytes.
pub unsafe fn struct_init_values(
    l: State,
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
                // SAFETY: the anonymous member is an instance of `sub` at
                // its offset inside the instance.
                unsafe {
                    struct_init_values(
                        l,
                        cts,
                        sub,
                        dst.add(f.offset as usize),
                        size.saturating_sub(f.offset as u64),
                        vals,
                        next,
                    )?
                };
                if sc.has(CTF_UNION) {
                    break;
                }
            }
            continue;
        }
        let e = vals[*next];
        *next += 1;
        // SAFETY: f is a member of sid, whose instance is at dst.
        unsafe { init_member(l, cts, dst, size, f, e)? };
        if sc.has(CTF_UNION) {
            break;
        }
    }
    Ok(())
}

/// Initialise one member of a struct of `size` bytes at `dst` from `e`.
///
/// # Safety
/// `dst` has `size` writable bytes of the struct `f` belongs to.
unsafe fn init_member(
    l: State,
    cts: &mut CTState,
    dst: *mut u8,
    size: u64,
    f: &CField,
    e: TValue,
) -> Result<(), String> {
    let fc = cts.get(f.ctype);
    // The variable part of a VLS takes what is left of the instance; so
    // does a string copied into a zero-length array member.
    let avail = size.saturating_sub(f.offset as u64);
    let open_array = fc.kind == CKind::Array && (fc.has(CTF_VLA) || fc.size == 0);
    if fc.kind == CKind::Array && fc.has(CTF_VLA) && e.is_tab() {
        // SAFETY: the trailing VLA has the `avail` bytes left of the
        // instance from its offset.
        unsafe { table_init(l, cts, f.ctype, dst.add(f.offset as usize), e, avail) }
    } else if open_array && e.is_str() {
        // SAFETY: as above.
        unsafe {
            lua_to_c_in(
                l,
                cts,
                f.ctype,
                dst.add(f.offset as usize),
                e,
                CONV_INIT,
                avail as usize,
            )
        }
    } else {
        // SAFETY: dst is the struct f belongs to.
        unsafe { store_field(l, cts, dst, f.into(), e, CONV_INIT) }
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

/// The mask of a bit field's bits (before shifting to its position).
fn bit_mask(bitsize: u8) -> u64 {
    if bitsize >= 64 {
        !0
    } else {
        (1u64 << bitsize) - 1
    }
}

/// Store a Lua value into a struct member (bit fields included).
///
/// # Safety
/// `base` points to the struct the member belongs to.
pub unsafe fn store_field(
    l: State,
    cts: &mut CTState,
    base: *mut u8,
    f: Member,
    v: TValue,
    mode: u32,
) -> Result<(), String> {
    // SAFETY: the member lies inside the struct at base.
    let p = unsafe { base.add(f.offset as usize) };
    if f.bitsize == 0 {
        // SAFETY: p is the member, of type f.ctype.
        return unsafe { lua_to_c(l, cts, f.ctype, p, v, mode) };
    }
    // Bit field: convert to the field's integer type, then insert the bits.
    let mut tmp = [0u8; 8];
    // SAFETY: tmp has room for any integer type.
    unsafe { lua_to_c(l, cts, f.ctype, tmp.as_mut_ptr(), v, mode)? };
    let ct = cts.get(enum_base(cts, f.ctype));
    let size = ct.size;
    // SAFETY: tmp holds the converted integer; the bit field's storage
    // unit, an integer of that size, is at p.
    unsafe {
        let val = read_int(tmp.as_ptr(), size, true) as u64;
        let mask = bit_mask(f.bitsize);
        let old = read_int(p, size, true) as u64;
        let new = (old & !(mask << f.bitpos)) | ((val & mask) << f.bitpos);
        write_int(p, size, new as i64);
    }
    Ok(())
}

/// Read a struct member into a Lua value.
///
/// # Safety
/// `base` points to the struct the member belongs to.
pub unsafe fn load_field(
    l: State,
    cts: &mut CTState,
    base: *mut u8,
    f: Member,
) -> Result<TValue, String> {
    // SAFETY: the member lies inside the struct at base.
    let p = unsafe { base.add(f.offset as usize) };
    if f.bitsize == 0 {
        // SAFETY: p is the member, of type f.ctype.
        return unsafe { c_to_lua(l, cts, f.ctype, p) };
    }
    let ct = cts.get(enum_base(cts, f.ctype));
    let (size, unsigned, is_bool) = (ct.size, ct.has(CTF_UNSIGNED), ct.has(CTF_BOOL));
    // SAFETY: the bit field's storage unit, an integer of that size, is
    // at p.
    let raw = unsafe { read_int(p, size, true) } as u64;
    let bits = (raw >> f.bitpos) & bit_mask(f.bitsize);
    if is_bool {
        return Ok(TValue::bool(bits != 0));
    }
    let v = if unsigned || f.bitsize >= 64 {
        bits as i64
    } else {
        // Sign-extend.
        let shift = 64 - f.bitsize as u32;
        ((bits << shift) as i64) >> shift
    };
    Ok(TValue::num(v as f64))
}

/// Convert the C value at `src` (type `sid`) to a Lua value: numbers that
/// fit a double become numbers, 64-bit integers, pointers and complex
/// numbers become new cdata, aggregates become references to `src`. A
/// reference to a scalar at a NULL address is an error.
///
/// # Safety
/// `src` points to a valid value of type `sid`.
pub unsafe fn c_to_lua(
    l: State,
    cts: &mut CTState,
    sid: CTypeId,
    src: *const u8,
) -> Result<TValue, String> {
    let sc = cts.get(sid);
    // SAFETY (every block below): src holds a value of type sid (the
    // caller's contract): its size in bytes, read unaligned.
    Ok(match sc.kind {
        CKind::Num | CKind::Enum => {
            let base = cts.get(enum_base(cts, sid));
            if base.has(CTF_BOOL) {
                // SAFETY: see above.
                return Ok(TValue::bool(unsafe { src.read() } != 0));
            }
            if base.size == 8 && !base.has(CTF_FP) {
                // 64-bit integers are boxed.
                let id = if base.has(CTF_UNSIGNED) {
                    CTID_UINT64
                } else {
                    CTID_INT64
                };
                // SAFETY: see above.
                return Ok(unsafe { new_scalar_cdata(l, cts, id, src, 8) });
            }
            if sc.kind == CKind::Enum {
                // Enums are boxed too (so they compare with their constants'
                // names).
                let id = cts.unqualified(sid);
                let size = cts.get(id).size;
                // SAFETY: see above.
                return Ok(unsafe { new_scalar_cdata(l, cts, id, src, size) });
            }
            // SAFETY: see above.
            match unsafe { read_scalar(cts, sid, src) } {
                Scalar::Int(i, _) => TValue::num(i as f64),
                Scalar::Float(f) => TValue::num_checked(f),
            }
        }
        CKind::Ptr if sc.has(CTF_REF) => {
            // SAFETY: see above.
            let p = unsafe { (src as *const u64).read_unaligned() } as *const u8;
            let target = cts.get(sc.child);
            let aggregate = target.kind == CKind::Struct
                || (target.kind == CKind::Array && !target.has(CTF_COMPLEX | CTF_VECTOR));
            if is_null_access(p) && !aggregate {
                return Err(NULL_ACCESS.into());
            }
            // SAFETY: a reference refers to a value of its target type (the
            // FFI trusts the addresses the program made, as LuaJIT does;
            // only the NULL guard area is refused).
            return unsafe { c_to_lua(l, cts, sc.child, p) };
        }
        CKind::Ptr => {
            let id = cts.unqualified(sid);
            // SAFETY: see above.
            unsafe { new_scalar_cdata(l, cts, id, src, 8) }
        }
        CKind::Array if sc.has(CTF_COMPLEX) => {
            let size = sc.size;
            let id = cts.unqualified(sid);
            // SAFETY: see above.
            unsafe { new_scalar_cdata(l, cts, id, src, size) }
        }
        CKind::Void => TValue::NIL,
        _ => {
            // Aggregates and functions: a reference to the memory.
            let r = cts.ref_to(sid);
            // SAFETY: the reference's value is a local address.
            unsafe { new_scalar_cdata(l, cts, r, &(src as u64) as *const u64 as *const u8, 8) }
        }
    })
}

/// A new cdata of type `id` holding a copy of `size` bytes at `src`.
///
/// # Safety
/// `src` has `size` readable bytes, a value of type `id`.
unsafe fn new_scalar_cdata(
    l: State,
    cts: &CTState,
    id: CTypeId,
    src: *const u8,
    size: u32,
) -> TValue {
    let align = cts.get(id).align;
    let cd = cdata::alloc(l, id, size, align, false);
    // SAFETY: src has `size` bytes (the caller's contract); the fresh
    // payload has `size` bytes and is a separate allocation.
    unsafe { std::ptr::copy_nonoverlapping(src, cd.payload(), size as usize) };
    cd.value()
}

/// A new boxed 64-bit integer.
pub fn new_int64(l: State, v: i64, unsigned: bool) -> TValue {
    let id = if unsigned { CTID_UINT64 } else { CTID_INT64 };
    let cd = cdata::alloc(l, id, 8, 8, false);
    // SAFETY: a fresh 8-byte payload, 16-byte aligned.
    unsafe { (cd.payload() as *mut i64).write(v) };
    cd.value()
}

/// A new pointer cdata.
pub fn new_pointer(l: State, id: CTypeId, p: u64) -> TValue {
    let cd = cdata::alloc(l, id, 8, 8, false);
    // SAFETY: a fresh 8-byte payload, 16-byte aligned.
    unsafe { (cd.payload() as *mut u64).write(p) };
    cd.value()
}
