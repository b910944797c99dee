//! ARM64 AAPCS64 (Linux): argument assignment, the call trampoline and the
//! callback entry code.

use super::{
    int_ext, round_up, sorted_leaves, AbiType, CallFrame, CallPlan, CallSpec, Ext, Piece,
    PoolHeader, RetPiece, RetRegs, Scalar, RET_FP0, RET_INT0,
};
use std::mem::offset_of;

/// Integer argument registers x0-x7, then x8 (the indirect result address).
pub(super) const NGPR: u32 = 9;
/// Vector argument registers v0-v7.
pub(super) const NFPR: u32 = 8;
/// Image offset of the first vector register slot.
const FPR_BASE: u32 = NGPR * 8;
/// Image offset of the x8 slot.
const X8: u32 = 8 * 8;
/// Image offset of the outgoing stack arguments.
pub(super) const STACK_BASE: u32 = (NGPR + NFPR) * 8;
/// Argument registers of each kind.
const NARG_REGS: u32 = 8;

/// The argument registers of a callback's call, saved by the entry code.
#[repr(C)]
pub struct CallbackRegs {
    /// x0-x7, x8.
    pub gpr: [u64; NGPR as usize],
    /// Low 8 bytes of v0-v7.
    pub fpr: [u64; NFPR as usize],
    /// The first stack argument (the caller's sp).
    pub stack: *const u8,
    /// Loaded into x0, x1, d0-d3 on return.
    pub ret: RetRegs,
    /// Where `callback_arg_ptrs` assembles values split over registers.
    pub scratch: [u64; 16],
}

/// Bytes the entry code reserves for `CallbackRegs` (16-byte multiple).
const REGS_FRAME: usize = (std::mem::size_of::<CallbackRegs>() + 15) & !15;

/// A homogeneous floating-point aggregate: (member size, member count).
fn hfa(size: u32, leaves: &[(u32, Scalar)]) -> Option<(u32, u32)> {
    let kind = leaves.first()?.1;
    let esize = match kind {
        Scalar::Float => 4,
        Scalar::Double => 8,
        Scalar::Int(_) => return None,
    };
    let n = leaves.len() as u32;
    let regular = leaves
        .iter()
        .enumerate()
        .all(|(k, &(off, s))| s == kind && off == k as u32 * esize);
    (n <= 4 && regular && size == n * esize).then_some((esize, n))
}

pub(super) fn plan(spec: &CallSpec) -> CallPlan {
    let mut pieces = Vec::new();
    let mut ret_pieces = Vec::new();
    let mut indirect_ret = None;
    match &spec.ret {
        AbiType::Void => {}
        &AbiType::Int { size, signed } => ret_pieces.push(RetPiece {
            src: RET_INT0,
            dst: 0,
            len: size as u32,
            ext: int_ext(size, signed),
        }),
        AbiType::Float => ret_pieces.push(RetPiece {
            src: RET_FP0,
            dst: 0,
            len: 4,
            ext: Ext::None,
        }),
        AbiType::Double => ret_pieces.push(RetPiece {
            src: RET_FP0,
            dst: 0,
            len: 8,
            ext: Ext::None,
        }),
        AbiType::Aggregate { size, leaves, .. } => {
            let size = *size;
            if let Some((esize, n)) = hfa(size, &sorted_leaves(leaves)) {
                for k in 0..n {
                    ret_pieces.push(RetPiece {
                        src: RET_FP0 + k * 8,
                        dst: k * esize,
                        len: esize,
                        ext: Ext::None,
                    });
                }
            } else if size > 16 {
                indirect_ret = Some(X8);
            } else {
                for k in 0..size.div_ceil(8) {
                    let len = (size - k * 8).min(8);
                    ret_pieces.push(RetPiece {
                        src: RET_INT0 + k * 8,
                        dst: k * 8,
                        len,
                        ext: Ext::None,
                    });
                }
            }
        }
    }
    // Next general register, next vector register, next stack offset,
    // next by-reference copy offset (from the scratch start).
    let (mut ngrn, mut nsrn, mut nsaa, mut ncopy) = (0u32, 0u32, 0u32, 0u32);
    for (idx, a) in spec.args.iter().enumerate() {
        let arg = idx as u32;
        let mut to_stack = |len: u32, align: u32, ext: Ext, pieces: &mut Vec<Piece>| {
            nsaa = round_up(nsaa, align.clamp(8, 16));
            pieces.push(Piece::Copy {
                arg,
                src: 0,
                dst: STACK_BASE + nsaa,
                len,
                ext,
            });
            nsaa += round_up(len.max(1), 8);
        };
        match a {
            AbiType::Void => {}
            &AbiType::Int { size, signed } => {
                let ext = int_ext(size, signed);
                if ngrn < NARG_REGS {
                    pieces.push(Piece::Copy {
                        arg,
                        src: 0,
                        dst: ngrn * 8,
                        len: size as u32,
                        ext,
                    });
                    ngrn += 1;
                } else {
                    to_stack(size as u32, 8, ext, &mut pieces);
                }
            }
            AbiType::Float | AbiType::Double => {
                let len = a.size();
                if nsrn < NARG_REGS {
                    pieces.push(Piece::Copy {
                        arg,
                        src: 0,
                        dst: FPR_BASE + nsrn * 8,
                        len,
                        ext: Ext::None,
                    });
                    nsrn += 1;
                } else {
                    to_stack(len, 8, Ext::None, &mut pieces);
                }
            }
            AbiType::Aggregate {
                size,
                align,
                leaves,
            } => {
                let (size, align) = (*size, *align);
                if size == 0 {
                    continue;
                }
                if let Some((esize, n)) = hfa(size, &sorted_leaves(leaves)) {
                    if nsrn + n <= NARG_REGS {
                        for k in 0..n {
                            let dst = FPR_BASE + (nsrn + k) * 8;
                            pieces.push(Piece::Copy {
                                arg,
                                src: k * esize,
                                dst,
                                len: esize,
                                ext: Ext::None,
                            });
                        }
                        nsrn += n;
                    } else {
                        nsrn = NARG_REGS;
                        to_stack(size, align, Ext::None, &mut pieces);
                    }
                } else if size > 16 {
                    // Passed as a pointer to a copy the caller makes.
                    ncopy = round_up(ncopy, align.clamp(8, 16));
                    let dst = if ngrn < NARG_REGS {
                        ngrn += 1;
                        (ngrn - 1) * 8
                    } else {
                        nsaa += 8;
                        STACK_BASE + nsaa - 8
                    };
                    pieces.push(Piece::ByRef {
                        arg,
                        copy: ncopy,
                        dst,
                        len: size,
                    });
                    ncopy += size;
                } else {
                    let words = size.div_ceil(8);
                    if align >= 16 {
                        ngrn = round_up(ngrn, 2);
                    }
                    if ngrn + words <= NARG_REGS {
                        for k in 0..words {
                            let len = (size - k * 8).min(8);
                            pieces.push(Piece::Copy {
                                arg,
                                src: k * 8,
                                dst: (ngrn + k) * 8,
                                len,
                                ext: Ext::None,
                            });
                        }
                        ngrn += words;
                    } else {
                        ngrn = NARG_REGS;
                        to_stack(size, align, Ext::None, &mut pieces);
                    }
                }
            }
        }
    }
    let stack_bytes = round_up(nsaa, 16);
    // By-reference copies follow the stack arguments, 16-byte aligned.
    let scratch_start = round_up(STACK_BASE + stack_bytes, 16);
    for p in &mut pieces {
        if let Piece::ByRef { copy, .. } = p {
            *copy += scratch_start;
        }
    }
    CallPlan {
        pieces,
        ret_pieces,
        indirect_ret,
        ret_size: spec.ret.size(),
        nargs: spec.args.len(),
        stack_bytes,
        scratch_bytes: if ncopy == 0 {
            0
        } else {
            scratch_start - STACK_BASE - stack_bytes + ncopy
        },
        nfpr: nsrn,
    }
}

/// Nothing to return for a memory result: x8 need not be preserved.
pub(super) unsafe fn set_indirect_result(_regs: *mut super::CallbackRegs, _dest: usize) {}

/// Load the argument registers and stack from the frame's image, call,
/// and save x0, x1 and d0-d3 in the frame. Frame-pointer-based frame with
/// unwind info, so unwinds pass through.
#[unsafe(naked)]
pub(super) unsafe extern "C-unwind" fn call_trampoline(frame: *mut CallFrame) {
    core::arch::naked_asm!(
        ".cfi_startproc",
        "stp x29, x30, [sp, #-32]!",
        ".cfi_def_cfa_offset 32",
        ".cfi_offset x29, -32",
        ".cfi_offset x30, -24",
        "str x19, [sp, #16]",
        ".cfi_offset x19, -16",
        "mov x29, sp",
        ".cfi_def_cfa x29, 32",
        "mov x19, x0",
        // Outgoing stack arguments: sp stays 16-byte aligned.
        "ldr x9, [x19, #{stack_words}]",
        "add x10, x9, #1",
        "and x10, x10, #-2",
        "lsl x10, x10, #3",
        "sub sp, sp, x10",
        "ldr x11, [x19, #{image}]",
        "add x12, x11, #{stack_base}",
        "mov x13, sp",
        "cbz x9, 2f",
        "1:",
        "ldr x14, [x12], #8",
        "str x14, [x13], #8",
        "subs x9, x9, #1",
        "b.ne 1b",
        "2:",
        "ldp d0, d1, [x11, #{fpr}]",
        "ldp d2, d3, [x11, #{fpr} + 16]",
        "ldp d4, d5, [x11, #{fpr} + 32]",
        "ldp d6, d7, [x11, #{fpr} + 48]",
        "ldp x0, x1, [x11]",
        "ldp x2, x3, [x11, #16]",
        "ldp x4, x5, [x11, #32]",
        "ldp x6, x7, [x11, #48]",
        "ldr x8, [x11, #64]",
        "ldr x9, [x19, #{func}]",
        "blr x9",
        "stp x0, x1, [x19, #{ret}]",
        "stp d0, d1, [x19, #{ret} + 16]",
        "stp d2, d3, [x19, #{ret} + 32]",
        "mov sp, x29",
        "ldr x19, [sp, #16]",
        "ldp x29, x30, [sp], #32",
        ".cfi_def_cfa sp, 0",
        ".cfi_restore x19",
        ".cfi_restore x29",
        ".cfi_restore x30",
        "ret",
        ".cfi_endproc",
        stack_words = const offset_of!(CallFrame, stack_words),
        image = const offset_of!(CallFrame, image),
        func = const offset_of!(CallFrame, func),
        ret = const offset_of!(CallFrame, ret),
        stack_base = const STACK_BASE,
        fpr = const FPR_BASE,
    )
}

/// Common entry of the callback stubs: w10 = slot, x9 = pool header.
/// Saves the argument registers in a `CallbackRegs`, calls
/// `handler(ctx, slot, regs)`, returns x0, x1, d0-d3 from it.
#[unsafe(naked)]
unsafe extern "C-unwind" fn callback_entry() {
    core::arch::naked_asm!(
        ".cfi_startproc",
        "stp x29, x30, [sp, #-16]!",
        ".cfi_def_cfa_offset 16",
        ".cfi_offset x29, -16",
        ".cfi_offset x30, -8",
        "mov x29, sp",
        ".cfi_def_cfa x29, 16",
        "sub sp, sp, #{frame}",
        "stp x0, x1, [sp]",
        "stp x2, x3, [sp, #16]",
        "stp x4, x5, [sp, #32]",
        "stp x6, x7, [sp, #48]",
        "str x8, [sp, #64]",
        "stp d0, d1, [sp, #{fpr}]",
        "stp d2, d3, [sp, #{fpr} + 16]",
        "stp d4, d5, [sp, #{fpr} + 32]",
        "stp d6, d7, [sp, #{fpr} + 48]",
        "add x12, x29, #16",
        "str x12, [sp, #{stack}]",
        "ldr x0, [x9, #{ctx}]",
        "mov w1, w10",
        "mov x2, sp",
        "ldr x12, [x9, #{handler}]",
        "blr x12",
        "ldp x0, x1, [sp, #{ret}]",
        "ldp d0, d1, [sp, #{ret} + 16]",
        "ldp d2, d3, [sp, #{ret} + 32]",
        "mov sp, x29",
        "ldp x29, x30, [sp], #16",
        ".cfi_def_cfa sp, 0",
        ".cfi_restore x29",
        ".cfi_restore x30",
        "ret",
        ".cfi_endproc",
        frame = const REGS_FRAME,
        fpr = const offset_of!(CallbackRegs, fpr),
        stack = const offset_of!(CallbackRegs, stack),
        ret = const offset_of!(CallbackRegs, ret),
        ctx = const offset_of!(PoolHeader, ctx),
        handler = const offset_of!(PoolHeader, handler),
    )
}

pub(super) fn callback_entry_address() -> usize {
    callback_entry as *const () as usize
}

/// Machine code of stub `slot`: `movz/movk w10, slot; ldr x9, header;
/// ldr x11, [x9]; br x11` (the header's first field is the entry address).
pub(super) fn stub_code(slot: u32, header: usize) -> [u8; super::STUB_SIZE] {
    let words: [u32; 6] = [
        0x5280_0000 | ((slot & 0xffff) << 5) | 10, // movz w10, #lo16
        0x72a0_0000 | ((slot >> 16) << 5) | 10,    // movk w10, #hi16, lsl #16
        0x5800_0000 | (4 << 5) | 9,                // ldr x9, .+16 (the literal)
        0xf940_0000 | (9 << 5) | 11,               // ldr x11, [x9]
        0xd61f_0000 | (11 << 5),                   // br x11
        0xd420_0000,                               // brk #0
    ];
    let mut c = [0u8; super::STUB_SIZE];
    for (i, w) in words.iter().enumerate() {
        c[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    c[24..32].copy_from_slice(&(header as u64).to_le_bytes());
    c
}

/// Make freshly written code visible to instruction fetch: clean the data
/// cache to the point of unification, invalidate the instruction cache.
pub(super) unsafe fn flush_icache(start: *mut u8, len: usize) {
    let ctr: u64;
    // SAFETY: CTR_EL0 is readable at EL0 on Linux; cache maintenance by
    // address on mapped, readable memory has no other effect.
    unsafe {
        core::arch::asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack));
        let dline = 4usize << ((ctr >> 16) & 15);
        let iline = 4usize << (ctr & 15);
        let (begin, end) = (start as usize, start as usize + len);
        let mut a = begin & !(dline - 1);
        while a < end {
            core::arch::asm!("dc cvau, {}", in(reg) a, options(nostack));
            a += dline;
        }
        core::arch::asm!("dsb ish", options(nostack));
        let mut a = begin & !(iline - 1);
        while a < end {
            core::arch::asm!("ic ivau, {}", in(reg) a, options(nostack));
            a += iline;
        }
        core::arch::asm!("dsb ish", "isb", options(nostack));
    }
}
