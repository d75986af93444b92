//! Lowering: [`VCode`] with an [`Allocation`] to Thumb instructions over real registers,
//! with branches still to labels (the layout places them).
//!
//! - The frame: `push {callee-saved registers written, lr}` (and `r3` when that keeps `sp`
//!   8-byte aligned, as AAPCS wants at calls), then `sub sp` for the spill slots; each
//!   return undoes it and pops the return address straight into `pc`.
//! - Arguments arrive in `r0`-`r3` (AAPCS) and move to their allocated places as one
//!   parallel move; the result leaves in `r0`.
//! - Frame slots (objects the GC must see across helper calls, argument arrays for helpers)
//!   are words of the stack frame above the spill slots: MicroPython's GC scans the C stack.
//! - A helper call moves its arguments into `r0`-`r2` (one parallel move), loads the entry
//!   from the fun table in `r7` into `r3` and `blx`es it; the result comes back in `r0`.
//! - A spilled operand is loaded into a scratch register just before its use, a spilled
//!   result stored just after its definition.
//! - Each operation becomes the shortest sequence its operands allow: the 16-bit form when
//!   registers and immediate fit, else the 32-bit one (ARMv7-M), else (ARMv6-M) a copy into
//!   the destination first, for the two-operand forms.

use super::encode::{encode, Addr, AluOp, Arch, CmpOp, Cond, Inst, MemOp, Operand, Reg, RegList};
use super::isel::{Index, VCode, VInst, VOpnd, VTerm};
use super::regalloc::{scratch, Allocation, Loc, FUN_TABLE};
use emit::mir::VReg;

/// A Thumb instruction, or what the layout turns into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MInst {
    I(Inst),
    Label(usize),
    /// A branch to a label, conditional unless `cond` is `None`; its form is the layout's.
    Jump {
        cond: Option<Cond>,
        label: usize,
    },
    /// `bl` to a label (the native entry's call of its body).
    Call {
        label: usize,
    },
    /// `ldr rd, =value`: a load from the literal pool.
    Literal {
        rd: Reg,
        value: u32,
    },
}

/// The machine instructions of `vcode`; block `n` starts at label `n`.
pub fn lower(vcode: &VCode, alloc: &Allocation, arch: Arch) -> Result<Vec<MInst>, String> {
    // The frame depends on which registers the body writes, and every return in the body
    // undoes the frame: so a first pass learns the registers, the second emits.
    let mut trial = Lowerer::new(vcode, alloc, arch, RegList(0));
    trial.body(vcode)?;
    let mut l = Lowerer::new(vcode, alloc, arch, trial.saved);
    l.prologue()?;
    l.body(vcode)?;
    Ok(l.out)
}

struct Lowerer<'a> {
    arch: Arch,
    alloc: &'a Allocation,
    scratch: [Reg; 2],
    out: Vec<MInst>,
    next_label: usize,
    /// Callee-saved registers the body writes (all of them, once the first pass is done).
    saved: RegList,
    /// Whether `r3` goes along with the saved registers, for alignment.
    pad: bool,
    /// Words below the saved registers: the spill slots, then the frame slots.
    frame_words: u32,
    /// Spill slots (the frame slots come after them).
    n_spill_slots: u32,
}

impl<'a> Lowerer<'a> {
    fn new(vcode: &VCode, alloc: &'a Allocation, arch: Arch, saved: RegList) -> Lowerer<'a> {
        // AAPCS keeps `sp` 8-byte aligned: an odd count of pushed words and slots takes `r3`
        // along, which costs no instruction (popping it on return is harmless: it is
        // caller-saved and the result is in `r0`).
        let pushed = saved.0.count_ones() + 1;
        let frame_words = alloc.n_slots + vcode.frame_slots;
        Lowerer {
            arch,
            alloc,
            scratch: scratch(arch, vcode.has_calls()),
            out: Vec::new(),
            next_label: vcode.blocks.len(),
            saved,
            pad: (pushed + frame_words) % 2 == 1,
            frame_words,
            n_spill_slots: alloc.n_slots,
        }
    }

    fn body(&mut self, vcode: &VCode) -> Result<(), String> {
        self.entry_moves(vcode)?;
        for (b, block) in vcode.blocks.iter().enumerate() {
            self.out.push(MInst::Label(b));
            for inst in &block.insts {
                self.inst(inst)?;
            }
            let next = (b + 1 < vcode.blocks.len()).then_some(b + 1);
            self.term(&block.term, next)?;
        }
        Ok(())
    }

    fn note_write(&mut self, r: Reg) {
        if (4..12).contains(&r.0) {
            self.saved.0 |= 1 << r.0;
        }
    }

    fn push(&mut self, inst: Inst) -> Result<(), String> {
        encode(&inst, self.arch).map_err(|e| e.to_string())?;
        if let Some(r) = written(&inst) {
            self.note_write(r);
        }
        self.out.push(MInst::I(inst));
        Ok(())
    }

    fn label(&mut self) -> usize {
        self.next_label += 1;
        self.next_label - 1
    }

    /// The registers the prologue pushes, with `last` (`lr`; `pc` to pop).
    fn frame_regs(&self, last: Reg) -> RegList {
        let pad = if self.pad { 1 << Reg::R3.0 } else { 0 };
        RegList(self.saved.0 | pad | 1 << last.0)
    }

    fn prologue(&mut self) -> Result<(), String> {
        self.push(Inst::Push(self.frame_regs(Reg::LR)))?;
        self.adjust_sp(AluOp::Sub)
    }

    fn adjust_sp(&mut self, op: AluOp) -> Result<(), String> {
        if self.frame_words == 0 {
            return Ok(());
        }
        self.push(Inst::Alu {
            op,
            s: false,
            rd: Reg::SP,
            rn: Reg::SP,
            rhs: Operand::Imm(4 * self.frame_words),
        })
        .map_err(|_| "too many spilled values for the frame".into())
    }

    fn epilogue(&mut self) -> Result<(), String> {
        self.adjust_sp(AluOp::Add)?;
        self.push(Inst::Pop(self.frame_regs(Reg::PC)))
    }

    fn slot(&mut self, op: MemOp, rt: Reg, slot: u32) -> Result<(), String> {
        self.push(Inst::Mem {
            op,
            rt,
            addr: Addr::Imm {
                rn: Reg::SP,
                offset: 4 * slot as i32,
            },
        })
    }

    /// The register holding `v` for a read; a spilled `v` is loaded into the next scratch.
    fn read(&mut self, v: VReg, next_scratch: &mut usize) -> Result<Reg, String> {
        match self.alloc.loc(v) {
            Loc::Reg(r) => Ok(r),
            Loc::Slot(s) => {
                let r = self.scratch[*next_scratch];
                *next_scratch += 1;
                self.slot(MemOp::Ldr, r, s)?;
                Ok(r)
            }
        }
    }

    /// The register to compute `v` into.
    fn target(&self, v: VReg) -> Reg {
        match self.alloc.loc(v) {
            Loc::Reg(r) => r,
            Loc::Slot(_) => self.scratch[0],
        }
    }

    /// Stores `v`, computed into `r`, to its slot if it lives in one.
    fn written_back(&mut self, v: VReg, r: Reg) -> Result<(), String> {
        match self.alloc.loc(v) {
            Loc::Slot(s) => self.slot(MemOp::Str, r, s),
            Loc::Reg(_) => Ok(()),
        }
    }

    fn mov(&mut self, rd: Reg, rm: Reg) -> Result<(), String> {
        if rd == rm {
            return Ok(());
        }
        self.push(Inst::Mov {
            not: false,
            s: false,
            rd,
            src: Operand::Reg(rm),
        })
    }

    fn mov_imm(&mut self, rd: Reg, value: u32) -> Result<(), String> {
        let mov = |not, s, imm| Inst::Mov {
            not,
            s,
            rd,
            src: Operand::Imm(imm),
        };
        if rd.is_low() && value <= 0xff {
            return self.push(mov(false, true, value));
        }
        match self.arch {
            Arch::V7M => {
                for inst in [mov(false, false, value), mov(true, false, !value)] {
                    if encode(&inst, self.arch).is_ok() {
                        return self.push(inst);
                    }
                }
                self.push(Inst::MovWide {
                    top: false,
                    rd,
                    imm: value as u16,
                })?;
                if value >> 16 != 0 {
                    self.push(Inst::MovWide {
                        top: true,
                        rd,
                        imm: (value >> 16) as u16,
                    })?;
                }
                Ok(())
            }
            Arch::V6M => {
                let shift = value.trailing_zeros();
                if !value <= 0xff {
                    self.push(mov(false, true, !value))?;
                    self.push(Inst::Mov {
                        not: true,
                        s: true,
                        rd,
                        src: Operand::Reg(rd),
                    })
                } else if value >> shift <= 0xff {
                    self.push(mov(false, true, value >> shift))?;
                    self.alu(AluOp::Lsl, rd, rd, Operand::Imm(shift), self.scratch[1])
                } else {
                    self.out.push(MInst::Literal { rd, value });
                    Ok(())
                }
            }
        }
    }

    /// `rd = rn op rhs` in the fewest instructions; `spare` is a scratch register no
    /// operand occupies.
    fn alu(&mut self, op: AluOp, rd: Reg, rn: Reg, rhs: Operand, spare: Reg) -> Result<(), String> {
        let inst = |s, rd, rn, rhs| Inst::Alu { op, s, rd, rn, rhs };
        let narrow = encode(&inst(true, rd, rn, rhs), self.arch).is_ok_and(|e| !e.is_wide());
        for s in [true, false, true].into_iter().skip(usize::from(!narrow)) {
            if encode(&inst(s, rd, rn, rhs), self.arch).is_ok() {
                return self.push(inst(s, rd, rn, rhs));
            }
        }
        // A 16-bit two-operand form: the destination must hold the first operand.
        let rhs = if rhs == Operand::Reg(rd) && rn != rd {
            self.mov(spare, rd)?;
            Operand::Reg(spare)
        } else {
            rhs
        };
        self.mov(rd, rn)?;
        self.push(inst(true, rd, rd, rhs))
    }

    fn compare(&mut self, a: Reg, b: Operand) -> Result<(), String> {
        let cmp = Inst::Compare {
            op: CmpOp::Cmp,
            rn: a,
            rhs: b,
        };
        match (encode(&cmp, self.arch), b) {
            (Err(_), Operand::Imm(imm)) => self.push(Inst::Compare {
                op: CmpOp::Cmn,
                rn: a,
                rhs: Operand::Imm(imm.wrapping_neg()),
            }),
            _ => self.push(cmp),
        }
    }

    /// Tests `a & b` for the branch condition `cond` (`Eq`: no bit set, `Ne`: some) and
    /// returns the condition that then holds: `tst`, or where it cannot take the mask (ARMv6-M
    /// has no immediate form) for a single bit a shift that moves it into N, or else the mask
    /// in the scratch register `k`.
    fn test(&mut self, a: Reg, b: Operand, k: usize, cond: Cond) -> Result<Cond, String> {
        let tst = |rhs| Inst::Compare {
            op: CmpOp::Tst,
            rn: a,
            rhs,
        };
        if encode(&tst(b), self.arch).is_ok() {
            self.push(tst(b))?;
            return Ok(cond);
        }
        let Operand::Imm(mask) = b else {
            return Err(format!("no tst of {a:?} and {b:?}"));
        };
        let spare = *self.scratch.get(k).ok_or("no scratch register for tst")?;
        if mask.is_power_of_two() {
            self.push(Inst::Alu {
                op: AluOp::Lsl,
                s: true,
                rd: spare,
                rn: a,
                rhs: Operand::Imm(31 - mask.trailing_zeros()),
            })?;
            return Ok(if cond == Cond::Eq { Cond::Pl } else { Cond::Mi });
        }
        self.mov_imm(spare, mask)?;
        self.push(tst(Operand::Reg(spare)))?;
        Ok(cond)
    }

    fn operand(&mut self, o: VOpnd, next_scratch: &mut usize) -> Result<Operand, String> {
        Ok(match o {
            VOpnd::Reg(v) => Operand::Reg(self.read(v, next_scratch)?),
            VOpnd::Imm(i) => Operand::Imm(i),
        })
    }

    fn inst(&mut self, inst: &VInst) -> Result<(), String> {
        let mut k = 0;
        match *inst {
            VInst::MovImm { dst, value } => {
                let rd = self.target(dst);
                self.mov_imm(rd, value)?;
                self.written_back(dst, rd)
            }
            VInst::Mov { dst, src } => match (self.alloc.loc(dst), self.alloc.loc(src)) {
                (Loc::Reg(rd), Loc::Slot(s)) => self.slot(MemOp::Ldr, rd, s),
                (Loc::Slot(s), Loc::Reg(rm)) => self.slot(MemOp::Str, rm, s),
                _ => {
                    let rm = self.read(src, &mut k)?;
                    let rd = self.target(dst);
                    self.mov(rd, rm)?;
                    self.written_back(dst, rd)
                }
            },
            VInst::AluShifted {
                op,
                dst,
                a,
                b,
                shift,
            } => {
                let rn = self.read(a, &mut k)?;
                let rm = self.read(b, &mut k)?;
                let rd = self.target(dst);
                self.push(Inst::AluShifted {
                    op,
                    s: false,
                    rd,
                    rn,
                    rm,
                    shift,
                })?;
                self.written_back(dst, rd)
            }
            VInst::Alu { op, dst, a, b } => {
                let rn = self.read(a, &mut k)?;
                let mut rhs = self.operand(b, &mut k)?;
                let rd = self.target(dst);
                if let (AluOp::Lsl | AluOp::Lsr | AluOp::Asr, Operand::Reg(rm)) = (op, rhs) {
                    // MIR shifts by the amount modulo 32; the hardware by its low byte.
                    let amount = if self.scratch.contains(&rm) {
                        rm
                    } else {
                        self.scratch[k]
                    };
                    match self.arch {
                        Arch::V7M => self.push(Inst::Alu {
                            op: AluOp::And,
                            s: false,
                            rd: amount,
                            rn: rm,
                            rhs: Operand::Imm(31),
                        })?,
                        Arch::V6M => {
                            self.alu(AluOp::Lsl, amount, rm, Operand::Imm(27), amount)?;
                            self.alu(AluOp::Lsr, amount, amount, Operand::Imm(27), amount)?;
                        }
                    }
                    rhs = Operand::Reg(amount);
                    k = k.max(if amount == self.scratch[0] { 1 } else { 2 });
                }
                let spare = self.scratch[k.min(1)];
                self.alu(op, rd, rn, rhs, spare)?;
                self.written_back(dst, rd)
            }
            VInst::SetCond { dst, cond, a, b } => {
                let ra = self.read(a, &mut k)?;
                let rb = self.operand(b, &mut k)?;
                let rd = self.target(dst);
                self.compare(ra, rb)?;
                let (yes, done) = (self.label(), self.label());
                self.out.push(MInst::Jump {
                    cond: Some(cond),
                    label: yes,
                });
                self.mov_imm(rd, 0)?;
                self.out.push(MInst::Jump {
                    cond: None,
                    label: done,
                });
                self.out.push(MInst::Label(yes));
                self.mov_imm(rd, 1)?;
                self.out.push(MInst::Label(done));
                self.written_back(dst, rd)
            }
            VInst::Load {
                op,
                dst,
                base,
                index,
            } => {
                let addr = self.addr(base, index, &mut k)?;
                let rt = self.target(dst);
                self.push(Inst::Mem { op, rt, addr })?;
                self.written_back(dst, rt)
            }
            VInst::Store {
                op,
                src,
                base,
                index,
            } => {
                let spilled = |v: VReg| matches!(self.alloc.loc(v), Loc::Slot(_));
                let index = match index {
                    // Three spilled operands and two scratch registers: add the index in.
                    Index::Reg(i, shift) if spilled(src) && spilled(base) && spilled(i) => {
                        let rn = self.read(base, &mut k)?;
                        let rm = self.read(i, &mut k)?;
                        if shift != 0 {
                            self.alu(AluOp::Lsl, rm, rm, Operand::Imm(shift.into()), rm)?;
                        }
                        self.alu(AluOp::Add, rn, rn, Operand::Reg(rm), rm)?;
                        let Loc::Slot(s) = self.alloc.loc(src) else {
                            unreachable!("checked spilled")
                        };
                        self.slot(MemOp::Ldr, rm, s)?;
                        return self.push(Inst::Mem {
                            op,
                            rt: rm,
                            addr: Addr::Imm { rn, offset: 0 },
                        });
                    }
                    other => other,
                };
                let rt = self.read(src, &mut k)?;
                let addr = self.addr(base, index, &mut k)?;
                self.push(Inst::Mem { op, rt, addr })
            }
            VInst::Call {
                dst,
                index,
                ref args,
            } => self.call(dst, index, args),
            VInst::SlotStore { slot, src } => {
                let rt = self.read(src, &mut k)?;
                self.slot(MemOp::Str, rt, self.n_spill_slots + slot)
            }
            VInst::SlotLoad { dst, slot } => {
                let rt = self.target(dst);
                self.slot(MemOp::Ldr, rt, self.n_spill_slots + slot)?;
                self.written_back(dst, rt)
            }
            VInst::SlotAddr { dst, slot } => {
                let rd = self.target(dst);
                self.push(Inst::Alu {
                    op: AluOp::Add,
                    s: false,
                    rd,
                    rn: Reg::SP,
                    rhs: Operand::Imm(4 * (self.n_spill_slots + slot)),
                })
                .map_err(|_| "too many frame slots for the frame".to_string())?;
                self.written_back(dst, rd)
            }
        }
    }

    /// A helper call: arguments to `r0`.., the entry of the fun table into `r3`, `blx`, the
    /// result from `r0` to its place.
    fn call(&mut self, dst: VReg, index: u32, args: &[VReg]) -> Result<(), String> {
        let mut moves = Vec::new();
        let mut loads = Vec::new();
        for (i, &a) in args.iter().enumerate() {
            let to = Reg(i as u8);
            match self.alloc.loc(a) {
                Loc::Reg(r) if r != to => moves.push((to, r)),
                Loc::Reg(_) => {}
                Loc::Slot(s) => loads.push((to, s)),
            }
        }
        // Spilled arguments are loaded last: their registers may be other moves' sources.
        self.parallel_move(moves)?;
        for (to, s) in loads {
            self.slot(MemOp::Ldr, to, s)?;
        }
        let entry = Inst::Mem {
            op: MemOp::Ldr,
            rt: Reg::R3,
            addr: Addr::Imm {
                rn: FUN_TABLE,
                offset: 4 * index as i32,
            },
        };
        if encode(&entry, self.arch).is_err() {
            // ARMv6-M's 16-bit form reaches entry 31; later ones go by register offset.
            self.mov_imm(Reg::R3, 4 * index)?;
            self.push(Inst::Mem {
                op: MemOp::Ldr,
                rt: Reg::R3,
                addr: Addr::Reg {
                    rn: FUN_TABLE,
                    rm: Reg::R3,
                    shift: 0,
                },
            })?;
        } else {
            self.push(entry)?;
        }
        self.push(Inst::Bx {
            link: true,
            rm: Reg::R3,
        })?;
        match self.alloc.locs[dst.0 as usize] {
            Some(Loc::Reg(rd)) if rd != Reg::R0 => self.mov(rd, Reg::R0),
            Some(Loc::Slot(s)) => self.slot(MemOp::Str, Reg::R0, s),
            _ => Ok(()),
        }
    }

    fn addr(&mut self, base: VReg, index: Index, k: &mut usize) -> Result<Addr, String> {
        let rn = self.read(base, k)?;
        Ok(match index {
            Index::Imm(offset) => Addr::Imm { rn, offset },
            Index::Reg(i, shift) => Addr::Reg {
                rn,
                rm: self.read(i, k)?,
                shift,
            },
        })
    }

    fn term(&mut self, term: &VTerm, next: Option<usize>) -> Result<(), String> {
        match *term {
            VTerm::Jump(t) => {
                if Some(t) != next {
                    self.out.push(MInst::Jump {
                        cond: None,
                        label: t,
                    });
                }
                Ok(())
            }
            VTerm::Branch {
                cond,
                a,
                b,
                test,
                then,
                else_,
            } => {
                let mut k = 0;
                let ra = self.read(a, &mut k)?;
                let rb = self.operand(b, &mut k)?;
                let cond = if test {
                    self.test(ra, rb, k, cond)?
                } else {
                    self.compare(ra, rb)?;
                    cond
                };
                let (cond, target, other) = if Some(then) == next {
                    (cond.invert(), else_, None)
                } else {
                    (cond, then, (Some(else_) != next).then_some(else_))
                };
                self.out.push(MInst::Jump {
                    cond: Some(cond),
                    label: target,
                });
                if let Some(label) = other {
                    self.out.push(MInst::Jump { cond: None, label });
                }
                Ok(())
            }
            VTerm::Return(v) => {
                match self.alloc.loc(v) {
                    Loc::Reg(r) => self.mov(Reg::R0, r)?,
                    Loc::Slot(s) => self.slot(MemOp::Ldr, Reg::R0, s)?,
                }
                self.epilogue()
            }
            VTerm::Raise => Err("raising exceptions needs the native ABI's nlr frames \
                                 (not yet on thumb2)"
                .into()),
        }
    }

    /// Moves the arguments from `r0`-`r3` to their places, all at once: stores first (they
    /// overwrite no register), then register moves in an order that reads every source
    /// before overwriting it, breaking cycles through a scratch register.
    fn entry_moves(&mut self, vcode: &VCode) -> Result<(), String> {
        // Past four arguments, the fourth register holds the address of the arguments from
        // the fourth on (words in the caller's frame: see `abi::viper_function`).
        let in_regs = if vcode.params.len() > 4 { 3 } else { 4 };
        let (table, temp) = (self.scratch[1], self.scratch[0]);
        let in_memory = &vcode.params[in_regs.min(vcode.params.len())..];
        if !in_memory.is_empty() {
            self.mov(table, Reg::R3)?;
        }
        let word = |i: usize| Addr::Imm {
            rn: table,
            offset: 4 * i as i32,
        };
        for (i, p) in in_memory.iter().enumerate() {
            if let Some(Loc::Slot(s)) = self.alloc.locs[p.0 as usize] {
                self.push(Inst::Mem {
                    op: MemOp::Ldr,
                    rt: temp,
                    addr: word(i),
                })?;
                self.slot(MemOp::Str, temp, s)?;
            }
        }
        let mut moves: Vec<(Reg, Reg)> = Vec::new();
        for (i, p) in vcode.params[..in_regs.min(vcode.params.len())]
            .iter()
            .enumerate()
        {
            let src = Reg(i as u8);
            match self.alloc.locs[p.0 as usize] {
                Some(Loc::Slot(s)) => self.slot(MemOp::Str, src, s)?,
                Some(Loc::Reg(dst)) if dst != src => moves.push((dst, src)),
                _ => {}
            }
        }
        // (The cycle breaker uses `temp`, not `table`.)
        self.parallel_move(moves)?;
        // Each of these registers is no register-held argument's: all are in place now.
        for (i, p) in in_memory.iter().enumerate() {
            if let Some(Loc::Reg(dst)) = self.alloc.locs[p.0 as usize] {
                self.push(Inst::Mem {
                    op: MemOp::Ldr,
                    rt: dst,
                    addr: word(i),
                })?;
            }
        }
        Ok(())
    }

    /// Register moves `(dst, src)` done as if at once: in an order that reads every source
    /// before overwriting it, breaking cycles through a scratch register.
    fn parallel_move(&mut self, mut moves: Vec<(Reg, Reg)>) -> Result<(), String> {
        while !moves.is_empty() {
            let ready = moves
                .iter()
                .position(|&(dst, _)| !moves.iter().any(|&(_, src)| src == dst));
            match ready {
                Some(i) => {
                    let (dst, src) = moves.remove(i);
                    self.mov(dst, src)?;
                }
                None => {
                    let (_, src) = moves[0];
                    let tmp = self.scratch[0];
                    self.mov(tmp, src)?;
                    for m in &mut moves {
                        if m.1 == src {
                            m.1 = tmp;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The register an instruction writes, for the frame's save set.
fn written(inst: &Inst) -> Option<Reg> {
    match *inst {
        Inst::Alu { rd, .. }
        | Inst::AluShifted { rd, .. }
        | Inst::Mov { rd, .. }
        | Inst::MovWide { rd, .. } => Some(rd),
        Inst::Mem { op, rt, .. } if !matches!(op, MemOp::Str | MemOp::Strh | MemOp::Strb) => {
            Some(rt)
        }
        _ => None,
    }
}
