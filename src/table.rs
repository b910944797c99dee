//! Tables: an array part for integer keys 0..asize-1 and a hash part of
//! chained scatter nodes (collisions chained through free nodes, Brent's
//! variation), sized to powers of two. Layout is LuaJIT's GCtab (GC64).

use crate::bytecode::ktable::{KNode, KTable};
use crate::bytecode::KTabVal;
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

// Tables are reached through raw pointers (`*mut GcTab`): the functions
// below that take one are `unsafe fn`s whose callers guarantee the table
// is live. Inside, a `&mut GcTab` is formed only for a stretch of code
// that reaches no other object (so the table cannot be reached another
// way meanwhile, e.g. as its own metatable, key or value); where other
// objects are reached, the table's fields are read by value first.

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
        // SAFETY: t is the fresh table initialised above.
        unsafe {
            (*t).array = arr;
            (*t).asize = colo;
        }
    } else if asize > 0 {
        // SAFETY: t is the fresh table initialised above.
        unsafe { resize_array(g, t, asize.min(MAX_ASIZE)) };
    }
    if hbits > 0 {
        // SAFETY: t is the fresh table initialised above.
        unsafe { alloc_hash(g, t, hbits.min(MAX_HBITS)) };
    }
    // SAFETY: t is live (this function's contract, or the fresh table).
    unsafe { debug_check_structure(g, t) };
    t
}

/// TNEW's D operand: the array size in the low bits (saturated, see
/// `TNEW_ASIZE_SATURATED`), log2 of the hash size above them.
const TNEW_ASIZE_BITS: u32 = 11;
const TNEW_ASIZE_MASK: u32 = (1 << TNEW_ASIZE_BITS) - 1;
/// The parser writes this array size for constructors with more positional
/// items; it then stands for 0x801 slots (LuaJIT's interpreter does this).
const TNEW_ASIZE_SATURATED: u32 = TNEW_ASIZE_MASK;
const TNEW_ASIZE_OF_SATURATED: u32 = 0x801;

/// The table TNEW creates from its D operand.
pub fn new_for_tnew(g: &mut GlobalState, d: u32) -> *mut GcTab {
    let asize = match d & TNEW_ASIZE_MASK {
        TNEW_ASIZE_SATURATED => TNEW_ASIZE_OF_SATURATED,
        a => a,
    };
    new(g, asize, d >> TNEW_ASIZE_BITS)
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

/// Give `t` a new, empty hash part of 2^hbits nodes (the old one, if any,
/// is the caller's to free).
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
unsafe fn alloc_hash(g: &mut GlobalState, t: *mut GcTab, hbits: u32) {
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
    // SAFETY: t is live (this function's contract); `nodes.add(n)` is one
    // past the last node.
    unsafe {
        (*t).node = nodes;
        (*t).hmask = (n - 1) as u32;
        (*t).freetop = nodes.add(n);
    }
}

/// Bytes of the table object itself (with a colocated array part, whether
/// still in use or given up for a separate one).
fn object_size(t: &GcTab) -> usize {
    std::mem::size_of::<GcTab>() + t.colo.unsigned_abs() as usize * std::mem::size_of::<TValue>()
}

/// Resize the array part to `nasize` slots (new slots nil; entries beyond
/// are dropped: the caller moved them).
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
unsafe fn resize_array(g: &mut GlobalState, t: *mut GcTab, nasize: u32) {
    // SAFETY: t is live (this function's contract); fields read by value.
    let (oasize, colo, old) = unsafe { ((*t).asize, (*t).colo, (*t).array) };
    let sz = std::mem::size_of::<TValue>();
    if colo > 0 {
        // A colocated array cannot grow or shrink in place: move it to its
        // own block (the table keeps the space; colo < 0 records its size).
        let na = if nasize == 0 {
            ptr::null_mut()
        } else {
            mem_alloc(g, nasize as usize * sz) as *mut TValue
        };
        let keep = oasize.min(nasize) as usize;
        // SAFETY: both arrays hold at least `keep` slots (`na` is null
        // only when keep is 0: a copy of nothing).
        unsafe { ptr::copy_nonoverlapping(old, na, keep) };
        for i in keep..nasize as usize {
            // SAFETY: na has nasize entries.
            unsafe { na.add(i).write(TValue::NIL) };
        }
        // SAFETY: t is live (this function's contract).
        unsafe {
            (*t).colo = -colo;
            (*t).array = na;
            (*t).asize = nasize;
        }
        return;
    }
    // SAFETY: the array part is null or a separate block of oasize slots
    // (not colocated: checked above); the result replaces it.
    let na = unsafe {
        crate::gc::mem_realloc(
            g,
            old as *mut u8,
            oasize as usize * sz,
            nasize as usize * sz,
        )
    } as *mut TValue;
    for i in oasize..nasize {
        // SAFETY: na has nasize entries.
        unsafe { na.add(i as usize).write(TValue::NIL) };
    }
    // SAFETY: t is live (this function's contract).
    unsafe {
        (*t).array = if nasize == 0 { ptr::null_mut() } else { na };
        (*t).asize = nasize;
    }
}

/// Rotations of LuaJIT's key scrambler (lj_tab.h), found by its author
/// with a brute-force search; keeping them puts number, boolean and light
/// userdata keys in the same nodes as LuaJIT, so `next` visits them in the
/// same order and template constants are dumped byte for byte alike.
const SCRAMBLE_ROT1: u32 = 14;
const SCRAMBLE_ROT2: u32 = 5;
const SCRAMBLE_ROT3: u32 = 13;

/// The hash of a key given as the two 32-bit halves of its bits.
#[inline(always)]
pub fn scramble(lo: u32, hi: u32) -> u32 {
    let a = (lo ^ hi).wrapping_sub(hi.rotate_left(SCRAMBLE_ROT1));
    let b = a ^ hi.rotate_left(SCRAMBLE_ROT1 + SCRAMBLE_ROT2);
    b.wrapping_sub(a.rotate_left(SCRAMBLE_ROT3))
}

/// The hash of a number key from its IEEE bits. The sign bit is shifted
/// out of the high half, so -0 and 0 hash alike.
#[inline(always)]
pub fn number_hash(bits: u64) -> u32 {
    scramble(bits as u32, ((bits >> 32) as u32) << 1)
}

/// The hash of a boolean key: its truth value.
#[inline(always)]
pub fn bool_hash(b: bool) -> u32 {
    b as u32
}

/// The hash of an object key (table, function, userdata, thread, cdata)
/// from its tagged bits. LuaJIT scrambles these like light userdata, but
/// where it puts them depends on addresses, which change from run to run,
/// so nothing is to be matched; and the scrambler spreads the low bits of
/// aligned, closely allocated addresses poorly (tables keyed by tables then
/// chain up). A multiplicative hash spreads them.
#[inline(always)]
fn object_hash(bits: u64) -> u32 {
    let h = (bits ^ (bits >> OBJECT_HASH_SHIFT)).wrapping_mul(OBJECT_HASH_MULTIPLIER);
    (h ^ (h >> 32)) as u32
}

/// xor-shift-multiply constants of `object_hash` (from splitmix64's
/// finalizer).
const OBJECT_HASH_SHIFT: u32 = 29;
const OBJECT_HASH_MULTIPLIER: u64 = 0xbf58_476d_1ce4_e5b9;

/// The hash of any key: strings carry theirs; numbers, booleans and light
/// userdata hash as in LuaJIT (light userdata by their tagged bits, which
/// are LuaJIT's for addresses below 2^39); objects by `object_hash`.
#[inline(always)]
fn key_hash(key: TValue) -> u32 {
    if key.is_str() {
        // SAFETY: a string key is a live string.
        unsafe { (*key.as_ptr::<GcStr>()).hash }
    } else if key.is_num() {
        number_hash(key.0)
    } else if key.is_false() {
        bool_hash(false)
    } else if key.0 == TValue::TRUE.0 {
        bool_hash(true)
    } else if key.is_lightud() {
        scramble(key.0 as u32, (key.0 >> 32) as u32)
    } else {
        object_hash(key.0)
    }
}

/// Main position of a key in the hash part.
#[inline(always)]
fn main_pos(t: &GcTab, key: TValue) -> *mut Node {
    // SAFETY: node has hmask+1 entries.
    unsafe { t.node.add((key_hash(key) & t.hmask) as usize) }
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

/// The node of a key, deleted or live; null if there is none. The key is
/// not nil and, if it is an integral number, has been through
/// `TValue::num(i as f64)` (so it is never -0): stored keys are normalized
/// the same way, and keys then compare by their bits.
fn find_node(t: &GcTab, key: TValue) -> *mut Node {
    if t.hmask == 0 {
        // No hash part: skip hashing (arrays probed past their end).
        return ptr::null_mut();
    }
    let mut n = main_pos(t, key);
    // SAFETY: chains link nodes of this table's node array.
    unsafe {
        loop {
            if (*n).key.0 == key.0 {
                return n;
            }
            n = (*n).next;
            if n.is_null() {
                return ptr::null_mut();
            }
        }
    }
}

/// Raw get of an integer key.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
#[inline]
pub unsafe fn get_int(t: *mut GcTab, i: i64) -> TValue {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    if (i as u64) < tr.asize as u64 {
        // SAFETY: bounds checked.
        unsafe { *tr.array.add(i as usize) }
    } else if tr.hmask == 0 {
        TValue::NIL
    } else {
        get_int_from_hash(tr, i)
    }
}

/// An integer key's value from the hash part. Out of line, so that callers
/// that inline `get_int` do not compute the key's hash before they know the
/// key is not in the array part.
#[inline(never)]
fn get_int_from_hash(t: &GcTab, i: i64) -> TValue {
    get_hash(t, TValue::num(i as f64))
}

/// Raw get of a string key.
///
/// # Safety
/// `t` points to a live table and `s` to a live string.
#[inline]
pub unsafe fn get_str(t: *mut GcTab, s: *mut GcStr) -> TValue {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
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
///
/// # Safety
/// `t` points to a live table and `s` to a live string.
#[inline]
pub unsafe fn get_str_slot(t: *mut GcTab, s: *mut GcStr) -> *mut TValue {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
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
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn get(t: *mut GcTab, key: TValue) -> TValue {
    if key.is_str() {
        // SAFETY: t is live (this function's contract).
        return unsafe { get_str(t, key.as_ptr()) };
    }
    if key.is_num() {
        if let Some(i) = num_as_index(key.as_num()) {
            // SAFETY: t is live (this function's contract).
            return unsafe { get_int(t, i) };
        }
    }
    if key.is_nil() {
        return TValue::NIL;
    }
    // SAFETY: t is live (this function's contract).
    get_hash(unsafe { &*t }, key)
}

/// Pointer to the value slot of an existing key, or null.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn get_slot(t: *mut GcTab, key: TValue) -> *mut TValue {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    let mut key = key;
    if key.is_num() {
        if let Some(i) = num_as_index(key.as_num()) {
            if (i as u64) < tr.asize as u64 {
                // SAFETY: bounds checked.
                return unsafe { tr.array.add(i as usize) };
            }
            key = TValue::num(i as f64);
        }
    } else if key.is_nil() {
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
/// The caller stores into the slot before anything else can reach the
/// table, and applies the write barrier.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn set_slot(
    g: &mut GlobalState,
    t: *mut GcTab,
    key: TValue,
) -> Result<*mut TValue, KeyError> {
    // SAFETY: t is live (this function's contract); no other path to it
    // reached while tr is used (hash_slot below forms its own).
    let tr = unsafe { &mut *t };
    tr.nomm = 0;
    let mut key = key;
    if key.is_num() {
        let n = key.as_num();
        if let Some(i) = num_as_index(n) {
            if (i as u64) < tr.asize as u64 {
                // SAFETY: bounds checked.
                return Ok(unsafe { tr.array.add(i as usize) });
            }
            // Integral keys are stored as such (-0 as 0).
            key = TValue::num(i as f64);
        } else if n.is_nan() {
            return Err(KeyError::NaN);
        }
    } else if key.is_nil() {
        return Err(KeyError::Nil);
    }
    // SAFETY: t is live (this function's contract).
    Ok(unsafe { hash_slot(g, t, key) })
}

/// The value slot of a key that does not belong in the array part (not
/// nil, not NaN, integral numbers normalized), creating the key if needed.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
#[inline(always)]
unsafe fn hash_slot(g: &mut GlobalState, t: *mut GcTab, key: TValue) -> *mut TValue {
    // SAFETY: t is live (this function's contract); tr is not used once
    // new_key is called.
    let tr = unsafe { &*t };
    if tr.hmask == 0 {
        // SAFETY: t is live; its node is the insertion point.
        return unsafe { new_key(g, t, key, tr.node) };
    }
    let home = main_pos(tr, key);
    let mut n = home;
    // SAFETY: chains link nodes of this table's node array.
    unsafe {
        loop {
            if (*n).key.0 == key.0 {
                return &mut (*n).val;
            }
            n = (*n).next;
            if n.is_null() {
                // t is live; home is the key's main position.
                return new_key(g, t, key, home);
            }
        }
    }
}

/// `set_slot` for an integer key.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn set_int_slot(g: &mut GlobalState, t: *mut GcTab, i: i64) -> *mut TValue {
    // SAFETY: t is live (this function's contract); the index is checked
    // against asize.
    unsafe {
        if (i as u64) < (*t).asize as u64 {
            return (*t).array.add(i as usize);
        }
    }
    // SAFETY: t is live (this function's contract).
    match unsafe { set_slot(g, t, TValue::num(i as f64)) } {
        Ok(p) => p,
        Err(_) => unreachable!(),
    }
}

/// `set_slot` for a string key.
///
/// # Safety
/// `t` points to a live table and `s` to a live string.
pub unsafe fn set_str_slot(g: &mut GlobalState, t: *mut GcTab, s: *mut GcStr) -> *mut TValue {
    // SAFETY: t is live and s a live string (this function's contract).
    unsafe {
        (*t).nomm = 0;
        hash_slot(g, t, TValue::gcobj(TID_STR, s as *const GcHeader))
    }
}

/// A hash part as the key-placement rule sees it. Runtime tables and the
/// template constants built by the parser and the bytecode loader
/// (`bytecode::ktable`) share the rule through this trait, so that both put
/// every key in the node LuaJIT would put it in.
pub trait HashNodes {
    /// A node of the hash part.
    type Node: Copy + PartialEq;
    /// Whether there is no hash part at all (no node can take a key).
    fn is_absent(&self) -> bool;
    /// Main position of the key stored in `n`.
    fn home_of(&self, n: Self::Node) -> Self::Node;
    /// Whether `n` holds a live entry (a non-nil value).
    fn holds_value(&self, n: Self::Node) -> bool;
    /// Whether `n` holds a key, live or deleted (deleted keys keep their
    /// node out of the free list until the next resize).
    fn holds_key(&self, n: Self::Node) -> bool;
    fn link(&self, n: Self::Node) -> Option<Self::Node>;
    fn set_link(&mut self, n: Self::Node, to: Option<Self::Node>);
    /// Move the entry of `from` (key, value and link) to the empty node
    /// `to`; `from` keeps its key but loses its value and its link.
    fn move_entry(&mut self, from: Self::Node, to: Self::Node);
    /// Free nodes are searched downwards from here (exclusive).
    fn free_cursor(&self) -> Self::Node;
    fn set_free_cursor(&mut self, n: Self::Node);
    /// The node before `n`, None for the first node.
    fn node_before(&self, n: Self::Node) -> Option<Self::Node>;
}

/// The node that takes a new key whose main position is `home` (the caller
/// stores the key there), or None when no node is free: the table must be
/// rehashed. This is Brent's variation as LuaJIT does it: a main position
/// without a live entry is taken as it is (a deleted key there is
/// overwritten and its node stays in whatever chain it is in); otherwise a
/// free node is taken from the top, and either the new key goes there,
/// chained after its main position, or, when the entry at the main
/// position is a stranger from another chain, that entry moves there.
pub fn node_for_new_key<H: HashNodes>(h: &mut H, home: H::Node) -> Option<H::Node> {
    if !h.is_absent() && !h.holds_value(home) {
        return Some(home);
    }
    let mut free = h.free_cursor();
    loop {
        free = h.node_before(free)?;
        if !h.holds_key(free) {
            break;
        }
    }
    h.set_free_cursor(free);
    let occupant_home = h.home_of(home);
    if occupant_home == home {
        h.set_link(free, h.link(home));
        h.set_link(home, Some(free));
        return Some(free);
    }
    // Relink the stranger's chain through the free node it moves to.
    let mut pred = occupant_home;
    while let Some(next) = h.link(pred) {
        if next == home {
            break;
        }
        pred = next;
    }
    h.set_link(pred, Some(free));
    h.move_entry(home, free);
    rechain_after_move(h, home, free);
    Some(home)
}

/// After a stranger moved from `home` to `moved`: live entries further down
/// its chain may belong to `home`'s chain (a deleted key brought back to
/// life was chained there, through a node this insertion just reused).
/// The first such entry found is hooked into `home`'s chain; from then on,
/// every live entry still down the moved chain that is neither in its own
/// main position nor chained right after it is hooked right after its main
/// position. Without this, such keys could no longer be found (the same
/// repair LuaJIT does, so the chains, too, end up alike).
fn rechain_after_move<H: HashNodes>(h: &mut H, home: H::Node, moved: H::Node) {
    let mut at = moved;
    // Phase one: look for an entry of `home`'s chain.
    loop {
        let Some(next) = h.link(at) else { return };
        if h.holds_value(next) && h.home_of(next) == home {
            h.set_link(at, h.link(next));
            h.set_link(next, h.link(home));
            h.set_link(home, Some(next));
            break;
        }
        at = next;
    }
    // Phase two: hook every remaining misplaced entry after its main node.
    while let Some(next) = h.link(at) {
        if h.holds_value(next) {
            let its_home = h.home_of(next);
            if its_home != at && its_home != next {
                h.set_link(at, h.link(next));
                h.set_link(next, h.link(its_home));
                h.set_link(its_home, Some(next));
                continue;
            }
        }
        at = next;
    }
}

/// The runtime hash part of a table, for `node_for_new_key`.
struct TableNodes<'a>(&'a mut GcTab);

impl HashNodes for TableNodes<'_> {
    type Node = *mut Node;
    #[inline(always)]
    fn is_absent(&self) -> bool {
        self.0.hmask == 0
    }
    #[inline(always)]
    fn home_of(&self, n: *mut Node) -> *mut Node {
        // SAFETY: n is a node of this table.
        main_pos(self.0, unsafe { (*n).key })
    }
    #[inline(always)]
    fn holds_value(&self, n: *mut Node) -> bool {
        // SAFETY: n is a node of this table (or the shared nil node).
        !unsafe { (*n).val }.is_nil()
    }
    #[inline(always)]
    fn holds_key(&self, n: *mut Node) -> bool {
        // SAFETY: n is a node of this table.
        !unsafe { (*n).key }.is_nil()
    }
    #[inline(always)]
    fn link(&self, n: *mut Node) -> Option<*mut Node> {
        // SAFETY: n is a node of this table.
        let next = unsafe { (*n).next };
        (!next.is_null()).then_some(next)
    }
    #[inline(always)]
    fn set_link(&mut self, n: *mut Node, to: Option<*mut Node>) {
        // SAFETY: n is a node of this table's own node array.
        unsafe { (*n).next = to.unwrap_or(ptr::null_mut()) };
    }
    #[inline(always)]
    fn move_entry(&mut self, from: *mut Node, to: *mut Node) {
        // SAFETY: distinct nodes of this table's node array.
        unsafe {
            ptr::copy_nonoverlapping(from, to, 1);
            (*from).next = ptr::null_mut();
            (*from).val = TValue::NIL;
        }
    }
    #[inline(always)]
    fn free_cursor(&self) -> *mut Node {
        self.0.freetop
    }
    #[inline(always)]
    fn set_free_cursor(&mut self, n: *mut Node) {
        self.0.freetop = n;
    }
    #[inline(always)]
    fn node_before(&self, n: *mut Node) -> Option<*mut Node> {
        // SAFETY: n is within or one past this table's node array.
        (n != self.0.node).then(|| unsafe { n.sub(1) })
    }
}

/// Insert a key known to be absent, whose main position is `home`. (Out
/// of line: the interpreter's stores inline `set_slot`, and this slow path
/// would crowd them.)
///
/// # Safety
/// `t` points to a live table; `home` is the key's main position in it.
#[inline(never)]
unsafe fn new_key(g: &mut GlobalState, t: *mut GcTab, key: TValue, home: *mut Node) -> *mut TValue {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &mut *t };
    match node_for_new_key(&mut TableNodes(tr), home) {
        Some(n) => {
            // SAFETY: n is a node of t's own node array.
            unsafe {
                (*n).key = key;
                (*n).val = TValue::NIL;
            }
            debug_check_insertion(tr, key, n, home);
            // SAFETY: as above.
            unsafe { &mut (*n).val }
        }
        None => {
            // SAFETY: t is live (this function's contract).
            unsafe {
                rehash(g, t, key);
                set_slot_after_rehash(g, t, key)
            }
        }
    }
}

/// Debug builds: after `key` went into node `n` (its main position being
/// `home`), the new key is found there, and the chains the insertion may
/// have relinked (from `home`, and from the free node a stranger may have
/// moved to) still find every live key in them. Nothing in release builds.
#[inline(always)]
fn debug_check_insertion(t: &GcTab, key: TValue, n: *mut Node, home: *mut Node) {
    if cfg!(debug_assertions) {
        assert!(
            find_node(t, key) == n,
            "table invariant broken: a new key is not found from its main position"
        );
        // SAFETY: one past the last node, compared only.
        let end = unsafe { t.node.add(t.hmask as usize + 1) };
        let moved = if t.freetop < end {
            t.freetop
        } else {
            ptr::null_mut()
        };
        for start in [home, moved] {
            if let Some(problem) = chain_violation(t, start) {
                panic!("table invariant broken after an insertion: {}", problem);
            }
        }
    }
}

/// Store a key again after the rehash its insertion caused (it may now
/// belong in the array part).
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
unsafe fn set_slot_after_rehash(g: &mut GlobalState, t: *mut GcTab, key: TValue) -> *mut TValue {
    // SAFETY: t is live (this function's contract).
    match unsafe { set_slot(g, t, key) } {
        Ok(p) => p,
        Err(_) => unreachable!("a key being inserted is neither nil nor NaN"),
    }
}

/// Number of power-of-two ranges integer keys are counted in.
pub const NBINS: usize = 28;

/// The range an array-candidate key falls in: 0 for keys 0..=2, then b for
/// keys in (2^b, 2^(b+1)]. None for keys that can never be in the array
/// (not an integer, negative, or beyond the largest array part).
pub fn int_key_bin(n: f64) -> Option<usize> {
    let k = num_as_index(n)?;
    if k < 0 || k as u64 >= MAX_ASIZE as u64 {
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
pub fn best_array_size(bins: &[u32; NBINS], nint: u32) -> (u32, u32) {
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

/// Resize `t` for its live keys plus `extra` (the key being inserted).
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
unsafe fn rehash(g: &mut GlobalState, t: *mut GcTab, extra: TValue) {
    let mut bins = [0u32; NBINS];
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    // Every live key plus the one being inserted.
    let mut total = 1u32;
    let mut nint = 0u32;
    let mut count = |k: TValue, bins: &mut [u32; NBINS]| {
        if !k.is_num() {
            return;
        }
        if let Some(b) = int_key_bin(k.as_num()) {
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
    // SAFETY: t is live (this function's contract).
    unsafe { resize(g, t, asize.min(MAX_ASIZE), hsize2hbits(total - held)) };
}

/// Grow the array part to `nasize` slots (if smaller), keeping the size
/// of the hash part; integer keys that now fit move into the array.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn grow_array(g: &mut GlobalState, t: *mut GcTab, nasize: u32) {
    // SAFETY: t is live (this function's contract); fields read by value.
    let (asize, node, hmask) = unsafe { ((*t).asize, (*t).node, (*t).hmask) };
    if nasize <= asize {
        return;
    }
    let hbits = if node == g.nilnode() {
        0
    } else {
        32 - hmask.leading_zeros()
    };
    // SAFETY: t is live (this function's contract).
    unsafe { resize(g, t, nasize.min(MAX_ASIZE), hbits) };
}

/// Resize both parts, reinserting entries.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn resize(g: &mut GlobalState, t: *mut GcTab, nasize: u32, hbits: u32) {
    // SAFETY: t is live (this function's contract); fields read by value.
    let (oasize, onode, ohmask) = unsafe { ((*t).asize, (*t).node, (*t).hmask) };
    let was_nil = onode == g.nilnode();
    if nasize > oasize {
        // SAFETY: t is live (this function's contract).
        unsafe { resize_array(g, t, nasize) };
    }
    // New hash part.
    if hbits > 0 {
        // SAFETY: t is live; the old node array is kept in onode.
        unsafe { alloc_hash(g, t, hbits) };
    } else {
        let nilnode = g.nilnode();
        // SAFETY: t is live (this function's contract).
        unsafe {
            (*t).node = nilnode;
            (*t).hmask = 0;
            (*t).freetop = nilnode;
        }
    }
    // Move array entries that no longer fit.
    if nasize < oasize {
        // SAFETY: t is live. While the entries move, asize says nasize so
        // that set_int_slot puts them in the hash part; the old array
        // (still allocated, oasize slots) is then shrunk.
        unsafe {
            let arr = (*t).array;
            (*t).asize = nasize;
            for i in nasize..oasize {
                let v = *arr.add(i as usize);
                if !v.is_nil() {
                    *set_int_slot(g, t, i as i64) = v;
                }
            }
            (*t).asize = oasize;
            resize_array(g, t, nasize);
        }
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
                // SAFETY: t is live; p is the slot just made for k.
                unsafe {
                    if let Ok(p) = set_slot(g, t, k) {
                        *p = v;
                    }
                }
            }
        }
        // SAFETY: the old node array (not the shared nil node), replaced
        // above and not used again.
        unsafe {
            mem_free(
                g,
                onode as *mut u8,
                (ohmask as usize + 1) * std::mem::size_of::<Node>(),
            )
        };
    }
    // SAFETY: t is live (this function's contract, or the fresh table).
    unsafe { debug_check_structure(g, t) };
}

/// `#t`: a border, the one LuaJIT finds: a binary search inside the array
/// part when its last slot is nil, else a search upwards from the end of
/// the array through the hash part.
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn len(t: *mut GcTab) -> u64 {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    let last = (tr.asize as u64).saturating_sub(1);
    // SAFETY: last < asize whenever it is > 0.
    if last > 0 && unsafe { *tr.array.add(last as usize) }.is_nil() {
        // A growing array most likely ends in nils: the border is inside.
        let (mut lo, mut hi) = (0u64, last);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            // SAFETY: mid < last < asize.
            if unsafe { *tr.array.add(mid as usize) }.is_nil() {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo;
    }
    if tr.hmask == 0 {
        // Without a hash part the slot after the array is an implicit nil.
        return last;
    }
    // SAFETY: t is live (this function's contract).
    unsafe { unbound_search(t, last) }
}

/// Largest probe of the doubling search in `unbound_search`; past it the
/// search falls back to counting up from 1 (as LuaJIT does).
const MAX_LEN_PROBE: u64 = i32::MAX as u64 - 2;

/// The border at or after `start` (whose value is non-nil, or 0): probes
/// `start+1`, then doubles, then bisects.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
unsafe fn unbound_search(t: *mut GcTab, start: u64) -> u64 {
    // SAFETY: t is live (this function's contract).
    let at = |i: u64| unsafe { get_int(t, i as i64) };
    let mut lo = start;
    let mut hi = start + 1;
    while !at(hi).is_nil() {
        lo = hi;
        hi *= 2;
        if hi > MAX_LEN_PROBE {
            // Pathological: linear search.
            let mut k = 1;
            while !at(k).is_nil() {
                k += 1;
            }
            return k - 1;
        }
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if at(mid).is_nil() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// Light userdata address bits of the hidden control variable of a
/// `for k, v in pairs(t)` loop run by ITERN (traversal index in the low
/// word). `tostring` shows it as LuaJIT shows its own control variable
/// (`userdata: 0x7f00000002`), and `next` accepts it as a key, as LuaJIT's
/// does, going on from the index it holds.
const ITER_CONTROL_BASE: u64 = 0x7f_0000_0000;

/// The control variable for traversal index `idx`.
#[inline(always)]
pub fn iter_control(idx: u32) -> TValue {
    TValue::lightud((ITER_CONTROL_BASE | idx as u64) as usize as *mut std::ffi::c_void)
}

/// The traversal index held by a control variable made by `iter_control`.
#[inline(always)]
pub fn iter_control_index(v: TValue) -> Option<u32> {
    (v.is_lightud() && v.payload() >> 32 == ITER_CONTROL_BASE >> 32).then_some(v.payload() as u32)
}

/// The traversal index after `key` (array slots first, then nodes: index
/// asize + n is node n), or None for a key that is not in the table. A key
/// whose value was set to nil is still found while its node keeps it (until
/// a new key reuses the node or the table is resized), so a traversal may
/// clear the current entry and go on.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn key_index(t: *mut GcTab, key: TValue) -> Option<u32> {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    if key.is_nil() {
        return Some(0);
    }
    let mut key = key;
    if key.is_num() {
        if let Some(i) = num_as_index(key.as_num()) {
            if (i as u64) < tr.asize as u64 {
                return Some(i as u32 + 1);
            }
            key = TValue::num(i as f64);
        }
    }
    let n = find_node(tr, key);
    if n.is_null() {
        return iter_control_index(key);
    }
    // SAFETY: n is a node of t's node array (a found key is never in the
    // shared nil node, whose key is nil).
    Some(tr.asize + unsafe { n.offset_from(tr.node) } as u32 + 1)
}

/// The first entry at or after traversal index `idx`, with the index after
/// it; None at the end of the traversal.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
#[inline(never)]
pub unsafe fn entry_from(t: *mut GcTab, idx: u32) -> Option<(u32, TValue, TValue)> {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    let mut i = idx;
    while i < tr.asize {
        // SAFETY: i < asize.
        let v = unsafe { *tr.array.add(i as usize) };
        if !v.is_nil() {
            return Some((i + 1, TValue::num(i as f64), v));
        }
        i += 1;
    }
    // The shared nil node (hmask 0) holds no value, so it ends the loop.
    let mut h = i - tr.asize;
    while h <= tr.hmask {
        // SAFETY: h <= hmask.
        let n = unsafe { &*tr.node.add(h as usize) };
        if !n.val.is_nil() {
            return Some((tr.asize + h + 1, n.key, n.val));
        }
        h += 1;
    }
    None
}

/// Traversal for `next`: returns the entry after `key` (nil = first), or
/// None at the end; Err for a key not in the table.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn next(
    _g: &GlobalState,
    t: *mut GcTab,
    key: TValue,
) -> Result<Option<(TValue, TValue)>, ()> {
    // SAFETY: t is live (this function's contract).
    let idx = unsafe { key_index(t, key) }.ok_or(())?;
    // SAFETY: t is live (this function's contract).
    Ok(unsafe { entry_from(t, idx) }.map(|(_, k, v)| (k, v)))
}

/// Remove every entry (table.clear), keeping the allocated sizes.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn clear(g: &GlobalState, t: *mut GcTab) {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &mut *t };
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
    // SAFETY: t is live (this function's contract, or the fresh table).
    unsafe { debug_check_structure(g, t) };
}

/// Bits of the hash part's size for a table's current hash part (0 for none).
fn hbits_of(t: &GcTab) -> u32 {
    if t.hmask == 0 {
        0
    } else {
        32 - t.hmask.leading_zeros()
    }
}

/// A copy of a table (TDUP of a template, table.clone): same sizes, and
/// every node copied in place with its chain link and the free cursor, so
/// the copy traverses in the same order and later keys land where they
/// would in the original (deleted keys are copied too, as LuaJIT does).
/// No metatable.
///
/// # Safety
/// `src` points to a live table.
pub unsafe fn dup(g: &mut GlobalState, src: *mut GcTab) -> *mut GcTab {
    let (asize, hbits) = {
        // SAFETY: src is live (this function's contract).
        let s = unsafe { &*src };
        (s.asize, hbits_of(s))
    };
    let t = new(g, asize, hbits);
    // SAFETY: src is live and t is the fresh copy, a different table;
    // neither is reached another way while s and tr are used.
    let (s, tr) = unsafe { (&*src, &mut *t) };
    tr.nomm = 0;
    if asize > 0 {
        // SAFETY: both arrays have asize entries.
        unsafe { ptr::copy_nonoverlapping(s.array, tr.array, asize as usize) };
    }
    if hbits > 0 {
        let nodes = s.hmask as usize + 1;
        // SAFETY: both node arrays have hmask+1 entries; links and the free
        // cursor point into the source's array (or are null) and are moved
        // by the same offset into the copy's.
        unsafe {
            ptr::copy_nonoverlapping(s.node, tr.node, nodes);
            for i in 0..nodes {
                let n = tr.node.add(i);
                if !(*n).next.is_null() {
                    (*n).next = tr.node.offset((*n).next.offset_from(s.node));
                }
            }
            tr.freetop = tr.node.offset(s.freetop.offset_from(s.node));
        }
    }
    // SAFETY: t is live (this function's contract, or the fresh table).
    unsafe { debug_check_structure(g, t) };
    t
}

/// A table laid out as a template constant says (`KTable`: the array part,
/// each node's key, value and link, the free cursor), as the parser or the
/// bytecode loader built it. `value` turns a constant into a value.
pub fn from_template<V>(
    g: &mut GlobalState,
    kt: &KTable<V>,
    mut value: impl FnMut(&mut GlobalState, &V) -> TValue,
    mut key: impl FnMut(&mut GlobalState, &KTabVal) -> TValue,
) -> *mut GcTab {
    let hbits = kt.hash_bits();
    let t = new(g, kt.array.len() as u32, hbits);
    for (i, v) in kt.array.iter().enumerate() {
        let v = value(g, v);
        // SAFETY: t is the fresh table; its array part has array.len() slots.
        unsafe { *(*t).array.add(i) = v };
    }
    if hbits > 0 {
        for (i, kn) in kt.nodes.iter().enumerate() {
            let k = key(g, &kn.key);
            let v = value(g, &kn.val);
            // SAFETY: t is the fresh table; its hash part has as many nodes
            // as the template, and links index nodes of the template.
            unsafe {
                let node = (*t).node;
                let n = &mut *node.add(i);
                n.key = k;
                n.val = v;
                n.next = kn.link.map_or(ptr::null_mut(), |l| node.add(l as usize));
            }
        }
        // SAFETY: t is the fresh table; free_top <= number of nodes.
        unsafe { (*t).freetop = (*t).node.add(kt.free_top as usize) };
    }
    // SAFETY: t is live (this function's contract, or the fresh table).
    unsafe { debug_check_structure(g, t) };
    t
}

/// The template constant a table is (string.dump of a template): its
/// layout, `constant` turning each live key and value back into a constant.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn to_template(t: *mut GcTab, constant: impl Fn(TValue) -> KTabVal) -> KTable {
    // SAFETY: t is live (this function's contract); `constant` only reads
    // the values it is given (strings' bytes), never the table.
    let tr = unsafe { &*t };
    // As large as the table: allocated fallibly (crate::mem).
    let array = crate::mem::CollectFallible::collect_fallible(
        // SAFETY: i < asize.
        (0..tr.asize as usize).map(|i| constant(unsafe { *tr.array.add(i) })),
    );
    let mut nodes = crate::mem::FallibleVec::new();
    let mut free_top = 0;
    if tr.hmask > 0 {
        // SAFETY: i <= hmask; links and the free cursor are in the array.
        unsafe {
            for i in 0..=tr.hmask as usize {
                let n = &*tr.node.add(i);
                let link = (!n.next.is_null()).then(|| n.next.offset_from(tr.node) as u32);
                // A deleted key is left out: its string may have been
                // collected (only live entries are marked), and a dump
                // holds live entries only.
                let (k, v) = if n.val.is_nil() {
                    (KTabVal::Nil, KTabVal::Nil)
                } else {
                    (constant(n.key), constant(n.val))
                };
                nodes.push(KNode::new(k, v, link));
            }
            free_top = tr.freetop.offset_from(tr.node) as u32;
        }
    }
    KTable::from_parts(array, nodes.into_vec(), free_top)
}

/// Mark phase: mark the metatable and the entries (respecting `__mode`).
/// Returns whether the table is weak (its weak parts are left unmarked and
/// the mode is recorded in its mark bits for `clear_weak`).
///
/// Marking reaches other objects (and maybe the table itself, as its own
/// metatable, key or value), so the table's fields are read by value and
/// no reference to it is held.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn traverse(g: &mut GlobalState, t: *mut GcTab) -> bool {
    use crate::gc::{mark_value, MARK_WEAK_KEYS, MARK_WEAK_VALUES};
    let mut weak_k = false;
    let mut weak_v = false;
    // SAFETY: t is live (this function's contract).
    let mt = unsafe { (*t).metatable };
    if !mt.is_null() {
        // SAFETY: a live table's metatable is a live table.
        unsafe {
            crate::gc::mark_object(g, mt as *mut GcHeader);
            let mode = crate::meta::fast_get(g, mt, crate::meta::MM_MODE);
            if mode.is_str() {
                let m = crate::string::str_bytes(mode.as_ptr());
                weak_k = m.contains(&b'k');
                weak_v = m.contains(&b'v');
            }
        }
    }
    // SAFETY: t is live; fields read and written by value.
    let (array, asize, node, hmask) = unsafe {
        (*t).marked = ((*t).marked & !(MARK_WEAK_KEYS | MARK_WEAK_VALUES))
            | if weak_k { MARK_WEAK_KEYS } else { 0 }
            | if weak_v { MARK_WEAK_VALUES } else { 0 };
        ((*t).array, (*t).asize, (*t).node, (*t).hmask)
    };
    for i in 0..asize {
        // SAFETY: i < asize.
        let v = unsafe { *array.add(i as usize) };
        // Strings are values, never weak references.
        if !weak_v || v.is_str() {
            mark_value(g, v);
        }
    }
    if node != g.nilnode() {
        for i in 0..=hmask {
            // SAFETY: i <= hmask.
            let (k, v) = unsafe {
                let n = node.add(i as usize);
                ((*n).key, (*n).val)
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
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn traversal_size(t: *mut GcTab) -> usize {
    // SAFETY: t is live (this function's contract); no other path to it
    // is used while tr is.
    let tr = unsafe { &*t };
    let hash = if tr.hmask > 0 {
        (tr.hmask as usize + 1) * std::mem::size_of::<Node>()
    } else {
        0
    };
    std::mem::size_of::<GcTab>() + tr.asize as usize * std::mem::size_of::<TValue>() + hash
}

/// Remove entries of a weak table whose weak key or value is dead. The
/// tests read the marks of other objects (maybe of the table itself), so
/// the table's fields are read by value and no reference to it is held.
///
/// # Safety
/// `t` points to a live table (reachable, or unreachable but not yet
/// freed).
pub unsafe fn clear_weak(
    t: *mut GcTab,
    dead_key: impl Fn(TValue) -> bool,
    dead_value: impl Fn(TValue) -> bool,
) {
    // SAFETY: t is live (this function's contract); fields read by value.
    let (marked, array, asize, node, hmask) =
        unsafe { ((*t).marked, (*t).array, (*t).asize, (*t).node, (*t).hmask) };
    let wk = marked & crate::gc::MARK_WEAK_KEYS != 0;
    let wv = marked & crate::gc::MARK_WEAK_VALUES != 0;
    if wv {
        for i in 0..asize {
            // SAFETY: i < asize.
            unsafe {
                let p = array.add(i as usize);
                if dead_value(*p) {
                    *p = TValue::NIL;
                }
            }
        }
    }
    if hmask > 0 || !node.is_null() {
        for i in 0..=hmask {
            // SAFETY: i <= hmask; node fields are read and written by value.
            unsafe {
                let n = node.add(i as usize);
                let (k, v) = ((*n).key, (*n).val);
                if v.is_nil() {
                    continue;
                }
                if (wk && dead_key(k)) || (wv && dead_value(v)) {
                    // The dead key stays (with a nil value) so that hash
                    // chains and main positions stay intact; entries with
                    // nil values are never marked or returned by next(),
                    // and the node is reused by the next key hashing to it.
                    (*n).val = TValue::NIL;
                }
            }
        }
    }
}

/// Free a dead table and its parts.
///
/// # Safety
/// `t` points to a table that is dead (unreachable, being swept or the
/// state being closed) and not freed yet; it is not used afterwards.
pub unsafe fn free(g: &mut GlobalState, t: *mut GcTab) {
    // SAFETY: t is not freed yet (this function's contract): its fields
    // are read by value until its own block is freed, last. Freed are its
    // separate array part (when not colocated), its node array (when not
    // the shared nil node) and its block, with their sizes; none is used
    // again.
    unsafe {
        if (*t).asize > 0 && (*t).colo <= 0 {
            let n = (*t).asize as usize;
            mem_free(g, (*t).array as *mut u8, n * std::mem::size_of::<TValue>());
        }
        let node = (*t).node;
        if node != g.nilnode() {
            let n = (*t).hmask as usize + 1;
            mem_free(g, node as *mut u8, n * std::mem::size_of::<Node>());
        }
        let size = object_size(&*t);
        mem_free(g, t as *mut u8, size);
    }
}

/// What is wrong with the structure of table `t`, or None when it is
/// sound. Checks the invariants every lookup relies on:
/// - the array part: `asize` within `MAX_ASIZE`; a colocated array
///   (`colo > 0`) right after the header with `colo` slots; a separate one
///   allocated exactly when `asize > 0`;
/// - the hash part: `hmask + 1` a power of two, the shared nil node (and
///   only it) for an empty hash part, left untouched; the free cursor
///   inside the node array, every node at or above it holding a key;
/// - the chains: every link points to a node of this table's node array,
///   no node has two predecessors, no chain is a cycle, a node that never
///   held a key links nowhere;
/// - the keys: every live entry is found from its key's main position, its
///   key is neither nil nor NaN, and an integral number key is normalized
///   (no -0) and lies outside the array part.
///
/// Walks the whole table: debug builds run it after every resize (and
/// copy, template or clear), where the cost is that of the resize.
///
/// # Safety
/// `t` points to a live table.
pub unsafe fn structure_violation(g: &GlobalState, t: *mut GcTab) -> Option<String> {
    // SAFETY: t is live (this function's contract); only read here.
    let tr = unsafe { &*t };
    if tr.asize > MAX_ASIZE {
        return Some(format!("asize {} beyond MAX_ASIZE", tr.asize));
    }
    // Where a colocated array part starts: right after the header.
    let colocated = t.wrapping_add(1) as *mut TValue;
    if tr.colo > 0 {
        if tr.array != colocated || tr.asize != tr.colo as u32 {
            return Some(format!(
                "colocated array of {} slots with asize {} not after the header",
                tr.colo, tr.asize
            ));
        }
    } else if (tr.asize == 0) != tr.array.is_null() || tr.array == colocated {
        return Some(format!(
            "asize {} with a separate array at {:p}",
            tr.asize, tr.array
        ));
    }
    let nilnode = g.nilnode_const();
    // SAFETY: the shared nil node lives in the global state.
    let nil = unsafe { &*nilnode };
    if !nil.key.is_nil() || !nil.val.is_nil() || !nil.next.is_null() {
        return Some("the shared nil node was written to".into());
    }
    if tr.hmask == 0 {
        if tr.node != nilnode || tr.freetop != nilnode {
            return Some("no hash part but not the shared nil node".into());
        }
        return None;
    }
    if tr.hmask & (tr.hmask + 1) != 0 || tr.hmask >= 1 << MAX_HBITS {
        return Some(format!(
            "hmask {:#x} is not a power of two less one",
            tr.hmask
        ));
    }
    if tr.node == nilnode {
        return Some(format!("hmask {:#x} on the shared nil node", tr.hmask));
    }
    let nodes = tr.hmask as usize + 1;
    let index_of = |n: *mut Node| -> Option<usize> {
        let off = (n as usize).wrapping_sub(tr.node as usize);
        let size = std::mem::size_of::<Node>();
        (off.is_multiple_of(size) && off / size < nodes).then_some(off / size)
    };
    let free_off = (tr.freetop as usize).wrapping_sub(tr.node as usize);
    let free = free_off / std::mem::size_of::<Node>();
    if !free_off.is_multiple_of(std::mem::size_of::<Node>()) || free > nodes {
        return Some("free cursor outside the node array".into());
    }
    // SAFETY: i < nodes, the size of t's node array.
    let node = |i: usize| unsafe { &*tr.node.add(i) };
    let mut has_pred = vec![false; nodes];
    for i in 0..nodes {
        let n = node(i);
        if n.key.is_nil() {
            if !n.next.is_null() {
                return Some(format!("node {} without a key links on", i));
            }
            if i >= free {
                return Some(format!(
                    "free node {} at or above the free cursor {}",
                    i, free
                ));
            }
        }
        if !n.next.is_null() {
            let Some(j) = index_of(n.next) else {
                return Some(format!("node {} links outside the node array", i));
            };
            if std::mem::replace(&mut has_pred[j], true) {
                return Some(format!("node {} has two predecessors", j));
            }
        }
    }
    // Chains start at nodes without a predecessor; every node that is on
    // no such walk is on a cycle.
    let mut walked = 0;
    for i in (0..nodes).filter(|&i| !has_pred[i]) {
        let mut n: *mut Node = node(i) as *const Node as *mut Node;
        while !n.is_null() {
            walked += 1;
            // SAFETY: n is a node of t (checked above).
            n = unsafe { (*n).next };
        }
    }
    if walked != nodes {
        return Some(format!("{} nodes are on a chain cycle", nodes - walked));
    }
    for i in 0..nodes {
        let n = node(i);
        if n.val.is_nil() {
            continue;
        }
        if let Some(problem) = live_key_violation(tr, n.key) {
            return Some(format!("node {}: {}", i, problem));
        }
        if !ptr::eq(find_node(tr, n.key), n) {
            return Some(format!(
                "node {}: its key is not found from its main position",
                i
            ));
        }
    }
    None
}

/// What is wrong with the key of a live hash entry of `t`, if anything.
fn live_key_violation(t: &GcTab, key: TValue) -> Option<&'static str> {
    if key.is_nil() {
        return Some("a live entry with a nil key");
    }
    if key.is_num() {
        let n = key.as_num();
        if n.is_nan() {
            return Some("a NaN key");
        }
        if let Some(i) = num_as_index(n) {
            if key.0 != TValue::num(i as f64).0 {
                return Some("an integral key not normalized (-0)");
            }
            if (i as u64) < t.asize as u64 {
                return Some("an integer key of the array part in the hash part");
            }
        }
    }
    None
}

/// The live entries on the chain from `start` are found from their main
/// positions (after an insertion moved or relinked entries there); None
/// when they are. Bounded by the node count, so a cycle is reported.
fn chain_violation(t: &GcTab, start: *mut Node) -> Option<String> {
    let mut n = start;
    let mut steps = 0u64;
    while !n.is_null() {
        steps += 1;
        if steps > t.hmask as u64 + 1 {
            return Some("a chain longer than the node array (a cycle)".into());
        }
        // SAFETY: n is a node of t's node array (chains stay inside it).
        let (key, val, next) = unsafe { ((*n).key, (*n).val, (*n).next) };
        if !val.is_nil() && find_node(t, key) != n {
            return Some("a live key is not found from its main position".into());
        }
        n = next;
    }
    None
}

/// Debug builds: panic when `t`'s structure is broken (see
/// `structure_violation`). Nothing in release builds.
///
/// # Safety
/// `t` points to a live table.
#[inline(always)]
unsafe fn debug_check_structure(g: &GlobalState, t: *mut GcTab) {
    if cfg!(debug_assertions) {
        // SAFETY: t is live (this function's contract).
        if let Some(problem) = unsafe { structure_violation(g, t) } {
            panic!("table invariant broken: {}", problem);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::invariant_tests::{
        entry_from, get, len, next, num, set, sizes, with_state, xorshift,
    };
    use super::*;

    // The tables of these tests are made by the test and stay allocated
    // until `with_state` closes the state: no collection step runs in
    // between (only the interpreter and the C API step the collector).
    // The shared wrappers (shadowing the functions under test) rely on that.

    /// Keys in traversal order (numbers only).
    fn order(t: *mut GcTab) -> Vec<f64> {
        let mut out = vec![];
        let mut idx = 0;
        while let Some((next, k, _)) = entry_from(t, idx) {
            out.push(k.as_num());
            idx = next;
        }
        out
    }

    /// Growth by rehashing sizes the parts as LuaJIT does (keys 1..8 end
    /// up in the array part, the halves in 16 nodes) and reinserts in
    /// LuaJIT's order: the traversal order is the reference's
    /// (`for i = 1, 20 do t[i * 0.5] = i end`).
    #[test]
    fn rehash_sizes_and_order() {
        with_state(|g| {
            let t = new(g, 0, 0);
            for i in 1..=20 {
                set(g, t, num(i as f64 * 0.5), num(i as f64));
            }
            assert_eq!(sizes(t), (9, 15));
            let want = [
                1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 5.5, 4.5, 10.0, 1.5, 3.5, 0.5, 7.5, 9.5,
                9.0, 6.5, 2.5, 8.5,
            ];
            assert_eq!(order(t), want);
            // Integer keys up to 2^27 count for the array part: a dense
            // run from 1 puts them there.
            let t = new(g, 0, 0);
            for i in 1..=40 {
                set(g, t, num(i as f64), TValue::TRUE);
            }
            assert_eq!(sizes(t), (65, 0));
            assert_eq!(int_key_bin((1u64 << 27) as f64), Some(26));
            assert_eq!(int_key_bin(((1u64 << 27) + 1) as f64), None);
        });
    }

    /// Deleted keys keep their nodes; chains stay intact through deletes
    /// and re-insertions (every key is found), and the traversal order is
    /// the reference's.
    #[test]
    fn chains_after_deletes() {
        with_state(|g| {
            let t = new(g, 0, 0);
            for i in 1..=16 {
                set(g, t, num(i as f64 + 0.25), num(i as f64));
            }
            for i in (1..=16).step_by(3) {
                set(g, t, num(i as f64 + 0.25), TValue::NIL);
            }
            let want = [
                8.25, 5.25, 12.25, 15.25, 14.25, 9.25, 3.25, 11.25, 6.25, 2.25,
            ];
            assert_eq!(order(t), want);
            for i in (1..=16).step_by(3) {
                set(g, t, num(i as f64 + 0.25), num(-i as f64));
            }
            let want = [
                8.25, 5.25, 16.25, 13.25, 4.25, 12.25, 15.25, 14.25, 9.25, 3.25, 1.25, 7.25, 11.25,
                10.25, 6.25, 2.25,
            ];
            assert_eq!(order(t), want);
            for i in 1..=16 {
                let want = if (i - 1) % 3 == 0 { -i } else { i };
                assert_eq!(get(t, num(i as f64 + 0.25)).as_num(), want as f64);
            }
        });
    }

    /// Random stores and deletes of number, boolean and string keys, with
    /// lookups of every key ever used checked against a plain model after
    /// each step: chains survive moves, reuse of deleted keys' nodes and
    /// the rechaining of keys brought back to life.
    #[test]
    fn chains_survive_random_deletes() {
        with_state(|g| {
            let mut rnd = xorshift(0x2545_f491_4f6c_dd1du64);
            for _round in 0..40 {
                let t = new(g, 0, 0);
                let mut keys: Vec<TValue> = vec![];
                let mut model: Vec<TValue> = vec![];
                for step in 0..300 {
                    let k = match rnd(4) {
                        0 => num(rnd(64) as f64),
                        1 => num(rnd(200) as f64 / 8.0 - 10.0),
                        2 => TValue::bool(rnd(2) == 0),
                        _ => crate::string::new_str_value(g, format!("s{}", rnd(40)).as_bytes()),
                    };
                    let v = if rnd(3) == 0 {
                        TValue::NIL
                    } else {
                        num(step as f64)
                    };
                    set(g, t, k, v);
                    match keys.iter().position(|&x| x.0 == k.0) {
                        Some(i) => model[i] = v,
                        None => {
                            keys.push(k);
                            model.push(v);
                        }
                    }
                    for (k, v) in keys.iter().zip(&model) {
                        assert_eq!(get(t, *k).0, v.0);
                    }
                }
                let live = model.iter().filter(|v| !v.is_nil()).count();
                let mut seen = 0;
                let mut idx = 0;
                while let Some((next, _, _)) = entry_from(t, idx) {
                    seen += 1;
                    idx = next;
                }
                assert_eq!(seen, live);
            }
        });
    }

    /// The borders `#` finds, as LuaJIT finds them: inside the array part
    /// when its last slot is nil, else searching upwards through the hash
    /// part; TNEW's saturated size field means 0x801 slots.
    #[test]
    fn border_of_len() {
        with_state(|g| {
            // table.new(8, 0); t[1], t[2], t[9], t[10]: the border in the array.
            let t = new_ah(g, 8, 0);
            for i in [1, 2, 9, 10] {
                set(g, t, num(i as f64), TValue::TRUE);
            }
            assert_eq!(len(t), 2);
            // t[1..3], t[5], t[6] from empty: 3.
            let t = new(g, 0, 0);
            for i in [1, 2, 3, 5, 6] {
                set(g, t, num(i as f64), TValue::TRUE);
            }
            assert_eq!(len(t), 3);
            // {1, 2, 3}; t[5..8]: the search goes on in the hash part.
            let t = new(g, 4, 0);
            for i in [1, 2, 3, 5, 6, 7, 8] {
                set(g, t, num(i as f64), TValue::TRUE);
            }
            assert_eq!(len(t), 8);
            // A constructor of 2047 items: 0x801 array slots, so 2048 fits.
            let t = new_for_tnew(g, TNEW_ASIZE_SATURATED);
            assert_eq!(sizes(t).0, 0x801);
            for i in 1..=2048 {
                set(g, t, num(i as f64), TValue::TRUE);
            }
            assert_eq!((sizes(t), len(t)), ((0x801, 0), 2048));
        });
    }

    /// A traversal by index (pairs) goes on while the current key is
    /// cleared and others are added, visiting what the reference visits;
    /// `next` given a key whose node a new key took raises, as in the
    /// reference, while a cleared key still in its node is found.
    #[test]
    fn next_during_assignment() {
        with_state(|g| {
            let t = new(g, 0, 0);
            for i in 1..=8 {
                set(g, t, num(i as f64 + 0.5), num(i as f64));
            }
            let mut seen = vec![];
            let mut idx = 0;
            while let Some((next, k, v)) = entry_from(t, idx) {
                seen.push(k.as_num());
                set(g, t, k, TValue::NIL);
                set(g, t, num(k.as_num() + 100.0), v);
                idx = next;
            }
            assert_eq!(seen, [3.5, 5.5, 7.5, 4.5, 103.5, 6.5, 2.5, 107.5]);

            let t = new(g, 0, 0);
            for i in 1..=8 {
                set(g, t, num(i as f64 + 0.5), num(i as f64));
            }
            let (k, _) = next(g, t, TValue::NIL).unwrap().unwrap();
            assert_eq!(k.as_num(), 3.5);
            set(g, t, k, TValue::NIL);
            assert!(next(g, t, k).is_ok());
            set(g, t, num(100.5), num(0.0));
            assert!(next(g, t, k).is_err());
            // The control variable of a pairs loop works as a key.
            let (k, _) = next(g, t, iter_control(0)).unwrap().unwrap();
            assert_eq!(k.as_num(), 100.5);
        });
    }

    /// Template tables (built by the parser and the loader) are laid out
    /// exactly as runtime tables given the same stores: same nodes, links
    /// and free cursor, strings included.
    #[test]
    fn templates_lay_out_like_tables() {
        with_state(|g| {
            let mut rnd = xorshift(0x9e37_79b9_7f4a_7c15u64);
            for _round in 0..60 {
                let (asize, hbits) = (rnd(6) as u32, rnd(4) as u32);
                let t = new(g, asize, hbits);
                let mut kt: KTable = KTable::new(asize, hbits);
                for step in 0..rnd(80) {
                    let k = match rnd(4) {
                        0 => KTabVal::Int(rnd(40) as i32 - 5),
                        1 => KTabVal::Num(rnd(100) as f64 / 4.0 + 0.125),
                        2 => [KTabVal::True, KTabVal::False][rnd(2) as usize].clone(),
                        _ => KTabVal::Str(format!("k{}", rnd(30)).into_bytes()),
                    };
                    let v = if rnd(4) == 0 {
                        KTabVal::Nil
                    } else {
                        KTabVal::Int(step as i32)
                    };
                    let tk = match &k {
                        KTabVal::Int(i) => num(*i as f64),
                        KTabVal::Num(n) => num(*n),
                        KTabVal::True => TValue::TRUE,
                        KTabVal::False => TValue::FALSE,
                        KTabVal::Str(s) => crate::string::new_str_value(g, s),
                        KTabVal::Nil => unreachable!(),
                    };
                    let tv = if v == KTabVal::Nil {
                        TValue::NIL
                    } else {
                        num(step as f64)
                    };
                    set(g, t, tk, tv);
                    kt.set(k, v);
                }
                let constant = |v: TValue| {
                    if v.is_nil() {
                        KTabVal::Nil
                    } else if v.is_str() {
                        // SAFETY: a string of the test's table, not collected.
                        KTabVal::Str(unsafe { crate::string::str_bytes(v.as_ptr()) }.to_vec())
                    } else if v.is_bool() {
                        [KTabVal::False, KTabVal::True][(v.0 == TValue::TRUE.0) as usize].clone()
                    } else if v.as_num() == v.as_num() as i32 as f64 {
                        KTabVal::Int(v.as_num() as i32)
                    } else {
                        KTabVal::Num(v.as_num())
                    }
                };
                // SAFETY: t is a table of the test.
                let rt = unsafe { to_template(t, constant) };
                // Deleted keys are left out of `to_template`: compare live nodes.
                let live = |kt: &KTable| -> Vec<(usize, KTabVal, KTabVal)> {
                    kt.nodes
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.val != KTabVal::Nil)
                        .map(|(i, n)| (i, n.key.clone(), n.val.clone()))
                        .collect()
                };
                assert_eq!(rt.array, kt.array);
                assert_eq!(rt.nodes.len(), kt.nodes.len());
                assert_eq!(live(&rt), live(&kt));
                assert_eq!(rt.free_top, kt.free_top);
                let links = |kt: &KTable| kt.nodes.iter().map(|n| n.link).collect::<Vec<_>>();
                assert_eq!(links(&rt), links(&kt));
            }
        });
    }
}

#[cfg(test)]
#[path = "table_invariant_tests.rs"]
mod invariant_tests;
