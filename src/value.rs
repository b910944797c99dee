//! Tagged values: 8-byte NaN-boxed slots in LuaJIT's 64-bit (GC64) style.
//!
//! A number is stored as its IEEE double. Every other value carries an
//! internal type tag ("itype") in bits 47..63 and a 47-bit payload (a GC
//! object pointer or a light userdata address) in the low bits. Primitive
//! values (nil, false, true) have all payload bits set, so nil is `!0`.
//! All NaNs entering the VM from outside are canonicalised, so a double's
//! top 17 bits never collide with a tag.

use crate::gc::GcHeader;

/// Type ids in LuaJIT's order; the itype of a value is `!id & 0x1ffff`.
pub const TID_NIL: u32 = 0;
pub const TID_FALSE: u32 = 1;
pub const TID_TRUE: u32 = 2;
pub const TID_LIGHTUD: u32 = 3;
pub const TID_STR: u32 = 4;
pub const TID_UPVAL: u32 = 5;
pub const TID_THREAD: u32 = 6;
pub const TID_PROTO: u32 = 7;
pub const TID_FUNC: u32 = 8;
pub const TID_TRACE: u32 = 9;
pub const TID_CDATA: u32 = 10;
pub const TID_TAB: u32 = 11;
pub const TID_UDATA: u32 = 12;
pub const TID_NUMX: u32 = 13;

const TAG_SHIFT: u32 = 47;
const PAYLOAD_MASK: u64 = (1u64 << TAG_SHIFT) - 1;

#[inline(always)]
const fn itype_of(id: u32) -> u64 {
    (!id & 0x1ffff) as u64
}

/// Smallest itype that is not a number.
const ITYPE_MIN_TAGGED: u32 = (!TID_NUMX & 0x1ffff) as u32;

/// The canonical NaN (the one x86-64 produces for 0/0).
pub const CANONICAL_NAN: u64 = 0xfff8_0000_0000_0000;
const _: () = assert!(crate::strscan::NAN_BITS == CANONICAL_NAN);

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct TValue(pub u64);

impl TValue {
    pub const NIL: TValue = TValue(!0);
    pub const FALSE: TValue = TValue(!(1u64 << TAG_SHIFT));
    pub const TRUE: TValue = TValue(!(2u64 << TAG_SHIFT));

    /// A number from an arithmetic result computed inside the VM (hardware
    /// NaNs are already canonical).
    #[inline(always)]
    pub fn num(n: f64) -> TValue {
        TValue(n.to_bits())
    }
    /// A number from outside the VM: NaN payloads are canonicalised.
    #[inline(always)]
    pub fn num_checked(n: f64) -> TValue {
        if n.is_nan() {
            TValue(CANONICAL_NAN)
        } else {
            TValue(n.to_bits())
        }
    }
    #[inline(always)]
    pub fn bool(b: bool) -> TValue {
        if b {
            TValue::TRUE
        } else {
            TValue::FALSE
        }
    }
    #[inline(always)]
    pub fn gcobj(id: u32, p: *const GcHeader) -> TValue {
        TValue((itype_of(id) << TAG_SHIFT) | (p as u64 & PAYLOAD_MASK))
    }
    #[inline(always)]
    pub fn lightud(p: *mut std::ffi::c_void) -> TValue {
        TValue((itype_of(TID_LIGHTUD) << TAG_SHIFT) | (p as u64 & PAYLOAD_MASK))
    }

    #[inline(always)]
    pub fn itype(self) -> u32 {
        (self.0 >> TAG_SHIFT) as u32
    }
    /// The type id (TID_*); all numbers give TID_NUMX.
    #[inline(always)]
    pub fn tid(self) -> u32 {
        let it = self.itype();
        if it < ITYPE_MIN_TAGGED {
            TID_NUMX
        } else {
            !it & 0x1ffff
        }
    }
    #[inline(always)]
    pub fn is_num(self) -> bool {
        self.itype() < ITYPE_MIN_TAGGED
    }
    #[inline(always)]
    pub fn is_nil(self) -> bool {
        self.0 == !0
    }
    #[inline(always)]
    pub fn is_false(self) -> bool {
        self.0 == TValue::FALSE.0
    }
    /// nil or false.
    #[inline(always)]
    pub fn is_falsy(self) -> bool {
        self.0 >= TValue::FALSE.0
    }
    #[inline(always)]
    pub fn is_truthy(self) -> bool {
        self.0 < TValue::FALSE.0
    }
    #[inline(always)]
    pub fn is_bool(self) -> bool {
        self.0 == TValue::TRUE.0 || self.0 == TValue::FALSE.0
    }
    #[inline(always)]
    pub fn is_pri(self) -> bool {
        self.is_nil() || self.is_bool()
    }
    #[inline(always)]
    pub fn is(self, id: u32) -> bool {
        self.itype() == itype_of(id) as u32
    }
    #[inline(always)]
    pub fn is_str(self) -> bool {
        self.is(TID_STR)
    }
    #[inline(always)]
    pub fn is_tab(self) -> bool {
        self.is(TID_TAB)
    }
    #[inline(always)]
    pub fn is_func(self) -> bool {
        self.is(TID_FUNC)
    }
    #[inline(always)]
    pub fn is_udata(self) -> bool {
        self.is(TID_UDATA)
    }
    #[inline(always)]
    pub fn is_thread(self) -> bool {
        self.is(TID_THREAD)
    }
    #[inline(always)]
    pub fn is_lightud(self) -> bool {
        self.is(TID_LIGHTUD)
    }
    /// Whether the value refers to a collectable object.
    #[inline(always)]
    pub fn is_gc(self) -> bool {
        let it = self.itype();
        it >= itype_of(TID_UDATA) as u32 && it <= itype_of(TID_STR) as u32
    }
    #[inline(always)]
    pub fn as_num(self) -> f64 {
        f64::from_bits(self.0)
    }
    #[inline(always)]
    pub fn gc_ptr(self) -> *mut GcHeader {
        (self.0 & PAYLOAD_MASK) as *mut GcHeader
    }
    #[inline(always)]
    pub fn payload(self) -> u64 {
        self.0 & PAYLOAD_MASK
    }
    #[inline(always)]
    pub fn as_ptr<T>(self) -> *mut T {
        (self.0 & PAYLOAD_MASK) as *mut T
    }
}

impl std::fmt::Debug for TValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_num() {
            write!(f, "num({})", self.as_num())
        } else {
            write!(f, "tv(tid={}, {:#x})", self.tid(), self.payload())
        }
    }
}

/// `n` truncated toward zero for index computations. Unlike `as`, out of
/// range values and NaN give an arbitrary result (i64::MIN on x86-64), so
/// callers must check `result as f64 == n` (and their bounds); in exchange
/// this is one instruction instead of a saturating sequence.
#[inline(always)]
pub fn f64_trunc_index(n: f64) -> i64 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_cvttsd_si64, _mm_set_sd};
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { _mm_cvttsd_si64(_mm_set_sd(n)) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        n as i64
    }
}

/// Type names as `type()` returns them, indexed by LUA_T* (lua.h) + 1.
pub const LUA_TNONE: i32 = -1;
pub const LUA_TNIL: i32 = 0;
pub const LUA_TBOOLEAN: i32 = 1;
pub const LUA_TLIGHTUSERDATA: i32 = 2;
pub const LUA_TNUMBER: i32 = 3;
pub const LUA_TSTRING: i32 = 4;
pub const LUA_TTABLE: i32 = 5;
pub const LUA_TFUNCTION: i32 = 6;
pub const LUA_TUSERDATA: i32 = 7;
pub const LUA_TTHREAD: i32 = 8;
pub const LUA_TPROTO: i32 = 9;
pub const LUA_TCDATA: i32 = 10;

/// The public (lua.h) type of a value.
pub fn lua_type_of(v: TValue) -> i32 {
    match v.tid() {
        TID_NIL => LUA_TNIL,
        TID_FALSE | TID_TRUE => LUA_TBOOLEAN,
        TID_LIGHTUD => LUA_TLIGHTUSERDATA,
        TID_STR => LUA_TSTRING,
        TID_THREAD => LUA_TTHREAD,
        TID_PROTO => LUA_TPROTO,
        TID_FUNC => LUA_TFUNCTION,
        TID_CDATA => LUA_TCDATA,
        TID_TAB => LUA_TTABLE,
        TID_UDATA => LUA_TUSERDATA,
        _ => LUA_TNUMBER,
    }
}

pub const TYPE_NAMES: [&str; 11] = [
    "nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread",
    "proto", "cdata",
];

/// The name `type()` gives for a value.
pub fn type_name(v: TValue) -> &'static str {
    TYPE_NAMES[lua_type_of(v) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn tags_do_not_collide_with_numbers() {
        for n in [
            0.0,
            -0.0,
            1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
        ] {
            let v = TValue::num(n);
            assert!(v.is_num());
            assert_eq!(v.tid(), TID_NUMX);
        }
        assert!(TValue(CANONICAL_NAN).is_num());
        assert!(TValue::num_checked(f64::from_bits(0xffff_ffff_ffff_fff0)).is_num());
        assert!(TValue::NIL.is_nil() && !TValue::NIL.is_num());
        assert_eq!(TValue::NIL.tid(), TID_NIL);
        assert_eq!(TValue::FALSE.tid(), TID_FALSE);
        assert_eq!(TValue::TRUE.tid(), TID_TRUE);
        assert!(TValue::NIL.is_falsy() && TValue::FALSE.is_falsy() && TValue::TRUE.is_truthy());
        assert!(TValue::num(0.0).is_truthy());
        let p = 0x7fff_1234_5678usize as *const GcHeader;
        let t = TValue::gcobj(TID_TAB, p);
        assert!(t.is_tab() && t.is_gc() && t.is_truthy());
        assert_eq!(t.gc_ptr() as usize, p as usize);
        assert!(!TValue::lightud(p as *mut _).is_gc());
    }
}
