//! Register allocation: linear scan over the live intervals of [`VCode`]'s vregs.
//!
//! - Instructions are numbered in block order; an instruction reads at `2n` and writes at
//!   `2n + 1`, so a result may take the register of an operand that dies there.
//! - A vreg's interval is the hull of everything it is live over (no lifetime holes): simple,
//!   and exact for the short-lived temporaries that are most vregs.
//! - Each interval takes a free register, preferring the one its value comes from (a copy's
//!   source, an operation's first operand, a parameter's argument register) so that copies
//!   and the two-operand fix-ups of 16-bit forms vanish; when none is free, whichever of it
//!   and the active intervals is used least, by loop-depth-weighted count, goes to a stack
//!   slot.
//! - Registers: caller-saved `r0`-`r3` first (they cost no save), then `r4`-`r11`, which the
//!   prologue saves. Two scratch registers are kept out of allocation for reloading spilled
//!   values: `r12` and `lr` on ARMv7-M; `r6` and `r7` on ARMv6-M, whose 16-bit forms cannot
//!   name `r8`-`r12`, leaving it `r0`-`r5`.
//!
//! - Helper calls (MicroPython's native ABI) clobber `r0`-`r3`, `r12` and `lr`: a value live
//!   across a call takes only `r4`-`r11`, and `r7` holds the fun table in a function that
//!   calls, so it leaves the allocatable set (on ARMv6-M the scratch pair moves to `r5`, `r6`).
//!
//! [`check`] verifies an allocation independently: no two values live at once share a place,
//! and no value live across a call sits in a register the call clobbers.

use super::encode::{Arch, Reg};
use super::isel::{VCode, VInst};
use emit::mir::VReg;
use std::collections::BTreeSet;

/// Where a vreg lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loc {
    Reg(Reg),
    /// A word of the stack frame, `[sp, #4 * n]`.
    Slot(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The place of each vreg that is ever live.
    pub locs: Vec<Option<Loc>>,
    pub n_slots: u32,
}

impl Allocation {
    pub fn loc(&self, v: VReg) -> Loc {
        self.locs[v.0 as usize].expect("every vreg in use has a place")
    }
}

/// `REG_FUN_TABLE`: where a function that calls helpers keeps the fun table.
pub const FUN_TABLE: Reg = Reg(7);

/// The registers values may live in, in order of preference, in a function that calls
/// helpers (`calls`) or not.
pub fn allocatable(arch: Arch, calls: bool) -> Vec<Reg> {
    let top = match (arch, calls) {
        (Arch::V7M, _) => 12,
        (Arch::V6M, false) => 6,
        (Arch::V6M, true) => 5,
    };
    (0..top)
        .map(Reg)
        .filter(|&r| !(calls && r == FUN_TABLE))
        .collect()
}

/// The registers kept for reloading spilled values.
pub fn scratch(arch: Arch, calls: bool) -> [Reg; 2] {
    match (arch, calls) {
        (Arch::V7M, _) => [Reg::R12, Reg::LR],
        (Arch::V6M, false) => [Reg(6), Reg(7)],
        (Arch::V6M, true) => [Reg(5), Reg(6)],
    }
}

/// Whether a helper call may overwrite `r` (AAPCS's caller-saved registers).
pub fn clobbered_by_calls(r: Reg) -> bool {
    r.0 <= 3 || r == Reg::R12 || r == Reg::LR
}

/// The number of each call instruction, as [`intervals`] numbers instructions.
fn call_positions(vcode: &VCode) -> Vec<u32> {
    let mut n = 0u32;
    let mut calls = Vec::new();
    for block in &vcode.blocks {
        for inst in &block.insts {
            if matches!(inst, VInst::Call { .. }) {
                calls.push(n);
            }
            n += 1;
        }
        n += 1;
    }
    calls
}

/// The vregs live on entry to each block.
pub fn live_in(vcode: &VCode) -> Vec<BTreeSet<VReg>> {
    let n = vcode.blocks.len();
    let mut live_in = vec![BTreeSet::new(); n];
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..n).rev() {
            let block = &vcode.blocks[b];
            let mut live: BTreeSet<VReg> = block
                .term
                .successors()
                .iter()
                .flat_map(|&s| live_in[s].iter().copied())
                .collect();
            live.extend(block.term.uses());
            for inst in block.insts.iter().rev() {
                step_back(&mut live, inst);
            }
            if live != live_in[b] {
                live_in[b] = live;
                changed = true;
            }
        }
    }
    live_in
}

/// Liveness before `inst` from liveness after it.
fn step_back(live: &mut BTreeSet<VReg>, inst: &VInst) {
    if let Some(d) = inst.def() {
        live.remove(&d);
    }
    live.extend(inst.uses());
}

#[derive(Debug, Clone, Copy)]
struct Interval {
    vreg: VReg,
    start: u32,
    end: u32,
}

fn intervals(vcode: &VCode) -> Vec<Interval> {
    let live_in = live_in(vcode);
    let mut range: Vec<Option<(u32, u32)>> = vec![None; vcode.n_vregs];
    let mut touch = |v: VReg, pos: u32| {
        let r = &mut range[v.0 as usize];
        *r = Some(match *r {
            Some((s, e)) => (s.min(pos), e.max(pos)),
            None => (pos, pos),
        });
    };
    let mut n = 0u32;
    for (b, block) in vcode.blocks.iter().enumerate() {
        let start = 2 * n;
        for &v in &live_in[b] {
            touch(v, start);
        }
        for inst in &block.insts {
            for u in inst.uses() {
                touch(u, 2 * n);
            }
            if let Some(d) = inst.def() {
                touch(d, 2 * n + 1);
            }
            n += 1;
        }
        for u in block.term.uses() {
            touch(u, 2 * n);
        }
        let end = 2 * n + 1;
        for s in block.term.successors() {
            for &v in &live_in[s] {
                touch(v, end);
            }
        }
        n += 1;
    }
    let mut out: Vec<Interval> = range
        .iter()
        .enumerate()
        .filter_map(|(v, r)| {
            r.map(|(start, end)| Interval {
                vreg: VReg(v as u32),
                start,
                end,
            })
        })
        .collect();
    out.sort_by_key(|i| (i.start, i.vreg));
    out
}

/// Where each vreg would like to live: registers, or the place of another vreg.
enum Pref {
    Reg(Reg),
    SameAs(VReg),
}

fn preferences(vcode: &VCode) -> Vec<Vec<Pref>> {
    let mut prefs: Vec<Vec<Pref>> = (0..vcode.n_vregs).map(|_| Vec::new()).collect();
    for (i, p) in vcode.params.iter().enumerate() {
        prefs[p.0 as usize].push(Pref::Reg(Reg(i as u8)));
    }
    for block in &vcode.blocks {
        for inst in &block.insts {
            match *inst {
                VInst::Mov { dst, src } => prefs[dst.0 as usize].push(Pref::SameAs(src)),
                VInst::Alu { dst, a, .. } | VInst::AluShifted { dst, a, .. } => {
                    prefs[dst.0 as usize].push(Pref::SameAs(a))
                }
                VInst::Call { dst, ref args, .. } => {
                    prefs[dst.0 as usize].push(Pref::Reg(Reg::R0));
                    for (i, a) in args.iter().enumerate() {
                        prefs[a.0 as usize].push(Pref::Reg(Reg(i as u8)));
                    }
                }
                _ => {}
            }
        }
        if let super::isel::VTerm::Return(v) = block.term {
            prefs[v.0 as usize].push(Pref::Reg(Reg::R0));
        }
    }
    prefs
}

/// What keeping each vreg in a register saves: its reads and writes, each weighted by 8 to
/// the power of its loop depth, so that a value the innermost loop uses outweighs any number
/// used outside it.
fn spill_costs(vcode: &VCode) -> Vec<u64> {
    let depths = super::coalesce::loop_depths(vcode);
    let mut cost = vec![0u64; vcode.n_vregs];
    for (block, depth) in vcode.blocks.iter().zip(depths) {
        let weight = 8u64.pow(depth.min(8) as u32);
        let touched = block
            .insts
            .iter()
            .flat_map(|inst| inst.uses().into_iter().chain(inst.def()))
            .chain(block.term.uses());
        for v in touched {
            cost[v.0 as usize] += weight;
        }
    }
    cost
}

pub fn allocate(vcode: &VCode, arch: Arch) -> Allocation {
    let regs = allocatable(arch, vcode.has_calls());
    let calls = call_positions(vcode);
    let prefs = preferences(vcode);
    let cost = spill_costs(vcode);
    let mut locs: Vec<Option<Loc>> = vec![None; vcode.n_vregs];
    let mut active: Vec<(Interval, Reg)> = Vec::new();
    let mut n_slots = 0;
    for iv in intervals(vcode) {
        active.retain(|(a, _)| a.end >= iv.start);
        // Live when a call starts (read at 2n) and after it returns (past 2n + 1).
        let crosses_call = calls
            .iter()
            .any(|&n| iv.start <= 2 * n && iv.end > 2 * n + 1);
        let allowed = |r: Reg| !(crosses_call && clobbered_by_calls(r));
        let busy = |r: Reg, active: &[(Interval, Reg)]| active.iter().any(|&(_, x)| x == r);
        let preferred = prefs[iv.vreg.0 as usize].iter().find_map(|p| {
            let r = match *p {
                Pref::Reg(r) => r,
                Pref::SameAs(v) => match locs[v.0 as usize] {
                    Some(Loc::Reg(r)) => r,
                    _ => return None,
                },
            };
            (regs.contains(&r) && allowed(r) && !busy(r, &active)).then_some(r)
        });
        let free = preferred.or_else(|| {
            regs.iter()
                .copied()
                .find(|&r| allowed(r) && !busy(r, &active))
        });
        if let Some(r) = free {
            locs[iv.vreg.0 as usize] = Some(Loc::Reg(r));
            active.push((iv, r));
            continue;
        }
        // Spill whichever costs least to keep in memory (see `spill_costs`), of the new
        // interval and the active ones whose register it may take; of equals, the one
        // that ends last.
        let rank = |i: &Interval| (cost[i.vreg.0 as usize], std::cmp::Reverse(i.end));
        let cheapest = active
            .iter()
            .enumerate()
            .filter(|(_, &(_, r))| allowed(r))
            .min_by_key(|(_, (a, _))| rank(a))
            .map(|(i, _)| i);
        let slot = Loc::Slot(n_slots);
        n_slots += 1;
        if let Some(cheapest) = cheapest.filter(|&i| rank(&active[i].0) < rank(&iv)) {
            let (victim, r) = active.swap_remove(cheapest);
            locs[victim.vreg.0 as usize] = Some(slot);
            locs[iv.vreg.0 as usize] = Some(Loc::Reg(r));
            active.push((iv, r));
        } else {
            locs[iv.vreg.0 as usize] = Some(slot);
        }
    }
    Allocation { locs, n_slots }
}

/// Checks `alloc` against `vcode` with its own liveness: every vreg read has a place, and
/// wherever a value is written, no other value live after that point shares its place (nor
/// do two parameters live on entry).
pub fn check(vcode: &VCode, alloc: &Allocation) -> Result<(), String> {
    let live_in = live_in(vcode);
    let place = |v: VReg| alloc.locs[v.0 as usize].ok_or(format!("{v} is used but has no place"));
    let clash = |v: VReg, live: &BTreeSet<VReg>, at: &str| -> Result<(), String> {
        let here = place(v)?;
        for &other in live {
            if other != v && place(other)? == here {
                return Err(format!("{v} and {other} share {here:?} {at}"));
            }
        }
        Ok(())
    };
    for (b, block) in vcode.blocks.iter().enumerate() {
        let mut live: BTreeSet<VReg> = block
            .term
            .successors()
            .iter()
            .flat_map(|&s| live_in[s].iter().copied())
            .collect();
        live.extend(block.term.uses());
        for (i, inst) in block.insts.iter().enumerate().rev() {
            if let Some(d) = inst.def() {
                clash(d, &live, &format!("after b{b} instruction {i}"))?;
            }
            if let VInst::Call { dst, .. } = inst {
                for &v in live.iter().filter(|&&v| v != *dst) {
                    if let Loc::Reg(r) = place(v)? {
                        if clobbered_by_calls(r) {
                            return Err(format!("{v} is live across the call b{b} instruction {i} in {r}, which it clobbers"));
                        }
                    }
                }
            }
            step_back(&mut live, inst);
        }
    }
    if let Some(entry) = live_in.first() {
        for &p in vcode.params.iter().filter(|p| entry.contains(p)) {
            clash(p, entry, "on entry")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thumb2::encode::AluOp;
    use crate::thumb2::isel::{VBlock, VOpnd, VTerm};

    /// `n` constants all live at once, then summed: more values than registers when `n` is
    /// large.
    fn many_live(n: u32) -> VCode {
        let mut insts: Vec<VInst> = (0..n)
            .map(|i| VInst::MovImm {
                dst: VReg(i),
                value: i,
            })
            .collect();
        let mut sum = VReg(0);
        for i in 1..n {
            let dst = VReg(n + i);
            insts.push(VInst::Alu {
                op: AluOp::Add,
                dst,
                a: sum,
                b: VOpnd::Reg(VReg(i)),
            });
            sum = dst;
        }
        VCode {
            blocks: vec![VBlock {
                insts,
                term: VTerm::Return(sum),
            }],
            params: vec![],
            n_vregs: 2 * n as usize,
            frame_slots: 0,
        }
    }

    #[test]
    fn allocations_pass_the_checker_and_spill_only_when_needed() {
        for arch in [Arch::V6M, Arch::V7M] {
            let few = many_live(allocatable(arch, false).len() as u32);
            let alloc = allocate(&few, arch);
            assert_eq!(check(&few, &alloc), Ok(()));
            assert_eq!(alloc.n_slots, 0, "{arch:?}: as many values as registers");
            let many = many_live(20);
            let alloc = allocate(&many, arch);
            assert_eq!(check(&many, &alloc), Ok(()));
            assert!(alloc.n_slots > 0, "{arch:?}: 20 values spill");
        }
    }

    #[test]
    fn the_checker_catches_two_live_values_in_one_place() {
        let code = many_live(3);
        let mut alloc = allocate(&code, Arch::V7M);
        alloc.locs[1] = alloc.locs[0];
        let err = check(&code, &alloc).expect_err("v0 and v1 are live together");
        assert!(err.contains("share"), "{err}");
    }
}
