//! Debug information: walking the frames of a thread, line numbers,
//! variable names for error messages, and tracebacks.

use crate::bytecode::{bc_a, bc_b, bc_c, bc_d, bc_op, Ins, Op};
use crate::func::{GcFunc, GcProto};
use crate::state::*;
use crate::string::str_bytes;
use crate::value::*;

/// One activation: its base slot and, for Lua functions, the PC of the
/// instruction being executed + 1 (null for C functions).
#[derive(Clone, Copy)]
pub struct Frame {
    pub base: *mut TValue,
    pub pc: *const Ins,
}

impl Frame {
    pub fn func(&self) -> TValue {
        // SAFETY: base-2 is the frame's function slot.
        unsafe { *self.base.sub(2) }
    }
    pub fn gcfunc(&self) -> *mut GcFunc {
        let f = self.func();
        if f.is_func() {
            f.as_ptr()
        } else {
            std::ptr::null_mut()
        }
    }
    pub fn is_lua(&self) -> bool {
        let f = self.gcfunc();
        // SAFETY: f is null or a live function.
        !f.is_null() && unsafe { (*f).is_lua() }
    }
    pub fn proto(&self) -> *mut GcProto {
        // SAFETY: only called for Lua frames.
        unsafe { (*self.gcfunc()).proto }
    }
    pub fn link(&self) -> u64 {
        // SAFETY: base-1 is the frame link.
        unsafe { (*self.base.sub(1)).0 }
    }
}

/// Whether a base is the bottom (dummy) frame of a thread.
pub fn is_bottom(l: *mut lua_State, base: *mut TValue) -> bool {
    // SAFETY: l is live.
    unsafe { base <= (*l).stack.add(2) }
}

/// The frame of the caller of `f`, skipping vararg adjustments.
pub fn prev_frame(l: *mut lua_State, f: Frame) -> Option<Frame> {
    if is_bottom(l, f.base) {
        return None;
    }
    let mut base = f.base;
    // SAFETY: frame links are valid for every frame above the bottom one.
    unsafe {
        loop {
            let link = (*base.sub(1)).0;
            if frame_type(link) == FRAME_LUA {
                let pc = link as *const Ins;
                let call = *pc.sub(1);
                let nb = base.sub(2 + bc_a(call) as usize);
                return Some(Frame { base: nb, pc });
            }
            let nb = (base as *mut u8).sub((link & !FRAME_TYPEP) as usize) as *mut TValue;
            match frame_typep(link) {
                FRAME_VARG => {
                    base = nb;
                    continue;
                }
                FRAME_CONT => {
                    let pc = (*base.sub(4)).0 as *const Ins;
                    return Some(Frame { base: nb, pc });
                }
                _ => {
                    // C, CP, PCALL, PCALLH: the previous frame is a C frame
                    // (the interpreter links Lua callers through
                    // continuation frames instead).
                    if nb >= base {
                        return None;
                    }
                    return Some(Frame { base: nb, pc: std::ptr::null() });
                }
            }
        }
    }
}

/// The frame at `level` (0 = the running function).
pub fn frame_at(l: *mut lua_State, level: usize) -> Option<Frame> {
    // SAFETY: l is live.
    let base = unsafe { (*l).base };
    if is_bottom(l, base) {
        return None;
    }
    let mut f = Frame { base, pc: std::ptr::null() };
    if f.is_lua() {
        // SAFETY: l is live.
        f.pc = unsafe { (*l).savedpc };
    }
    for _ in 0..level {
        f = prev_frame(l, f)?;
        if is_bottom(l, f.base) {
            return None;
        }
    }
    Some(f)
}

/// Index of the current instruction of a Lua frame.
pub fn frame_pc_index(f: &Frame) -> Option<u32> {
    if f.pc.is_null() || !f.is_lua() {
        return None;
    }
    let pt = f.proto();
    // SAFETY: pc points into pt's bytecode, after the current instruction.
    let idx = unsafe { f.pc.offset_from((*pt).bc) } - 1;
    // SAFETY: pt is live.
    if idx < 0 || idx as u32 >= unsafe { (*pt).sizebc } {
        None
    } else {
        Some(idx as u32)
    }
}

pub fn proto_line(pt: *mut GcProto, idx: u32) -> i32 {
    // SAFETY: pt is live; lineinfo has sizebc entries when present.
    unsafe {
        if (*pt).lineinfo.is_null() || idx >= (*pt).sizebc {
            return -1;
        }
        *(*pt).lineinfo.add(idx as usize) as i32
    }
}

pub fn current_line(f: &Frame) -> i32 {
    match frame_pc_index(f) {
        Some(i) => proto_line(f.proto(), i),
        None => -1,
    }
}

/// `short_src:line:` of a Lua frame, or None.
pub fn where_prefix(f: &Frame) -> Option<Vec<u8>> {
    if !f.is_lua() {
        return None;
    }
    let pt = f.proto();
    let line = current_line(f);
    // SAFETY: pt is live.
    let name = str_bytes(unsafe { (*pt).chunkname });
    let mut s = crate::chunkname::short_src(name);
    if line >= 0 {
        s.extend_from_slice(format!(":{}:", line).as_bytes());
    } else {
        s.extend_from_slice(b":?:");
    }
    Some(s)
}

/// Name of a local variable live at `pc` in `slot`.
pub fn local_name(pt: *mut GcProto, pc: u32, slot: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live; varinfo has sizevarinfo entries.
    unsafe {
        let mut n = 0u32;
        for i in 0..(*pt).sizevarinfo as usize {
            let v = *(*pt).varinfo.add(i);
            if v.startpc > pc {
                break;
            }
            if pc < v.endpc {
                if n == slot {
                    let nm = str_bytes(v.name);
                    if nm.starts_with(b"(") {
                        return None;
                    }
                    return Some(nm.to_vec());
                }
                n += 1;
            }
        }
    }
    None
}

fn kgc_str(pt: *mut GcProto, d: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live.
    unsafe {
        if d >= (*pt).sizekgc {
            return None;
        }
        let v = *(*pt).kgc.add(d as usize);
        if v.is_str() {
            Some(str_bytes(v.as_ptr()).to_vec())
        } else {
            None
        }
    }
}

pub fn upval_name(pt: *mut GcProto, idx: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live; uvnames has sizeuv entries when present.
    unsafe {
        if (*pt).uvnames.is_null() || idx >= (*pt).sizeuv as u32 {
            return None;
        }
        Some(str_bytes(*(*pt).uvnames.add(idx as usize)).to_vec())
    }
}

/// What a stack slot holds at instruction `pc`: ("local", name),
/// ("global", name), ("field", name), ("method", name), ("upvalue", name).
pub fn slot_name(pt: *mut GcProto, pc: u32, slot: u32) -> Option<(&'static str, Vec<u8>)> {
    let mut slot = slot;
    let mut pc = pc;
    loop {
        if let Some(n) = local_name(pt, pc, slot) {
            return Some(("local", n));
        }
        // Scan backwards for the instruction that last wrote the slot.
        let mut i = pc;
        let mut found: Option<Ins> = None;
        // SAFETY: pt is live; i < sizebc.
        unsafe {
            while i > 1 {
                i -= 1;
                let ins = *(*pt).bc.add(i as usize);
                let op = bc_op(ins);
                let a = bc_a(ins);
                let writes = match op {
                    Op::MOV | Op::GGET | Op::TGETS | Op::UGET | Op::KSTR | Op::TGETV | Op::TGETB | Op::KPRI
                    | Op::KNIL | Op::KSHORT | Op::KNUM | Op::TNEW | Op::TDUP | Op::FNEW | Op::NOT | Op::UNM
                    | Op::LEN | Op::CAT | Op::POW | Op::ADDVV | Op::ADDVN | Op::ADDNV | Op::SUBVV | Op::SUBVN
                    | Op::SUBNV | Op::MULVV | Op::MULVN | Op::MULNV | Op::DIVVV | Op::DIVVN | Op::DIVNV
                    | Op::MODVV | Op::MODVN | Op::MODNV | Op::TGETR => {
                        if op == Op::KNIL {
                            a <= slot && slot <= bc_d(ins)
                        } else {
                            a == slot
                        }
                    }
                    Op::CALL | Op::CALLM | Op::VARG | Op::ITERC | Op::ITERN => slot >= a,
                    Op::JMP | Op::FORI | Op::FORL | Op::ITERL | Op::LOOP => false,
                    _ => false,
                };
                if writes {
                    found = Some(ins);
                    break;
                }
                if matches!(op, Op::JMP) {
                    // Control flow merges: give up like LuaJIT does for
                    // jumps into the range.
                }
            }
        }
        let ins = found?;
        let op = bc_op(ins);
        match op {
            Op::MOV => {
                slot = bc_d(ins);
                pc = i;
                continue;
            }
            Op::GGET => return kgc_str(pt, bc_d(ins)).map(|n| ("global", n)),
            Op::TGETS => {
                let name = kgc_str(pt, bc_c(ins))?;
                // A method call `o:m()` loads the method with TGETS into
                // the slot right after the object copy.
                // SAFETY: i+1 < sizebc for a TGETS that is not the last.
                let next = unsafe { *(*pt).bc.add(i as usize + 1) };
                let _ = bc_b(next);
                let is_method = {
                    // LuaJIT marks o:m() as "method" when the object was
                    // moved into slot a+1 (FR2: a+2) right before.
                    // SAFETY: i >= 1.
                    let prev = unsafe { *(*pt).bc.add(i as usize - 1) };
                    bc_op(prev) == Op::MOV && bc_a(prev) == bc_a(ins) + 2 && bc_d(prev) == bc_b(ins)
                };
                return Some((if is_method { "method" } else { "field" }, name));
            }
            Op::UGET => return upval_name(pt, bc_d(ins)).map(|n| ("upvalue", n)),
            Op::KSTR => return None,
            _ => return None,
        }
    }
}

/// Name of the function running in frame `f` as its caller sees it:
/// (namewhat, name), e.g. ("global", "print"), ("method", "insert").
pub fn func_name(l: *mut lua_State, f: &Frame) -> Option<(&'static str, Vec<u8>)> {
    // SAFETY: frame link valid.
    let link = f.link();
    if frame_type(link) != FRAME_LUA {
        if frame_typep(link) == FRAME_CONT {
            return meta_name(l, f);
        }
        return None;
    }
    let caller = prev_frame(l, *f)?;
    if !caller.is_lua() {
        return None;
    }
    let idx = frame_pc_index(&caller)?;
    let pt = caller.proto();
    // SAFETY: idx < sizebc.
    let ins = unsafe { *(*pt).bc.add(idx as usize) };
    match bc_op(ins) {
        Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => slot_name(pt, idx, bc_a(ins)),
        Op::ITERC | Op::ITERN => Some(("for iterator", b"for iterator".to_vec())),
        _ => None,
    }
}

fn meta_name(l: *mut lua_State, f: &Frame) -> Option<(&'static str, Vec<u8>)> {
    let caller = prev_frame(l, *f)?;
    let idx = frame_pc_index(&caller)?;
    let pt = caller.proto();
    // SAFETY: idx < sizebc.
    let ins = unsafe { *(*pt).bc.add(idx as usize) };
    let mm = match bc_op(ins) {
        Op::TGETS | Op::TGETV | Op::TGETB | Op::GGET | Op::TGETR => "index",
        Op::TSETS | Op::TSETV | Op::TSETB | Op::GSET | Op::TSETR => "newindex",
        Op::ADDVV | Op::ADDVN | Op::ADDNV => "add",
        Op::SUBVV | Op::SUBVN | Op::SUBNV => "sub",
        Op::MULVV | Op::MULVN | Op::MULNV => "mul",
        Op::DIVVV | Op::DIVVN | Op::DIVNV => "div",
        Op::MODVV | Op::MODVN | Op::MODNV => "mod",
        Op::POW => "pow",
        Op::UNM => "unm",
        Op::LEN => "len",
        Op::CAT => "concat",
        Op::ISLT | Op::ISGE => "lt",
        Op::ISLE | Op::ISGT => "le",
        Op::ISEQV | Op::ISNEV | Op::ISEQS | Op::ISNES | Op::ISEQN | Op::ISNEN | Op::ISEQP | Op::ISNEP => "eq",
        Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => "call",
        _ => return None,
    };
    Some(("metamethod", mm.as_bytes().to_vec()))
}

/// Append a traceback of `l` starting at `level` (LuaJIT's format).
pub fn traceback(l: *mut lua_State, level: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(b"stack traceback:");
    let mut lvl = level;
    let mut f = match frame_at(l, lvl) {
        Some(f) => f,
        None => return,
    };
    let mut count = 0usize;
    // Count levels to elide the middle of very deep stacks.
    let total = {
        let mut n = 0usize;
        let mut g = Some(f);
        while let Some(fr) = g {
            n += 1;
            g = prev_frame(l, fr).filter(|x| !is_bottom(l, x.base));
        }
        n
    };
    loop {
        if count == 12 && total > 22 {
            out.extend_from_slice(b"\n\t...");
            let skip = total - 22;
            for _ in 0..skip {
                match prev_frame(l, f) {
                    Some(p) if !is_bottom(l, p.base) => f = p,
                    _ => return,
                }
            }
            count += skip;
        }
        out.extend_from_slice(b"\n\t");
        describe_frame(l, &f, out);
        count += 1;
        lvl += 1;
        match prev_frame(l, f) {
            Some(p) if !is_bottom(l, p.base) => f = p,
            _ => break,
        }
    }
}

fn describe_frame(l: *mut lua_State, f: &Frame, out: &mut Vec<u8>) {
    let gf = f.gcfunc();
    let name = func_name(l, f);
    if f.is_lua() {
        let pt = f.proto();
        // SAFETY: pt is live.
        let src = crate::chunkname::short_src(str_bytes(unsafe { (*pt).chunkname }));
        out.extend_from_slice(&src);
        out.push(b':');
        let line = current_line(f);
        out.extend_from_slice(line.to_string().as_bytes());
        out.push(b':');
        // SAFETY: pt is live.
        let firstline = unsafe { (*pt).firstline };
        match name {
            Some((what, n)) if what != "for iterator" => {
                out.extend_from_slice(format!(" in function '{}'", String::from_utf8_lossy(&n)).as_bytes())
            }
            _ => {
                if firstline == 0 {
                    out.extend_from_slice(b" in main chunk");
                } else {
                    out.extend_from_slice(format!(" in function <{}:{}>", String::from_utf8_lossy(&src), firstline).as_bytes());
                }
            }
        }
    } else {
        out.extend_from_slice(b"[C]:");
        match name {
            Some((_, n)) => out.extend_from_slice(format!(" in function '{}'", String::from_utf8_lossy(&n)).as_bytes()),
            None => {
                // SAFETY: gf is null or a live C function.
                let addr = if gf.is_null() { 0 } else { unsafe { (*gf).f.map(|f| f as usize).unwrap_or(0) } };
                out.extend_from_slice(format!(" at {:#x}", addr).as_bytes())
            }
        }
    }
}
