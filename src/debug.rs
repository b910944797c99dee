//! Debug information: walking the frames of a thread, line numbers,
//! variable names for error messages, and tracebacks.

use crate::bytecode::opmodes::{modes, Mode};
use crate::bytecode::{bc_a, bc_b, bc_c, bc_d, bc_op, Ins, Op};
use crate::func::{GcFunc, GcProto};
use crate::mem::ByteSink;
use crate::state::*;
use crate::string::str_bytes;
use crate::value::*;

/// One activation: its base slot and, for Lua functions, the PC of the
/// instruction being executed + 1 (null for C functions).
///
/// A handle: made only by the frame walkers here and by `Frame::new`
/// (unsafe). Type invariant: `base` is the base of a frame on the stack of
/// a live thread (its function in slot `base-2`, its link in `base-1`),
/// and the handle is used only while that stack is not reallocated and
/// the frame not popped; `pc` is null or, for a Lua frame, points into its
/// function's bytecode just after the current instruction.
#[derive(Clone, Copy)]
pub struct Frame {
    base: *mut TValue,
    pc: *const Ins,
}

impl Frame {
    /// # Safety
    /// `base` and `pc` satisfy the type invariant.
    #[inline]
    pub unsafe fn new(base: *mut TValue, pc: *const Ins) -> Frame {
        Frame { base, pc }
    }
    /// The frame's base slot.
    #[inline]
    pub fn base(&self) -> *mut TValue {
        self.base
    }
    /// The PC after the current instruction (null for C frames).
    #[inline]
    pub fn pc(&self) -> *const Ins {
        self.pc
    }
    pub fn func(&self) -> TValue {
        // SAFETY: base-2 is the frame's function slot (type invariant).
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
        // SAFETY: f is null or the live function of the frame's slot.
        !f.is_null() && unsafe { (*f).is_lua() }
    }
    /// The prototype of a Lua frame's function: live while the frame is
    /// (its function is in the frame's slot). Null for other frames.
    pub fn proto(&self) -> *mut GcProto {
        if !self.is_lua() {
            return std::ptr::null_mut();
        }
        // SAFETY: gcfunc is the live Lua function of the frame's slot.
        unsafe { (*self.gcfunc()).proto }
    }
    pub fn link(&self) -> u64 {
        // SAFETY: base-1 is the frame link (type invariant).
        unsafe { (*self.base.sub(1)).0 }
    }
    /// Whether this is the invisible frame a hook runs in (see `hook_marker`).
    pub fn is_hook_marker(&self) -> bool {
        self.func() == hook_marker()
    }
    /// Whether this is a frame that did not fit on the stack (see
    /// `dummy_frame_marker`).
    pub fn is_dummy(&self) -> bool {
        self.func().is_thread()
    }
    /// Whether frame walks skip this frame.
    pub fn is_invisible(&self) -> bool {
        self.is_hook_marker() || self.is_dummy()
    }
}

/// What replaces the function of a frame being entered that does not fit
/// on the stack when the stack overflows: the thread itself (as in LuaJIT).
/// The frame keeps its link, so the frames below stay walkable, and frame
/// walks skip it, so the error and tracebacks start at its caller.
pub fn dummy_frame_marker(l: State) -> TValue {
    TValue::gcobj(TID_THREAD, l.as_ptr() as *const crate::gc::GcHeader)
}

/// Identity of the marker the hook dispatcher stores in the function slot
/// of the pseudo-frame it runs a hook in. The pseudo-frame is a
/// continuation frame, so the walker can recover the PC of the hooked
/// frame from it, and the walker skips it, so hooks see the hooked
/// function at level 0 as in LuaJIT.
static HOOK_MARKER: u8 = 0;

pub fn hook_marker() -> TValue {
    TValue::lightud(&HOOK_MARKER as *const u8 as *mut std::ffi::c_void)
}

/// Whether a base is the bottom (dummy) frame of a thread.
pub fn is_bottom(l: State, base: *mut TValue) -> bool {
    // SAFETY: a field of the live thread (State invariant), read by value;
    // its stack always holds the bottom frame's two slots.
    unsafe { base <= (*l.as_ptr()).stack.add(2) }
}

/// The frame of the caller of `f` (skipping vararg adjustments), and the
/// lowest stack slot that belongs to `f`'s frame setup (its function slot,
/// or the saved PC of a continuation frame): the caller's live slots end
/// there. Hook pseudo-frames are not skipped here.
fn raw_prev(l: State, f: Frame) -> (Option<Frame>, *mut TValue) {
    let mut base = f.base;
    // SAFETY: frame links are valid for every frame above the bottom one.
    unsafe {
        loop {
            if is_bottom(l, base) {
                return (None, base.sub(2));
            }
            let link = (*base.sub(1)).0;
            if frame_type(link) == FRAME_LUA {
                let pc = link as *const Ins;
                let call = *pc.sub(1);
                let nb = base.sub(2 + bc_a(call) as usize);
                return (Some(Frame { base: nb, pc }), base.sub(2));
            }
            let nb = (base as *mut u8).sub((link & !FRAME_TYPEP) as usize) as *mut TValue;
            match frame_typep(link) {
                FRAME_VARG => {
                    base = nb;
                    continue;
                }
                FRAME_CONT => {
                    let pc = (*base.sub(4)).0 as *const Ins;
                    let fr = Frame { base: nb, pc };
                    // A continuation below a C frame has no PC to speak of.
                    let fr = if fr.is_lua() {
                        fr
                    } else {
                        Frame {
                            base: nb,
                            pc: std::ptr::null(),
                        }
                    };
                    return (Some(fr), base.sub(4));
                }
                _ => {
                    // C, CP, PCALL, PCALLH: the previous frame is a C frame
                    // (the interpreter links Lua callers through
                    // continuation frames instead).
                    if nb >= base {
                        return (None, base.sub(2));
                    }
                    return (
                        Some(Frame {
                            base: nb,
                            pc: std::ptr::null(),
                        }),
                        base.sub(2),
                    );
                }
            }
        }
    }
}

/// The frame of the caller of `f`, skipping vararg adjustments, hook
/// pseudo-frames and dummy frames.
pub fn prev_frame(l: State, f: Frame) -> Option<Frame> {
    let mut f = f;
    loop {
        let p = raw_prev(l, f).0?;
        if p.is_invisible() {
            f = p;
            continue;
        }
        return Some(p);
    }
}

/// The innermost frame of a thread as stored (possibly a hook marker), or
/// None when the thread has no frames to inspect (not started or finished).
fn top_frame(l: State) -> Option<Frame> {
    // SAFETY: fields of the live thread (State invariant), read by value;
    // yield_base is an offset into its stack. The base found is that of
    // its innermost frame (or the bottom one, checked), with savedpc its
    // PC when it runs Lua code: the Frame invariant.
    unsafe {
        let base = match (*l.as_ptr()).status {
            LUA_OK => (*l.as_ptr()).base,
            // A suspended coroutine: its visible base points at the
            // yielded values; the yielding frame is recorded apart.
            LUA_YIELD => (*l.as_ptr()).stack.add((*l.as_ptr()).yield_base),
            // Dead by an error: the frames are kept where it was raised.
            _ => (*l.as_ptr()).stack.add((*l.as_ptr()).yield_base),
        };
        if is_bottom(l, base) {
            return None;
        }
        let mut f = Frame {
            base,
            pc: std::ptr::null(),
        };
        if (*l.as_ptr()).status == LUA_OK && f.is_lua() {
            f.pc = (*l.as_ptr()).savedpc;
        }
        Some(f)
    }
}

/// Iterator over the visible frames of a thread, innermost first. Each
/// item is the frame and the end (exclusive) of its live slots. Lazy: a
/// frame's link is only followed when the next frame is asked for (the
/// running frame's link may not be valid, e.g. while a state is closed).
pub struct Frames {
    l: State,
    /// The frame returned last (or None before the first).
    last: Option<Frame>,
    first: Option<Frame>,
    started: bool,
    limit: *mut TValue,
}

impl Iterator for Frames {
    type Item = (Frame, *mut TValue);
    fn next(&mut self) -> Option<(Frame, *mut TValue)> {
        loop {
            let f = if !self.started {
                self.started = true;
                self.first?
            } else {
                let (prev, lowest) = raw_prev(self.l, self.last?);
                self.limit = lowest;
                match prev.filter(|p| !is_bottom(self.l, p.base)) {
                    Some(p) => p,
                    None => {
                        self.last = None;
                        return None;
                    }
                }
            };
            self.last = Some(f);
            if f.is_invisible() {
                continue;
            }
            return Some((f, self.limit));
        }
    }
}

pub fn frames(l: State) -> Frames {
    // SAFETY: a field of the live thread (State invariant), read by value.
    let top = unsafe { (*l.as_ptr()).top };
    Frames {
        l,
        last: None,
        first: top_frame(l),
        started: false,
        limit: top,
    }
}

/// The frame at `level` (0 = the running function).
pub fn frame_at(l: State, level: usize) -> Option<Frame> {
    frames(l).nth(level).map(|(f, _)| f)
}

/// Index of the current instruction of a Lua frame.
pub fn frame_pc_index(f: &Frame) -> Option<u32> {
    if f.pc.is_null() || !f.is_lua() {
        return None;
    }
    let pt = f.proto();
    // SAFETY: pt is the frame's live prototype and pc points into its
    // bytecode, after the current instruction (Frame invariant).
    let idx = unsafe { f.pc.offset_from((*pt).bc) } - 1;
    // SAFETY: as above.
    if idx < 0 || idx as u32 >= unsafe { (*pt).sizebc } {
        None
    } else {
        Some(idx as u32)
    }
}

/// The line of instruction `idx` (-1 if out of range, 0 if stripped).
///
/// # Safety
/// `pt` points to a live prototype.
pub unsafe fn proto_line(pt: *mut GcProto, idx: u32) -> i32 {
    // SAFETY: pt is live (this function's contract); lineinfo has sizebc
    // entries when present.
    unsafe {
        if idx >= (*pt).sizebc {
            return -1;
        }
        if (*pt).lineinfo.is_null() {
            // Stripped bytecode: LuaJIT reports line 0.
            return 0;
        }
        *(*pt).lineinfo.add(idx as usize) as i32
    }
}

pub fn current_line(f: &Frame) -> i32 {
    match frame_pc_index(f) {
        // SAFETY: a frame with a PC index is a Lua frame, whose prototype
        // is live.
        Some(i) => unsafe { proto_line(f.proto(), i) },
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
    // SAFETY: pt is the Lua frame's live prototype; its chunk name is a
    // live string, its bytes used for this call only.
    let name = unsafe { str_bytes((*pt).chunkname) };
    let mut s = crate::chunkname::short_src(name);
    if line >= 0 {
        s.extend_from_slice(format!(":{}:", line).as_bytes());
    } else {
        s.extend_from_slice(b":?:");
    }
    Some(s)
}

/// Name of a local variable live at `pc` in `slot`, as error messages
/// name it (internal names like "(for index)" are not names).
///
/// # Safety
/// `pt` points to a live prototype.
pub unsafe fn local_name(pt: *mut GcProto, pc: u32, slot: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live (this function's contract).
    unsafe { var_name(pt, pc, slot) }.filter(|n| !n.starts_with(b"("))
}

/// Name of the variable live at `pc` in `slot`, including the internal
/// names of loop control variables ("(for index)", "(for generator)", ...).
///
/// # Safety
/// `pt` points to a live prototype.
pub unsafe fn var_name(pt: *mut GcProto, pc: u32, slot: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live (this function's contract); varinfo has
    // sizevarinfo entries, whose names are live strings.
    unsafe {
        let mut n = 0u32;
        for i in 0..(*pt).sizevarinfo as usize {
            let v = *(*pt).varinfo.add(i);
            if v.startpc > pc {
                break;
            }
            if pc < v.endpc {
                if n == slot {
                    return Some(crate::mem::vec_from_slice(str_bytes(v.name)));
                }
                n += 1;
            }
        }
    }
    None
}

/// String constant `d` of a prototype, if it is one.
///
/// # Safety
/// `pt` points to a live prototype.
unsafe fn kgc_str(pt: *mut GcProto, d: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live (this function's contract); d is checked against
    // sizekgc; constants are live.
    unsafe {
        if d >= (*pt).sizekgc {
            return None;
        }
        let v = *(*pt).kgc.add(d as usize);
        if v.is_str() {
            Some(crate::mem::vec_from_slice(str_bytes(v.as_ptr())))
        } else {
            None
        }
    }
}

/// Name of upvalue `idx` of a prototype (None if stripped).
///
/// # Safety
/// `pt` points to a live prototype.
pub unsafe fn upval_name(pt: *mut GcProto, idx: u32) -> Option<Vec<u8>> {
    // SAFETY: pt is live (this function's contract); uvnames has sizeuv
    // entries, live strings, when present.
    unsafe {
        if (*pt).uvnames.is_null() || idx >= (*pt).sizeuv as u32 {
            return None;
        }
        Some(crate::mem::vec_from_slice(str_bytes(
            *(*pt).uvnames.add(idx as usize),
        )))
    }
}

/// What a stack slot holds at instruction `pc`: ("local", name),
/// ("global", name), ("field", name), ("method", name), ("upvalue", name).
///
/// # Safety
/// `pt` points to a live prototype.
pub unsafe fn slot_name(pt: *mut GcProto, pc: u32, slot: u32) -> Option<(&'static str, Vec<u8>)> {
    let mut slot = slot;
    let mut pc = pc;
    // SAFETY: pt is live (this function's contract).
    if pc >= unsafe { (*pt).sizebc } {
        return None;
    }
    loop {
        // SAFETY: pt is live (this function's contract).
        if let Some(n) = unsafe { local_name(pt, pc, slot) } {
            return Some(("local", n));
        }
        // Scan backwards for the instruction that last wrote the slot.
        let mut i = pc;
        let mut found: Option<Ins> = None;
        // SAFETY: pt is live; i < pc < sizebc.
        unsafe {
            while i > 1 {
                i -= 1;
                let ins = *(*pt).bc.add(i as usize);
                let op = bc_op(ins);
                let a = bc_a(ins);
                // As LuaJIT: an instruction whose A operand is a base
                // (calls, VARG, KNIL, iterators, loops, ...) writes the
                // slots from there on; one whose A is a destination writes
                // that slot (every such opcode: the bit operators and
                // KCDATA too).
                let writes = match modes(op).a {
                    Mode::Base => slot >= a && (op != Op::KNIL || slot <= bc_d(ins)),
                    Mode::Dst => a == slot,
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
            // SAFETY: pt is live (this function's contract).
            Op::GGET => return unsafe { kgc_str(pt, bc_d(ins)) }.map(|n| ("global", n)),
            Op::TGETS => {
                // SAFETY: pt is live (this function's contract).
                let name = unsafe { kgc_str(pt, bc_c(ins)) }?;
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
            // SAFETY: pt is live (this function's contract).
            Op::UGET => return unsafe { upval_name(pt, bc_d(ins)) }.map(|n| ("upvalue", n)),
            Op::KSTR => return None,
            _ => return None,
        }
    }
}

/// Name of the function running in frame `f` as its caller sees it:
/// (namewhat, name), e.g. ("global", "print"), ("method", "insert").
pub fn func_name(l: State, f: &Frame) -> Option<(&'static str, Vec<u8>)> {
    let link = effective_link(f);
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
    // SAFETY: pt is the Lua caller's live prototype; idx < sizebc.
    unsafe {
        let ins = *(*pt).bc.add(idx as usize);
        match bc_op(ins) {
            Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => slot_name(pt, idx, bc_a(ins)),
            // LuaJIT names an iterator by the slot it was loaded from.
            Op::ITERC | Op::ITERN => {
                var_name(pt, idx, bc_a(ins).wrapping_sub(3)).map(|n| ("local", n))
            }
            _ => None,
        }
    }
}

/// The link of a frame, looking through the vararg adjustment of a
/// vararg function to the link of its original frame.
fn effective_link(f: &Frame) -> u64 {
    let mut base = f.base;
    // SAFETY: frame links are valid for live frames.
    unsafe {
        loop {
            let link = (*base.sub(1)).0;
            if frame_typep(link) != FRAME_VARG {
                return link;
            }
            base = (base as *mut u8).sub((link & !FRAME_TYPEP) as usize) as *mut TValue;
        }
    }
}

/// Name of a function called natively from a Lua frame (a metamethod, an
/// error handler, a finalizer), after the caller's current instruction as
/// LuaJIT names it: a call names the called slot, other instructions their
/// metamethod. A frame called from a dummy frame (see `dummy_frame_marker`)
/// has no name.
fn meta_name(l: State, f: &Frame) -> Option<(&'static str, Vec<u8>)> {
    let mut caller = *f;
    loop {
        caller = raw_prev(l, caller).0?;
        if caller.is_dummy() {
            return None;
        }
        if !caller.is_hook_marker() {
            break;
        }
    }
    let idx = frame_pc_index(&caller)?;
    let pt = caller.proto();
    // SAFETY: pt is the Lua caller's live prototype; idx < sizebc.
    let ins = unsafe { *(*pt).bc.add(idx as usize) };
    let mm = match bc_op(ins) {
        Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => {
            // SAFETY: pt is the Lua caller's live prototype.
            return unsafe { slot_name(pt, idx, bc_a(ins)) };
        }
        Op::ITERC | Op::ITERN => {
            // SAFETY: pt is the Lua caller's live prototype.
            return unsafe { var_name(pt, idx, bc_a(ins).wrapping_sub(3)) }.map(|n| ("local", n));
        }
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
        Op::ISEQV
        | Op::ISNEV
        | Op::ISEQS
        | Op::ISNES
        | Op::ISEQN
        | Op::ISNEN
        | Op::ISEQP
        | Op::ISNEP => "eq",
        // A finalizer run by a collection step of an allocating
        // instruction is named like LuaJIT's (its bytecode table gives
        // these instructions the __gc metamethod).
        Op::TNEW | Op::TDUP | Op::FNEW => "gc",
        Op::TSETM => "newindex",
        _ => return None,
    };
    Some(("metamethod", format!("__{}", mm).into_bytes()))
}

/// Levels shown before and after the "..." of a long traceback.
const TRACEBACK_FIRST: usize = 12;
const TRACEBACK_LAST: usize = 10;

/// Append a traceback of `l` starting at `level` (LuaJIT's format: the
/// first levels up to TRACEBACK_FIRST, then "...", then the last
/// TRACEBACK_LAST levels).
pub fn traceback(l: State, level: usize, out: &mut (impl ByteSink + ?Sized)) {
    out.extend_from_slice(b"stack traceback:");
    // Two walks over the frames instead of a list of them: nothing to
    // allocate while a memory or stack overflow error is being reported.
    let total = frames(l).count();
    let mut skip_until = level;
    let mut first_part = true;
    for (cur, (f, _)) in frames(l).enumerate() {
        if cur < skip_until {
            continue;
        }
        if first_part && cur >= TRACEBACK_FIRST {
            first_part = false;
            if cur + 1 + TRACEBACK_LAST < total {
                out.extend_from_slice(b"\n\t...");
                skip_until = total - TRACEBACK_LAST;
                continue;
            }
        }
        out.extend_from_slice(b"\n\t");
        describe_frame(l, &f, out);
    }
}

/// One traceback line: `where: in function 'name'` and its variants.
fn describe_frame(l: State, f: &Frame, out: &mut (impl ByteSink + ?Sized)) {
    let name = func_name(l, f);
    let gf = f.gcfunc();
    if f.is_lua() {
        let pt = f.proto();
        // SAFETY: pt is the Lua frame's live prototype (its function is in
        // the frame's slot); the chunk name's bytes are copied at once.
        let src = crate::chunkname::short_src(unsafe { str_bytes((*pt).chunkname) });
        out.extend_from_slice(&src);
        out.push(b':');
        let line = current_line(f);
        if line > 0 {
            crate::numfmt::push_u64(line as u64, out);
            out.push(b':');
        }
        // SAFETY: as above.
        let (firstline, numline) = unsafe { ((*pt).firstline, (*pt).numline) };
        match name {
            Some((_, n)) => {
                out.extend_from_slice(b" in function '");
                out.extend_from_slice(&n);
                out.push(b'\'');
            }
            None if firstline == 0 && numline != 0 => out.extend_from_slice(b" in main chunk"),
            None => {
                out.extend_from_slice(b" in function <");
                out.extend_from_slice(&src);
                out.extend_from_slice(format!(":{}>", firstline).as_bytes());
            }
        }
    } else {
        out.extend_from_slice(b"[C]:");
        match name {
            Some((_, n)) => {
                out.extend_from_slice(b" in function '");
                out.extend_from_slice(&n);
                out.push(b'\'');
            }
            None => {
                let addr = if gf.is_null() {
                    0
                } else {
                    // SAFETY: gf is the frame's live function.
                    unsafe { (*gf).f }.map(|p| p as usize).unwrap_or(0)
                };
                if addr == 0 {
                    out.extend_from_slice(b" ?");
                } else {
                    out.extend_from_slice(format!(" at 0x{:x}", addr).as_bytes());
                }
            }
        }
    }
}
