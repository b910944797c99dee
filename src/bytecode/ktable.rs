//! Template table constants (the tables TDUP copies), laid out node by node
//! as LuaJIT lays them out.
//!
//! LuaJIT builds a template as a real table: the parser creates it at the
//! first constant key with the sizes counted so far and stores the keys in
//! source order (rehashing when it fills up), and the bytecode loader
//! creates it with the sizes in the dump and stores the hash entries in
//! dump order. TDUP copies the layout node by node, and the dump writer
//! writes the live nodes from the last to the first. So both the order of
//! `pairs` over a copy and the bytes of a dump depend on the exact layout,
//! which `KTable` reproduces with the runtime tables' own placement rule
//! (`table::node_for_new_key`) and hash functions. Strings hash with
//! `string::hash_bytes`, the hash the runtime gives interned strings, so a
//! layout built here stays valid when `table::from_template` copies it into
//! a runtime table.

use super::KTabVal;
use crate::mem::CollectFallible;
use crate::table::{self, HashNodes, NBINS};

/// A value slot of a template.
pub trait TemplateValue: Clone {
    fn nil() -> Self;
    fn is_nil(&self) -> bool;
}

impl TemplateValue for KTabVal {
    fn nil() -> Self {
        KTabVal::Nil
    }
    fn is_nil(&self) -> bool {
        *self == KTabVal::Nil
    }
}

/// While the parser builds a template, `None` is the value of a key whose
/// value the constructor's code stores at run time: it holds the key's
/// node until the constructor ends, then becomes nil (LuaJIT stores the
/// table itself there as a marker).
impl TemplateValue for Option<KTabVal> {
    fn nil() -> Self {
        Some(KTabVal::Nil)
    }
    fn is_nil(&self) -> bool {
        matches!(self, Some(KTabVal::Nil))
    }
}

/// A node of a template's hash part. A nil key marks an unused node; a key
/// with a nil value is a deleted (or nil-valued) key that still holds its
/// node.
#[derive(Clone, Debug, PartialEq)]
pub struct KNode<V = KTabVal> {
    pub key: KTabVal,
    pub val: V,
    /// The next node of this node's chain.
    pub link: Option<u32>,
    /// The key's hash (before masking).
    hash: u32,
}

impl<V> KNode<V> {
    pub fn new(key: KTabVal, val: V, link: Option<u32>) -> KNode<V> {
        let hash = key_hash(&key);
        KNode {
            key,
            val,
            link,
            hash,
        }
    }
}

/// A template table: the array part (slot 0 included) and the hash part
/// (no nodes, or a power of two of them).
#[derive(Clone, Debug, PartialEq)]
pub struct KTable<V = KTabVal> {
    pub array: Vec<V>,
    pub nodes: Vec<KNode<V>>,
    /// Free nodes are searched for below this node index.
    pub free_top: u32,
}

/// A number key that is an integer fitting an i32 is `Int` (so -0 is 0);
/// other keys are kept as they are.
fn normalize_key(key: KTabVal) -> KTabVal {
    match key {
        KTabVal::Num(n) if n == n as i32 as f64 => KTabVal::Int(n as i32),
        k => k,
    }
}

/// The hash of a key, as the runtime hashes the same key.
fn key_hash(key: &KTabVal) -> u32 {
    match key {
        KTabVal::Nil => 0,
        KTabVal::False => table::bool_hash(false),
        KTabVal::True => table::bool_hash(true),
        KTabVal::Int(i) => table::number_hash((*i as f64).to_bits()),
        KTabVal::Num(n) => table::number_hash(n.to_bits()),
        KTabVal::Str(s) => crate::string::hash_bytes(s),
    }
}

impl<V> KTable<V> {
    /// log2 of the number of nodes (0 without a hash part).
    pub fn hash_bits(&self) -> u32 {
        if self.nodes.is_empty() {
            0
        } else {
            self.nodes.len().trailing_zeros()
        }
    }

    fn hmask(&self) -> u32 {
        (self.nodes.len() as u32).wrapping_sub(1)
    }
}

impl<V: TemplateValue> KTable<V> {
    /// An empty template with `asize` array slots and 2^hbits nodes (none
    /// for hbits 0).
    pub fn new(asize: u32, hbits: u32) -> KTable<V> {
        let nodes = if hbits == 0 {
            Vec::new()
        } else {
            // Each node is made, not cloned: cloning the niche-encoded nil
            // reads words it does not initialise (valgrind reports them).
            // Sizes come from the source or the dump: allocated fallibly
            // (crate::mem).
            (0..1usize << hbits)
                .map(|_| KNode::new(KTabVal::Nil, V::nil(), None))
                .collect_fallible()
        };
        KTable {
            array: (0..asize).map(|_| V::nil()).collect_fallible(),
            free_top: nodes.len() as u32,
            nodes,
        }
    }

    pub fn from_parts(array: Vec<V>, nodes: Vec<KNode<V>>, free_top: u32) -> KTable<V> {
        KTable {
            array,
            nodes,
            free_top,
        }
    }

    fn find_node(&self, key: &KTabVal) -> Option<u32> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut n = key_hash(key) & self.hmask();
        loop {
            let node = &self.nodes[n as usize];
            if node.key == *key {
                return Some(n);
            }
            n = node.link?;
        }
    }

    /// The value of a key (None for an absent key).
    pub fn get(&self, key: &KTabVal) -> Option<&V> {
        let key = normalize_key(key.clone());
        if let KTabVal::Int(i) = key {
            if i >= 0 && (i as usize) < self.array.len() {
                return Some(&self.array[i as usize]);
            }
        }
        self.find_node(&key).map(|n| &self.nodes[n as usize].val)
    }

    /// Store a value under a key (neither nil nor NaN), as a table store
    /// does: into the array part when the key is an integer that fits,
    /// else into the key's node, creating it (and rehashing when no node is
    /// free) if it is new.
    pub fn set(&mut self, key: KTabVal, val: V) {
        let key = normalize_key(key);
        debug_assert!(key != KTabVal::Nil && !matches!(key, KTabVal::Num(n) if n.is_nan()));
        if let KTabVal::Int(i) = key {
            if i >= 0 && (i as usize) < self.array.len() {
                self.array[i as usize] = val;
                return;
            }
        }
        if let Some(n) = self.find_node(&key) {
            self.nodes[n as usize].val = val;
            return;
        }
        let hash = key_hash(&key);
        let home = hash & self.hmask();
        match table::node_for_new_key(self, home) {
            Some(n) => {
                let node = &mut self.nodes[n as usize];
                node.key = key;
                node.hash = hash;
                node.val = val;
            }
            None => {
                self.rehash(&key);
                self.set(key, val);
            }
        }
    }

    /// Resize for the live keys plus `extra`, as a full table is rehashed.
    fn rehash(&mut self, extra: &KTabVal) {
        let mut bins = [0u32; NBINS];
        let mut nint = 0;
        let mut count = |k: &KTabVal, bins: &mut [u32; NBINS]| {
            let n = match *k {
                KTabVal::Int(i) => i as f64,
                KTabVal::Num(n) => n,
                _ => return,
            };
            if let Some(b) = table::int_key_bin(n) {
                bins[b] += 1;
                nint += 1;
            }
        };
        // Every live key plus the one being inserted.
        let mut total = 1;
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() {
                count(&KTabVal::Int(i as i32), &mut bins);
                total += 1;
            }
        }
        for n in &self.nodes {
            if !n.val.is_nil() {
                count(&n.key, &mut bins);
                total += 1;
            }
        }
        count(extra, &mut bins);
        let (asize, held) = table::best_array_size(&bins, nint);
        self.resize(asize, table::hsize2hbits(total - held));
    }

    /// New sizes: array entries beyond a shrunk array part, then the live
    /// entries of the old hash part (in node order) are stored again.
    fn resize(&mut self, asize: u32, hbits: u32) {
        let old_asize = self.array.len();
        if asize as usize > old_asize {
            crate::mem::reserve_vec(&mut self.array, asize as usize - old_asize);
            self.array.resize_with(asize as usize, V::nil);
        }
        let fresh = KTable::<V>::new(0, hbits);
        self.free_top = fresh.free_top;
        let old_nodes = std::mem::replace(&mut self.nodes, fresh.nodes);
        if (asize as usize) < old_asize {
            let moved = self.array.split_off(asize as usize);
            for (i, v) in moved.into_iter().enumerate() {
                if !v.is_nil() {
                    self.set(KTabVal::Int(asize as i32 + i as i32), v);
                }
            }
        }
        for n in old_nodes {
            if !n.val.is_nil() {
                self.set(n.key, n.val);
            }
        }
    }

    /// Grow the array part to slots 0..=nasize, keeping the hash part's
    /// size (LuaJIT's lj_tab_reasize; the hash part is rebuilt all the same).
    pub fn reasize(&mut self, nasize: u32) {
        let hbits = self.hash_bits();
        self.resize(nasize + 1, hbits);
    }

    /// The live hash entries in the order a dump lists them (last node
    /// first).
    pub fn dump_entries(&self) -> impl Iterator<Item = (&KTabVal, &V)> {
        self.nodes
            .iter()
            .rev()
            .filter(|n| !n.val.is_nil())
            .map(|n| (&n.key, &n.val))
    }

    /// The same layout with every value converted.
    pub fn map_values<W>(self, mut f: impl FnMut(V) -> W) -> KTable<W> {
        KTable {
            array: self.array.into_iter().map(&mut f).collect_fallible(),
            nodes: self
                .nodes
                .into_iter()
                .map(|n| KNode {
                    key: n.key,
                    val: f(n.val),
                    link: n.link,
                    hash: n.hash,
                })
                .collect_fallible(),
            free_top: self.free_top,
        }
    }
}

impl<V: TemplateValue> HashNodes for KTable<V> {
    type Node = u32;
    fn is_absent(&self) -> bool {
        self.nodes.is_empty()
    }
    fn home_of(&self, n: u32) -> u32 {
        self.nodes[n as usize].hash & self.hmask()
    }
    fn holds_value(&self, n: u32) -> bool {
        !self.nodes[n as usize].val.is_nil()
    }
    fn holds_key(&self, n: u32) -> bool {
        self.nodes[n as usize].key != KTabVal::Nil
    }
    fn link(&self, n: u32) -> Option<u32> {
        self.nodes[n as usize].link
    }
    fn set_link(&mut self, n: u32, to: Option<u32>) {
        self.nodes[n as usize].link = to;
    }
    fn move_entry(&mut self, from: u32, to: u32) {
        let entry = self.nodes[from as usize].clone();
        self.nodes[to as usize] = entry;
        let from = &mut self.nodes[from as usize];
        from.val = V::nil();
        from.link = None;
    }
    fn free_cursor(&self) -> u32 {
        self.free_top
    }
    fn set_free_cursor(&mut self, n: u32) {
        self.free_top = n;
    }
    fn node_before(&self, n: u32) -> Option<u32> {
        n.checked_sub(1)
    }
}
