//! Unit tests of interned strings: identity, hashing, the intern table's
//! growth and shrinking, and the intern-table check itself.

use super::*;
use crate::capi::aux::luaL_newstate;
use crate::capi::core::lua_close;
use crate::state::State;

/// Runs `f` with a fresh Lua state. Nothing collects unless `f` asks
/// (only the interpreter and the API step the collector), so unanchored
/// strings stay alive until then.
fn with_state(f: impl FnOnce(State)) {
    // SAFETY: luaL_newstate returns a fresh state (not null: the machine
    // has memory), closed once `f` is done with it.
    let l = unsafe { State::from_raw(luaL_newstate()) };
    f(l);
    lua_close(l);
}

/// Runs leaf code of the core (interning, the intern table) on the global
/// state of `l`.
fn leaf<R>(l: State, f: impl FnOnce(&mut GlobalState) -> R) -> R {
    // SAFETY: the tests pass closures that call only leaf functions with
    // the reference, which is dropped when `f` returns.
    f(unsafe { l.global_mut() })
}

/// `with_state` for tests made of leaf code only.
fn with_global(f: impl FnOnce(&mut GlobalState)) {
    with_state(|l| leaf(l, f))
}

/// The bytes of an interned string, read through its header, and the NUL
/// after them.
fn contents(s: *mut GcStr) -> (Vec<u8>, u8) {
    // SAFETY: s is a live string: len bytes and a NUL follow its header.
    unsafe {
        (
            (*s).as_bytes().to_vec(),
            *(*s).data().add((*s).len as usize),
        )
    }
}

/// Equal bytes give the same object, different bytes different ones, with
/// embedded NULs and the empty string too; each string holds its bytes,
/// a NUL after them and an id of its own.
#[test]
fn interning_gives_one_object_per_byte_string() {
    with_global(|g| {
        let words: [&[u8]; 6] = [b"", b"a", b"ab", b"a\0b", b"a\0c", b"\0"];
        let first: Vec<*mut GcStr> = words.iter().map(|w| intern(g, w)).collect();
        // Enough others that the intern table grows in between.
        let mask = g.strtab.mask;
        for w in 0..1000 {
            intern(g, format!("filler{}", w).as_bytes());
        }
        assert!(g.strtab.mask > mask);
        for (w, &s) in words.iter().zip(&first) {
            assert_eq!(intern(g, w), s, "{:?} interned again", w);
            assert_eq!(contents(s), (w.to_vec(), 0));
        }
        for i in 0..first.len() {
            for j in i + 1..first.len() {
                assert_ne!(first[i], first[j], "{:?} and {:?}", words[i], words[j]);
                // SAFETY: both are live strings.
                let (si, sj) = unsafe { ((*first[i]).sid, (*first[j]).sid) };
                assert_ne!(si, sj);
            }
        }
        assert!(strtab_violation(g).is_none());
    });
}

/// Every byte of a string up to 64 bytes long counts in its hash: changing
/// any one of them changes the hash.
#[test]
fn every_byte_of_a_short_string_counts_in_its_hash() {
    let base: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37)).collect();
    for len in 0..=base.len() {
        let s = &base[..len];
        let h = hash_bytes(s);
        for i in 0..len {
            let mut t = s.to_vec();
            t[i] ^= 0x40;
            assert_ne!(hash_bytes(&t), h, "length {}, byte {}", len, i);
        }
        if len > 0 {
            assert_ne!(
                hash_bytes(&s[..len - 1]),
                h,
                "length {} vs {}",
                len,
                len - 1
            );
        }
    }
}

/// A long string is hashed from a sample of its words (so hashing costs
/// the same for any length): its first and last bytes and its length
/// count, some bytes in between do not. Two long strings that differ only
/// in such a byte hash alike and still intern as two strings, each found
/// again by its bytes.
#[test]
fn long_strings_hash_from_a_sample_and_intern_by_their_bytes() {
    let long: Vec<u8> = (0..4096u32).map(|i| (i * 7 + i / 13) as u8).collect();
    let h = hash_bytes(&long);
    let flip = |i: usize| {
        let mut t = long.clone();
        t[i] ^= 1;
        t
    };
    assert_ne!(hash_bytes(&flip(0)), h);
    assert_ne!(hash_bytes(&flip(long.len() - 1)), h);
    assert_ne!(hash_bytes(&long[..long.len() - 1]), h);
    let unsampled: Vec<usize> = (0..long.len())
        .filter(|&i| hash_bytes(&flip(i)) == h)
        .collect();
    // At most 17 words of 4 bytes are read, whatever the length.
    assert!(
        unsampled.len() >= long.len() - 17 * 4,
        "{}",
        unsampled.len()
    );
    with_global(|g| {
        let twin = flip(unsampled[unsampled.len() / 2]);
        let a = intern(g, &long);
        let b = intern(g, &twin);
        assert_ne!(a, b);
        // SAFETY: both are live strings.
        assert_eq!(unsafe { ((*a).hash, (*b).hash) }, (h, h));
        assert_eq!((intern(g, &long), intern(g, &twin)), (a, b));
        assert_eq!(contents(a), (long.clone(), 0));
        assert_eq!(contents(b), (twin, 0));
        assert!(strtab_violation(g).is_none());
    });
}

/// The intern table doubles as strings are added (no chain stays longer
/// than the table on average) and halves after a collection leaves it
/// mostly empty; every string is found again after each resize.
#[test]
fn the_intern_table_grows_and_shrinks() {
    with_state(|l| {
        let grown = leaf(l, |g| {
            let mask0 = g.strtab.mask;
            let strings: Vec<(String, *mut GcStr)> = (0..20_000)
                .map(|i| {
                    let s = format!("grow{}", i);
                    let p = intern(g, s.as_bytes());
                    (s, p)
                })
                .collect();
            assert!(g.strtab.mask > mask0);
            assert!(g.strtab.count <= g.strtab.mask + 1);
            for (s, p) in &strings {
                assert_eq!(intern(g, s.as_bytes()), *p);
            }
            assert!(strtab_violation(g).is_none());
            g.strtab.mask
        });
        // Nothing refers to the strings: a full collection frees them and
        // the sweep shrinks the table.
        crate::gc::full_gc(l);
        leaf(l, |g| {
            assert!(g.strtab.mask < grown, "{:#x}", g.strtab.mask);
            assert!(g.strtab.count < 2_000, "{}", g.strtab.count);
            assert!(strtab_violation(g).is_none());
            // The metamethod names (fixed) survived and are still interned.
            let index = g.mmname(crate::meta::MM_INDEX);
            assert_eq!(intern(g, b"__index"), index);
        });
    });
}

/// The intern-table check reports a string in the wrong chain, a wrong
/// count and a string interned twice (the negative controls of the checks
/// debug builds run).
#[test]
fn the_intern_table_check_reports_broken_tables() {
    with_global(|g| {
        assert!(strtab_violation(g).is_none());
        let s = intern(g, b"misplaced");
        // SAFETY: s is a live string at the head of its chain (just
        // interned); it is moved to the next chain and back.
        unsafe {
            let mask = g.strtab.mask as usize;
            let own = g.strtab.chains.add((*s).hash as usize & mask);
            let other = g.strtab.chains.add(((*s).hash as usize + 1) & mask);
            assert_eq!(*own, s);
            *own = (*s).next as *mut GcStr;
            (*s).next = *other as *mut GcHeader;
            *other = s;
            let problem = strtab_violation(g).expect("misplaced string unreported");
            assert!(problem.contains("hash"), "{}", problem);
            *other = (*s).next as *mut GcStr;
            (*s).next = *own as *mut GcHeader;
            *own = s;
        }
        assert!(strtab_violation(g).is_none());
        g.strtab.count += 1;
        assert!(strtab_violation(g)
            .expect("bad count unreported")
            .contains("count"));
        g.strtab.count -= 1;
        // A second string with the same bytes, linked after the first.
        let twin = intern(g, b"twin");
        // SAFETY: a fresh copy of twin's header and bytes, freed below.
        unsafe {
            let size = std::mem::size_of::<GcStr>() + 5;
            let copy = mem_alloc(g, size) as *mut GcStr;
            ptr::copy_nonoverlapping(twin as *const u8, copy as *mut u8, size);
            (*copy).next = (*twin).next;
            (*twin).next = copy as *mut GcHeader;
            g.strtab.count += 1;
            let problem = strtab_violation(g).expect("duplicate unreported");
            assert!(problem.contains("twice"), "{}", problem);
            (*twin).next = (*copy).next;
            g.strtab.count -= 1;
            mem_free(g, copy as *mut u8, size);
        }
        assert!(strtab_violation(g).is_none());
    });
}
