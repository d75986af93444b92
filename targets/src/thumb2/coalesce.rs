//! Copy coalescing: a `Mov` whose source and destination never hold different values while
//! both are live gives them one vreg, and the copy disappears.
//!
//! The emitter moves values between vregs wherever control flow joins (a Python variable,
//! the loop counter and bound of a `for`, are each copied into the join's vreg on every
//! incoming edge), so without this a loop body ends in a train of `mov`s that the linear
//! scan, whose intervals have no holes, cannot give matching registers.
//!
//! Interference is computed exactly, per instruction: `a` and `b` interfere when one is
//! written while the other is live afterwards, except by a copy of the other (then both hold
//! the same value). Copies are merged in order of loop depth (innermost first), each only
//! when the two classes have no interference, so a merge never changes what any read sees.

use super::isel::{Index, VCode, VInst, VOpnd, VTerm};
use super::regalloc::live_in;
use emit::mir::VReg;
use std::collections::BTreeSet;

/// Merges the copy-related vregs of `vcode` that do not interfere and drops the copies that
/// become `mov x, x`.
pub fn coalesce(vcode: &mut VCode) {
    let n = vcode.n_vregs;
    let mut interferes: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n];
    let mut add = |a: VReg, b: VReg| {
        if a != b {
            interferes[a.0 as usize].insert(b.0);
            interferes[b.0 as usize].insert(a.0);
        }
    };
    let live_in = live_in(vcode);
    for (b, block) in vcode.blocks.iter().enumerate() {
        let mut live: BTreeSet<VReg> = block
            .term
            .successors()
            .iter()
            .flat_map(|&s| live_in[s].iter().copied())
            .collect();
        live.extend(block.term.uses());
        for inst in block.insts.iter().rev() {
            if let Some(d) = inst.def() {
                let copied = match *inst {
                    VInst::Mov { src, .. } => Some(src),
                    _ => None,
                };
                for &v in live.iter().filter(|&&v| Some(v) != copied) {
                    add(d, v);
                }
                live.remove(&d);
            }
            live.extend(inst.uses());
        }
        if b == 0 {
            // Parameters are all written on entry.
            for &p in &vcode.params {
                for &v in live.iter().chain(&vcode.params) {
                    add(p, v);
                }
            }
        }
    }

    let mut leader: Vec<u32> = (0..n as u32).collect();
    fn find(leader: &mut [u32], v: u32) -> u32 {
        let mut root = v;
        while leader[root as usize] != root {
            root = leader[root as usize];
        }
        leader[v as usize] = root;
        root
    }
    for (dst, src) in copies_by_depth(vcode) {
        let (a, b) = (find(&mut leader, dst.0), find(&mut leader, src.0));
        if a == b || interferes[a as usize].contains(&b) {
            continue;
        }
        // `b` joins `a`: its interferences become `a`'s, and every vreg that interfered
        // with `b` now interferes with `a`.
        leader[b as usize] = a;
        let taken = std::mem::take(&mut interferes[b as usize]);
        for &other in &taken {
            interferes[other as usize].remove(&b);
            interferes[other as usize].insert(a);
        }
        interferes[a as usize].extend(taken);
    }
    let map: Vec<VReg> = (0..n as u32).map(|v| VReg(find(&mut leader, v))).collect();
    rename(vcode, &map);
}

/// The loop depth of each block of `vcode`: the number of back edges (a jump to a block at
/// or before the jumping one) that jump over it. Cheap, and enough for the emitter's
/// structured loops.
pub fn loop_depths(vcode: &VCode) -> Vec<usize> {
    let back_edges: Vec<(usize, usize)> = vcode
        .blocks
        .iter()
        .enumerate()
        .flat_map(|(b, block)| {
            block
                .term
                .successors()
                .into_iter()
                .filter(move |&t| t <= b)
                .map(move |t| (t, b))
        })
        .collect();
    (0..vcode.blocks.len())
        .map(|b| {
            back_edges
                .iter()
                .filter(|&&(head, tail)| head <= b && b <= tail)
                .count()
        })
        .collect()
}

/// The copies of `vcode`, those of the most deeply nested loops first.
fn copies_by_depth(vcode: &VCode) -> Vec<(VReg, VReg)> {
    let depths = loop_depths(vcode);
    let mut copies: Vec<(usize, VReg, VReg)> = vcode
        .blocks
        .iter()
        .enumerate()
        .flat_map(|(b, block)| {
            block.insts.iter().filter_map(move |inst| match *inst {
                VInst::Mov { dst, src } => Some((b, dst, src)),
                _ => None,
            })
        })
        .map(|(b, dst, src)| (depths[b], dst, src))
        .collect();
    copies.sort_by_key(|&(depth, ..)| std::cmp::Reverse(depth));
    copies.into_iter().map(|(_, dst, src)| (dst, src)).collect()
}

/// Rewrites every vreg `v` of `vcode` to `map[v]` and removes the copies that become no-ops.
fn rename(vcode: &mut VCode, map: &[VReg]) {
    let r = |v: &mut VReg| *v = map[v.0 as usize];
    let opnd = |o: &mut VOpnd| {
        if let VOpnd::Reg(v) = o {
            r(v);
        }
    };
    let index = |i: &mut Index| {
        if let Index::Reg(v, _) = i {
            r(v);
        }
    };
    vcode.params.iter_mut().for_each(r);
    for block in &mut vcode.blocks {
        for inst in &mut block.insts {
            match inst {
                VInst::MovImm { dst, .. }
                | VInst::SlotLoad { dst, .. }
                | VInst::SlotAddr { dst, .. } => r(dst),
                VInst::Mov { dst, src } => {
                    r(dst);
                    r(src);
                }
                VInst::AluShifted { dst, a, b, .. } => {
                    r(dst);
                    r(a);
                    r(b);
                }
                VInst::Alu { dst, a, b, .. } | VInst::SetCond { dst, a, b, .. } => {
                    r(dst);
                    r(a);
                    opnd(b);
                }
                VInst::Load {
                    dst,
                    base,
                    index: i,
                    ..
                } => {
                    r(dst);
                    r(base);
                    index(i);
                }
                VInst::Store {
                    src,
                    base,
                    index: i,
                    ..
                } => {
                    r(src);
                    r(base);
                    index(i);
                }
                VInst::Call { dst, args, .. } => {
                    r(dst);
                    args.iter_mut().for_each(r);
                }
                VInst::SlotStore { src, .. } => r(src),
            }
        }
        block
            .insts
            .retain(|inst| !matches!(inst, VInst::Mov { dst, src } if dst == src));
        match &mut block.term {
            VTerm::Branch { a, b, .. } => {
                r(a);
                opnd(b);
            }
            VTerm::Return(v) => r(v),
            VTerm::Jump(_) | VTerm::Raise => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thumb2::encode::AluOp;
    use crate::thumb2::isel::VBlock;

    fn one_block(insts: Vec<VInst>, result: u32, n_vregs: usize) -> VCode {
        VCode {
            blocks: vec![VBlock {
                insts,
                term: VTerm::Return(VReg(result)),
            }],
            params: vec![],
            n_vregs,
            frame_slots: 0,
        }
    }

    fn add(dst: u32, a: u32, b: VOpnd) -> VInst {
        VInst::Alu {
            op: AluOp::Add,
            dst: VReg(dst),
            a: VReg(a),
            b,
        }
    }

    #[test]
    fn a_copy_of_a_value_that_stays_unchanged_disappears() {
        let mut code = one_block(
            vec![
                VInst::MovImm {
                    dst: VReg(0),
                    value: 5,
                },
                VInst::Mov {
                    dst: VReg(1),
                    src: VReg(0),
                },
                add(2, 1, VOpnd::Reg(VReg(0))),
            ],
            2,
            3,
        );
        coalesce(&mut code);
        assert_eq!(code.blocks[0].insts.len(), 2, "{:?}", code.blocks[0].insts);
        assert!(matches!(
            code.blocks[0].insts[1],
            VInst::Alu { a, b: VOpnd::Reg(b), .. } if a == b
        ));
    }

    #[test]
    fn a_copy_kept_while_its_source_changes_stays() {
        // v1 = v0; v0 += 1; v2 = v0 + v1: v1 must keep the old value.
        let insts = vec![
            VInst::MovImm {
                dst: VReg(0),
                value: 5,
            },
            VInst::Mov {
                dst: VReg(1),
                src: VReg(0),
            },
            add(0, 0, VOpnd::Imm(1)),
            add(2, 0, VOpnd::Reg(VReg(1))),
        ];
        let mut code = one_block(insts.clone(), 2, 3);
        coalesce(&mut code);
        assert_eq!(code.blocks[0].insts, insts);
    }
}
