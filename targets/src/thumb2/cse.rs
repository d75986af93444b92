//! Common subexpressions within a block: an arithmetic instruction that recomputes what an
//! earlier one of the block computed, from operands unchanged since and into a vreg that still
//! holds it, becomes a copy of it, which [`super::coalesce`] then usually removes.
//!
//! Index arithmetic repeats most: `src[i - w - 1] + src[i - w] + src[i - w + 1]` computes
//! `i - w` three times, as MIR gives it.

use super::encode::AluOp;
use super::isel::{VCode, VInst, VOpnd};
use emit::mir::VReg;

/// What an `Alu` computes: its operation and operands.
type Key = (AluOp, VReg, VOpnd);

pub fn eliminate(vcode: &mut VCode) {
    for block in &mut vcode.blocks {
        let mut known: Vec<(Key, VReg)> = Vec::new();
        for inst in &mut block.insts {
            let key = match *inst {
                VInst::Alu { op, a, b, .. } => Some((op, a, b)),
                _ => None,
            };
            if let (Some(key), Some(dst)) = (key, inst.def()) {
                if let Some(&(_, earlier)) = known.iter().find(|(k, _)| *k == key) {
                    *inst = VInst::Mov { dst, src: earlier };
                }
            }
            let Some(dst) = inst.def() else { continue };
            // A write invalidates what was known about the vreg it overwrites.
            known.retain(|&((_, a, b), value)| value != dst && a != dst && b != VOpnd::Reg(dst));
            if let Some(key @ (_, a, b)) = key {
                if a != dst && b != VOpnd::Reg(dst) {
                    known.push((key, dst));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thumb2::isel::{VBlock, VTerm};

    fn sub(dst: u32, a: u32, b: u32) -> VInst {
        VInst::Alu {
            op: AluOp::Sub,
            dst: VReg(dst),
            a: VReg(a),
            b: VOpnd::Reg(VReg(b)),
        }
    }

    fn code(insts: Vec<VInst>) -> VCode {
        VCode {
            blocks: vec![VBlock {
                insts,
                term: VTerm::Return(VReg(0)),
            }],
            params: vec![VReg(0), VReg(1)],
            n_vregs: 6,
            frame_slots: 0,
        }
    }

    #[test]
    fn a_repeated_computation_becomes_a_copy_until_an_operand_changes() {
        let mut vcode = code(vec![
            sub(2, 0, 1),
            sub(3, 0, 1),
            VInst::MovImm {
                dst: VReg(1),
                value: 7,
            },
            sub(4, 0, 1),
        ]);
        eliminate(&mut vcode);
        let insts = &vcode.blocks[0].insts;
        assert_eq!(
            insts[1],
            VInst::Mov {
                dst: VReg(3),
                src: VReg(2)
            }
        );
        assert_eq!(insts[3], sub(4, 0, 1), "v1 changed in between");
    }

    #[test]
    fn a_value_overwritten_is_not_reused() {
        let mut vcode = code(vec![
            sub(2, 0, 1),
            VInst::MovImm {
                dst: VReg(2),
                value: 1,
            },
            sub(3, 0, 1),
        ]);
        let before = vcode.clone();
        eliminate(&mut vcode);
        assert_eq!(vcode, before);
    }
}
