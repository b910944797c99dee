//! x86-64 System V: argument classification, the call trampoline and the
//! callback entry code.

use super::{
    int_ext, round_up, sorted_leaves, AbiType, CallFrame, CallPlan, CallSpec, Ext, Piece,
    PoolHeader, RetPiece, RetRegs, Scalar, RET_FP0, RET_INT0,
};
use std::mem::offset_of;

/// Integer argument registers: rdi, rsi, rdx, rcx, r8, r9.
pub(super) const NGPR: u32 = 6;
/// Vector argument registers: xmm0-xmm7.
pub(super) const NFPR: u32 = 8;
/// Image offset of the first vector register slot.
const FPR_BASE: u32 = NGPR * 8;
/// Image offset of the outgoing stack arguments.
pub(super) const STACK_BASE: u32 = (NGPR + NFPR) * 8;

/// The argument registers of a callback's call, saved by the entry code.
#[repr(C)]
pub struct CallbackRegs {
    /// rdi, rsi, rdx, rcx, r8, r9.
    pub gpr: [u64; NGPR as usize],
    /// Low 8 bytes of xmm0-xmm7.
    pub fpr: [u64; NFPR as usize],
    /// The first stack argument (the caller's rsp + 8).
    pub stack: *const u8,
    /// Loaded into rax, rdx, xmm0, xmm1 on return (the rest unused).
    pub ret: RetRegs,
    /// Where `callback_arg_ptrs` assembles values split over registers.
    pub scratch: [u64; 16],
}

/// Bytes the entry code reserves for `CallbackRegs` (16-byte multiple).
const REGS_FRAME: usize = (std::mem::size_of::<CallbackRegs>() + 15) & !15;

/// Class of an eightbyte of an aggregate.
#[derive(Clone, Copy, PartialEq)]
enum Class {
    /// Only padding: passed in no register.
    Padding,
    Integer,
    Sse,
}

/// The eightbyte classes of an aggregate passed in registers, or None if
/// it is passed in memory (over 16 bytes, or a misaligned leaf).
fn classify(size: u32, leaves: &[(u32, Scalar)]) -> Option<Vec<Class>> {
    if size > 16 {
        return None;
    }
    let mut classes = vec![Class::Padding; size.div_ceil(8) as usize];
    for &(off, s) in leaves {
        let n = s.size();
        if off % n != 0 || off + n > size {
            return None;
        }
        let c = &mut classes[(off / 8) as usize];
        *c = match (s, *c) {
            (Scalar::Int(_), _) | (_, Class::Integer) => Class::Integer,
            _ => Class::Sse,
        };
    }
    Some(classes)
}

pub(super) fn plan(spec: &CallSpec) -> CallPlan {
    let mut pieces = Vec::new();
    let mut ret_pieces = Vec::new();
    let mut indirect_ret = None;
    let (mut ngpr, mut nfpr, mut stack) = (0u32, 0u32, 0u32);
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
        AbiType::Aggregate { size, leaves, .. } => match classify(*size, &sorted_leaves(leaves)) {
            None => {
                indirect_ret = Some(0);
                ngpr = 1;
            }
            Some(classes) => {
                let (mut i, mut f) = (0, 0);
                for (k, c) in classes.iter().enumerate() {
                    let (dst, len) = (k as u32 * 8, (size - k as u32 * 8).min(8));
                    let src = match c {
                        Class::Padding => continue,
                        Class::Integer => {
                            i += 1;
                            RET_INT0 + (i - 1) * 8
                        }
                        Class::Sse => {
                            f += 1;
                            RET_FP0 + (f - 1) * 8
                        }
                    };
                    ret_pieces.push(RetPiece {
                        src,
                        dst,
                        len,
                        ext: Ext::None,
                    });
                }
            }
        },
    }
    for (idx, a) in spec.args.iter().enumerate() {
        let arg = idx as u32;
        let mut to_stack = |len: u32, align: u32, ext: Ext, pieces: &mut Vec<Piece>| {
            if align > 8 {
                stack = round_up(stack, 16);
            }
            pieces.push(Piece::Copy {
                arg,
                src: 0,
                dst: STACK_BASE + stack,
                len,
                ext,
            });
            stack += round_up(len.max(1), 8);
        };
        match a {
            AbiType::Void => {}
            &AbiType::Int { size, signed } => {
                let ext = int_ext(size, signed);
                if ngpr < NGPR {
                    pieces.push(Piece::Copy {
                        arg,
                        src: 0,
                        dst: ngpr * 8,
                        len: size as u32,
                        ext,
                    });
                    ngpr += 1;
                } else {
                    to_stack(size as u32, 8, ext, &mut pieces);
                }
            }
            AbiType::Float | AbiType::Double => {
                let len = a.size();
                if nfpr < NFPR {
                    pieces.push(Piece::Copy {
                        arg,
                        src: 0,
                        dst: FPR_BASE + nfpr * 8,
                        len,
                        ext: Ext::None,
                    });
                    nfpr += 1;
                } else {
                    to_stack(len, 8, Ext::None, &mut pieces);
                }
            }
            AbiType::Aggregate {
                size,
                align,
                leaves,
            } => {
                let size = *size;
                if size == 0 {
                    continue;
                }
                let classes = classify(size, &sorted_leaves(leaves));
                let fits = classes.as_ref().is_some_and(|cs| {
                    let ints = cs.iter().filter(|&&c| c == Class::Integer).count() as u32;
                    let sses = cs.iter().filter(|&&c| c == Class::Sse).count() as u32;
                    ngpr + ints <= NGPR && nfpr + sses <= NFPR
                });
                match classes {
                    Some(cs) if fits => {
                        for (k, c) in cs.iter().enumerate() {
                            let (src, len) = (k as u32 * 8, (size - k as u32 * 8).min(8));
                            let dst = match c {
                                Class::Padding => continue,
                                Class::Integer => {
                                    ngpr += 1;
                                    (ngpr - 1) * 8
                                }
                                Class::Sse => {
                                    nfpr += 1;
                                    FPR_BASE + (nfpr - 1) * 8
                                }
                            };
                            pieces.push(Piece::Copy {
                                arg,
                                src,
                                dst,
                                len,
                                ext: Ext::None,
                            });
                        }
                    }
                    _ => to_stack(size, *align, Ext::None, &mut pieces),
                }
            }
        }
    }
    CallPlan {
        pieces,
        ret_pieces,
        indirect_ret,
        ret_size: spec.ret.size(),
        nargs: spec.args.len(),
        stack_bytes: round_up(stack, 16),
        scratch_bytes: 0,
        nfpr,
    }
}

/// Memory returns also come back in rax.
pub(super) unsafe fn set_indirect_result(regs: *mut super::CallbackRegs, dest: usize) {
    // SAFETY: regs is the live save area (caller's promise).
    unsafe { (*regs).ret[0] = dest as u64 };
}

/// Load the argument registers and stack from the frame's image, call,
/// and save rax, rdx, xmm0 and xmm1 in the frame. rbp-based frame with
/// unwind info, so unwinds pass through.
#[unsafe(naked)]
pub(super) unsafe extern "C-unwind" fn call_trampoline(frame: *mut CallFrame) {
    core::arch::naked_asm!(
        ".cfi_startproc",
        "push rbp",
        ".cfi_def_cfa_offset 16",
        ".cfi_offset rbp, -16",
        "mov rbp, rsp",
        ".cfi_def_cfa_register rbp",
        "push rbx",
        ".cfi_offset rbx, -24",
        "sub rsp, 8",
        "mov rbx, rdi",
        // Outgoing stack arguments: rsp stays 16-byte aligned.
        "mov rcx, [rbx + {stack_words}]",
        "lea rax, [rcx * 8 + 15]",
        "and rax, -16",
        "sub rsp, rax",
        "mov rsi, [rbx + {image}]",
        "add rsi, {stack_base}",
        "mov rdi, rsp",
        "rep movsq",
        "mov r10, [rbx + {image}]",
        "movq xmm0, qword ptr [r10 + {fpr} + 0]",
        "movq xmm1, qword ptr [r10 + {fpr} + 8]",
        "movq xmm2, qword ptr [r10 + {fpr} + 16]",
        "movq xmm3, qword ptr [r10 + {fpr} + 24]",
        "movq xmm4, qword ptr [r10 + {fpr} + 32]",
        "movq xmm5, qword ptr [r10 + {fpr} + 40]",
        "movq xmm6, qword ptr [r10 + {fpr} + 48]",
        "movq xmm7, qword ptr [r10 + {fpr} + 56]",
        "mov rdi, [r10]",
        "mov rsi, [r10 + 8]",
        "mov rdx, [r10 + 16]",
        "mov rcx, [r10 + 24]",
        "mov r8, [r10 + 32]",
        "mov r9, [r10 + 40]",
        "mov rax, [rbx + {nfpr}]",
        "call qword ptr [rbx + {func}]",
        "mov [rbx + {ret}], rax",
        "mov [rbx + {ret} + 8], rdx",
        "movq qword ptr [rbx + {ret} + 16], xmm0",
        "movq qword ptr [rbx + {ret} + 24], xmm1",
        "mov rbx, [rbp - 8]",
        "mov rsp, rbp",
        "pop rbp",
        ".cfi_def_cfa rsp, 8",
        "ret",
        ".cfi_endproc",
        stack_words = const offset_of!(CallFrame, stack_words),
        image = const offset_of!(CallFrame, image),
        nfpr = const offset_of!(CallFrame, nfpr),
        func = const offset_of!(CallFrame, func),
        ret = const offset_of!(CallFrame, ret),
        stack_base = const STACK_BASE,
        fpr = const FPR_BASE,
    )
}

/// Common entry of the callback stubs: r10d = slot, r11 = pool header.
/// Saves the argument registers in a `CallbackRegs`, calls
/// `handler(ctx, slot, regs)`, returns rax, rdx, xmm0, xmm1 from it.
#[unsafe(naked)]
unsafe extern "C-unwind" fn callback_entry() {
    core::arch::naked_asm!(
        ".cfi_startproc",
        "push rbp",
        ".cfi_def_cfa_offset 16",
        ".cfi_offset rbp, -16",
        "mov rbp, rsp",
        ".cfi_def_cfa_register rbp",
        "sub rsp, {frame}",
        "mov [rsp], rdi",
        "mov [rsp + 8], rsi",
        "mov [rsp + 16], rdx",
        "mov [rsp + 24], rcx",
        "mov [rsp + 32], r8",
        "mov [rsp + 40], r9",
        "movq qword ptr [rsp + {fpr} + 0], xmm0",
        "movq qword ptr [rsp + {fpr} + 8], xmm1",
        "movq qword ptr [rsp + {fpr} + 16], xmm2",
        "movq qword ptr [rsp + {fpr} + 24], xmm3",
        "movq qword ptr [rsp + {fpr} + 32], xmm4",
        "movq qword ptr [rsp + {fpr} + 40], xmm5",
        "movq qword ptr [rsp + {fpr} + 48], xmm6",
        "movq qword ptr [rsp + {fpr} + 56], xmm7",
        "lea rax, [rbp + 16]",
        "mov [rsp + {stack}], rax",
        "mov rdi, [r11 + {ctx}]",
        "mov esi, r10d",
        "mov rdx, rsp",
        "call qword ptr [r11 + {handler}]",
        "mov rax, [rsp + {ret}]",
        "mov rdx, [rsp + {ret} + 8]",
        "movq xmm0, qword ptr [rsp + {ret} + 16]",
        "movq xmm1, qword ptr [rsp + {ret} + 24]",
        "mov rsp, rbp",
        "pop rbp",
        ".cfi_def_cfa rsp, 8",
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

/// Machine code of stub `slot`: `mov r10d, slot; mov r11, header;
/// jmp [r11]` (the header's first field is the entry address).
pub(super) fn stub_code(slot: u32, header: usize) -> [u8; super::STUB_SIZE] {
    let mut c = [0xcc_u8; super::STUB_SIZE];
    c[0..2].copy_from_slice(&[0x41, 0xba]);
    c[2..6].copy_from_slice(&slot.to_le_bytes());
    c[6..8].copy_from_slice(&[0x49, 0xbb]);
    c[8..16].copy_from_slice(&(header as u64).to_le_bytes());
    c[16..19].copy_from_slice(&[0x41, 0xff, 0x23]);
    c
}

/// x86 keeps instruction fetch coherent with stores.
pub(super) unsafe fn flush_icache(_start: *mut u8, _len: usize) {}
