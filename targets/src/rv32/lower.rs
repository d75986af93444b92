//! Lowering: [`VCode`] with an [`Allocation`] to RV32 instructions over real registers,
//! branches still to labels (the layout sizes them).
//!
//! - The frame: `sp` moves down by a 16-byte multiple holding the spill slots and the
//!   callee-saved registers the body writes; each return restores them.
//! - Arguments arrive in `a0`-`a7` and move to their places as one parallel move; the result
//!   leaves in `a0`.
//! - A spilled operand is loaded into a scratch register just before its use, a spilled
//!   result stored just after its definition.

use super::encode::{encode, AluOp, Cond, ImmOp, Inst, LoadOp, Reg, StoreOp};
use super::isel::{Opnd, VCode, VInst, VTerm};
use super::regalloc::{callee_saved, Allocation, Loc, FUN_TABLE, SCRATCH};
use emit::mir::{self, VReg};

/// An instruction, or what the layout turns into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MInst {
    I(Inst),
    Label(usize),
    /// To the label if `rs1 cond rs2`.
    Branch {
        cond: Cond,
        rs1: Reg,
        rs2: Reg,
        label: usize,
    },
    Jump {
        label: usize,
    },
    /// `jal ra` to a label (the native entry's call of its body).
    Call {
        label: usize,
    },
}

/// The instructions of `vcode`; block `n` starts at label `n`.
pub fn lower(vcode: &VCode, alloc: &Allocation) -> Result<Vec<MInst>, String> {
    let mut saved: Vec<Reg> = alloc
        .locs
        .iter()
        .filter_map(|l| match l {
            Some(Loc::Reg(r)) if callee_saved(*r) => Some(*r),
            _ => None,
        })
        .collect();
    saved.sort();
    saved.dedup();
    if vcode.has_calls() {
        saved.push(Reg::RA);
    }
    let words = alloc.n_slots + vcode.frame_slots + saved.len() as u32;
    let frame = (4 * words).next_multiple_of(16);
    if frame > 2032 {
        return Err("rv32: too many spilled values for the frame".into());
    }
    let mut l = Lowerer {
        alloc,
        out: Vec::new(),
        saved,
        frame: frame as i32,
        n_slots: alloc.n_slots + vcode.frame_slots,
    };
    l.prologue()?;
    l.entry_moves(vcode)?;
    for (b, block) in vcode.blocks.iter().enumerate() {
        l.out.push(MInst::Label(b));
        for inst in &block.insts {
            l.inst(inst)?;
        }
        let next = (b + 1 < vcode.blocks.len()).then_some(b + 1);
        l.term(&block.term, next)?;
    }
    Ok(l.out)
}

struct Lowerer<'a> {
    alloc: &'a Allocation,
    out: Vec<MInst>,
    saved: Vec<Reg>,
    frame: i32,
    /// Words below the saved registers: spill slots, then frame slots.
    n_slots: u32,
}

impl Lowerer<'_> {
    fn push(&mut self, inst: Inst) -> Result<(), String> {
        encode(&inst).map_err(|e| e.to_string())?;
        self.out.push(MInst::I(inst));
        Ok(())
    }

    fn addi(&mut self, rd: Reg, rs1: Reg, imm: i32) -> Result<(), String> {
        self.push(Inst::OpImm {
            op: ImmOp::Addi,
            rd,
            rs1,
            imm,
        })
    }

    fn mov(&mut self, rd: Reg, rs: Reg) -> Result<(), String> {
        if rd == rs {
            return Ok(());
        }
        self.addi(rd, rs, 0)
    }

    fn slot_offset(&self, slot: u32) -> i32 {
        4 * slot as i32
    }

    fn save_offset(&self, i: usize) -> i32 {
        4 * (self.n_slots as i32 + i as i32)
    }

    fn prologue(&mut self) -> Result<(), String> {
        if self.frame > 0 {
            self.addi(Reg::SP, Reg::SP, -self.frame)?;
        }
        for (i, r) in self.saved.clone().into_iter().enumerate() {
            let offset = self.save_offset(i);
            self.push(Inst::Store {
                op: StoreOp::Sw,
                rs2: r,
                rs1: Reg::SP,
                offset,
            })?;
        }
        Ok(())
    }

    fn epilogue(&mut self) -> Result<(), String> {
        for (i, r) in self.saved.clone().into_iter().enumerate() {
            let offset = self.save_offset(i);
            self.push(Inst::Load {
                op: LoadOp::Lw,
                rd: r,
                rs1: Reg::SP,
                offset,
            })?;
        }
        if self.frame > 0 {
            self.addi(Reg::SP, Reg::SP, self.frame)?;
        }
        self.push(Inst::Jalr {
            rd: Reg::ZERO,
            rs1: Reg::RA,
            offset: 0,
        })
    }

    /// The register holding `v` for a read; a spilled `v` is loaded into scratch `k`.
    fn read(&mut self, v: VReg, k: usize) -> Result<Reg, String> {
        match self.alloc.loc(v) {
            Loc::Reg(r) => Ok(r),
            Loc::Slot(s) => {
                let r = SCRATCH[k];
                let offset = self.slot_offset(s);
                self.push(Inst::Load {
                    op: LoadOp::Lw,
                    rd: r,
                    rs1: Reg::SP,
                    offset,
                })?;
                Ok(r)
            }
        }
    }

    fn opnd(&mut self, o: Opnd, k: usize) -> Result<Reg, String> {
        match o {
            Opnd::Reg(v) => self.read(v, k),
            Opnd::Zero => Ok(Reg::ZERO),
        }
    }

    /// The register to compute `v` into.
    fn target(&self, v: VReg) -> Reg {
        match self.alloc.loc(v) {
            Loc::Reg(r) => r,
            Loc::Slot(_) => SCRATCH[0],
        }
    }

    /// Stores `v`, computed into `r`, to its slot if it lives in one.
    fn written_back(&mut self, v: VReg, r: Reg) -> Result<(), String> {
        match self.alloc.loc(v) {
            Loc::Slot(s) => {
                let offset = self.slot_offset(s);
                self.push(Inst::Store {
                    op: StoreOp::Sw,
                    rs2: r,
                    rs1: Reg::SP,
                    offset,
                })
            }
            Loc::Reg(_) => Ok(()),
        }
    }

    /// `rd = value`: `addi`, `lui`, or `lui` + `addi` (the low part sign-extends, so the
    /// upper part rounds).
    fn li(&mut self, rd: Reg, value: u32) -> Result<(), String> {
        let v = value as i32;
        if (-2048..2048).contains(&v) {
            return self.addi(rd, Reg::ZERO, v);
        }
        let hi = value.wrapping_add(0x800) >> 12;
        let lo = value.wrapping_sub(hi << 12) as i32;
        self.push(Inst::Lui { rd, imm20: hi })?;
        if lo != 0 {
            self.addi(rd, rd, lo)?;
        }
        Ok(())
    }

    /// Arguments from `a0`-`a7` to their allocated places, as one parallel move.
    fn entry_moves(&mut self, vcode: &VCode) -> Result<(), String> {
        let moves: Vec<(Loc, Reg)> = vcode
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| self.alloc.locs[p.0 as usize].is_some())
            .map(|(i, p)| (self.alloc.loc(*p), Reg(10 + i as u8)))
            .collect();
        // Stores to slots first: they overwrite no register.
        for (d, s) in &moves {
            if let Loc::Slot(slot) = d {
                let offset = self.slot_offset(*slot);
                self.push(Inst::Store {
                    op: StoreOp::Sw,
                    rs2: *s,
                    rs1: Reg::SP,
                    offset,
                })?;
            }
        }
        let moves = moves
            .into_iter()
            .filter_map(|(d, s)| match d {
                Loc::Reg(r) => Some((r, Loc::Reg(s))),
                Loc::Slot(_) => None,
            })
            .collect();
        self.parallel_move(moves)
    }

    /// Sets each destination register to its source at once: register sources first
    /// (cycles broken through scratch), then slot loads, whose destinations nothing reads.
    fn parallel_move(&mut self, moves: Vec<(Reg, Loc)>) -> Result<(), String> {
        let mut regs: Vec<(Reg, Reg)> = moves
            .iter()
            .filter_map(|(d, s)| match s {
                Loc::Reg(r) if r != d => Some((*d, *r)),
                _ => None,
            })
            .collect();
        while !regs.is_empty() {
            // A move whose destination no other pending move reads can go now.
            if let Some(i) = regs
                .iter()
                .position(|(d, _)| !regs.iter().any(|(_, s)| s == d))
            {
                let (d, s) = regs.remove(i);
                self.mov(d, s)?;
            } else {
                // Only cycles are left: park one source in scratch.
                let s = regs[0].1;
                self.mov(SCRATCH[1], s)?;
                for m in &mut regs {
                    if m.1 == s {
                        m.1 = SCRATCH[1];
                    }
                }
            }
        }
        for (d, s) in moves {
            if let Loc::Slot(slot) = s {
                let offset = self.slot_offset(slot);
                self.push(Inst::Load {
                    op: LoadOp::Lw,
                    rd: d,
                    rs1: Reg::SP,
                    offset,
                })?;
            }
        }
        Ok(())
    }

    fn frame_slot_offset(&self, slot: u32) -> i32 {
        4 * (self.alloc.n_slots + slot) as i32
    }

    fn inst(&mut self, inst: &VInst) -> Result<(), String> {
        match *inst {
            VInst::Call {
                dst,
                index,
                ref args,
            } => {
                let moves = args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (Reg(10 + i as u8), self.alloc.loc(*a)))
                    .collect();
                self.parallel_move(moves)?;
                self.push(Inst::Load {
                    op: LoadOp::Lw,
                    rd: SCRATCH[0],
                    rs1: FUN_TABLE,
                    offset: 4 * index as i32,
                })?;
                self.push(Inst::Jalr {
                    rd: Reg::RA,
                    rs1: SCRATCH[0],
                    offset: 0,
                })?;
                if self.alloc.locs[dst.0 as usize].is_some() {
                    let rd = self.target(dst);
                    self.mov(rd, Reg::A0)?;
                    self.written_back(dst, rd)?;
                }
                Ok(())
            }
            VInst::SlotStore { slot, src } => {
                let r = self.read(src, 0)?;
                let offset = self.frame_slot_offset(slot);
                self.push(Inst::Store {
                    op: StoreOp::Sw,
                    rs2: r,
                    rs1: Reg::SP,
                    offset,
                })
            }
            VInst::SlotLoad { dst, slot } => {
                let rd = self.target(dst);
                let offset = self.frame_slot_offset(slot);
                self.push(Inst::Load {
                    op: LoadOp::Lw,
                    rd,
                    rs1: Reg::SP,
                    offset,
                })?;
                self.written_back(dst, rd)
            }
            VInst::SlotAddr { dst, slot } => {
                let rd = self.target(dst);
                let offset = self.frame_slot_offset(slot);
                self.addi(rd, Reg::SP, offset)?;
                self.written_back(dst, rd)
            }
            VInst::Li { dst, value } => {
                let rd = self.target(dst);
                self.li(rd, value)?;
                self.written_back(dst, rd)
            }
            VInst::Mov { dst, src } => {
                let rs = self.read(src, 0)?;
                let rd = self.target(dst);
                self.mov(rd, rs)?;
                self.written_back(dst, rd)
            }
            VInst::Op { op, dst, a, b } => {
                let (ra, rb) = (self.read(a, 0)?, self.read(b, 1)?);
                let rd = self.target(dst);
                self.push(Inst::Op {
                    op,
                    rd,
                    rs1: ra,
                    rs2: rb,
                })?;
                self.written_back(dst, rd)
            }
            VInst::OpImm { op, dst, a, imm } => {
                let ra = self.read(a, 0)?;
                let rd = self.target(dst);
                self.push(Inst::OpImm {
                    op,
                    rd,
                    rs1: ra,
                    imm,
                })?;
                self.written_back(dst, rd)
            }
            VInst::SetCond { cond, dst, a, b } => {
                let (ra, rb) = (self.read(a, 0)?, self.read(b, 1)?);
                let rd = self.target(dst);
                self.set_cond(cond, rd, ra, rb)?;
                self.written_back(dst, rd)
            }
            VInst::Load {
                op,
                dst,
                base,
                offset,
            } => {
                let rb = self.read(base, 0)?;
                let rd = self.target(dst);
                self.push(Inst::Load {
                    op,
                    rd,
                    rs1: rb,
                    offset,
                })?;
                self.written_back(dst, rd)
            }
            VInst::Store {
                op,
                src,
                base,
                offset,
            } => {
                let (rs, rb) = (self.read(src, 0)?, self.read(base, 1)?);
                self.push(Inst::Store {
                    op,
                    rs2: rs,
                    rs1: rb,
                    offset,
                })
            }
        }
    }

    /// `rd = (a cond b) ? 1 : 0`: `slt`/`sltu` (operands swapped for `>`, `<=`), negated
    /// with `xori 1` for `>=` and `<=`; equality through the difference.
    fn set_cond(&mut self, cond: mir::Cond, rd: Reg, a: Reg, b: Reg) -> Result<(), String> {
        use mir::Cond as C;
        let op = |op, rd, rs1, rs2| Inst::Op { op, rd, rs1, rs2 };
        match cond {
            C::Eq | C::Ne => {
                self.push(op(AluOp::Xor, rd, a, b))?;
                if cond == C::Eq {
                    self.push(Inst::OpImm {
                        op: ImmOp::Sltiu,
                        rd,
                        rs1: rd,
                        imm: 1,
                    })
                } else {
                    self.push(op(AluOp::Sltu, rd, Reg::ZERO, rd))
                }
            }
            _ => {
                let (slt, swap, negate) = match cond {
                    C::Lt => (AluOp::Slt, false, false),
                    C::Gt => (AluOp::Slt, true, false),
                    C::Ge => (AluOp::Slt, false, true),
                    C::Le => (AluOp::Slt, true, true),
                    C::LtU => (AluOp::Sltu, false, false),
                    C::GtU => (AluOp::Sltu, true, false),
                    C::GeU => (AluOp::Sltu, false, true),
                    _ => (AluOp::Sltu, true, true),
                };
                let (x, y) = if swap { (b, a) } else { (a, b) };
                self.push(op(slt, rd, x, y))?;
                if negate {
                    self.push(Inst::OpImm {
                        op: ImmOp::Xori,
                        rd,
                        rs1: rd,
                        imm: 1,
                    })?;
                }
                Ok(())
            }
        }
    }

    fn term(&mut self, term: &VTerm, next: Option<usize>) -> Result<(), String> {
        match *term {
            VTerm::Jump(b) => {
                if Some(b) != next {
                    self.out.push(MInst::Jump { label: b });
                }
                Ok(())
            }
            VTerm::Branch {
                cond,
                a,
                b,
                then,
                else_,
            } => {
                let (ra, rb) = (self.opnd(a, 0)?, self.opnd(b, 1)?);
                // `beqz`/`bnez` have 16-bit forms with the register first.
                let (ra, rb) = if ra == Reg::ZERO && matches!(cond, Cond::Eq | Cond::Ne) {
                    (rb, ra)
                } else {
                    (ra, rb)
                };
                let (cond, target, other) = if Some(then) == next {
                    (cond.invert(), else_, then)
                } else {
                    (cond, then, else_)
                };
                self.out.push(MInst::Branch {
                    cond,
                    rs1: ra,
                    rs2: rb,
                    label: target,
                });
                if Some(other) != next {
                    self.out.push(MInst::Jump { label: other });
                }
                Ok(())
            }
            VTerm::Return(v) => {
                let r = self.read(v, 0)?;
                self.mov(Reg::A0, r)?;
                self.epilogue()
            }
        }
    }
}
