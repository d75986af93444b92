//! Register allocation: linear scan over one live interval per vreg (from block liveness,
//! holes filled), registers handed out compressed set first (`a0`-`a5`, `s0`, `s1`: the
//! registers 16-bit instructions reach), an argument preferring the register it arrives in.
//! Values that find no register live in stack slots.

use super::encode::{AluOp, Reg};
use super::isel::{VCode, VInst, VTerm};
use emit::mir::VReg;

/// Where a vreg lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loc {
    Reg(Reg),
    Slot(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// By vreg number; `None` for vregs the code never mentions.
    pub locs: Vec<Option<Loc>>,
    pub n_slots: u32,
}

impl Allocation {
    pub fn loc(&self, v: VReg) -> Loc {
        self.locs[v.0 as usize].unwrap_or(Loc::Slot(0))
    }
}

/// Registers lowering keeps for itself: spilled operands, constants of sequences, cycles
/// of parallel moves.
pub const SCRATCH: [Reg; 2] = [Reg(30), Reg(31)];

/// The fun table, from the native entry on (`s11`, callee-saved, so helpers keep it).
pub const FUN_TABLE: Reg = Reg(27);

/// The allocatable registers, in order of preference: the compressed set (`a0`-`a5` before
/// the callee-saved `s0`, `s1`), the other caller-saved ones, then callee-saved.
const POOL: [Reg; 24] = [
    Reg(10),
    Reg(11),
    Reg(12),
    Reg(13),
    Reg(14),
    Reg(15),
    Reg(8),
    Reg(9),
    Reg(16),
    Reg(17),
    Reg(5),
    Reg(6),
    Reg(7),
    Reg(28),
    Reg(29),
    Reg(18),
    Reg(19),
    Reg(20),
    Reg(21),
    Reg(22),
    Reg(23),
    Reg(24),
    Reg(25),
    Reg(26),
];

/// Callee-saved registers (the prologue saves those the body writes).
pub fn callee_saved(r: Reg) -> bool {
    matches!(r.0, 8 | 9 | 18..=27)
}

/// Each vreg's live range as `[start, end]` positions (two per instruction, blocks in order),
/// and the positions of helper calls.
fn intervals(vcode: &VCode) -> (Vec<Option<(usize, usize)>>, Vec<usize>) {
    let n = vcode.n_vregs;
    let nb = vcode.blocks.len();
    // Per block: vregs read before written (gen) and written (kill).
    let mut gen = vec![vec![false; n]; nb];
    let mut kill = vec![vec![false; n]; nb];
    for (b, block) in vcode.blocks.iter().enumerate() {
        for inst in &block.insts {
            for u in inst.uses() {
                if !kill[b][u.0 as usize] {
                    gen[b][u.0 as usize] = true;
                }
            }
            if let Some(d) = inst.def() {
                kill[b][d.0 as usize] = true;
            }
        }
        for u in block.term.uses() {
            if !kill[b][u.0 as usize] {
                gen[b][u.0 as usize] = true;
            }
        }
    }
    let mut live_in = vec![vec![false; n]; nb];
    let mut live_out = vec![vec![false; n]; nb];
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..nb).rev() {
            let mut out = vec![false; n];
            for s in vcode.blocks[b].term.successors() {
                for (o, i) in out.iter_mut().zip(&live_in[s]) {
                    *o |= *i;
                }
            }
            let inn: Vec<bool> = (0..n)
                .map(|v| gen[b][v] || (out[v] && !kill[b][v]))
                .collect();
            if inn != live_in[b] || out != live_out[b] {
                live_in[b] = inn;
                live_out[b] = out;
                changed = true;
            }
        }
    }
    let mut ranges: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut touch = |v: usize, at: usize| {
        let r = ranges[v].get_or_insert((at, at));
        r.0 = r.0.min(at);
        r.1 = r.1.max(at);
    };
    // Arguments are live from before the first instruction.
    for p in &vcode.params {
        touch(p.0 as usize, 0);
    }
    let mut pos = 1;
    let mut calls = Vec::new();
    for (b, block) in vcode.blocks.iter().enumerate() {
        let start = pos;
        for (v, live) in live_in[b].iter().enumerate() {
            if *live {
                touch(v, start);
            }
        }
        for inst in &block.insts {
            if matches!(inst, VInst::Call { .. }) {
                calls.push(pos);
            }
            for u in inst.uses() {
                touch(u.0 as usize, pos);
            }
            if let Some(d) = inst.def() {
                touch(d.0 as usize, pos + 1);
            }
            pos += 2;
        }
        for u in block.term.uses() {
            touch(u.0 as usize, pos);
        }
        for (v, live) in live_out[b].iter().enumerate() {
            if *live {
                touch(v, pos + 1);
            }
        }
        pos += 2;
    }
    (ranges, calls)
}

/// A register a vreg would best live in, so that a move goes or an instruction compresses.
#[derive(Debug, Clone, Copy)]
enum Hint {
    Reg(Reg),
    /// Wherever this vreg lives (an operand ending where the value starts: `c.add rd, rs`
    /// and the other two-address compressed forms want `rd` to be the first operand's).
    Like(VReg),
}

/// Each vreg's hints, best first: an argument its arrival register, a helper's argument
/// its argument register, a helper's result and a returned value `a0`, a result its
/// operands' registers.
fn hints(vcode: &VCode) -> Vec<Vec<Hint>> {
    let mut hints = vec![Vec::new(); vcode.n_vregs];
    for (i, p) in vcode.params.iter().enumerate() {
        hints[p.0 as usize].push(Hint::Reg(Reg(10 + i as u8)));
    }
    for inst in vcode.blocks.iter().flat_map(|b| &b.insts) {
        match inst {
            VInst::Call { dst, args, .. } => {
                for (i, a) in args.iter().enumerate() {
                    hints[a.0 as usize].push(Hint::Reg(Reg(10 + i as u8)));
                }
                hints[dst.0 as usize].push(Hint::Reg(Reg::A0));
            }
            VInst::Op { dst, a, b, op } => {
                hints[dst.0 as usize].push(Hint::Like(*a));
                if matches!(op, AluOp::Add | AluOp::And | AluOp::Or | AluOp::Xor) {
                    hints[dst.0 as usize].push(Hint::Like(*b));
                }
            }
            VInst::OpImm { dst, a, .. } | VInst::Mov { dst, src: a } => {
                hints[dst.0 as usize].push(Hint::Like(*a));
            }
            _ => {}
        }
    }
    for block in &vcode.blocks {
        if let VTerm::Return(v) = block.term {
            hints[v.0 as usize].push(Hint::Reg(Reg::A0));
        }
    }
    hints
}

/// Linear scan: intervals by start, each taking its preferred register if free, else the
/// first free one, else a stack slot (the interval ending last is the one that spills).
pub fn allocate(vcode: &VCode) -> Allocation {
    let (ranges, calls) = intervals(vcode);
    let hints = hints(vcode);
    let mut order: Vec<(usize, usize, usize)> = ranges
        .iter()
        .enumerate()
        .filter_map(|(v, r)| r.map(|(s, e)| (s, e, v)))
        .collect();
    order.sort();
    let mut locs: Vec<Option<Loc>> = vec![None; vcode.n_vregs];
    // (end, vreg, register) of the intervals holding registers.
    let mut active: Vec<(usize, usize, Reg)> = Vec::new();
    let mut n_slots = 0;
    for (start, end, v) in order {
        active.retain(|(e, ..)| *e >= start);
        // A value live across a helper call needs a register the call keeps.
        let crosses_call = calls.iter().any(|c| start < *c && *c < end);
        let taken = |r: Reg, active: &[(usize, usize, Reg)]| {
            active.iter().any(|a| a.2 == r) || (crosses_call && !callee_saved(r))
        };
        let preferred = hints[v].iter().filter_map(|h| match *h {
            Hint::Reg(r) => Some(r),
            Hint::Like(w) => match locs[w.0 as usize] {
                Some(Loc::Reg(r)) => Some(r),
                _ => None,
            },
        });
        let free = preferred
            .chain(POOL.iter().copied())
            .find(|r| !taken(*r, &active));
        match free {
            Some(r) => {
                locs[v] = Some(Loc::Reg(r));
                active.push((end, v, r));
            }
            None => {
                // Spill whichever of this and the active intervals (in registers this one
                // could take) ends last.
                let candidate = active
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !crosses_call || callee_saved(a.2))
                    .max_by_key(|(_, a)| a.0);
                let Some((i, &(e, w, r))) = candidate else {
                    locs[v] = Some(Loc::Slot(n_slots));
                    n_slots += 1;
                    continue;
                };
                let slot = Loc::Slot(n_slots);
                n_slots += 1;
                if e > end {
                    locs[w] = Some(slot);
                    locs[v] = Some(Loc::Reg(r));
                    active[i] = (end, v, r);
                } else {
                    locs[v] = Some(slot);
                }
            }
        }
    }
    Allocation { locs, n_slots }
}
