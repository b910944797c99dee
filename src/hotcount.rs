//! Hot counters: how the interpreter finds the loops and functions a trace
//! compiler should record.
//!
//! A small table of counters shared by all code, indexed by bits of the
//! bytecode address (collisions are harmless: they only make some code look
//! hot a little earlier). Loop back-edges count down faster than function
//! entries, so a loop is hot after `hotloop` iterations and a function after
//! twice as many calls. Until the trace compiler exists, a counter that runs
//! out is simply re-armed.

use crate::bytecode::Ins;
use crate::state::GlobalState;

/// Number of counters (a power of two).
pub const HOTCOUNT_SIZE: usize = 64;
/// Cost of one loop iteration.
pub const HOTCOUNT_LOOP: u16 = 2;
/// Cost of one function call.
pub const HOTCOUNT_CALL: u16 = 1;
/// LuaJIT's default `hotloop` parameter.
pub const DEFAULT_HOTLOOP: u16 = 56;

/// The counters and the value they start from, kept in the global state
/// (`#[repr(C)]`: generated code will decrement them too).
#[repr(C)]
pub struct HotCounters {
    pub count: [u16; HOTCOUNT_SIZE],
    /// Start value: `hotloop * HOTCOUNT_LOOP - 1`.
    pub start: u16,
}

impl HotCounters {
    pub fn new(hotloop: u16) -> HotCounters {
        let mut h = HotCounters {
            count: [0; HOTCOUNT_SIZE],
            start: 0,
        };
        h.set_hotloop(hotloop);
        h
    }

    /// Change the threshold (jit.opt.start("hotloop=N")) and re-arm all.
    pub fn set_hotloop(&mut self, hotloop: u16) {
        self.start = (hotloop as u32 * HOTCOUNT_LOOP as u32)
            .saturating_sub(1)
            .min(i16::MAX as u32) as u16;
        self.count = [self.start; HOTCOUNT_SIZE];
    }

    /// Count one event of `cost` for the code at `pc`; true when it became
    /// hot (the counter is then re-armed).
    #[inline(always)]
    pub fn tick(&mut self, pc: *const Ins, cost: u16) -> bool {
        let slot = ((pc as usize) >> 2) & (HOTCOUNT_SIZE - 1);
        let c = self.count[slot].wrapping_sub(cost);
        self.count[slot] = c;
        // The start value is below 2^15, so running out shows as the sign.
        if (c as i16) < 0 {
            self.count[slot] = self.start;
            return true;
        }
        false
    }
}

/// Called when a loop or function became hot. There is no trace compiler
/// yet, so nothing is recorded.
#[cold]
pub fn became_hot(_g: &mut GlobalState, _pc: *const Ins) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_are_hot_after_hotloop_iterations_calls_after_twice_as_many() {
        let mut h = HotCounters::new(DEFAULT_HOTLOOP);
        let pc = 0x1000 as *const Ins;
        let mut n = 0;
        while !h.tick(pc, HOTCOUNT_LOOP) {
            n += 1;
        }
        assert_eq!(n, DEFAULT_HOTLOOP as usize - 1);
        let mut calls = 0;
        while !h.tick(pc, HOTCOUNT_CALL) {
            calls += 1;
        }
        assert_eq!(calls, 2 * DEFAULT_HOTLOOP as usize - 1);
    }

    #[test]
    fn counters_are_per_address_slot_and_rearm() {
        let mut h = HotCounters::new(3);
        let a = 0x1000 as *const Ins;
        let b = 0x1004 as *const Ins;
        for _ in 0..2 {
            assert!(!h.tick(a, HOTCOUNT_LOOP));
        }
        assert!(!h.tick(b, HOTCOUNT_LOOP));
        assert!(h.tick(a, HOTCOUNT_LOOP));
        // Re-armed: counts a full period again.
        assert!(!h.tick(a, HOTCOUNT_LOOP));
        // Same slot 64 instructions further on.
        let c = (0x1000 + 4 * HOTCOUNT_SIZE) as *const Ins;
        assert!(!h.tick(c, HOTCOUNT_LOOP));
        assert!(h.tick(a, HOTCOUNT_LOOP));
    }
}
