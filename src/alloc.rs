//! The default allocator (`luaL_newstate`): size-class pages for small
//! blocks, the C heap for large ones.
//!
//! Why not plain malloc: the collector frees objects in list order and the
//! program allocates them again at once. With glibc's LIFO bins, blocks
//! allocated together end up scattered over the whole heap after a few
//! cycles, and every sweep and every refill of malloc's caches misses the
//! cache (binary-trees spent over half its time there). Here each 64 KiB
//! page holds blocks of one size class and keeps its own free list, so
//! objects allocated close in time stay close in memory.
//!
//! Like every lua_Alloc, the caller passes the exact old size when it frees
//! or resizes a block; that size selects the page allocator or the C heap.
//! One `Arena` belongs to one Lua state (no global state); `lua_close`
//! destroys it after the state's last block is freed.

use std::os::raw::c_void;
use std::ptr;

const PAGE_SIZE: usize = 64 * 1024;
const PAGE_MASK: usize = !(PAGE_SIZE - 1);
/// Blocks start this far into a page (room for the header, 16-aligned).
const PAGE_HEADER: usize = 128;
const GRANULE: usize = 16;
/// Blocks up to this size come from pages.
pub const SMALL_MAX: usize = 512;
const NCLASS: usize = SMALL_MAX / GRANULE;

extern "C" {
    fn malloc(n: usize) -> *mut c_void;
    fn realloc(p: *mut c_void, n: usize) -> *mut c_void;
    fn free(p: *mut c_void);
    fn posix_memalign(out: *mut *mut c_void, align: usize, size: usize) -> i32;
}

/// A freed block, linked through its first word.
#[repr(C)]
struct FreeBlock {
    next: *mut FreeBlock,
}

/// Header at the start of every page.
#[repr(C)]
struct Page {
    /// Blocks freed since the page was carved.
    free: *mut FreeBlock,
    /// Next never-used block; blocks from `bump` to `end` are untouched.
    bump: *mut u8,
    end: *mut u8,
    used: u32,
    class: u32,
    /// On its class's list of pages with room.
    in_avail: bool,
    /// Position in `Arena::pages`.
    index: usize,
    prev: *mut Page,
    next: *mut Page,
}

const _: () = assert!(std::mem::size_of::<Page>() <= PAGE_HEADER);

pub struct Arena {
    /// Per class: pages with at least one free block, allocated from the head.
    head: [*mut Page; NCLASS],
    tail: [*mut Page; NCLASS],
    /// Every page, to release them all at the end.
    pages: Vec<*mut Page>,
    /// Most bytes the state may hold (`LUAJIT_RS_MEMLIMIT`, to test memory
    /// errors; `NO_LIMIT` otherwise), and the bytes it holds while limited.
    limit: usize,
    held: usize,
}

const NO_LIMIT: usize = usize::MAX;

impl Arena {
    /// The allocator function for this arena: `limited_arena_alloc` when
    /// `LUAJIT_RS_MEMLIMIT` set a limit.
    ///
    /// # Safety
    /// `a` is a live arena from `create`.
    pub unsafe fn alloc_fn(a: *mut Arena) -> crate::capi::types::lua_Alloc {
        // SAFETY: a is a live arena (this function's contract).
        if unsafe { (*a).limit } == NO_LIMIT {
            Some(arena_alloc)
        } else {
            Some(limited_arena_alloc)
        }
    }
}

/// The limit set by `LUAJIT_RS_MEMLIMIT=<bytes>` (a testing aid: the
/// default allocator then refuses requests beyond it, so that memory errors
/// can be provoked anywhere without `ulimit`).
fn limit_from_env() -> usize {
    std::env::var("LUAJIT_RS_MEMLIMIT")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(NO_LIMIT)
}

#[inline]
fn class_of(size: usize) -> usize {
    (size + GRANULE - 1) / GRANULE - 1
}

#[inline]
fn block_size(class: usize) -> usize {
    (class + 1) * GRANULE
}

impl Arena {
    /// A new arena on Rust's heap; null if out of memory (luaL_newstate
    /// then returns null).
    pub fn create() -> *mut Arena {
        let layout = std::alloc::Layout::new::<Arena>();
        // SAFETY: a non-zero-sized layout; a null result is passed on.
        let a = unsafe { std::alloc::alloc(layout) } as *mut Arena;
        if !a.is_null() {
            // SAFETY: a is fresh memory for one Arena.
            unsafe {
                a.write(Arena {
                    head: [ptr::null_mut(); NCLASS],
                    tail: [ptr::null_mut(); NCLASS],
                    pages: Vec::new(),
                    limit: limit_from_env(),
                    held: 0,
                })
            };
        }
        a
    }

    /// Release every page and the arena itself.
    ///
    /// # Safety
    /// `a` came from `create` and no block of it is used any more.
    pub unsafe fn destroy(a: *mut Arena) {
        // SAFETY: the caller owns a; every page was allocated by
        // posix_memalign; a was allocated by `create` with this layout.
        unsafe {
            for &p in &(*a).pages {
                free(p as *mut c_void);
            }
            ptr::drop_in_place(a);
            std::alloc::dealloc(a as *mut u8, std::alloc::Layout::new::<Arena>());
        }
    }

    fn unlink(&mut self, p: *mut Page) {
        // SAFETY: p is a live page on its class list.
        unsafe {
            let c = (*p).class as usize;
            let (prev, next) = ((*p).prev, (*p).next);
            if prev.is_null() {
                self.head[c] = next;
            } else {
                (*prev).next = next;
            }
            if next.is_null() {
                self.tail[c] = prev;
            } else {
                (*next).prev = prev;
            }
            (*p).in_avail = false;
            (*p).prev = ptr::null_mut();
            (*p).next = ptr::null_mut();
        }
    }

    fn push_tail(&mut self, p: *mut Page) {
        // SAFETY: p is a live page not on any list.
        unsafe {
            let c = (*p).class as usize;
            (*p).prev = self.tail[c];
            (*p).next = ptr::null_mut();
            if self.tail[c].is_null() {
                self.head[c] = p;
            } else {
                (*self.tail[c]).next = p;
            }
            self.tail[c] = p;
            (*p).in_avail = true;
        }
    }

    fn new_page(&mut self, class: usize) -> *mut Page {
        let mut mem: *mut c_void = ptr::null_mut();
        // SAFETY: plain aligned allocation.
        if unsafe { posix_memalign(&mut mem, PAGE_SIZE, PAGE_SIZE) } != 0 || mem.is_null() {
            return ptr::null_mut();
        }
        if self.pages.try_reserve(1).is_err() {
            // SAFETY: mem was just allocated.
            unsafe { free(mem) };
            return ptr::null_mut();
        }
        let p = mem as *mut Page;
        let bs = block_size(class);
        let nblocks = (PAGE_SIZE - PAGE_HEADER) / bs;
        // SAFETY: p is a fresh page; the header fits in PAGE_HEADER bytes.
        unsafe {
            let first = (p as *mut u8).add(PAGE_HEADER);
            p.write(Page {
                free: ptr::null_mut(),
                bump: first,
                end: first.add(nblocks * bs),
                used: 0,
                class: class as u32,
                in_avail: false,
                index: self.pages.len(),
                prev: ptr::null_mut(),
                next: ptr::null_mut(),
            });
        }
        self.pages.push(p);
        self.push_tail(p);
        p
    }

    fn release_page(&mut self, p: *mut Page) {
        self.unlink(p);
        // SAFETY: p and the page moved into its slot are live pages.
        unsafe {
            let i = (*p).index;
            self.pages.swap_remove(i);
            if let Some(&moved) = self.pages.get(i) {
                (*moved).index = i;
            }
            // No block of p is in use; it came from posix_memalign.
            free(p as *mut c_void);
        }
    }

    #[inline]
    fn alloc_small(&mut self, size: usize) -> *mut u8 {
        let class = class_of(size);
        let mut p = self.head[class];
        if p.is_null() {
            p = self.new_page(class);
            if p.is_null() {
                return ptr::null_mut();
            }
        }
        // SAFETY: p is a page with room: a free block or untouched space.
        unsafe {
            let pg = &mut *p;
            let b;
            if !pg.free.is_null() {
                b = pg.free as *mut u8;
                pg.free = (*pg.free).next;
            } else {
                b = pg.bump;
                pg.bump = pg.bump.add(block_size(class));
            }
            pg.used += 1;
            if pg.free.is_null() && pg.bump == pg.end {
                self.unlink(p);
            }
            b
        }
    }

    #[inline]
    fn free_small(&mut self, b: *mut u8, size: usize) {
        let p = (b as usize & PAGE_MASK) as *mut Page;
        // SAFETY: b is a live block of `size` bytes from this arena, so its
        // page header is at the start of the aligned 64 KiB region.
        unsafe {
            debug_assert_eq!((*p).class as usize, class_of(size), "osize mismatch");
            let pg = &mut *p;
            let fb = b as *mut FreeBlock;
            (*fb).next = pg.free;
            pg.free = fb;
            pg.used -= 1;
            if !pg.in_avail {
                self.push_tail(p);
            } else if pg.used == 0 && self.head[pg.class as usize] != p {
                // Keep the page allocations come from; give back the rest.
                self.release_page(p);
            }
        }
    }
}

/// The allocator `luaL_newstate` installs; `ud` is the state's `Arena`.
///
/// # Safety
/// lua_Alloc contract: `p` is null or a block of exactly `osize` bytes
/// previously returned by this allocator with the same `ud`.
pub unsafe extern "C-unwind" fn arena_alloc(
    ud: *mut c_void,
    p: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    // SAFETY: ud is the Arena created for this state.
    let a = unsafe { &mut *(ud as *mut Arena) };
    // SAFETY: as for this function.
    unsafe { unlimited_alloc(a, p, osize, nsize) }
}

/// The allocator `luaL_newstate` installs instead of `arena_alloc` under
/// `LUAJIT_RS_MEMLIMIT` (so the limit costs nothing when unset): refuses
/// growth beyond the limit.
///
/// # Safety
/// As `arena_alloc`.
pub unsafe extern "C-unwind" fn limited_arena_alloc(
    ud: *mut c_void,
    p: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    // SAFETY: ud is the Arena created for this state.
    let a = unsafe { &mut *(ud as *mut Arena) };
    let old = if p.is_null() { 0 } else { osize };
    if nsize > old && a.held - old + nsize > a.limit {
        return ptr::null_mut();
    }
    // SAFETY: the caller keeps the lua_Alloc contract.
    let r = unsafe { unlimited_alloc(a, p, osize, nsize) };
    if !r.is_null() || nsize == 0 {
        a.held = a.held - old + nsize;
    }
    r
}

/// # Safety
/// As `arena_alloc`.
#[inline(always)]
unsafe fn unlimited_alloc(
    a: &mut Arena,
    p: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    let p = p as *mut u8;
    let small_old = !p.is_null() && osize <= SMALL_MAX;
    if nsize == 0 {
        if small_old {
            a.free_small(p, osize);
        } else if !p.is_null() {
            // SAFETY: large blocks come from malloc.
            unsafe { free(p as *mut c_void) };
        }
        return ptr::null_mut();
    }
    if p.is_null() {
        return if nsize <= SMALL_MAX {
            a.alloc_small(nsize) as *mut c_void
        } else {
            // SAFETY: plain allocation.
            unsafe { malloc(nsize) }
        };
    }
    if small_old && nsize <= SMALL_MAX && class_of(osize) == class_of(nsize) {
        return p as *mut c_void;
    }
    if !small_old && nsize > SMALL_MAX {
        // SAFETY: p came from malloc.
        return unsafe { realloc(p as *mut c_void, nsize) };
    }
    // Moving between the pages and the C heap, or between classes.
    let np = if nsize <= SMALL_MAX {
        a.alloc_small(nsize)
    } else {
        // SAFETY: plain allocation.
        unsafe { malloc(nsize) as *mut u8 }
    };
    if np.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: both blocks are live and at least min(osize, nsize) long.
    unsafe { ptr::copy_nonoverlapping(p, np, osize.min(nsize)) };
    if small_old {
        a.free_small(p, osize);
    } else {
        // SAFETY: p came from malloc.
        unsafe { free(p as *mut c_void) };
    }
    np as *mut c_void
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_reused_and_pages_released() {
        let a = Arena::create();
        let ud = a as *mut c_void;
        // SAFETY: a is a fresh arena (the machine has memory); every block
        // is used within its size and freed once, then the arena destroyed.
        unsafe {
            let mut blocks = Vec::new();
            for i in 0..20000usize {
                let n = 8 + (i % 600);
                let b = arena_alloc(ud, ptr::null_mut(), 0, n) as *mut u8;
                assert!(!b.is_null());
                ptr::write_bytes(b, (i & 0xff) as u8, n);
                blocks.push((b, n, (i & 0xff) as u8));
            }
            // Grow and shrink some, across classes and the heap boundary.
            for (i, e) in blocks.iter_mut().enumerate().step_by(7) {
                let nn = if i % 2 == 0 { e.1 + 100 } else { e.1 / 2 + 1 };
                let nb = arena_alloc(ud, e.0 as *mut c_void, e.1, nn) as *mut u8;
                assert!(!nb.is_null());
                for k in 0..e.1.min(nn) {
                    assert_eq!(*nb.add(k), e.2);
                }
                ptr::write_bytes(nb, e.2, nn);
                *e = (nb, nn, e.2);
            }
            for &(b, n, v) in &blocks {
                assert_eq!(*b, v);
                assert_eq!(*b.add(n - 1), v);
                arena_alloc(ud, b as *mut c_void, n, 0);
            }
            // At most one page per class survives.
            assert!((*a).pages.len() <= NCLASS);
            Arena::destroy(a);
        }
    }
}
