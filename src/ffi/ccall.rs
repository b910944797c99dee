//! Machine-level calls into C and C-to-Lua callback entry stubs, for
//! x86-64 System V and ARM64 AAPCS64 (Linux). Independent of the C type
//! table: the caller describes each value by how the ABI passes it.
//!
//! # Calling C
//! ```ignore
//! let spec = CallSpec { ret: AbiType::Double, args: vec![AbiType::Double, AbiType::int(4, true)], nfixed: 2 };
//! let plan = CallPlan::new(&spec);           // once per C function type
//! let (x, n) = (2.5f64, 3i32);
//! let mut ret = [0u8; 16];                   // at least max(return size, 16) bytes
//! unsafe { plan.call(func, &[&x as *const f64 as *const u8, &n as *const i32 as *const u8], ret.as_mut_ptr()) };
//! ```
//! * `args[i]` points to argument i's bytes in C memory layout (the caller
//!   already converted the Lua value); they are only read.
//! * `ret` receives the return value in C memory layout. Small integers
//!   are returned in their own size (read `size` bytes). Align `ret` for
//!   the return type (8 bytes is enough for every supported type): a
//!   struct returned in memory is written there by the callee itself.
//! * Arguments past `nfixed` are variadic: the caller applies C's default
//!   promotions (float -> double, small ints -> int) before describing them.
//! * `call(func, spec, args, ret)` is the one-shot form (builds a plan on
//!   the heap each time); `CallPlan::call` allocates nothing for calls whose
//!   stack arguments and by-reference copies fit in 376 bytes.
//! * A Rust unwind (a Lua error raised by C code through the C API, or a
//!   callback's handler) passes through the call: the trampoline has
//!   unwind info.
//!
//! # Describing C types
//! * integers, `bool`, enums (their underlying integer), pointers,
//!   function pointers: `Int` with the C size and signedness; arrays as
//!   parameters decay to pointers.
//! * `float`/`double`: `Float`/`Double`.
//! * structs, unions, `complex float`/`complex double`: `Aggregate` with
//!   one leaf per scalar (array elements and nested members flattened;
//!   union members overlap, that is fine; a bit field is an `Int` leaf
//!   of its storage unit; complex is two leaves: real, imaginary).
//! * variadic arguments: already promoted (float -> double, small ints ->
//!   int) by the caller.
//!
//! # Callbacks (C calling Lua)
//! A `CallbackPool` (one per Lua state, no global state) owns executable
//! pages of entry stubs. `alloc_slot()` gives a slot, `slot_address(slot)`
//! its C function pointer, `free_slot(slot)` returns it. A call to the stub
//! saves every argument register and the address of the stack arguments in
//! a `CallbackRegs` on the native stack and calls
//! `handler(ctx, slot, regs)` (`ctx` as given to `CallbackPool::new`).
//! The handler finds the arguments with `callback_arg_ptrs` and stores the
//! result with `callback_set_return` (before returning; for a `void`
//! return nothing is needed); the stub then loads the return registers and
//! returns to C. The C function type of a slot is the handler's business
//! (keep a `CallSpec`/`CallPlan` per slot).
//!
//! Unwinding: the entry code has unwind info (and keeps the frame pointer
//! chain), so a Rust unwind raised in the handler does pass through the
//! stub to the C code's caller, *if* every C frame in between has unwind
//! tables. Since C code in general is not prepared for that (it leaks,
//! leaves locks held), the handler should catch Lua errors itself
//! (`crate::error::catch`) and not unwind.
//!
//! # Not covered
//! `long double`, `__int128`, vector types, and variadic callbacks (as in
//! LuaJIT). Other architectures do not build this module.

use std::ffi::c_void;
use std::mem::MaybeUninit;

#[cfg(target_arch = "x86_64")]
#[path = "ccall/x86_64.rs"]
mod arch;

#[cfg(target_arch = "aarch64")]
#[path = "ccall/aarch64.rs"]
mod arch;

#[cfg(test)]
#[path = "ccall/tests.rs"]
mod tests;

pub use arch::CallbackRegs;

/// How a value is passed in the C ABI, computed by the caller from a C type.
#[derive(Clone, Debug, PartialEq)]
pub enum AbiType {
    Void,
    /// 1, 2, 4 or 8 bytes; pointers, enums and bool are `Int` too.
    Int {
        size: u8,
        signed: bool,
    },
    /// `float`
    Float,
    /// `double`
    Double,
    /// A struct, union, array or complex number passed by value: its size,
    /// alignment and its flattened scalar leaves (offset, kind), in any
    /// order. Array elements and nested struct fields are separate leaves.
    Aggregate {
        size: u32,
        align: u32,
        leaves: Vec<(u32, Scalar)>,
    },
}

/// A scalar leaf of an aggregate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// An integer (or pointer) of 1, 2, 4 or 8 bytes.
    Int(u8),
    Float,
    Double,
}

impl Scalar {
    fn size(self) -> u32 {
        match self {
            Scalar::Int(n) => n as u32,
            Scalar::Float => 4,
            Scalar::Double => 8,
        }
    }
}

impl AbiType {
    /// An integer of `size` bytes.
    pub fn int(size: u8, signed: bool) -> AbiType {
        AbiType::Int { size, signed }
    }

    /// A pointer.
    pub fn ptr() -> AbiType {
        AbiType::Int {
            size: std::mem::size_of::<usize>() as u8,
            signed: false,
        }
    }

    /// Size in bytes of the value in C memory layout.
    pub fn size(&self) -> u32 {
        match self {
            AbiType::Void => 0,
            AbiType::Int { size, .. } => *size as u32,
            AbiType::Float => 4,
            AbiType::Double => 8,
            AbiType::Aggregate { size, .. } => *size,
        }
    }
}

/// The C function type seen by the ABI.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSpec {
    pub ret: AbiType,
    pub args: Vec<AbiType>,
    /// Arguments from this index on are variadic (`args.len()` if none).
    pub nfixed: usize,
}

/// How a small integer is widened to a full 8-byte register or stack slot.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ext {
    None,
    Sign,
    Zero,
}

fn int_ext(size: u8, signed: bool) -> Ext {
    match (size >= 8, signed) {
        (true, _) => Ext::None,
        (false, true) => Ext::Sign,
        (false, false) => Ext::Zero,
    }
}

/// One step of moving an argument into place. Destinations are byte
/// offsets into the *image*: integer registers (`arch::NGPR` slots of 8
/// bytes), then vector registers (`arch::NFPR` slots: the low 8 bytes),
/// then the outgoing stack arguments (from `arch::STACK_BASE`), then the
/// scratch space for by-reference copies.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Piece {
    /// `len` bytes of argument `arg` at `src` go to `dst`; a small integer
    /// is widened to 8 bytes per `ext`.
    Copy {
        arg: u32,
        src: u32,
        dst: u32,
        len: u32,
        ext: Ext,
    },
    /// Argument `arg` (`len` bytes) is copied to `copy` and its address
    /// goes to `dst` (ARM64 aggregates larger than 16 bytes).
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    ByRef {
        arg: u32,
        copy: u32,
        dst: u32,
        len: u32,
    },
}

/// Offsets into the returned-registers array: two integer registers, then
/// four vector registers (low 8 bytes each).
const RET_INT0: u32 = 0;
const RET_FP0: u32 = 16;

/// The return registers saved by the trampoline / loaded by a callback
/// stub, in this order: rax/x0, rdx/x1, xmm0/v0, xmm1/v1, v2, v3.
type RetRegs = [u64; 6];

/// One step of moving the return value: `len` bytes at `src` in the
/// returned registers go to `dst` in the return buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RetPiece {
    src: u32,
    dst: u32,
    len: u32,
    ext: Ext,
}

/// The register and stack assignment of a `CallSpec`, computed once.
#[derive(Clone, Debug)]
pub struct CallPlan {
    pieces: Vec<Piece>,
    ret_pieces: Vec<RetPiece>,
    /// Image offset of the hidden pointer to the return buffer (returns
    /// passed in memory), if any.
    indirect_ret: Option<u32>,
    ret_size: u32,
    nargs: usize,
    /// Bytes of outgoing stack arguments (a multiple of 16).
    stack_bytes: u32,
    /// Bytes of by-reference copies after the stack arguments.
    scratch_bytes: u32,
    /// Vector registers used (x86-64: `al` for variadic calls).
    nfpr: u32,
}

/// Image bytes kept on the native stack in `CallPlan::call`.
const INLINE_IMAGE: usize = 512;

#[repr(C, align(16))]
struct InlineImage([MaybeUninit<u8>; INLINE_IMAGE]);

/// What the trampoline reads and writes (layout shared with its assembly).
#[repr(C)]
struct CallFrame {
    func: *const c_void,
    image: *mut u8,
    stack_words: usize,
    nfpr: usize,
    ret: RetRegs,
}

fn round_up(n: u32, to: u32) -> u32 {
    (n + to - 1) & !(to - 1)
}

/// Leaves sorted by offset, exact duplicates (union members) removed.
fn sorted_leaves(leaves: &[(u32, Scalar)]) -> Vec<(u32, Scalar)> {
    let mut v = leaves.to_vec();
    v.sort_by_key(|&(off, s)| (off, s.size()));
    v.dedup();
    v
}

impl CallPlan {
    /// Assign registers and stack slots to the arguments and return value.
    pub fn new(spec: &CallSpec) -> CallPlan {
        arch::plan(spec)
    }

    /// Number of arguments the plan expects.
    pub fn nargs(&self) -> usize {
        self.nargs
    }

    /// Call `func` with the arguments at `args` and store the return value
    /// at `ret` (at least max(return size, 16) bytes; may be null for a
    /// `void` return).
    ///
    /// # Safety
    /// `func` must be a C function of the planned type, each `args[i]` must
    /// point to a readable value of argument i's type, and `ret` to a
    /// writable buffer as described.
    pub unsafe fn call(&self, func: *const c_void, args: &[*const u8], ret: *mut u8) {
        assert!(
            args.len() >= self.nargs,
            "ccall: {} arguments for {} planned",
            args.len(),
            self.nargs
        );
        let total = arch::STACK_BASE as usize + (self.stack_bytes + self.scratch_bytes) as usize;
        let mut inline = InlineImage([MaybeUninit::uninit(); INLINE_IMAGE]);
        // Structs passed by value can be of any size.
        let mut heap = crate::mem::FallibleVec::<u128>::new();
        let image: *mut u8 = if total <= INLINE_IMAGE {
            inline.0.as_mut_ptr() as *mut u8
        } else {
            heap.resize(total.div_ceil(16), 0);
            heap.as_mut_ptr() as *mut u8
        };
        // SAFETY: the image holds `total` bytes; every piece's source lies
        // within its argument (the caller's promise) and its destination
        // within the image (the plan's invariant).
        unsafe {
            std::ptr::write_bytes(image, 0, arch::STACK_BASE as usize);
            for p in &self.pieces {
                match *p {
                    Piece::Copy {
                        arg,
                        src,
                        dst,
                        len,
                        ext,
                    } => copy_extended(
                        args[arg as usize].add(src as usize),
                        image.add(dst as usize),
                        len,
                        ext,
                    ),
                    Piece::ByRef {
                        arg,
                        copy,
                        dst,
                        len,
                    } => {
                        let to = image.add(copy as usize);
                        std::ptr::copy_nonoverlapping(args[arg as usize], to, len as usize);
                        (image.add(dst as usize) as *mut usize).write_unaligned(to as usize);
                    }
                }
            }
            if let Some(off) = self.indirect_ret {
                (image.add(off as usize) as *mut usize).write_unaligned(ret as usize);
            }
        }
        let mut frame = CallFrame {
            func,
            image,
            stack_words: (self.stack_bytes / 8) as usize,
            nfpr: self.nfpr as usize,
            ret: [0; 6],
        };
        // SAFETY: the frame describes a valid image; the caller vouches for
        // `func` and the argument values.
        unsafe { arch::call_trampoline(&mut frame) };
        let from = frame.ret.as_ptr() as *const u8;
        for rp in &self.ret_pieces {
            // SAFETY: `src` lies within the returned registers and `dst`
            // within the caller's return buffer.
            unsafe { copy_exact(from.add(rp.src as usize), ret.add(rp.dst as usize), rp.len) };
        }
        drop(heap);
    }

    /// Where each argument of a callback's call is: appends one pointer
    /// per argument to `out` (after clearing it). Pointers into `regs` stay
    /// valid while the handler runs.
    ///
    /// # Safety
    /// `regs` must be the registers a callback stub passed to the handler
    /// for a call of the planned type.
    pub unsafe fn callback_arg_ptrs(&self, regs: *mut CallbackRegs, out: &mut Vec<*const u8>) {
        out.clear();
        let base = regs as *mut u8;
        // SAFETY: regs is the live register save area of this call (the
        // caller's contract); the field is read by value.
        let stack = unsafe { (*regs).stack };
        // SAFETY: as above; only the field's address is taken.
        let scratch = unsafe { std::ptr::addr_of_mut!((*regs).scratch) as *mut u8 };
        let mut scratch_used = 0usize;
        let locate = |off: u32| -> *mut u8 {
            if off < arch::STACK_BASE {
                // SAFETY: register slots are at the start of CallbackRegs.
                unsafe { base.add(off as usize) }
            } else {
                // SAFETY: the caller put the stack arguments there.
                unsafe { stack.add((off - arch::STACK_BASE) as usize) as *mut u8 }
            }
        };
        let mut i = 0;
        while i < self.pieces.len() {
            let arg = match self.pieces[i] {
                Piece::Copy { arg, .. } | Piece::ByRef { arg, .. } => arg as usize,
            };
            // Arguments without a piece (empty structs) get a pointer to
            // nothing readable but harmless: the scratch area.
            while out.len() < arg {
                out.push(scratch as *const u8);
            }
            let mut j = i;
            while j < self.pieces.len()
                && matches!(self.pieces[j], Piece::Copy { arg: a, .. } | Piece::ByRef { arg: a, .. } if a as usize == arg)
            {
                j += 1;
            }
            match self.pieces[i] {
                Piece::ByRef { dst, .. } => {
                    // SAFETY: the slot holds the address of the caller's copy.
                    out.push(unsafe { (locate(dst) as *const usize).read_unaligned() } as *const u8);
                }
                Piece::Copy { src: 0, dst, .. } if j == i + 1 => out.push(locate(dst)),
                _ => {
                    // Several registers: assemble the value in the scratch area.
                    let start = round_up(scratch_used as u32, 16) as usize;
                    let mut end = start;
                    for p in &self.pieces[i..j] {
                        if let Piece::Copy { src, len, .. } = *p {
                            end = end.max(start + (src + len) as usize);
                        }
                    }
                    // SAFETY: regs is live; only the field's size is read.
                    assert!(end <= std::mem::size_of_val(unsafe { &(*regs).scratch }));
                    scratch_used = end;
                    // SAFETY: start..end lies within the scratch area.
                    let to = unsafe { scratch.add(start) };
                    for p in &self.pieces[i..j] {
                        if let Piece::Copy { src, dst, len, .. } = *p {
                            // SAFETY: each piece reads its own register or
                            // stack slot and writes within to..end.
                            unsafe { copy_exact(locate(dst), to.add(src as usize), len) };
                        }
                    }
                    out.push(to);
                }
            }
            i = j;
        }
        while out.len() < self.nargs {
            out.push(scratch as *const u8);
        }
    }

    /// Store a callback's return value (in C memory layout at `value`)
    /// where the stub returns it from.
    ///
    /// # Safety
    /// As for `callback_arg_ptrs`; `value` must point to a value of the
    /// return type.
    pub unsafe fn callback_set_return(&self, regs: *mut CallbackRegs, value: *const u8) {
        // SAFETY: regs is the live register save area of this call.
        unsafe {
            if let Some(off) = self.indirect_ret {
                let dest = ((regs as *const u8).add(off as usize) as *const usize).read_unaligned();
                std::ptr::copy_nonoverlapping(value, dest as *mut u8, self.ret_size as usize);
                arch::set_indirect_result(regs, dest);
                return;
            }
            let to = std::ptr::addr_of_mut!((*regs).ret) as *mut u8;
            for rp in &self.ret_pieces {
                copy_extended(
                    value.add(rp.dst as usize),
                    to.add(rp.src as usize),
                    rp.len,
                    rp.ext,
                );
            }
        }
    }
}

/// Copy `len` bytes; a small integer with `ext` is written as 8 bytes.
///
/// # Safety
/// `from` readable for `len` bytes, `to` writable for max(len, 8 if
/// extending) bytes.
unsafe fn copy_extended(from: *const u8, to: *mut u8, len: u32, ext: Ext) {
    // SAFETY: as the caller promised.
    unsafe {
        let wide: u64 = match (ext, len) {
            (Ext::None, _) | (_, 8) => return copy_exact(from, to, len),
            (Ext::Sign, 1) => from.cast::<i8>().read() as i64 as u64,
            (Ext::Sign, 2) => from.cast::<i16>().read_unaligned() as i64 as u64,
            (Ext::Sign, 4) => from.cast::<i32>().read_unaligned() as i64 as u64,
            (Ext::Zero, 1) => from.read() as u64,
            (Ext::Zero, 2) => from.cast::<u16>().read_unaligned() as u64,
            (Ext::Zero, 4) => from.cast::<u32>().read_unaligned() as u64,
            _ => return copy_exact(from, to, len),
        };
        (to as *mut u64).write_unaligned(wide);
    }
}

/// # Safety
/// `from` readable and `to` writable for `len` bytes, not overlapping.
#[inline]
unsafe fn copy_exact(from: *const u8, to: *mut u8, len: u32) {
    // SAFETY: as the caller promised.
    unsafe { std::ptr::copy_nonoverlapping(from, to, len as usize) }
}

/// Call `func` (one-shot: plans the call first; keep a `CallPlan` for
/// repeated calls).
///
/// # Safety
/// As for `CallPlan::call`.
pub unsafe fn call(func: *const c_void, spec: &CallSpec, args: &[*const u8], ret: *mut u8) {
    // SAFETY: forwarded.
    unsafe { CallPlan::new(spec).call(func, args, ret) }
}

/// Where each argument of a callback's call is (see
/// `CallPlan::callback_arg_ptrs`).
///
/// # Safety
/// As for `CallPlan::callback_arg_ptrs`.
pub unsafe fn callback_arg_ptrs(
    spec: &CallSpec,
    regs: *mut CallbackRegs,
    out: &mut Vec<*const u8>,
) {
    // SAFETY: forwarded.
    unsafe { CallPlan::new(spec).callback_arg_ptrs(regs, out) }
}

/// Store a callback's return value (see `CallPlan::callback_set_return`).
///
/// # Safety
/// As for `CallPlan::callback_set_return`.
pub unsafe fn callback_set_return(spec: &CallSpec, regs: *mut CallbackRegs, value: *const u8) {
    // SAFETY: forwarded.
    unsafe { CallPlan::new(spec).callback_set_return(regs, value) }
}

// ---------------------------------------------------------------------------
// Callback pool

/// The Lua side of a callback: `ctx` as given to `CallbackPool::new`, the
/// slot called, and the saved registers. Should not unwind (see the module
/// documentation).
pub type CallbackHandler =
    unsafe extern "C-unwind" fn(ctx: *mut c_void, slot: u32, regs: *mut CallbackRegs);

/// What every stub jumps through (layout shared with the entry assembly).
#[repr(C)]
struct PoolHeader {
    entry: usize,
    ctx: *mut c_void,
    handler: CallbackHandler,
}

/// Bytes per entry stub.
const STUB_SIZE: usize = 32;

extern "C" {
    fn mmap(addr: *mut c_void, len: usize, prot: i32, flags: i32, fd: i32, off: i64)
        -> *mut c_void;
    fn mprotect(addr: *mut c_void, len: usize, prot: i32) -> i32;
    fn munmap(addr: *mut c_void, len: usize) -> i32;
    fn sysconf(name: i32) -> std::ffi::c_long;
}
const PROT_READ: i32 = 1;
const PROT_WRITE: i32 = 2;
const PROT_EXEC: i32 = 4;
const MAP_PRIVATE: i32 = 2;
const MAP_ANONYMOUS: i32 = 0x20;
const SC_PAGESIZE: i32 = 30;

/// Executable entry stubs for C-to-Lua callbacks, owned by one Lua state.
pub struct CallbackPool {
    header: Box<PoolHeader>,
    /// Executable pages, each holding `per_page` stubs.
    pages: Vec<*mut u8>,
    page_size: usize,
    per_page: usize,
    /// Slots handed out before and freed since.
    free: Vec<u32>,
    /// Slots never handed out start here.
    next: u32,
}

impl CallbackPool {
    /// An empty pool; stubs call `handler(ctx, slot, regs)`.
    pub fn new(ctx: *mut c_void, handler: CallbackHandler) -> CallbackPool {
        // SAFETY: sysconf has no preconditions.
        let page_size = unsafe { sysconf(SC_PAGESIZE) };
        let page_size = if page_size >= 4096 {
            page_size as usize
        } else {
            4096
        };
        CallbackPool {
            header: Box::new(PoolHeader {
                entry: arch::callback_entry_address(),
                ctx,
                handler,
            }),
            pages: Vec::new(),
            page_size,
            per_page: page_size / STUB_SIZE,
            free: Vec::new(),
            next: 0,
        }
    }

    /// Change the context pointer passed to the handler.
    pub fn set_ctx(&mut self, ctx: *mut c_void) {
        self.header.ctx = ctx;
    }

    /// A free slot (None if no executable memory could be had).
    pub fn alloc_slot(&mut self) -> Option<u32> {
        if let Some(s) = self.free.pop() {
            return Some(s);
        }
        if self.next as usize >= self.pages.len() * self.per_page {
            self.grow()?;
        }
        self.next += 1;
        Some(self.next - 1)
    }

    /// Give a slot back for reuse.
    pub fn free_slot(&mut self, slot: u32) {
        debug_assert!(slot < self.next && !self.free.contains(&slot));
        self.free.push(slot);
    }

    /// Number of slots ever handed out (free or not).
    pub fn slots_made(&self) -> u32 {
        self.next
    }

    /// The C function pointer of a slot handed out by `alloc_slot`.
    pub fn slot_address(&self, slot: u32) -> *const c_void {
        let (page, index) = (slot as usize / self.per_page, slot as usize % self.per_page);
        assert!(slot < self.next, "callback slot {slot} not allocated");
        // SAFETY: the page holds per_page stubs.
        unsafe { self.pages[page].add(index * STUB_SIZE) as *const c_void }
    }

    /// Map one more page of stubs.
    fn grow(&mut self) -> Option<()> {
        let len = self.page_size;
        // SAFETY: a fresh anonymous mapping; written while writable, then
        // made executable and read-only.
        unsafe {
            let mem = mmap(
                std::ptr::null_mut(),
                len,
                PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS,
                -1,
                0,
            );
            if mem as isize == -1 || mem.is_null() {
                return None;
            }
            let mem = mem as *mut u8;
            let first = (self.pages.len() * self.per_page) as u32;
            let header = &*self.header as *const PoolHeader as usize;
            for i in 0..self.per_page {
                let code = arch::stub_code(first + i as u32, header);
                std::ptr::copy_nonoverlapping(code.as_ptr(), mem.add(i * STUB_SIZE), STUB_SIZE);
            }
            if mprotect(mem as *mut c_void, len, PROT_READ | PROT_EXEC) != 0 {
                munmap(mem as *mut c_void, len);
                return None;
            }
            arch::flush_icache(mem, len);
            self.pages.push(mem);
        }
        Some(())
    }
}

impl Drop for CallbackPool {
    fn drop(&mut self) {
        for &p in &self.pages {
            // SAFETY: mapped by grow with this length; no stub may be
            // called once the pool is gone.
            unsafe { munmap(p as *mut c_void, self.page_size) };
        }
    }
}
