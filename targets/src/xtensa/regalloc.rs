//! Where each vreg lives: which instructions are live, which vregs are constants, which
//! hold values at the same time (an interference graph from a liveness dataflow: the MIR
//! is not SSA), and from that each vreg's home, a register or a frame word. No live range
//! is split: a value that does not get a register is in memory for its whole life.

use super::encode::Reg;
use super::lower::fold;
use emit::mir::{Func, Inst as MInst, Term, VReg};
use std::collections::HashSet;

/// Registers call0 code must give back as it found them.
const CALLEE_SAVED: [Reg; 4] = [Reg(12), Reg(13), Reg(14), Reg(15)];

/// Where a vreg lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Home {
    Reg(Reg),
    /// A word of the frame, by byte offset from `a1`.
    Frame(u32),
    /// Never read nor written by live code.
    Unused,
}

/// The vreg an instruction without side effects defines (`None` for stores and calls).
pub(super) fn pure_dst(inst: &MInst) -> Option<VReg> {
    match inst {
        MInst::Const { dst, .. }
        | MInst::Copy { dst, .. }
        | MInst::Bin { dst, .. }
        | MInst::Cmp { dst, .. }
        | MInst::Load { dst, .. } => Some(*dst),
        _ => None,
    }
}

/// Each vreg's value when its only definition is a constant (the emitter reads no vreg
/// before it is defined, so that definition is the one every read sees).
pub(super) fn constants(func: &Func) -> Vec<Option<i32>> {
    let mut defs = vec![0u32; func.vregs.len()];
    let mut value = vec![None; func.vregs.len()];
    for p in &func.params {
        defs[p.0 as usize] += 1;
    }
    for inst in func.blocks.iter().flat_map(|b| &b.insts) {
        let dst = match inst {
            MInst::Call { dst, .. }
            | MInst::LoadConst { dst, .. }
            | MInst::LoadQstr { dst, .. }
            | MInst::CatchException { dst }
            | MInst::LoadSlot { dst, .. }
            | MInst::SlotAddr { dst, .. } => *dst,
            other => match pure_dst(other) {
                Some(d) => d,
                None => continue,
            },
        };
        defs[dst.0 as usize] += 1;
        if let MInst::Const { value: c, .. } = inst {
            value[dst.0 as usize] = Some(*c as i32);
        }
    }
    value
        .into_iter()
        .zip(defs)
        .map(|(v, n)| if n == 1 { v } else { None })
        .collect()
}

/// The vregs `inst` reads (a right operand folded into the instruction is not read).
pub(super) fn reads_of(inst: &MInst, consts: &[Option<i32>]) -> Vec<VReg> {
    match inst {
        MInst::Copy { src, .. } => vec![*src],
        MInst::Bin { op, a, b, .. } if fold(*op, *b, consts).is_some() => vec![*a],
        MInst::Bin { a, b, .. } | MInst::Cmp { a, b, .. } => vec![*a, *b],
        MInst::Load { addr, .. } => vec![*addr],
        MInst::Store { addr, value, .. } => vec![*addr, *value],
        MInst::StoreSlot { value, .. } => vec![*value],
        MInst::Call { args, .. } => args.clone(),
        _ => vec![],
    }
}

/// Which instructions are live (their result is read, or they have effects; a load is
/// dropped when unread, as a device read has no effect), and each vreg's reads and writes
/// by live code.
pub(super) struct Liveness {
    pub live: Vec<Vec<bool>>,
    pub reads: Vec<u32>,
    pub uses: Vec<u32>,
}

/// `const_compared`: the comparisons (block, instruction) that become a branch on a
/// constant, so do not read their right operand.
pub(super) fn liveness(
    func: &Func,
    consts: &[Option<i32>],
    const_compared: &HashSet<(usize, usize)>,
) -> Liveness {
    let mut live: Vec<Vec<bool>> = func
        .blocks
        .iter()
        .map(|b| vec![true; b.insts.len()])
        .collect();
    loop {
        let mut reads = vec![0u32; func.vregs.len()];
        let mut uses = vec![0u32; func.vregs.len()];
        for (b, (block, live)) in func.blocks.iter().zip(&live).enumerate() {
            for (i, inst) in block.insts.iter().enumerate().filter(|&(i, _)| live[i]) {
                let mut read = reads_of(inst, consts);
                if const_compared.contains(&(b, i)) {
                    read.truncate(1);
                }
                for v in read {
                    reads[v.0 as usize] += 1;
                    uses[v.0 as usize] += 1;
                }
                if let Some(d) = pure_dst(inst) {
                    uses[d.0 as usize] += 1;
                }
            }
            if let Some(Term::Branch { cond: v, .. } | Term::Return(v)) = &block.term {
                reads[v.0 as usize] += 1;
                uses[v.0 as usize] += 1;
            }
        }
        let mut dropped = false;
        for (block, live) in func.blocks.iter().zip(&mut live) {
            for (inst, l) in block.insts.iter().zip(live.iter_mut()) {
                if *l && pure_dst(inst).is_some_and(|d| reads[d.0 as usize] == 0) {
                    *l = false;
                    dropped = true;
                }
            }
        }
        if !dropped {
            return Liveness { live, reads, uses };
        }
    }
}

/// Which vregs hold values at the same time, so cannot share a register: a backward
/// liveness dataflow over the blocks (the MIR is not SSA), then, walking each block
/// backwards, every definition against what is live after it. Parameters are all defined
/// on entry, together.
pub(super) fn interference(
    func: &Func,
    liveness: &Liveness,
    fused_cmp: &[Option<usize>],
    consts: &[Option<i32>],
    const_compared: &HashSet<(usize, usize)>,
) -> Vec<HashSet<u32>> {
    // Each block's live instructions as (definition, reads), the terminator's reads last.
    let steps: Vec<Vec<(Option<u32>, Vec<u32>)>> = func
        .blocks
        .iter()
        .enumerate()
        .map(|(b, block)| {
            let mut steps: Vec<(Option<u32>, Vec<u32>)> = block
                .insts
                .iter()
                .enumerate()
                .filter(|&(i, _)| liveness.live[b][i])
                .map(|(i, inst)| {
                    let mut reads: Vec<u32> = reads_of(inst, consts).iter().map(|v| v.0).collect();
                    if const_compared.contains(&(b, i)) {
                        reads.truncate(1);
                    }
                    // A comparison that is the branch defines nothing.
                    let def = if fused_cmp[b] == Some(i) {
                        None
                    } else {
                        pure_dst(inst).map(|d| d.0)
                    };
                    (def, reads)
                })
                .collect();
            let term_reads = match &block.term {
                Some(Term::Branch { cond, .. }) if fused_cmp[b].is_none() => vec![cond.0],
                Some(Term::Return(v)) => vec![v.0],
                _ => vec![],
            };
            steps.push((None, term_reads));
            steps
        })
        .collect();
    let successors: Vec<Vec<usize>> = func
        .blocks
        .iter()
        .map(|b| {
            b.term
                .iter()
                .flat_map(|t| t.successors())
                .map(|s| s.0 as usize)
                .collect()
        })
        .collect();
    let live_before = |steps: &[(Option<u32>, Vec<u32>)], mut live: HashSet<u32>| {
        for (def, reads) in steps.iter().rev() {
            if let Some(d) = def {
                live.remove(d);
            }
            live.extend(reads);
        }
        live
    };
    let mut live_in: Vec<HashSet<u32>> = vec![HashSet::new(); func.blocks.len()];
    loop {
        let mut changed = false;
        for b in (0..func.blocks.len()).rev() {
            let out: HashSet<u32> = successors[b]
                .iter()
                .flat_map(|&s| live_in[s].iter().copied())
                .collect();
            let inn = live_before(&steps[b], out);
            if inn != live_in[b] {
                live_in[b] = inn;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut edges = vec![HashSet::new(); func.vregs.len()];
    let mut add = |a: u32, b: u32| {
        if a != b {
            edges[a as usize].insert(b);
            edges[b as usize].insert(a);
        }
    };
    for (b, steps) in steps.iter().enumerate() {
        let mut live: HashSet<u32> = successors[b]
            .iter()
            .flat_map(|&s| live_in[s].iter().copied())
            .collect();
        for (def, reads) in steps.iter().rev() {
            if let Some(d) = *def {
                for &v in &live {
                    add(d, v);
                }
                live.remove(&d);
            }
            live.extend(reads);
        }
    }
    let params: Vec<u32> = func.params.iter().map(|p| p.0).collect();
    for &p in &params {
        for &v in params.iter().chain(&live_in[0]) {
            add(p, v);
        }
    }
    edges
}

/// Every vreg's home, and the callee-saved registers the homes use: parameters in the
/// registers they arrive in, then by use count each vreg in the first register no
/// interfering vreg has (caller-saved ones first), else a frame word from `base` bytes
/// above `a1`.
pub(super) fn homes(
    func: &Func,
    counts: &[u32],
    edges: &[HashSet<u32>],
    base: u32,
) -> (Vec<Home>, Vec<Reg>) {
    let mut homes = vec![Home::Unused; func.vregs.len()];
    for (i, p) in func.params.iter().enumerate() {
        homes[p.0 as usize] = Home::Reg(Reg(2 + i as u8));
    }
    let pool: Vec<Reg> = (2..8).map(Reg).chain(CALLEE_SAVED).collect();
    let mut by_use: Vec<usize> = (0..func.vregs.len())
        .filter(|&v| counts[v] > 0 && homes[v] == Home::Unused)
        .collect();
    by_use.sort_by_key(|&v| (std::cmp::Reverse(counts[v]), v));
    let mut used_saved = Vec::new();
    let mut next = base;
    for v in by_use {
        let taken: Vec<Reg> = edges[v]
            .iter()
            .filter_map(|&n| match homes[n as usize] {
                Home::Reg(r) => Some(r),
                _ => None,
            })
            .collect();
        homes[v] = match pool.iter().find(|r| !taken.contains(r)) {
            Some(&r) => {
                if CALLEE_SAVED.contains(&r) && !used_saved.contains(&r) {
                    used_saved.push(r);
                }
                Home::Reg(r)
            }
            None => {
                next += 4;
                Home::Frame(next - 4)
            }
        };
    }
    (homes, used_saved)
}
