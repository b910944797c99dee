//! Operations on cdata values: indexing, arithmetic, comparison and
//! conversion to strings, with LuaJIT's semantics and error messages. The
//! `ffi` library's cdata metatable calls these.

use crate::state::State;
use crate::string::{str_bytes, GcStr};
use crate::value::*;

use super::cdata;
use super::conv::{self, Scalar};
use super::ctype::*;

/// Where an indexing expression points: a C value of a type at an address.
pub struct Place {
    pub ctype: CTypeId,
    pub addr: *mut u8,
    /// Bit field member (offset already applied to `addr`).
    pub field: Option<conv::Member>,
    /// Reached through a const struct (or a const anonymous member): not
    /// writable whatever the member's own type.
    pub readonly: bool,
    /// The cdata indexed: a string
    /// stored into an array of unknown or zero size (a VLA member) fills at
    /// most what is left of its value, when the place lies in it.
    pub owner: Option<cdata::CdRef>,
}

/// The key of an index operation as an integer, if it is a number or an
/// integer cdata.
fn key_as_index(cts: &CTState, k: TValue) -> Option<i64> {
    if k.is_num() {
        return Some(conv::double_to_int(k.as_num(), 8, false));
    }
    if k.is(TID_CDATA) {
        let cd = cdata::of(k);
        let id = cd.ctypeid();
        let ct = cts.get(id);
        if matches!(ct.kind, CKind::Num | CKind::Enum) && id != CTID_CTYPEID {
            // SAFETY: a number cdata's payload holds its value.
            return match unsafe { conv::read_scalar(cts, id, cd.payload()) } {
                Scalar::Int(i, _) => Some(i),
                Scalar::Float(f) => Some(conv::double_to_int(f, 8, false)),
            };
        }
    }
    None
}

/// The name of a key's type in "cannot be indexed with" errors.
fn key_type_name(cts: &CTState, k: TValue) -> String {
    conv::value_type_name(cts, k)
}

/// The type and address a cdata stands for when indexed: references and
/// pointers are followed to what they point at, other values are their
/// own payload.
pub fn resolve(cts: &CTState, cd: cdata::CdRef) -> (CTypeId, *mut u8, bool) {
    let id = cd.ctypeid();
    let p = cd.payload();
    let ct = cts.get(id);
    if ct.is_ref() {
        // SAFETY: a reference cdata's payload holds an address (8 bytes).
        let a = unsafe { (p as *const u64).read() } as *mut u8;
        return (ct.child, a, false);
    }
    (id, p, true)
}

/// Bytes from a place to the end of its cdata's own value when the place
/// lies in it (an element or a member), `usize::MAX` when it was reached
/// through a pointer the cdata holds (the program's memory, trusted as in
/// LuaJIT).
fn room_of(cts: &CTState, p: &Place) -> usize {
    let Some(cd) = p.owner else {
        return usize::MAX;
    };
    let (id, start, owned) = resolve(cts, cd);
    if !owned || cts.get(id).kind == CKind::Ptr {
        return usize::MAX;
    }
    let len = cd.var_len().unwrap_or(cts.get(id).size) as usize;
    let offset = (p.addr as usize).wrapping_sub(start as usize);
    len.saturating_sub(offset)
}

/// Resolve `cd[k]` to a place, or the error message.
pub fn index_place(cts: &mut CTState, cd: cdata::CdRef, k: TValue) -> Result<Place, String> {
    let (id, addr, _) = resolve(cts, cd);
    let ct = conv::head(cts, id);
    if id == CTID_CTYPEID && !k.is_str() {
        return Err(format!(
            "'ctype' cannot be indexed with '{}'",
            key_type_name(cts, k)
        ));
    }
    match ct.kind {
        CKind::Ptr | CKind::Array if !ct.has(CTF_COMPLEX) => {
            if let Some(i) = key_as_index(cts, k) {
                let base = if ct.kind == CKind::Ptr {
                    // SAFETY: addr holds a pointer (8 bytes): a pointer
                    // cdata's payload or, through a reference, memory the
                    // program declared as one (the FFI trusts the
                    // addresses the program made, as LuaJIT does).
                    unsafe { (addr as *const u64).read_unaligned() as *mut u8 }
                } else {
                    addr
                };
                let esize = cts.get(ct.child).size;
                let esize = if esize == CTSIZE_INVALID {
                    0
                } else {
                    esize as i64
                };
                return Ok(Place {
                    ctype: ct.child,
                    addr: base.wrapping_offset((i.wrapping_mul(esize)) as isize),
                    field: None,
                    readonly: false,
                    owner: Some(cd),
                });
            }
            if k.is_str() && ct.kind == CKind::Ptr {
                // Pointers to structs index their members.
                let target = cts.get(ct.child);
                if target.kind == CKind::Struct {
                    // SAFETY: addr holds a pointer (8 bytes), as above.
                    let base = unsafe { (addr as *const u64).read_unaligned() as *mut u8 };
                    return field_place(cts, ct.child, base, k, id, Some(cd));
                }
            }
            if k.is_str() {
                return Err(no_member(cts, id, k));
            }
            Err(format!(
                "'{}' cannot be indexed with '{}'",
                cts.repr(id),
                key_type_name(cts, k)
            ))
        }
        CKind::Struct if k.is_str() => field_place(cts, id, addr, k, id, Some(cd)),
        CKind::Array if ct.has(CTF_COMPLEX) => {
            // The parts are read-only: `re`/`im`, or an index whose parity
            // picks the part.
            let half = ct.size / 2;
            let part = if k.is_str() {
                // SAFETY: k is a string value the caller keeps reachable;
                // the slice is used right here.
                match unsafe { str_bytes(k.as_ptr::<GcStr>()) } {
                    b"re" => 0,
                    b"im" => 1,
                    _ => return Err(no_member(cts, id, k)),
                }
            } else if let Some(i) = key_as_index(cts, k) {
                (i & 1) as usize
            } else {
                return Err(format!(
                    "'{}' cannot be indexed with '{}'",
                    cts.repr(id),
                    key_type_name(cts, k)
                ));
            };
            Ok(Place {
                ctype: ct.child,
                addr: addr.wrapping_add(part * half as usize),
                field: None,
                readonly: true,
                owner: Some(cd),
            })
        }
        _ if k.is_str() => Err(no_member(cts, id, k)),
        _ => Err(format!(
            "'{}' cannot be indexed with '{}'",
            cts.repr(id),
            key_type_name(cts, k)
        )),
    }
}

fn no_member(cts: &CTState, id: CTypeId, k: TValue) -> String {
    format!(
        "'{}' has no member named '{}'",
        cts.repr(id),
        // SAFETY: k is a string value the caller keeps reachable; the
        // slice is used right here.
        String::from_utf8_lossy(unsafe { str_bytes(k.as_ptr::<GcStr>()) })
    )
}

fn field_place(
    cts: &CTState,
    sid: CTypeId,
    base: *mut u8,
    k: TValue,
    shown: CTypeId,
    owner: Option<cdata::CdRef>,
) -> Result<Place, String> {
    // SAFETY: k is a string value the caller keeps reachable; the slice is
    // used within this call, which frees nothing.
    let name = unsafe { str_bytes(k.as_ptr::<GcStr>()) };
    match cts.find_field(sid, name) {
        Some((f, off)) => {
            let addr = base.wrapping_add(off as usize);
            let readonly = cts.get(sid).has(CTF_CONST) || member_path_const(cts, sid, name);
            if f.bitsize != 0 {
                let mut m = conv::Member::from(f);
                m.offset = 0;
                Ok(Place {
                    ctype: f.ctype,
                    addr,
                    field: Some(m),
                    readonly,
                    owner,
                })
            } else {
                Ok(Place {
                    ctype: f.ctype,
                    addr,
                    field: None,
                    readonly,
                    owner,
                })
            }
        }
        None => Err(no_member(cts, shown, k)),
    }
}

/// Whether a member named `name` is found inside a const anonymous member.
fn member_path_const(cts: &CTState, id: CTypeId, name: &[u8]) -> bool {
    for f in &cts.get(id).fields {
        if f.name == name {
            return false;
        }
        if f.name.is_empty()
            && cts.get(f.ctype).kind == CKind::Struct
            && cts.find_field(f.ctype, name).is_some()
        {
            return cts.get(f.ctype).has(CTF_CONST) || member_path_const(cts, f.ctype, name);
        }
    }
    false
}

/// Whether a cdata used as a struct (directly or through a pointer) is
/// const: then even a metatype's `__newindex` may not be used on it.
pub fn container_readonly(cts: &CTState, cd: cdata::CdRef) -> bool {
    let (id, _, _) = resolve(cts, cd);
    let ct = cts.get(id);
    ct.has(CTF_CONST) || (ct.kind == CKind::Ptr && cts.get(ct.child).has(CTF_CONST))
}

/// A value of this type may not be assigned as a whole: it is const, an
/// array of const elements, or a struct with a const member.
fn readonly_type(cts: &CTState, id: CTypeId) -> bool {
    let ct = cts.get(id);
    if ct.has(CTF_CONST) {
        return true;
    }
    match ct.kind {
        CKind::Array if !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR) => readonly_type(cts, ct.child),
        CKind::Struct => ct.fields.iter().any(|f| readonly_type(cts, f.ctype)),
        _ => false,
    }
}

/// Read a place as a Lua value.
///
/// # Safety
/// The place's address must be valid for its type.
pub unsafe fn load(l: State, cts: &mut CTState, p: &Place) -> Result<TValue, String> {
    // SAFETY: the place's address is valid for its type (the caller's
    // contract); a bit field's place is its struct, the member at offset 0.
    unsafe {
        match &p.field {
            Some(f) => conv::load_field(l, cts, p.addr, *f),
            None => conv::c_to_lua(l, cts, p.ctype, p.addr),
        }
    }
}

/// Refuse to read or write a place through a NULL pointer (see
/// `conv::NULL_GUARD`). Struct and array places are not accessed by
/// indexing (a reference to them is made), so they pass.
pub fn check_access(cts: &CTState, p: &Place) -> Result<(), String> {
    let ct = cts.get(p.ctype);
    let aggregate = p.field.is_none()
        && (ct.kind == CKind::Struct
            || (ct.kind == CKind::Array && !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR)));
    if !aggregate && conv::is_null_access(p.addr) {
        return Err(conv::NULL_ACCESS.into());
    }
    Ok(())
}

/// Store a Lua value into a place.
///
/// # Safety
/// The place's address must be valid for its type.
pub unsafe fn store(l: State, cts: &mut CTState, p: &Place, v: TValue) -> Result<(), String> {
    if p.readonly || readonly_type(cts, p.ctype) {
        return Err("attempt to write to constant location".into());
    }
    // SAFETY (every block below): the place's address is valid for its
    // type (the caller's contract); a bit field's place is its struct.
    match &p.field {
        // SAFETY: see above.
        Some(f) => unsafe { conv::store_field(l, cts, p.addr, *f, v, 0) },
        None => {
            let ct = cts.get(p.ctype);
            if ct.is_ref() {
                // SAFETY: see above; a reference is 8 bytes.
                let target = unsafe { (p.addr as *const u64).read_unaligned() } as *mut u8;
                if conv::is_null_access(target) {
                    return Err(conv::NULL_ACCESS.into());
                }
                // SAFETY: a reference refers to a value of its target type
                // (the FFI trusts the addresses the program made, as
                // LuaJIT does; only the NULL guard area is refused).
                return unsafe { conv::lua_to_c(l, cts, ct.child, target, v, 0) };
            }
            let open_array = ct.kind == CKind::Array && (ct.size == 0 || ct.size == CTSIZE_INVALID);
            let room = if open_array && v.is_str() {
                room_of(cts, p)
            } else {
                usize::MAX
            };
            // SAFETY: see above; an array of unknown or zero size takes at
            // most `room` bytes.
            unsafe { conv::lua_to_c_in(l, cts, p.ctype, p.addr, v, 0, room) }
        }
    }
}

/// An operand of cdata arithmetic or comparison, classified.
#[derive(Clone, Copy)]
enum Operand {
    /// A pointer (arrays decay): element type and address.
    Ptr(CTypeId, CTypeId, u64),
    /// An integer (64-bit arithmetic), unsigned flag.
    Int(i64, bool),
    /// A floating-point number.
    Num(f64),
}

fn classify(cts: &CTState, v: TValue) -> Option<Operand> {
    if v.is_num() {
        return Some(Operand::Num(v.as_num()));
    }
    if v.is_bool() {
        return None;
    }
    if !v.is(TID_CDATA) {
        // Strings are not numbers here (only enum constant names, see
        // classify_pair).
        return None;
    }
    let cd = cdata::of(v);
    let (id, addr, _) = resolve(cts, cd);
    if id == CTID_CTYPEID {
        return None;
    }
    let ct = cts.get(id);
    match ct.kind {
        CKind::Ptr => {
            // SAFETY: a pointer cdata's payload, or memory a reference
            // refers to, holds 8 bytes of pointer.
            let a = unsafe { (addr as *const u64).read_unaligned() };
            Some(Operand::Ptr(id, ct.child, a))
        }
        CKind::Array if !ct.has(CTF_COMPLEX) => Some(Operand::Ptr(id, ct.child, addr as u64)),
        CKind::Num | CKind::Enum => {
            let base = cts.get(conv::enum_base(cts, id));
            // bool cdata compute as integers too.
            // Every number cdata computes as int64 (uint64_t as unsigned),
            // floating-point ones truncated, as in LuaJIT.
            // SAFETY: the payload holds a value of the type.
            match unsafe { conv::read_scalar(cts, id, addr) } {
                Scalar::Int(i, _) => {
                    Some(Operand::Int(i, base.size == 8 && base.has(CTF_UNSIGNED)))
                }
                Scalar::Float(f) => Some(Operand::Int(conv::double_to_int(f, 8, false), false)),
            }
        }
        _ => None,
    }
}

/// The raw enum type of a cdata operand, if it is an enum.
fn enum_operand(cts: &CTState, v: TValue) -> Option<CTypeId> {
    if !v.is(TID_CDATA) {
        return None;
    }
    let (id, _, _) = resolve(cts, cdata::of(v));
    let id = cts_unqual(cts, id);
    (cts.get(id).kind == CKind::Enum).then_some(id)
}

/// Classify both operands: a string next to an enum cdata stands for the
/// enum's constant of that name (an unknown name is an error).
fn classify_pair(
    cts: &CTState,
    a: TValue,
    b: TValue,
) -> Result<(Option<Operand>, Option<Operand>), String> {
    let one = |v: TValue, other: TValue| -> Result<Option<Operand>, String> {
        if v.is_str() {
            if let Some(eid) = enum_operand(cts, other) {
                // SAFETY: v is a string value the caller keeps reachable;
                // the slice is used right here.
                return match conv::enum_value(cts, eid, unsafe { str_bytes(v.as_ptr()) }) {
                    Some(k) => Ok(Some(Operand::Int(k, false))),
                    None => Err(format!("cannot convert 'string' to '{}'", cts.repr(eid))),
                };
            }
        }
        Ok(classify(cts, v))
    };
    Ok((one(a, b)?, one(b, a)?))
}

/// The error for an operation between an enum cdata and a string that is
/// not one of its constants.
pub fn enum_string_error(cts: &CTState, a: TValue, b: TValue) -> Option<String> {
    classify_pair(cts, a, b).err()
}

/// Arithmetic operators: the VM's.
pub use crate::meta::Arith as ArithOp;

/// 64-bit integer power by squaring (wrapping), as LuaJIT computes `^`.
fn ipow(mut b: u64, mut e: u64) -> u64 {
    let mut r: u64 = 1;
    while e != 0 {
        if e & 1 != 0 {
            r = r.wrapping_mul(b);
        }
        b = b.wrapping_mul(b);
        e >>= 1;
    }
    r
}

/// `a op b` when at least one operand is a cdata: Ok(None) when the
/// operands are not arithmetic cdata (the caller reports the error).
pub fn arith(
    l: State,
    cts: &mut CTState,
    op: ArithOp,
    a: TValue,
    b: TValue,
) -> Result<Option<TValue>, String> {
    let (x, y) = classify_pair(cts, a, b)?;
    let y = if op == ArithOp::Unm { x } else { y };
    let (x, y) = match (x, y) {
        (Some(x), Some(y)) => (x, y),
        _ => return Ok(None),
    };
    match (x, y) {
        (Operand::Ptr(pid, elem, p), Operand::Int(..) | Operand::Num(_))
            if matches!(op, ArithOp::Add | ArithOp::Sub) =>
        {
            let i = match y {
                Operand::Int(i, _) => i,
                Operand::Num(n) => conv::double_to_int(n, 8, false),
                _ => unreachable!(),
            };
            ptr_add(
                l,
                cts,
                pid,
                elem,
                p,
                if op == ArithOp::Sub {
                    i.wrapping_neg()
                } else {
                    i
                },
            )
        }
        (Operand::Int(..) | Operand::Num(_), Operand::Ptr(pid, elem, p)) if op == ArithOp::Add => {
            let i = match x {
                Operand::Int(i, _) => i,
                Operand::Num(n) => conv::double_to_int(n, 8, false),
                _ => unreachable!(),
            };
            ptr_add(l, cts, pid, elem, p, i)
        }
        (Operand::Ptr(pa, ea, p), Operand::Ptr(pb, eb, q)) if op == ArithOp::Sub => {
            // Pointer difference, in elements, for compatible pointers
            // (qualifiers aside).
            if !conv::ptr_compatible(cts, pa, pb, conv::PtrCheck::IgnoreQualifiers) {
                return Ok(None);
            }
            let _ = eb;
            let esize = cts.get(ea).size;
            if esize == CTSIZE_INVALID || esize == 0 {
                // Pointers to void, to incomplete types or to empty structs
                // have no difference.
                return Ok(None);
            }
            let diff = (p as i64).wrapping_sub(q as i64);
            let r = diff / esize as i64;
            // A ptrdiff_t result is a plain number (intptr_t on 64-bit).
            Ok(Some(TValue::num(r as f64)))
        }
        (Operand::Ptr(..), _) | (_, Operand::Ptr(..)) => Ok(None),
        (Operand::Int(..), _) | (_, Operand::Int(..)) => {
            let (i, ui) = int_of(x);
            let (j, uj) = int_of(y);
            let unsigned = ui || uj;
            let r = if unsigned {
                let (i, j) = (i as u64, j as u64);
                (match op {
                    ArithOp::Add => i.wrapping_add(j),
                    ArithOp::Sub => i.wrapping_sub(j),
                    ArithOp::Mul => i.wrapping_mul(j),
                    ArithOp::Div => i.checked_div(j).unwrap_or(0x8000_0000_0000_0000),
                    ArithOp::Mod => {
                        if j == 0 {
                            0x8000_0000_0000_0000
                        } else {
                            i % j
                        }
                    }
                    ArithOp::Pow => ipow(i, j),
                    ArithOp::Unm => i.wrapping_neg(),
                }) as i64
            } else {
                match op {
                    ArithOp::Add => i.wrapping_add(j),
                    ArithOp::Sub => i.wrapping_sub(j),
                    ArithOp::Mul => i.wrapping_mul(j),
                    ArithOp::Div => {
                        if j == 0 || (i == i64::MIN && j == -1) {
                            i64::MIN
                        } else {
                            i / j
                        }
                    }
                    ArithOp::Mod => {
                        if j == 0 {
                            i64::MIN
                        } else if j == -1 {
                            0
                        } else {
                            // C's remainder (sign of the dividend), as LuaJIT.
                            i % j
                        }
                    }
                    ArithOp::Pow => {
                        if j < 0 {
                            // Integer power with a negative exponent.
                            match i {
                                1 => 1,
                                -1 => {
                                    if j & 1 != 0 {
                                        -1
                                    } else {
                                        1
                                    }
                                }
                                0 => i64::MAX,
                                _ => 0,
                            }
                        } else {
                            ipow(i as u64, j as u64) as i64
                        }
                    }
                    ArithOp::Unm => i.wrapping_neg(),
                }
            };
            Ok(Some(conv::new_int64(l, r, unsigned)))
        }
        // Two plain numbers cannot reach here: one operand is a cdata,
        // and number cdata classify as integers.
        (Operand::Num(_), Operand::Num(_)) => Ok(None),
    }
}

fn cts_unqual(cts: &CTState, id: CTypeId) -> CTypeId {
    let ct = cts.get(id);
    if ct.flags & CTF_QUAL != 0 && matches!(ct.kind, CKind::Struct | CKind::Enum | CKind::Func) {
        ct.child
    } else {
        id
    }
}

fn int_of(o: Operand) -> (i64, bool) {
    match o {
        Operand::Int(i, u) => (i, u),
        Operand::Num(n) => (conv::double_to_int(n, 8, false), false),
        Operand::Ptr(..) => unreachable!(),
    }
}

fn ptr_add(
    l: State,
    cts: &mut CTState,
    pid: CTypeId,
    elem: CTypeId,
    p: u64,
    i: i64,
) -> Result<Option<TValue>, String> {
    let esize = cts.get(elem).size;
    if esize == CTSIZE_INVALID || cts.get(elem).kind == CKind::Void {
        // void * and pointers to incomplete types have no arithmetic.
        let _ = pid;
        return Ok(None);
    }
    // The result is a pointer to the element type (arrays decay).
    let rid = cts.ptr_to(elem);
    let r = p.wrapping_add((i.wrapping_mul(esize as i64)) as u64);
    Ok(Some(conv::new_pointer(l, rid, r)))
}

/// Comparison kinds.
#[derive(Clone, Copy, PartialEq)]
pub enum CmpOp {
    Eq,
    Lt,
    Le,
}

/// Compare cdata (or a cdata and a number): `None` when the operands
/// cannot be compared.
pub fn compare(cts: &CTState, op: CmpOp, a: TValue, b: TValue) -> Option<bool> {
    let (x, y) = classify_pair(cts, a, b).ok()?;
    if op == CmpOp::Eq {
        // A pointer equals a string when it points at the string's bytes.
        let string_address = |v: TValue| {
            v.is_str()
                // SAFETY: v is a string value the caller keeps reachable;
                // only its address is taken.
                .then(|| unsafe { str_bytes(v.as_ptr()) }.as_ptr() as u64)
        };
        match (x, y) {
            (Some(Operand::Ptr(_, _, p)), None) => return Some(string_address(b) == Some(p)),
            (None, Some(Operand::Ptr(_, _, q))) => return Some(string_address(a) == Some(q)),
            _ => {}
        }
    }
    let (x, y) = (x?, y?);
    Some(match (x, y) {
        (Operand::Ptr(pa, _, p), Operand::Ptr(pb, _, q)) => match op {
            // Any two pointers are equal or not; only compatible ones
            // (qualifiers aside) are ordered.
            CmpOp::Eq => p == q,
            _ if !conv::ptr_compatible(cts, pa, pb, conv::PtrCheck::IgnoreQualifiers) => {
                return None
            }
            CmpOp::Lt => p < q,
            CmpOp::Le => p <= q,
        },
        (Operand::Ptr(..), _) | (_, Operand::Ptr(..)) => return None,
        (Operand::Num(p), Operand::Num(q)) => match op {
            CmpOp::Eq => p == q,
            CmpOp::Lt => p < q,
            CmpOp::Le => p <= q,
        },
        (Operand::Int(..), _) | (_, Operand::Int(..)) => {
            let (i, ui) = int_of(x);
            let (j, uj) = int_of(y);
            if ui || uj {
                let (i, j) = (i as u64, j as u64);
                match op {
                    CmpOp::Eq => i == j,
                    CmpOp::Lt => i < j,
                    CmpOp::Le => i <= j,
                }
            } else {
                match op {
                    CmpOp::Eq => i == j,
                    CmpOp::Lt => i < j,
                    CmpOp::Le => i <= j,
                }
            }
        }
    })
}

/// Whether a value is `nil` or a cdata NULL pointer (for `==` with nil).
pub fn is_null_pointer(cts: &CTState, v: TValue) -> bool {
    if !v.is(TID_CDATA) {
        return false;
    }
    matches!(classify(cts, v), Some(Operand::Ptr(_, _, 0)))
}

/// LuaJIT's `tostring` of a cdata.
pub fn to_string(cts: &CTState, v: TValue) -> Vec<u8> {
    let cd = cdata::of(v);
    let id = cd.ctypeid();
    let p = cd.payload();
    let mut out = Vec::new();
    if id == CTID_CTYPEID {
        // SAFETY: a ctype cdata holds a type id.
        let t = unsafe { (p as *const u32).read() };
        out.extend_from_slice(format!("ctype<{}>", cts.repr(t)).as_bytes());
        return out;
    }
    let ct = cts.get(id);
    if ct.kind == CKind::Num && ct.size == 8 && !ct.has(CTF_FP) {
        // SAFETY: 8-byte integer payload.
        let i = unsafe { (p as *const i64).read() };
        if ct.has(CTF_UNSIGNED) {
            crate::numfmt::push_u64(i as u64, &mut out);
            out.extend_from_slice(b"ULL");
        } else {
            crate::numfmt::push_i64(i, &mut out);
            out.extend_from_slice(b"LL");
        }
        return out;
    }
    if ct.is_complex() {
        // SAFETY: a complex payload holds two numbers of the element type.
        let (re, im) = unsafe {
            if ct.size == 8 {
                (
                    (p as *const f32).read() as f64,
                    (p as *const f32).add(1).read() as f64,
                )
            } else {
                ((p as *const f64).read(), (p as *const f64).add(1).read())
            }
        };
        crate::numfmt::fmt_number(re, &mut out);
        if !(im >= 0.0 || im.is_nan()) || (im == 0.0 && im.is_sign_negative()) {
            // The sign comes with the number.
        } else {
            out.push(b'+');
        }
        crate::numfmt::fmt_number(im, &mut out);
        // LuaJIT marks an infinite or NaN imaginary part with "I".
        out.push(if im.is_finite() { b'i' } else { b'I' });
        return out;
    }
    if ct.kind == CKind::Enum {
        // Enums print their value.
        // SAFETY: the payload holds a value of the type.
        let v = match unsafe { conv::read_scalar(cts, id, p) } {
            Scalar::Int(i, _) => i,
            Scalar::Float(f) => f as i64,
        };
        out.extend_from_slice(format!("cdata<{}>: {}", cts.repr(id), v).as_bytes());
        return out;
    }
    let addr = if ct.kind == CKind::Ptr || ct.kind == CKind::Func {
        // SAFETY: pointer, reference and function cdata hold an address.
        unsafe { (p as *const u64).read() }
    } else {
        p as u64
    };
    out.extend_from_slice(format!("cdata<{}>: ", cts.repr(id)).as_bytes());
    crate::stdlib::format::format_pointer(&mut out, addr);
    out
}

/// `tonumber` of a cdata: number types convert, others give nil.
pub fn to_number(cts: &CTState, v: TValue) -> Option<f64> {
    let cd = cdata::of(v);
    let (id, addr, _) = resolve(cts, cd);
    if id == CTID_CTYPEID {
        // A ctype object converts to its type id.
        // SAFETY: a ctype cdata holds a type id.
        return Some(unsafe { (addr as *const u32).read() } as f64);
    }
    let ct = cts.get(id);
    match ct.kind {
        CKind::Num | CKind::Enum => {
            // SAFETY: the payload holds a value of the type.
            Some(match unsafe { conv::read_scalar(cts, id, addr) } {
                Scalar::Int(i, true) => i as u64 as f64,
                Scalar::Int(i, false) => i as f64,
                Scalar::Float(f) => f,
            })
        }
        CKind::Array if ct.has(CTF_COMPLEX) => {
            // SAFETY: the real part comes first.
            match unsafe { conv::read_scalar(cts, ct.child, addr) } {
                Scalar::Float(f) => Some(f),
                Scalar::Int(i, _) => Some(i as f64),
            }
        }
        _ => None,
    }
}
