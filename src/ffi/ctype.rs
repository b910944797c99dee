//! C types: the per-state table of C types that declarations, conversions
//! and calls work on.
//!
//! A C type is a `CType` record in `CTState::types`, named by its index (a
//! `CTypeId`). Scalar and derived types (numbers, pointers, arrays,
//! qualified variants) are interned, so equal types have equal ids;
//! aggregates and function types get a new id per declaration, as in C.
//! Qualifiers (`const`, `volatile`) are flags of the type record itself:
//! `const int` is a different id than `int`.

use std::collections::HashMap;

use crate::table::GcTab;

pub type CTypeId = u32;

/// Size of an incomplete type, a VLA or a VLS, or of `void`.
pub const CTSIZE_INVALID: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CKind {
    Void,
    /// Integer, `bool` or floating point number (see the CTF_* flags).
    Num,
    /// Pointer, or C++ reference with `CTF_REF`.
    Ptr,
    /// Array; also complex numbers (`CTF_COMPLEX`) and vectors (`CTF_VECTOR`).
    Array,
    /// Struct, or union with `CTF_UNION`.
    Struct,
    Enum,
    /// Function type: `child` is the return type, `fields` the parameters.
    Func,
}

// Qualifiers.
pub const CTF_CONST: u32 = 1 << 0;
pub const CTF_VOLATILE: u32 = 1 << 1;
pub const CTF_QUAL: u32 = CTF_CONST | CTF_VOLATILE;
/// The reference's encodings of `const` and `volatile`, which show in the
/// element counts it prints for arrays of qualified structs and enums.
const REFERENCE_CONST_BITS: u32 = 0x0200_0000;
const REFERENCE_VOLATILE_BITS: u32 = 0x0100_0000;
// Numbers.
pub const CTF_UNSIGNED: u32 = 1 << 2;
pub const CTF_BOOL: u32 = 1 << 3;
pub const CTF_FP: u32 = 1 << 4;
/// `long double` (printed as such; computed with as a double).
pub const CTF_LONGDOUBLE: u32 = 1 << 5;
// Pointers.
pub const CTF_REF: u32 = 1 << 6;
// Arrays.
pub const CTF_VLA: u32 = 1 << 7;
pub const CTF_COMPLEX: u32 = 1 << 8;
pub const CTF_VECTOR: u32 = 1 << 9;
// Structs.
pub const CTF_UNION: u32 = 1 << 10;
/// Struct whose last member is a VLA (a variable-length struct).
pub const CTF_VLS: u32 = 1 << 11;
/// The aggregate or enum has been defined (not just declared by its tag).
pub const CTF_COMPLETE: u32 = 1 << 12;
// Functions.
pub const CTF_VARARG: u32 = 1 << 13;

/// A member of a struct/union, a parameter of a function or a constant of
/// an enum.
#[derive(Clone, Debug)]
pub struct CField {
    /// Empty for anonymous members and unnamed parameters.
    pub name: Vec<u8>,
    pub ctype: CTypeId,
    /// Byte offset in the aggregate (members only).
    pub offset: u32,
    /// Bit position and width of a bit field (`bitsize` 0: not a bit field).
    pub bitpos: u8,
    pub bitsize: u8,
    /// Value of an enum constant.
    pub value: i64,
}

impl CField {
    pub fn new(name: &[u8], ctype: CTypeId) -> CField {
        CField {
            name: name.to_vec(),
            ctype,
            offset: 0,
            bitpos: 0,
            bitsize: 0,
            value: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct CType {
    pub kind: CKind,
    pub flags: u32,
    /// Size in bytes, `CTSIZE_INVALID` when unknown.
    pub size: u32,
    /// Alignment in bytes (a power of two).
    pub align: u32,
    /// Pointer target, array element, function return type, or the integer
    /// type behind an enum.
    pub child: CTypeId,
    /// Tag of a struct/union/enum (empty when anonymous).
    pub name: Vec<u8>,
    pub fields: Vec<CField>,
}

impl CType {
    pub fn new(kind: CKind, flags: u32, size: u32, align: u32, child: CTypeId) -> CType {
        CType {
            kind,
            flags,
            size,
            align,
            child,
            name: Vec::new(),
            fields: Vec::new(),
        }
    }
    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }
    pub fn is_integer(&self) -> bool {
        self.kind == CKind::Num && !self.has(CTF_FP) && !self.has(CTF_BOOL)
    }
    pub fn is_fp(&self) -> bool {
        self.kind == CKind::Num && self.has(CTF_FP)
    }
    pub fn is_ptr(&self) -> bool {
        self.kind == CKind::Ptr && !self.has(CTF_REF)
    }
    pub fn is_ref(&self) -> bool {
        self.kind == CKind::Ptr && self.has(CTF_REF)
    }
    pub fn is_union(&self) -> bool {
        self.kind == CKind::Struct && self.has(CTF_UNION)
    }
    pub fn is_complex(&self) -> bool {
        self.kind == CKind::Array && self.has(CTF_COMPLEX)
    }
    /// Number of elements of a fixed-size array.
    pub fn array_len(&self, elem_size: u32) -> u32 {
        if self.size == CTSIZE_INVALID || elem_size == 0 {
            0
        } else {
            self.size / elem_size
        }
    }
}

/// What an ordinary identifier names in the C declaration namespace.
#[derive(Clone, Debug)]
pub enum CDecl {
    Typedef(CTypeId),
    /// An enum constant or a `static const` integer.
    Constant {
        ctype: CTypeId,
        value: i64,
    },
    /// An external function or variable, with its symbol name if redirected
    /// with `asm("name")`.
    Extern {
        ctype: CTypeId,
        symbol: Option<Vec<u8>>,
    },
}

// Built-in type ids, fixed for every state.
pub const CTID_VOID: CTypeId = 0;
pub const CTID_CVOID: CTypeId = 1;
pub const CTID_BOOL: CTypeId = 2;
pub const CTID_CCHAR: CTypeId = 3;
pub const CTID_INT8: CTypeId = 3; // `char` is signed here, as on x86-64 and in LuaJIT on ARM64
pub const CTID_UINT8: CTypeId = 4;
pub const CTID_INT16: CTypeId = 5;
pub const CTID_UINT16: CTypeId = 6;
pub const CTID_INT32: CTypeId = 7;
pub const CTID_UINT32: CTypeId = 8;
pub const CTID_INT64: CTypeId = 9;
pub const CTID_UINT64: CTypeId = 10;
pub const CTID_FLOAT: CTypeId = 11;
pub const CTID_DOUBLE: CTypeId = 12;
pub const CTID_LONGDOUBLE: CTypeId = 13;
pub const CTID_COMPLEX_FLOAT: CTypeId = 14;
pub const CTID_COMPLEX_DOUBLE: CTypeId = 15;
pub const CTID_P_VOID: CTypeId = 16;
pub const CTID_P_CVOID: CTypeId = 17;
pub const CTID_CCHAR_CONST: CTypeId = 18;
pub const CTID_P_CCHAR: CTypeId = 19;
/// `const char [?]`: what a Lua string converts to for array arguments.
pub const CTID_A_CCHAR: CTypeId = 20;
/// The type of the `ctype` objects `ffi.typeof` returns: their payload is
/// the CTypeId they stand for.
pub const CTID_CTYPEID: CTypeId = 21;
pub const CTID_P_CHAR: CTypeId = 22;
const CTID_BUILTIN_END: CTypeId = 23;

/// Key of an interned type.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct InternKey {
    kind: CKind,
    flags: u32,
    size: u32,
    align: u32,
    child: CTypeId,
}

/// The FFI state of one Lua state (hangs off the global state).
pub struct CTState {
    pub types: Vec<CType>,
    interned: HashMap<InternKey, CTypeId>,
    /// Ordinary identifiers: typedef names, enum constants, externs.
    pub decls: HashMap<Vec<u8>, CDecl>,
    /// Struct, union and enum tags.
    pub tags: HashMap<Vec<u8>, CTypeId>,
    /// `ffi.metatype` tables by ctype id, rooted through `lua_tables`.
    pub metatypes: HashMap<CTypeId, *mut GcTab>,
    /// A Lua table that keeps GC objects the FFI refers to alive (metatype
    /// tables, finalizers, callbacks' functions); marked as a GC root.
    pub roots: *mut GcTab,
    /// Qualified copies of structs, unions, enums and functions, by
    /// (original, qualifiers): one id per qualified variant.
    /// Copies of structs, unions, enums and functions with qualifiers or an
    /// alignment attribute, by (original, qualifiers, alignment given by
    /// the attribute or 0).
    qual_copies: HashMap<(CTypeId, u32, u32), CTypeId>,
    /// Constants declared inside struct/union bodies (C++-style `static
    /// const` members and enums declared without a member), by struct id:
    /// readable through instances like members (`s.CONST`). `value` holds
    /// the value, `ctype` its integer type.
    pub member_consts: HashMap<CTypeId, Vec<CField>>,
}

impl CTState {
    pub fn new() -> CTState {
        let mut s = CTState {
            types: Vec::with_capacity(64),
            interned: HashMap::new(),
            decls: HashMap::new(),
            tags: HashMap::new(),
            metatypes: HashMap::new(),
            roots: std::ptr::null_mut(),
            qual_copies: HashMap::new(),
            member_consts: HashMap::new(),
        };
        s.init_builtins();
        s
    }

    fn push_builtin(&mut self, id: CTypeId, ct: CType) {
        debug_assert_eq!(self.types.len() as CTypeId, id);
        let key = InternKey {
            kind: ct.kind,
            flags: ct.flags,
            size: ct.size,
            align: ct.align,
            child: ct.child,
        };
        self.interned.entry(key).or_insert(id);
        self.types.push(ct);
    }

    fn init_builtins(&mut self) {
        use CKind::*;
        let num = |flags, size| CType::new(Num, flags, size, size.min(16), 0);
        self.push_builtin(CTID_VOID, CType::new(Void, 0, CTSIZE_INVALID, 1, 0));
        self.push_builtin(
            CTID_CVOID,
            CType::new(Void, CTF_CONST, CTSIZE_INVALID, 1, 0),
        );
        self.push_builtin(CTID_BOOL, num(CTF_BOOL | CTF_UNSIGNED, 1));
        self.push_builtin(CTID_INT8, num(0, 1));
        self.push_builtin(CTID_UINT8, num(CTF_UNSIGNED, 1));
        self.push_builtin(CTID_INT16, num(0, 2));
        self.push_builtin(CTID_UINT16, num(CTF_UNSIGNED, 2));
        self.push_builtin(CTID_INT32, num(0, 4));
        self.push_builtin(CTID_UINT32, num(CTF_UNSIGNED, 4));
        self.push_builtin(CTID_INT64, num(0, 8));
        self.push_builtin(CTID_UINT64, num(CTF_UNSIGNED, 8));
        self.push_builtin(CTID_FLOAT, num(CTF_FP, 4));
        self.push_builtin(CTID_DOUBLE, num(CTF_FP, 8));
        self.push_builtin(CTID_LONGDOUBLE, num(CTF_FP | CTF_LONGDOUBLE, 16));
        self.push_builtin(
            CTID_COMPLEX_FLOAT,
            CType::new(Array, CTF_COMPLEX, 8, 4, CTID_FLOAT),
        );
        self.push_builtin(
            CTID_COMPLEX_DOUBLE,
            CType::new(Array, CTF_COMPLEX, 16, 8, CTID_DOUBLE),
        );
        self.push_builtin(CTID_P_VOID, CType::new(Ptr, 0, 8, 8, CTID_VOID));
        self.push_builtin(CTID_P_CVOID, CType::new(Ptr, 0, 8, 8, CTID_CVOID));
        self.push_builtin(CTID_CCHAR_CONST, num(CTF_CONST, 1));
        self.push_builtin(CTID_P_CCHAR, CType::new(Ptr, 0, 8, 8, CTID_CCHAR_CONST));
        self.push_builtin(
            CTID_A_CCHAR,
            CType::new(Array, CTF_VLA, CTSIZE_INVALID, 1, CTID_CCHAR_CONST),
        );
        // The ctype-of-ctypes is not interned: nothing derives from it.
        self.types.push(CType::new(Num, CTF_UNSIGNED, 4, 4, 0));
        self.push_builtin(CTID_P_CHAR, CType::new(Ptr, 0, 8, 8, CTID_INT8));
        debug_assert_eq!(self.types.len() as CTypeId, CTID_BUILTIN_END);
        let typedefs: &[(&str, CTypeId)] = &[
            ("int8_t", CTID_INT8),
            ("uint8_t", CTID_UINT8),
            ("int16_t", CTID_INT16),
            ("uint16_t", CTID_UINT16),
            ("int32_t", CTID_INT32),
            ("uint32_t", CTID_UINT32),
            ("int64_t", CTID_INT64),
            ("uint64_t", CTID_UINT64),
            ("intptr_t", CTID_INT64),
            ("uintptr_t", CTID_UINT64),
            ("ptrdiff_t", CTID_INT64),
            ("ssize_t", CTID_INT64),
            ("size_t", CTID_UINT64),
            ("wchar_t", CTID_INT32),
            ("va_list", CTID_P_VOID),
            ("__builtin_va_list", CTID_P_VOID),
            ("__gnuc_va_list", CTID_P_VOID),
        ];
        for &(name, id) in typedefs {
            self.decls
                .insert(name.as_bytes().to_vec(), CDecl::Typedef(id));
        }
    }

    #[inline]
    pub fn get(&self, id: CTypeId) -> &CType {
        &self.types[id as usize]
    }
    #[inline]
    pub fn get_mut(&mut self, id: CTypeId) -> &mut CType {
        &mut self.types[id as usize]
    }

    /// The id of a scalar or derived type with these properties, created on
    /// first use.
    pub fn intern(&mut self, ct: CType) -> CTypeId {
        debug_assert!(ct.fields.is_empty() && ct.name.is_empty());
        let key = InternKey {
            kind: ct.kind,
            flags: ct.flags,
            size: ct.size,
            align: ct.align,
            child: ct.child,
        };
        if let Some(&id) = self.interned.get(&key) {
            return id;
        }
        // The type table grows with the declarations: fallibly.
        crate::mem::reserve_vec(&mut self.types, 1);
        crate::mem::reserve_entry(&mut self.interned);
        let id = self.types.len() as CTypeId;
        self.types.push(ct);
        self.interned.insert(key, id);
        id
    }

    /// A new, not interned type (structs, unions, enums, functions).
    pub fn add(&mut self, ct: CType) -> CTypeId {
        crate::mem::reserve_vec(&mut self.types, 1);
        let id = self.types.len() as CTypeId;
        self.types.push(ct);
        id
    }

    /// Pointer to `child`.
    pub fn ptr_to(&mut self, child: CTypeId) -> CTypeId {
        self.intern(CType::new(CKind::Ptr, 0, 8, 8, child))
    }
    /// `id` with references followed to what they refer to.
    pub fn deref_refs(&self, mut id: CTypeId) -> CTypeId {
        while self.get(id).is_ref() {
            id = self.get(id).child;
        }
        id
    }
    /// Reference to `child`.
    pub fn ref_to(&mut self, child: CTypeId) -> CTypeId {
        self.intern(CType::new(CKind::Ptr, CTF_REF, 8, 8, child))
    }
    /// Array of `n` elements (`None`: a VLA, `[?]`).
    pub fn array_of(&mut self, elem: CTypeId, n: Option<u32>) -> CTypeId {
        let e = self.get(elem);
        let (esize, ealign) = (e.size, e.align);
        match n {
            Some(n) => {
                let size = if esize == CTSIZE_INVALID {
                    CTSIZE_INVALID
                } else {
                    esize.saturating_mul(n)
                };
                self.intern(CType::new(CKind::Array, 0, size, ealign, elem))
            }
            None => self.intern(CType::new(
                CKind::Array,
                CTF_VLA,
                CTSIZE_INVALID,
                ealign,
                elem,
            )),
        }
    }
    /// Flexible array member type `elem []`: an array of unknown size that
    /// is not a VLA.
    pub fn flex_array_of(&mut self, elem: CTypeId) -> CTypeId {
        let ealign = self.get(elem).align;
        self.intern(CType::new(CKind::Array, 0, CTSIZE_INVALID, ealign, elem))
    }
    /// The original struct/union/enum/function type behind a qualified or
    /// aligned copy (`id` itself if it is not a copy). A struct's `child`
    /// is 0 unless it is a copy.
    pub fn original(&self, id: CTypeId) -> CTypeId {
        let ct = self.get(id);
        match ct.kind {
            CKind::Struct if ct.child != 0 => ct.child,
            CKind::Func if ct.flags & CTF_QUAL != 0 => ct.child,
            CKind::Enum if self.get(ct.child).kind == CKind::Enum => ct.child,
            _ => id,
        }
    }
    /// The copies of the aggregate `orig` made so far, with the alignment
    /// their attribute gives them (0 for none).
    pub fn copies_of(&self, orig: CTypeId) -> Vec<(CTypeId, u32)> {
        let mut v: Vec<(CTypeId, u32)> = self
            .qual_copies
            .iter()
            .filter(|(k, _)| k.0 == orig)
            .map(|(k, &id)| (id, k.2))
            .collect();
        v.sort_unstable();
        v
    }
    /// The alignment an attribute gave the copy `id` (0 for none).
    fn attribute_align(&self, id: CTypeId) -> u32 {
        self.qual_copies
            .iter()
            .find(|(_, &c)| c == id)
            .map_or(0, |(k, _)| k.2)
    }
    /// The copy of `orig` with qualifiers `qual` and the alignment `align`
    /// (0: its own): `orig` itself if there is nothing to add.
    fn copy_of(&mut self, orig: CTypeId, qual: u32, align: u32) -> CTypeId {
        if qual == 0 && align == 0 {
            return orig;
        }
        if let Some(&c) = self.qual_copies.get(&(orig, qual, align)) {
            return c;
        }
        let mut c = self.get(orig).clone();
        c.flags |= qual;
        c.child = orig;
        if align != 0 {
            c.align = align;
        }
        let cid = self.add(c);
        crate::mem::reserve_entry(&mut self.qual_copies);
        self.qual_copies.insert((orig, qual, align), cid);
        cid
    }
    /// `id` with an alignment attribute: structs, unions and enums become
    /// a copy (others are interned with the new alignment by the caller).
    pub fn aligned_aggregate(&mut self, id: CTypeId, align: u32) -> CTypeId {
        let orig = self.original(id);
        let qual = self.get(id).flags & CTF_QUAL;
        self.copy_of(orig, qual, align)
    }
    /// `id` with the qualifiers `qual` added. Qualifiers of an array apply
    /// to its elements.
    pub fn qualified(&mut self, id: CTypeId, qual: u32) -> CTypeId {
        let ct = self.get(id);
        if ct.flags & qual == qual {
            return id;
        }
        match ct.kind {
            CKind::Struct | CKind::Enum | CKind::Func => {
                // Aggregates keep one record; a qualified variant is a copy
                // whose `child` is the original (kept up to date when the
                // original is completed later).
                let orig = self.original(id);
                let q = (ct.flags | qual) & CTF_QUAL;
                let align = self.attribute_align(id);
                self.copy_of(orig, q, align)
            }
            CKind::Array if !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR) => {
                let (flags, size, child) = (ct.flags, ct.size, ct.child);
                let esize = self.get(child).size;
                let elem = self.qualified(child, qual);
                if flags & CTF_VLA != 0 {
                    self.array_of(elem, None)
                } else if size == CTSIZE_INVALID {
                    self.flex_array_of(elem)
                } else {
                    let n = size.checked_div(esize).unwrap_or(0);
                    self.array_of(elem, Some(n))
                }
            }
            _ => {
                let mut q = ct.clone();
                q.flags |= qual;
                self.intern(q)
            }
        }
    }
    /// A constant declared inside the body of struct/union `id` (see
    /// `member_consts`).
    pub fn find_member_const(&self, id: CTypeId, name: &[u8]) -> Option<&CField> {
        let orig = self.original(id);
        self.member_consts
            .get(&orig)?
            .iter()
            .find(|f| f.name == name)
    }
    /// Forget every type from `mark` on (a failed declaration's).
    pub fn truncate_types(&mut self, mark: CTypeId) {
        if (mark as usize) >= self.types.len() {
            return;
        }
        self.types.truncate(mark as usize);
        self.interned.retain(|_, id| *id < mark);
        self.qual_copies.retain(|k, id| *id < mark && k.0 < mark);
        self.tags.retain(|_, id| *id < mark);
        self.metatypes.retain(|id, _| *id < mark);
        self.member_consts.retain(|id, _| *id < mark);
    }
    /// `id` without its top-level qualifiers.
    pub fn unqualified(&mut self, id: CTypeId) -> CTypeId {
        let ct = self.get(id);
        if ct.flags & CTF_QUAL == 0 {
            return id;
        }
        if matches!(ct.kind, CKind::Struct | CKind::Enum | CKind::Func) {
            let align = self.attribute_align(id);
            let orig = self.original(id);
            return self.copy_of(orig, 0, align);
        }
        let mut q = ct.clone();
        q.flags &= !CTF_QUAL;
        self.intern(q)
    }

    /// The integer type with this size and signedness.
    pub fn int_type(size: u32, unsigned: bool) -> CTypeId {
        match (size, unsigned) {
            (1, false) => CTID_INT8,
            (1, true) => CTID_UINT8,
            (2, false) => CTID_INT16,
            (2, true) => CTID_UINT16,
            (4, false) => CTID_INT32,
            (4, true) => CTID_UINT32,
            (8, false) => CTID_INT64,
            _ => CTID_UINT64,
        }
    }

    /// Find a struct/union member by name, looking into anonymous members:
    /// the member and its byte offset from the start of `id`.
    pub fn find_field(&self, id: CTypeId, name: &[u8]) -> Option<(&CField, u32)> {
        let ct = self.get(id);
        for f in &ct.fields {
            if f.name == name {
                return Some((f, f.offset));
            }
            if f.name.is_empty() {
                let sub = self.get(f.ctype);
                if sub.kind == CKind::Struct {
                    if let Some((inner, off)) = self.find_field(f.ctype, name) {
                        return Some((inner, f.offset + off));
                    }
                }
            }
        }
        None
    }

    /// The C spelling of a type as LuaJIT prints it in `ctype<...>` and in
    /// error messages.
    pub fn repr(&self, id: CTypeId) -> String {
        let mut inner = String::new();
        self.repr_into(id, &mut inner)
    }

    /// The spelling of a pointer to function type `id` (`int (*)()`),
    /// without interning the pointer type.
    pub fn repr_func_ptr(&self, id: CTypeId) -> String {
        let mut inner = String::from("(*)");
        self.repr_into(id, &mut inner)
    }

    /// Build the declaration of `id` around the declarator text `inner`
    /// (C's inside-out syntax: `int (*)[3]`).
    fn repr_into(&self, id: CTypeId, inner: &mut String) -> String {
        let ct = self.get(id);
        // Qualifiers of complex numbers and vectors are not shown (the
        // reference qualifies their elements, which it does not print).
        let qual = if ct.kind == CKind::Array && (ct.has(CTF_COMPLEX) || ct.has(CTF_VECTOR)) {
            ""
        } else {
            qual_prefix(ct.flags)
        };
        match ct.kind {
            CKind::Ptr => {
                let mut s = String::from(if ct.has(CTF_REF) { "&" } else { "*" });
                if ct.flags & CTF_QUAL != 0 {
                    s.push_str(qual.trim_end());
                    if !inner.is_empty() {
                        s.push(' ');
                    }
                }
                s.push_str(inner);
                let child = self.get(ct.child);
                let mut decl = if matches!(child.kind, CKind::Array | CKind::Func)
                    && !child.has(CTF_COMPLEX)
                    && !child.has(CTF_VECTOR)
                {
                    format!("({})", s)
                } else {
                    s
                };
                self.repr_into(ct.child, &mut decl)
            }
            CKind::Array if !ct.has(CTF_COMPLEX) && !ct.has(CTF_VECTOR) => {
                let elem = self.get(ct.child);
                let dim = if ct.has(CTF_VLA) {
                    "[?]".to_string()
                } else if ct.size == CTSIZE_INVALID {
                    "[]".to_string()
                } else if matches!(elem.kind, CKind::Struct | CKind::Enum)
                    && elem.flags & CTF_QUAL != 0
                {
                    // The reference keeps a qualified struct, union or enum
                    // as a qualifier record whose size field holds its
                    // qualifier bits, and divides by that: `const struct s
                    // [2]` prints as `[0]`. Shown the same way.
                    let mut qual_bits = 0u32;
                    if elem.has(CTF_CONST) {
                        qual_bits |= REFERENCE_CONST_BITS;
                    }
                    if elem.has(CTF_VOLATILE) {
                        qual_bits |= REFERENCE_VOLATILE_BITS;
                    }
                    format!("[{}]", ct.size / qual_bits)
                } else {
                    format!("[{}]", ct.array_len(elem.size))
                };
                let mut decl = format!("{}{}", inner, dim);
                let base = self.repr_into(ct.child, &mut decl);
                format!("{}{}", qual, base)
            }
            CKind::Func => {
                let mut decl = format!("{}()", inner);
                self.repr_into(ct.child, &mut decl)
            }
            _ => {
                let base = self.base_name(id);
                if inner.is_empty() {
                    format!("{}{}", qual, base)
                } else {
                    format!("{}{} {}", qual, base, inner)
                }
            }
        }
    }

    /// Name of a non-derived type, without qualifiers.
    fn base_name(&self, id: CTypeId) -> String {
        let ct = self.get(id);
        match ct.kind {
            CKind::Void => "void".into(),
            CKind::Num => {
                if ct.has(CTF_BOOL) {
                    "bool".into()
                } else if ct.has(CTF_FP) {
                    if ct.has(CTF_LONGDOUBLE) {
                        "long double".into()
                    } else if ct.size == 4 {
                        "float".into()
                    } else {
                        "double".into()
                    }
                } else {
                    let u = ct.has(CTF_UNSIGNED);
                    match ct.size {
                        1 => if u { "unsigned char" } else { "char" }.into(),
                        2 => if u { "unsigned short" } else { "short" }.into(),
                        4 => if u { "unsigned int" } else { "int" }.into(),
                        8 => if u { "uint64_t" } else { "int64_t" }.into(),
                        n => format!("{}int{}_t", if u { "u" } else { "" }, n * 8),
                    }
                }
            }
            CKind::Array if ct.has(CTF_VECTOR) => {
                format!(
                    "{} __attribute__((vector_size({})))",
                    self.repr(ct.child),
                    ct.size
                )
            }
            CKind::Array => {
                // Complex numbers.
                if ct.child == CTID_FLOAT {
                    "complex float".into()
                } else {
                    "complex".into()
                }
            }
            CKind::Struct | CKind::Enum => {
                let kw = if ct.kind == CKind::Enum {
                    "enum"
                } else if ct.has(CTF_UNION) {
                    "union"
                } else {
                    "struct"
                };
                // Qualified copies point at the original through `child`.
                let orig = if ct.flags & CTF_QUAL != 0 {
                    ct.child
                } else {
                    id
                };
                let o = self.get(orig);
                if o.name.is_empty() {
                    format!("{} {}", kw, orig)
                } else {
                    format!("{} {}", kw, String::from_utf8_lossy(&o.name))
                }
            }
            _ => String::new(),
        }
    }
}

impl Default for CTState {
    fn default() -> Self {
        Self::new()
    }
}

fn qual_prefix(flags: u32) -> &'static str {
    match flags & CTF_QUAL {
        CTF_CONST => "const ",
        CTF_VOLATILE => "volatile ",
        x if x == CTF_QUAL => "const volatile ",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names() {
        let mut s = CTState::new();
        assert_eq!(s.repr(CTID_INT32), "int");
        assert_eq!(s.repr(CTID_UINT8), "unsigned char");
        assert_eq!(s.repr(CTID_INT64), "int64_t");
        assert_eq!(s.repr(CTID_P_VOID), "void *");
        assert_eq!(s.repr(CTID_P_CCHAR), "const char *");
        assert_eq!(s.repr(CTID_CVOID), "const void");
        assert_eq!(s.repr(CTID_COMPLEX_DOUBLE), "complex");
        let a = s.array_of(CTID_INT32, Some(10));
        assert_eq!(s.repr(a), "int [10]");
        assert_eq!(s.get(a).size, 40);
        let pa = s.ptr_to(a);
        assert_eq!(s.repr(pa), "int (*)[3]".replace('3', "10"));
        let pi = s.ptr_to(CTID_INT32);
        let api = s.array_of(pi, Some(3));
        assert_eq!(s.repr(api), "int *[3]");
        let cp = s.qualified(CTID_P_CHAR, CTF_CONST);
        assert_eq!(s.repr(cp), "char *const");
        let vla = s.array_of(CTID_INT32, None);
        assert_eq!(s.repr(vla), "int [?]");
        assert_eq!(s.ptr_to(CTID_INT32), pi, "derived types are interned");
        let r = s.ref_to(CTID_INT32);
        assert_eq!(s.repr(r), "int &");
    }
}
