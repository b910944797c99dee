//! Tables: an array part for integer keys 0..asize-1 and a hash part of
//! chained scatter nodes (collisions chained through free nodes, Brent's
//! variation), sized to powers of two. Layout is LuaJIT's GCtab (GC64).

use crate::gc::{mem_alloc, mem_free, GcHeader};
use crate::state::GlobalState;
use crate::string::GcStr;
use crate::value::*;
use std::ptr;

#[repr(C)]
pub struct Node {
    pub val: TValue,
    pub key: TValue,
    pub next: *mut Node,
}

#[repr(C)]
pub struct GcTab {
    pub next: *mut GcHeader,
    pub marked: u8,
    pub gct: u8,
    /// Negative metamethod cache: bit i set = metamethod i known absent.
    pub nomm: u8,
    pub colo: i8,
    pub array: *mut TValue,
    pub gclist: *mut GcHeader,
    pub metatable: *mut GcTab,
    pub node: *mut Node,
    pub asize: u32,
    pub hmask: u32,
    pub freetop: *mut Node,
}

/// Largest array part (LuaJIT's LJ_MAX_ASIZE).
pub const MAX_ASIZE: u32 = (1 << 27) + 1;
const MAX_HBITS: u32 = 26;

/// Errors a raw store can raise.
pub enum KeyError {
    Nil,
    NaN,
}

#[inline(always)]
fn tab<'a>(t: *mut GcTab) -> &'a mut GcTab {
    // SAFETY: callers pass live tables.
    unsafe { &mut *t }
}

/// Array parts up to this size are allocated with the table itself (one
/// allocation instead of two for small constructors like `{a, b}`).
pub const MAX_COLO: u32 = 16;

pub fn new(g: &mut GlobalState, asize: u32, hbits: u32) -> *mut GcTab {
    let colo = if asize <= MAX_COLO { asize } else { 0 };
    let size = std::mem::size_of::<GcTab>() + colo as usize * std::mem::size_of::<TValue>();
    let t = crate::gc::new_object_uninit(g, size, TID_TAB) as *mut GcTab;
    let nilnode = g.nilnode();
    // SAFETY: t is a fresh block of at least sizeof(GcTab) bytes; every
    // field after the header is written here.
    unsafe {
        let tr = &mut *t;
        tr.nomm = 0xff;
        tr.colo = colo as i8;
        tr.array = ptr::null_mut();
        tr.gclist = ptr::null_mut();
        tr.metatable = ptr::null_mut();
        tr.node = nilnode;
        tr.asize = 0;
        tr.hmask = 0;
        tr.freetop = nilnode;
    }
    if colo > 0 {
        // SAFETY: the array part follows the header in the same block.
        let arr = unsafe { t.add(1) } as *mut TValue;
        for i in 0..colo as usize {
            // SAFETY: the block has colo slots after the header.
            unsafe { arr.add(i).write(TValue::NIL) };
        }
        let tr = tab(t);
        tr.array = arr;
        tr.asize = colo;
    } else if asize > 0 {
        resize_array(g, t, asize.min(MAX_ASIZE));
    }
    if hbits > 0 {
        alloc_hash(g, t, hbits.min(MAX_HBITS));
    }
    t
}

/// The value of a new table from `lua_createtable(narr, nrec)`.
pub fn new_ah(g: &mut GlobalState, narr: i32, nrec: i32) -> *mut GcTab {
    let asize = if narr > 0 { narr as u32 + 1 } else { 0 };
    let hbits = if nrec > 0 {
        hsize2hbits(nrec as u32)
    } else {
        0
    };
    new(g, asize, hbits)
}

/// Number of hash bits to hold n entries.
pub fn hsize2hbits(n: u32) -> u32 {
    if n == 0 {
        0
    } else if n == 1 {
        1
    } else {
        32 - (n - 1).leading_zeros()
    }
}

fn alloc_hash(g: &mut GlobalState, t: *mut GcTab, hbits: u32) {
    let n = 1usize << hbits;
    let nodes = mem_alloc(g, n * std::mem::size_of::<Node>()) as *mut Node;
    for i in 0..n {
        // SAFETY: nodes has n entries.
        unsafe {
            nodes.add(i).write(Node {
                val: TValue::NIL,
                key: TValue::NIL,
                next: ptr::null_mut(),
            })
        };
    }
    let tr = tab(t);
    tr.node = nodes;
    tr.hmask = (n - 1) as u32;
    // SAFETY: one past the last node.
    tr.freetop = unsafe { nodes.add(n) };
}

/// Bytes of the table object itself (with a colocated array part, whether
/// still in use or given up for a separate one).
fn object_size(t: &GcTab) -> usize {
    std::mem::size_of::<GcTab>() + t.colo.unsigned_abs() as usize * std::mem::size_of::<TValue>()
}

fn resize_array(g: &mut GlobalState, t: *mut GcTab, nasize: u32) {
    let tr = tab(t);
    let oasize = tr.asize;
    let sz = std::mem::size_of::<TValue>();
    if tr.colo > 0 {
        // A colocated array cannot grow or shrink in place: move it to its
        // own block (the table keeps the space; colo < 0 records its size).
        let old = tr.array;
        let na = if nasize == 0 {
            ptr::null_mut()
        } else {
            mem_alloc(g, nasize as usize * sz) as *mut TValue
        };
        let keep = oasize.min(nasize) as usize;
        // SAFETY: both arrays hold at least `keep` slots.
        unsafe { ptr::copy_nonoverlapping(old, na, keep) };
        for i in keep..nasize as usize {
            // SAFETY: na has nasize entries.
            unsafe { na.add(i).write(TValue::NIL) };
        }
        let tr = tab(t);
        tr.colo = -tr.colo;
        tr.array = na;
        tr.asize = nasize;
        return;
    }
    let na = crate::gc::mem_realloc(
        g,
        tr.array as *mut u8,
        oasize as usize * sz,
        nasize as usize * sz,
    ) as *mut TValue;
    for i in oasize..nasize {
        // SAFETY: na has nasize entries.
        unsafe { na.add(i as usize).write(TValue::NIL) };
    }
    let tr = tab(t);
    tr.array = if nasize == 0 { ptr::null_mut() } else { na };
    tr.asize = nasize;
}

#[inline(always)]
fn hash_u64(x: u64) -> u32 {
    let mut h = x ^ (x >> 29);
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 32;
    h as u32
}

/// Main position of a key in the hash part.
#[inline(always)]
fn main_pos(t: &GcTab, key: TValue) -> *mut Node {
    let h = if key.is_str() {
        // SAFETY: a string key is a live string.
        unsafe { (*key.as_ptr::<GcStr>()).hash }
    } else if key.is_num() {
        let n = key.as_num();
        let bits = if n == 0.0 { 0 } else { n.to_bits() };
        hash_u64(bits)
    } else {
        hash_u64(key.0)
    };
    // SAFETY: node has hmask+1 entries.
    unsafe { t.node.add((h & t.hmask) as usize) }
}

#[inline(always)]
fn keys_equal(a: TValue, b: TValue) -> bool {
    a.0 == b.0 || (a.is_num() && b.is_num() && a.as_num() == b.as_num())
}

/// Integer index of a number key if it is integral and fits i32.
#[inline(always)]
pub fn num_as_index(n: f64) -> Option<i64> {
    let i = f64_trunc_index(n);
    if i as f64 == n && (i32::MIN as i64..=i32::MAX as i64).contains(&i) {
        Some(i)
    } else {
        None
    }
}

fn find_node(t: &GcTab, key: TValue) -> *mut Node {
    let mut n = main_pos(t, key);
    // SAFETY: chains link nodes of this table's node array.
    unsafe {
        loop {
            if keys_equal((*n).key, key) && !(*n).key.is_nil() {
                return n;
            }
            n = (*n).next;
            if n.is_null() {
                return ptr::null_mut();
            }
        }
    }
}

#[inline]
pub fn get_int(t: *mut GcTab, i: i64) -> TValue {
    let tr = tab(t);
    if (i as u64) < tr.asize as u64 {
        // SAFETY: bounds checked.
        unsafe { *tr.array.add(i as usize) }
    } else {
        get_hash(tr, TValue::num(i as f64))
    }
}

#[inline]
pub fn get_str(t: *mut GcTab, s: *mut GcStr) -> TValue {
    let tr = tab(t);
    let key = TValue::gcobj(TID_STR, s as *const GcHeader);
    let mut n = main_pos(tr, key);
    // SAFETY: chains link nodes of this table.
    unsafe {
        loop {
            if (*n).key.0 == key.0 {
                return (*n).val;
            }
            n = (*n).next;
            if n.is_null() {
                return TValue::NIL;
            }
        }
    }
}

/// Pointer to the value slot of an existing string key, or null.
#[inline]
pub fn get_str_slot(t: *mut GcTab, s: *mut GcStr) -> *mut TValue {
    let tr = tab(t);
    let key = TValue::gcobj(TID_STR, s as *const GcHeader);
    let mut n = main_pos(tr, key);
    // SAFETY: chains link nodes of this table.
    unsafe {
        loop {
            if (*n).key.0 == key.0 {
                return &mut (*n).val;
            }
            n = (*n).next;
            if n.is_null() {
                return ptr::null_mut();
            }
        }
    }
}

fn get_hash(t: &GcTab, key: TValue) -> TValue {
    let n = find_node(t, key);
    if n.is_null() {
        TValue::NIL
    } else {
        // SAFETY: n is a node of t.
        unsafe { (*n).val }
    }
}

/// Raw get.
pub fn get(t: *mut GcTab, key: TValue) -> TValue {
    if key.is_str() {
        return get_str(t, key.as_ptr());
    }
    if key.is_num() {
        if let Some(i) = num_as_index(key.as_num()) {
            return get_int(t, i);
        }
    }
    if key.is_nil() {
        return TValue::NIL;
    }
    get_hash(tab(t), key)
}

/// Pointer to the value slot of an existing key, or null.
pub fn get_slot(t: *mut GcTab, key: TValue) -> *mut TValue {
    let tr = tab(t);
    if key.is_num() {
        if let Some(i) = num_as_index(key.as_num()) {
            if (i as u64) < tr.asize as u64 {
                // SAFETY: bounds checked.
                return unsafe { tr.array.add(i as usize) };
            }
        }
    }
    if key.is_nil() {
        return ptr::null_mut();
    }
    let n = find_node(tr, key);
    if n.is_null() {
        ptr::null_mut()
    } else {
        // SAFETY: n is a node of t.
        unsafe { &mut (*n).val }
    }
}

/// Raw set: returns the slot to store into, creating the key if needed.
pub fn set_slot(g: &mut GlobalState, t: *mut GcTab, key: TValue) -> Result<*mut TValue, KeyError> {
    tab(t).nomm = 0;
    let p = get_slot(t, key);
    if !p.is_null() {
        return Ok(p);
    }
    if key.is_nil() {
        return Err(KeyError::Nil);
    }
    if key.is_num() && key.as_num().is_nan() {
        return Err(KeyError::NaN);
    }
    let key = if key.is_num() && key.as_num() == 0.0 {
        TValue::num(0.0)
    } else {
        key
    };
    Ok(new_key(g, t, key))
}

pub fn set_int_slot(g: &mut GlobalState, t: *mut GcTab, i: i64) -> *mut TValue {
    let tr = tab(t);
    if (i as u64) < tr.asize as u64 {
        // SAFETY: bounds checked.
        return unsafe { tr.array.add(i as usize) };
    }
    match set_slot(g, t, TValue::num(i as f64)) {
        Ok(p) => p,
        Err(_) => unreachable!(),
    }
}

pub fn set_str_slot(g: &mut GlobalState, t: *mut GcTab, s: *mut GcStr) -> *mut TValue {
    match set_slot(g, t, TValue::gcobj(TID_STR, s as *const GcHeader)) {
        Ok(p) => p,
        Err(_) => unreachable!(),
    }
}

fn get_free_node(t: &mut GcTab) -> *mut Node {
    // SAFETY: freetop moves down through this table's node array.
    unsafe {
        while t.freetop > t.node {
            t.freetop = t.freetop.sub(1);
            if (*t.freetop).key.is_nil() {
                return t.freetop;
            }
        }
    }
    ptr::null_mut()
}

/// Insert a key known to be absent.
fn new_key(g: &mut GlobalState, t: *mut GcTab, key: TValue) -> *mut TValue {
    let tr = tab(t);
    let mp = main_pos(tr, key);
    // SAFETY: all node pointers below belong to t's node array.
    unsafe {
        if tr.hmask == 0 && mp == g.nilnode() {
            rehash(g, t, key);
            return set_slot_after_rehash(g, t, key);
        }
        if !(*mp).val.is_nil() || mp == g.nilnode() {
            let free = get_free_node(tr);
            if free.is_null() {
                rehash(g, t, key);
                return set_slot_after_rehash(g, t, key);
            }
            let othern = main_pos(tr, (*mp).key);
            if othern != mp {
                // The colliding node is out of its main position: move it.
                let mut prev = othern;
                while (*prev).next != mp {
                    prev = (*prev).next;
                }
                (*prev).next = free;
                ptr::copy_nonoverlapping(mp, free, 1);
                (*mp).next = ptr::null_mut();
                (*mp).val = TValue::NIL;
                (*mp).key = key;
                return &mut (*mp).val;
            } else {
                (*free).next = (*mp).next;
                (*mp).next = free;
                (*free).key = key;
                (*free).val = TValue::NIL;
                return &mut (*free).val;
            }
        }
        (*mp).key = key;
        (*mp).val = TValue::NIL;
        &mut (*mp).val
    }
}

fn set_slot_after_rehash(g: &mut GlobalState, t: *mut GcTab, key: TValue) -> *mut TValue {
    let p = get_slot(t, key);
    if !p.is_null() {
        return p;
    }
    new_key(g, t, key)
}

/// Number of power-of-two ranges integer keys are counted in.
const NBINS: usize = 28;

/// The range an array-candidate key falls in: 0 for keys 0..=2, then b for
/// keys in (2^b, 2^(b+1)]. None for keys that can never be in the array.
fn int_key_bin(key: TValue) -> Option<usize> {
    if !key.is_num() {
        return None;
    }
    let k = num_as_index(key.as_num())?;
    if k < 0 || k as u64 >= MAX_ASIZE as u64 || k as u64 >= 1 << (NBINS - 1) {
        return None;
    }
    Some(if k <= 2 {
        0
    } else {
        63 - (k as u64 - 1).leading_zeros() as usize
    })
}

/// LuaJIT's array sizing: the array covers keys up to 2^(b+1) (plus slot
/// 0) for the largest b where the keys up to that range number more than
/// 2^(b-1). Returns the array size and how many keys it holds.
fn best_array_size(bins: &[u32; NBINS], nint: u32) -> (u32, u32) {
    let (mut sum, mut held, mut size) = (0u32, 0u32, 0u32);
    let mut b = 0;
    while b < NBINS && 2 * nint as u64 > (1u64 << b) && sum != nint {
        if bins[b] > 0 {
            sum += bins[b];
            if 2 * sum as u64 > (1u64 << b) {
                size = (2u32 << b) + 1;
                held = sum;
            }
        }
        b += 1;
    }
    (size, held)
}

fn rehash(g: &mut GlobalState, t: *mut GcTab, extra: TValue) {
    let mut bins = [0u32; NBINS];
    let tr = tab(t);
    // Every live key plus the one being inserted.
    let mut total = 1u32;
    let mut nint = 0u32;
    let mut count = |k: TValue, bins: &mut [u32; NBINS]| {
        if let Some(b) = int_key_bin(k) {
            bins[b] += 1;
            nint += 1;
        }
    };
    for i in 0..tr.asize {
        // SAFETY: i < asize.
        if !unsafe { *tr.array.add(i as usize) }.is_nil() {
            count(TValue::num(i as f64), &mut bins);
            total += 1;
        }
    }
    if tr.node != g.nilnode() {
        for i in 0..=tr.hmask {
            // SAFETY: i <= hmask.
            let n = unsafe { &*tr.node.add(i as usize) };
            if !n.val.is_nil() {
                count(n.key, &mut bins);
                total += 1;
            }
        }
    }
    count(extra, &mut bins);
    let (asize, held) = best_array_size(&bins, nint);
    resize(g, t, asize.min(MAX_ASIZE), hsize2hbits(total - held));
}

/// Grow the array part to `nasize` slots (if smaller), keeping the size
/// of the hash part; integer keys that now fit move into the array.
pub fn grow_array(g: &mut GlobalState, t: *mut GcTab, nasize: u32) {
    let tr = tab(t);
    if nasize <= tr.asize {
        return;
    }
    let hbits = if tr.node == g.nilnode() {
        0
    } else {
        32 - tr.hmask.leading_zeros()
    };
    resize(g, t, nasize.min(MAX_ASIZE), hbits);
}

/// Resize both parts, reinserting entries.
pub fn resize(g: &mut GlobalState, t: *mut GcTab, nasize: u32, hbits: u32) {
    let tr = tab(t);
    let oasize = tr.asize;
    let onode = tr.node;
    let ohmask = tr.hmask;
    let was_nil = onode == g.nilnode();
    if nasize > oasize {
        resize_array(g, t, nasize);
    }
    // New hash part.
    if hbits > 0 {
        alloc_hash(g, t, hbits);
    } else {
        let tr = tab(t);
        tr.node = g.nilnode();
        tr.hmask = 0;
        tr.freetop = tr.node;
    }
    // Move array entries that no longer fit.
    if nasize < oasize {
        let tr = tab(t);
        let arr = tr.array;
        tr.asize = nasize;
        for i in nasize..oasize {
            // SAFETY: i < oasize, the old array is still allocated.
            let v = unsafe { *arr.add(i as usize) };
            if !v.is_nil() {
                let p = set_int_slot(g, t, i as i64);
                // SAFETY: p is a live slot.
                unsafe { *p = v };
            }
        }
        tab(t).asize = oasize;
        resize_array(g, t, nasize);
    }
    // Reinsert old hash entries.
    if !was_nil {
        for i in 0..=ohmask {
            // SAFETY: the old node array is still allocated.
            let (k, v) = unsafe {
                let n = &*onode.add(i as usize);
                (n.key, n.val)
            };
            if !v.is_nil() {
                let p = match set_slot(g, t, k) {
                    Ok(p) => p,
                    Err(_) => continue,
                };
                // SAFETY: p is a live slot.
                unsafe { *p = v };
            }
        }
        mem_free(
            g,
            onode as *mut u8,
            (ohmask as usize + 1) * std::mem::size_of::<Node>(),
        );
    }
}

/// `#t`: a border (LuaJIT's algorithm: binary search in the array part,
/// unbounded search in the hash part).
pub fn len(t: *mut GcTab) -> u64 {
    let tr = tab(t);
    let asize = tr.asize as u64;
    if asize > 0 {
        let mut j = asize - 1;
        // SAFETY: j < asize.
        if j > 0 && unsafe { *tr.array.add(j as usize) }.is_nil() {
            let mut i = 0u64;
            while j - i > 1 {
                let m = (i + j) / 2;
                // SAFETY: m < asize.
                if unsafe { *tr.array.add(m as usize) }.is_nil() {
                    j = m;
                } else {
                    i = m;
                }
            }
            return i;
        }
        if tr.hmask == 0 && get_hash(tr, TValue::num(asize as f64)).is_nil() {
            return j;
        }
        return unbound_search(t, j);
    }
    if get_hash(tr, TValue::num(1.0)).is_nil() {
        return 0;
    }
    unbound_search(t, 0)
}

fn unbound_search(t: *mut GcTab, j0: u64) -> u64 {
    let mut i = j0;
    let mut j = j0 + 1;
    while !get_int(t, j as i64).is_nil() {
        i = j;
        if j > (i32::MAX as u64) / 2 {
            // Pathological: linear search.
            let mut k = 1;
            while !get_int(t, k).is_nil() {
                k += 1;
            }
            return (k - 1) as u64;
        }
        j *= 2;
    }
    while j - i > 1 {
        let m = (i + j) / 2;
        if get_int(t, m as i64).is_nil() {
            j = m;
        } else {
            i = m;
        }
    }
    i
}

/// Traversal for `next`: returns the entry after `key` (nil = first), or
/// None at the end; Err for a key not in the table.
pub fn next(g: &GlobalState, t: *mut GcTab, key: TValue) -> Result<Option<(TValue, TValue)>, ()> {
    let tr = tab(t);
    // Position after the key.
    let mut idx: u64 = if key.is_nil() {
        0
    } else {
        let mut found = None;
        if key.is_num() {
            if let Some(i) = num_as_index(key.as_num()) {
                if (i as u64) < tr.asize as u64 {
                    found = Some(i as u64 + 1);
                }
            }
        }
        match found {
            Some(f) => f,
            None => {
                let n = find_node(tr, key);
                if n.is_null() || n == g.nilnode_const() {
                    return Err(());
                }
                // SAFETY: n and node are in the same array.
                tr.asize as u64 + unsafe { n.offset_from(tr.node) } as u64 + 1
            }
        }
    };
    while idx < tr.asize as u64 {
        // SAFETY: idx < asize.
        let v = unsafe { *tr.array.add(idx as usize) };
        if !v.is_nil() {
            return Ok(Some((TValue::num(idx as f64), v)));
        }
        idx += 1;
    }
    if tr.node == g.nilnode_const() {
        return Ok(None);
    }
    let mut h = idx - tr.asize as u64;
    while h <= tr.hmask as u64 {
        // SAFETY: h <= hmask.
        let n = unsafe { &*tr.node.add(h as usize) };
        if !n.val.is_nil() {
            return Ok(Some((n.key, n.val)));
        }
        h += 1;
    }
    Ok(None)
}

/// Remove every entry (table.clear), keeping the allocated sizes.
pub fn clear(g: &GlobalState, t: *mut GcTab) {
    let tr = tab(t);
    for i in 0..tr.asize {
        // SAFETY: i < asize.
        unsafe { *tr.array.add(i as usize) = TValue::NIL };
    }
    if tr.node != g.nilnode_const() {
        for i in 0..=tr.hmask {
            // SAFETY: i <= hmask.
            unsafe {
                tr.node.add(i as usize).write(Node {
                    val: TValue::NIL,
                    key: TValue::NIL,
                    next: ptr::null_mut(),
                })
            };
        }
        // SAFETY: one past the end.
        tr.freetop = unsafe { tr.node.add(tr.hmask as usize + 1) };
    }
}

/// A copy of a table (TDUP of a template, table.clone): same sizes and
/// entries, no metatable.
pub fn dup(g: &mut GlobalState, src: *mut GcTab) -> *mut GcTab {
    let s = tab(src);
    let hbits = if s.node == g.nilnode() {
        0
    } else {
        32 - s.hmask.leading_zeros()
    };
    let t = new(g, s.asize, hbits);
    let s = tab(src);
    let tr = tab(t);
    if s.asize > 0 {
        // SAFETY: both arrays have asize entries.
        unsafe { ptr::copy_nonoverlapping(s.array, tr.array, s.asize as usize) };
    }
    if hbits > 0 {
        for i in 0..=s.hmask {
            // SAFETY: i <= hmask of src.
            let (k, v) = unsafe {
                let n = &*s.node.add(i as usize);
                (n.key, n.val)
            };
            if !v.is_nil() {
                if let Ok(p) = set_slot(g, t, k) {
                    // SAFETY: p is a live slot.
                    unsafe { *p = v };
                }
            }
        }
    }
    t
}

/// Mark phase: mark the metatable and the entries (respecting `__mode`).
/// Returns whether the table is weak (its weak parts are left unmarked and
/// the mode is recorded in its mark bits for `clear_weak`).
pub fn traverse(g: &mut GlobalState, t: *mut GcTab) -> bool {
    use crate::gc::{mark_value, MARK_WEAK_KEYS, MARK_WEAK_VALUES};
    let tr = tab(t);
    let mut weak_k = false;
    let mut weak_v = false;
    if !tr.metatable.is_null() {
        crate::gc::mark_object(g, tr.metatable as *mut GcHeader);
        let mode = crate::meta::fast_get(g, tr.metatable, crate::meta::MM_MODE);
        if mode.is_str() {
            let m = crate::string::str_bytes(mode.as_ptr());
            weak_k = m.contains(&b'k');
            weak_v = m.contains(&b'v');
        }
    }
    let tr = tab(t);
    tr.marked = (tr.marked & !(MARK_WEAK_KEYS | MARK_WEAK_VALUES))
        | if weak_k { MARK_WEAK_KEYS } else { 0 }
        | if weak_v { MARK_WEAK_VALUES } else { 0 };
    for i in 0..tr.asize {
        // SAFETY: i < asize.
        let v = unsafe { *tr.array.add(i as usize) };
        // Strings are values, never weak references.
        if !weak_v || v.is_str() {
            mark_value(g, v);
        }
    }
    if tr.node != g.nilnode() {
        for i in 0..=tr.hmask {
            // SAFETY: i <= hmask.
            let (k, v) = unsafe {
                let n = &*tr.node.add(i as usize);
                (n.key, n.val)
            };
            if v.is_nil() {
                continue;
            }
            if !weak_k || k.is_str() {
                mark_value(g, k);
            }
            if !weak_v || v.is_str() {
                mark_value(g, v);
            }
        }
    }
    weak_k || weak_v
}

/// Collector work charged for traversing a table (about its size).
/// (Charging more than the real size slows marking relative to allocation
/// and raises the peak heap.)
pub fn traversal_size(t: *mut GcTab) -> usize {
    let tr = tab(t);
    let hash = if tr.hmask > 0 {
        (tr.hmask as usize + 1) * std::mem::size_of::<Node>()
    } else {
        0
    };
    std::mem::size_of::<GcTab>() + tr.asize as usize * std::mem::size_of::<TValue>() + hash
}

/// Remove entries of a weak table whose weak key or value is dead.
pub fn clear_weak(
    t: *mut GcTab,
    dead_key: impl Fn(TValue) -> bool,
    dead_value: impl Fn(TValue) -> bool,
) {
    let tr = tab(t);
    let wk = tr.marked & crate::gc::MARK_WEAK_KEYS != 0;
    let wv = tr.marked & crate::gc::MARK_WEAK_VALUES != 0;
    if wv {
        for i in 0..tr.asize {
            // SAFETY: i < asize.
            unsafe {
                let p = tr.array.add(i as usize);
                if dead_value(*p) {
                    *p = TValue::NIL;
                }
            }
        }
    }
    if tr.hmask > 0 || !tr.node.is_null() {
        for i in 0..=tr.hmask {
            // SAFETY: i <= hmask.
            let n = unsafe { &mut *tr.node.add(i as usize) };
            if n.val.is_nil() {
                continue;
            }
            if (wk && dead_key(n.key)) || (wv && dead_value(n.val)) {
                // The dead key stays (with a nil value) so that hash chains
                // and main positions stay intact; entries with nil values are
                // never marked or returned by next(), and the node is reused
                // by the next key hashing to it.
                n.val = TValue::NIL;
            }
        }
    }
}

pub fn free(g: &mut GlobalState, t: *mut GcTab) {
    let tr = tab(t);
    if tr.asize > 0 && tr.colo <= 0 {
        let a = tr.array;
        let n = tr.asize as usize;
        mem_free(g, a as *mut u8, n * std::mem::size_of::<TValue>());
    }
    let tr = tab(t);
    if tr.node != g.nilnode() {
        let (node, n) = (tr.node, tr.hmask as usize + 1);
        mem_free(g, node as *mut u8, n * std::mem::size_of::<Node>());
    }
    let size = object_size(tab(t));
    mem_free(g, t as *mut u8, size);
}
