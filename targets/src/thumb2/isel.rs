//! Instruction selection: MIR to [`VCode`], Thumb-shaped instructions over MIR's vregs.
//!
//! What is decided here, before registers exist, so that the allocator sees only the values
//! that need a register:
//! - immediates fold into the instruction that uses them wherever some encoding of it takes
//!   that value whatever registers it gets (`modified_imm`, `addw`, the 8-bit forms of
//!   ARMv6-M), with `add`/`sub`, `and`/`bic` and `cmp` operands swapped or negated to fit;
//! - a comparison whose only use is the branch ending its block becomes that branch's
//!   compare (`cmp` + `b<c>`), never a 0/1 value;
//! - a load or store whose address is `base + index` (or `base + (index << k)`, or
//!   `base + constant`) computed earlier in its block takes the matching addressing mode
//!   (`[rn, rm, lsl #k]`, `[rn, #imm]`), as long as nothing in between redefines the parts.
//!
//! Anything whose value is then unused (a folded constant, an address the load absorbed, a
//! fused comparison) is dropped by [`VCode::remove_dead`]; then jumps are threaded past
//! empty blocks, a jump to a block that only branches takes that branch (so a loop's back
//! edge tests and loops at once), and blocks no longer reached go.

use super::encode::{modified_imm, AluOp, Arch, Cond, MemOp};
use emit::mir::{BinOp, BlockId, Func, Inst, Term, VReg, Width};
use std::collections::HashMap;

/// A second operand: a vreg or a folded immediate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VOpnd {
    Reg(VReg),
    Imm(u32),
}

/// How a memory access offsets its base register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Imm(i32),
    /// `[base, index, lsl #shift]`.
    Reg(VReg, u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VInst {
    MovImm {
        dst: VReg,
        value: u32,
    },
    Mov {
        dst: VReg,
        src: VReg,
    },
    /// `dst = a op b`; a shift by a register shifts by `b` modulo 32, as MIR specifies.
    Alu {
        op: AluOp,
        dst: VReg,
        a: VReg,
        b: VOpnd,
    },
    /// `dst = a op (b << shift)` (ARMv7-M's shifted register operand; `shift` 1 to 3).
    AluShifted {
        op: AluOp,
        dst: VReg,
        a: VReg,
        b: VReg,
        shift: u8,
    },
    /// `dst = (a cond b) ? 1 : 0`.
    SetCond {
        dst: VReg,
        cond: Cond,
        a: VReg,
        b: VOpnd,
    },
    Load {
        op: MemOp,
        dst: VReg,
        base: VReg,
        index: Index,
    },
    Store {
        op: MemOp,
        src: VReg,
        base: VReg,
        index: Index,
    },
    /// `dst = fun_table[index](args)` (MicroPython's native ABI: the fun table in `r7`,
    /// arguments in `r0`-`r2`, result in `r0`); a helper that raises does not return.
    Call {
        dst: VReg,
        index: u32,
        args: Vec<VReg>,
    },
    /// Frame slot `slot` (a word of the stack frame the GC scans) = `src`.
    SlotStore {
        slot: u32,
        src: VReg,
    },
    SlotLoad {
        dst: VReg,
        slot: u32,
    },
    /// `dst` = the address of frame slot `slot`.
    SlotAddr {
        dst: VReg,
        slot: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VTerm {
    Jump(usize),
    /// To `then` if `a cond b`, else to `else_`; with `test`, if `(a & b) cond 0` (`tst`,
    /// `cond` then `Eq` or `Ne`).
    Branch {
        cond: Cond,
        a: VReg,
        b: VOpnd,
        test: bool,
        then: usize,
        else_: usize,
    },
    Return(VReg),
    /// Raise the exception a helper reported: needs MicroPython's `nlr` machinery, so
    /// lowering refuses it; selection keeps it only for blocks that exception edges alone
    /// reach, which then go unreached (a raising helper does not return).
    Raise,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VBlock {
    pub insts: Vec<VInst>,
    pub term: VTerm,
}

/// A function after selection: MIR's blocks, in MIR's order, holding Thumb-shaped code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VCode {
    pub blocks: Vec<VBlock>,
    pub params: Vec<VReg>,
    pub n_vregs: usize,
    /// Words of frame slots ([`VInst::SlotStore`] and the like) the function needs.
    pub frame_slots: u32,
}

fn opnd_uses(o: VOpnd) -> Option<VReg> {
    match o {
        VOpnd::Reg(v) => Some(v),
        VOpnd::Imm(_) => None,
    }
}

fn index_uses(i: Index) -> Option<VReg> {
    match i {
        Index::Reg(v, _) => Some(v),
        Index::Imm(_) => None,
    }
}

impl VInst {
    pub fn def(&self) -> Option<VReg> {
        match *self {
            VInst::MovImm { dst, .. }
            | VInst::Mov { dst, .. }
            | VInst::Alu { dst, .. }
            | VInst::AluShifted { dst, .. }
            | VInst::SetCond { dst, .. }
            | VInst::Load { dst, .. }
            | VInst::Call { dst, .. }
            | VInst::SlotLoad { dst, .. }
            | VInst::SlotAddr { dst, .. } => Some(dst),
            VInst::Store { .. } | VInst::SlotStore { .. } => None,
        }
    }

    /// Whether the instruction does more than define its result (so it stays when the
    /// result is unused).
    pub fn has_effect(&self) -> bool {
        matches!(
            self,
            VInst::Store { .. } | VInst::Call { .. } | VInst::SlotStore { .. }
        )
    }

    pub fn uses(&self) -> Vec<VReg> {
        match *self {
            VInst::Call { ref args, .. } => args.clone(),
            VInst::SlotStore { src, .. } => vec![src],
            VInst::SlotLoad { .. } | VInst::SlotAddr { .. } => vec![],
            VInst::MovImm { .. } => vec![],
            VInst::Mov { src, .. } => vec![src],
            VInst::AluShifted { a, b, .. } => vec![a, b],
            VInst::Alu { a, b, .. } | VInst::SetCond { a, b, .. } => {
                [Some(a), opnd_uses(b)].into_iter().flatten().collect()
            }
            VInst::Load { base, index, .. } => [Some(base), index_uses(index)]
                .into_iter()
                .flatten()
                .collect(),
            VInst::Store {
                src, base, index, ..
            } => [Some(src), Some(base), index_uses(index)]
                .into_iter()
                .flatten()
                .collect(),
        }
    }
}

impl VTerm {
    pub fn uses(&self) -> Vec<VReg> {
        match *self {
            VTerm::Jump(_) => vec![],
            VTerm::Branch { a, b, .. } => [Some(a), opnd_uses(b)].into_iter().flatten().collect(),
            VTerm::Return(v) => vec![v],
            VTerm::Raise => vec![],
        }
    }

    pub fn successors(&self) -> Vec<usize> {
        match *self {
            VTerm::Jump(t) => vec![t],
            VTerm::Branch { then, else_, .. } => vec![then, else_],
            VTerm::Return(_) | VTerm::Raise => vec![],
        }
    }
}

/// The most instructions a block may have for a jump to it to take a copy of it.
const TAIL_COPY_MAX: usize = 2;

impl VCode {
    /// Whether the function calls helpers (and so keeps the fun table in `r7`).
    pub fn has_calls(&self) -> bool {
        self.blocks
            .iter()
            .flat_map(|b| &b.insts)
            .any(|i| matches!(i, VInst::Call { .. }))
    }

    /// Points every branch past blocks that only jump on, so those blocks go unreached, and
    /// copies into a jump the branch of a block that does nothing else.
    pub fn thread_jumps(&mut self) {
        let n = self.blocks.len();
        let forward = |blocks: &[VBlock], mut t: usize| {
            for _ in 0..n {
                match blocks[t].term {
                    VTerm::Jump(u) if blocks[t].insts.is_empty() && u != t => t = u,
                    _ => break,
                }
            }
            t
        };
        for b in 0..n {
            let mut term = self.blocks[b].term.clone();
            // A jump to a short block that ends in a branch (a loop's latch: `i += 1`, test)
            // takes a copy of it instead: the back edge then steps, tests and loops without
            // the jump, and a loop body's `if` no longer jumps to a shared latch.
            if let VTerm::Jump(t) = term {
                let t = forward(&self.blocks, t);
                if let VBlock {
                    insts,
                    term: branch @ VTerm::Branch { .. },
                } = &self.blocks[t]
                {
                    if t != b && insts.len() <= TAIL_COPY_MAX {
                        let copied = insts.clone();
                        term = branch.clone();
                        self.blocks[b].insts.extend(copied);
                    }
                }
            }
            match &mut term {
                VTerm::Jump(t) => *t = forward(&self.blocks, *t),
                VTerm::Branch { then, else_, .. } => {
                    *then = forward(&self.blocks, *then);
                    *else_ = forward(&self.blocks, *else_);
                }
                VTerm::Return(_) | VTerm::Raise => {}
            }
            self.blocks[b].term = term;
        }
    }

    /// Keeps only the blocks reachable from the entry, in their order, renumbered.
    pub fn prune_unreachable(&mut self) {
        let mut seen = vec![false; self.blocks.len()];
        let mut stack = vec![0];
        while let Some(b) = stack.pop() {
            if !std::mem::replace(&mut seen[b], true) {
                stack.extend(self.blocks[b].term.successors());
            }
        }
        let mut number = vec![0; self.blocks.len()];
        let mut n = 0;
        for (b, &kept) in seen.iter().enumerate() {
            number[b] = n;
            n += usize::from(kept);
        }
        let blocks = std::mem::take(&mut self.blocks);
        for (b, mut block) in blocks.into_iter().enumerate() {
            if !seen[b] {
                continue;
            }
            match &mut block.term {
                VTerm::Jump(t) => *t = number[*t],
                VTerm::Branch { then, else_, .. } => {
                    *then = number[*then];
                    *else_ = number[*else_];
                }
                VTerm::Return(_) | VTerm::Raise => {}
            }
            self.blocks.push(block);
        }
    }

    /// Drops every instruction whose result nothing reads, until none is left (stores stay).
    pub fn remove_dead(&mut self) {
        loop {
            let mut used = vec![false; self.n_vregs];
            for block in &self.blocks {
                let uses = block.insts.iter().flat_map(|i| i.uses());
                for v in uses.chain(block.term.uses()) {
                    used[v.0 as usize] = true;
                }
            }
            let mut changed = false;
            for block in &mut self.blocks {
                let before = block.insts.len();
                block
                    .insts
                    .retain(|i| i.has_effect() || i.def().is_none_or(|d| used[d.0 as usize]));
                changed |= block.insts.len() != before;
            }
            if !changed {
                return;
            }
        }
    }
}

/// The ARM condition for a MIR comparison.
fn arm_cond(cond: emit::mir::Cond) -> Cond {
    use emit::mir::Cond as M;
    match cond {
        M::Eq => Cond::Eq,
        M::Ne => Cond::Ne,
        M::Lt => Cond::Lt,
        M::Le => Cond::Le,
        M::Gt => Cond::Gt,
        M::Ge => Cond::Ge,
        M::LtU => Cond::Lo,
        M::LeU => Cond::Ls,
        M::GtU => Cond::Hi,
        M::GeU => Cond::Hs,
    }
}

/// The condition that holds for `b ? a` when `cond` holds for `a ? b`.
fn swapped(cond: Cond) -> Cond {
    match cond {
        Cond::Lt => Cond::Gt,
        Cond::Gt => Cond::Lt,
        Cond::Le => Cond::Ge,
        Cond::Ge => Cond::Le,
        Cond::Lo => Cond::Hi,
        Cond::Hi => Cond::Lo,
        Cond::Ls => Cond::Hs,
        Cond::Hs => Cond::Ls,
        other => other,
    }
}

/// `op` with immediate `imm`, or an equivalent operation on an immediate some encoding of
/// it takes whatever registers it gets on `arch`.
fn fold_alu(arch: Arch, op: AluOp, imm: u32) -> Option<(AluOp, u32)> {
    let v7 = arch == Arch::V7M;
    let fits_add = |imm: u32| {
        if v7 {
            imm < 4096 || modified_imm(imm).is_some()
        } else {
            imm <= 0xff
        }
    };
    let flip = |op| {
        if op == AluOp::Add {
            AluOp::Sub
        } else {
            AluOp::Add
        }
    };
    match op {
        AluOp::Add | AluOp::Sub if fits_add(imm) => Some((op, imm)),
        AluOp::Add | AluOp::Sub if fits_add(imm.wrapping_neg()) => {
            Some((flip(op), imm.wrapping_neg()))
        }
        AluOp::And if v7 && modified_imm(imm).is_none() && modified_imm(!imm).is_some() => {
            Some((AluOp::Bic, !imm))
        }
        AluOp::And | AluOp::Orr | AluOp::Eor if v7 && modified_imm(imm).is_some() => {
            Some((op, imm))
        }
        AluOp::Rsb if (v7 && modified_imm(imm).is_some()) || imm == 0 => Some((op, imm)),
        AluOp::Lsl | AluOp::Lsr | AluOp::Asr => Some((op, imm & 31)),
        // A multiply by a power of two is a shift (the low 32 bits agree).
        AluOp::Mul if imm.is_power_of_two() => Some((AluOp::Lsl, imm.trailing_zeros())),
        _ => None,
    }
}

/// Whether `cmp` (or `cmn` of the negation) takes `imm` on `arch`.
fn fold_cmp(arch: Arch, imm: u32) -> bool {
    match arch {
        Arch::V7M => modified_imm(imm).is_some() || modified_imm(imm.wrapping_neg()).is_some(),
        Arch::V6M => imm <= 0xff,
    }
}

/// Whether an access of `size` bytes takes offset `imm` whatever registers it gets.
fn fold_offset(arch: Arch, size: u32, imm: u32) -> bool {
    let offset = imm as i32;
    match arch {
        Arch::V7M => (-255..4096).contains(&offset),
        Arch::V6M => offset >= 0 && offset % size as i32 == 0 && offset / (size as i32) < 32,
    }
}

fn alu_op(op: BinOp) -> AluOp {
    match op {
        BinOp::Add => AluOp::Add,
        BinOp::Sub => AluOp::Sub,
        BinOp::Mul => AluOp::Mul,
        BinOp::And => AluOp::And,
        BinOp::Or => AluOp::Orr,
        BinOp::Xor => AluOp::Eor,
        BinOp::Shl => AluOp::Lsl,
        BinOp::Sar => AluOp::Asr,
        BinOp::Shr => AluOp::Lsr,
    }
}

fn eval(op: BinOp, a: u32, b: u32) -> u32 {
    match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Shl => a << (b & 31),
        BinOp::Sar => ((a as i32) >> (b & 31)) as u32,
        BinOp::Shr => a >> (b & 31),
    }
}

/// Facts about the MIR that selection consults.
struct Facts {
    /// How many instructions assign each vreg.
    n_defs: Vec<u32>,
    /// How many instructions and terminators read each vreg.
    n_uses: Vec<u32>,
    /// The value of each vreg assigned once, by a constant or arithmetic on constants.
    consts: HashMap<VReg, u32>,
}

impl Facts {
    fn new(func: &Func) -> Facts {
        let n = func.vregs.len();
        let mut facts = Facts {
            n_defs: vec![0; n],
            n_uses: vec![0; n],
            consts: HashMap::new(),
        };
        for p in &func.params {
            facts.n_defs[p.0 as usize] += 1;
        }
        for block in &func.blocks {
            for inst in &block.insts {
                if let Some(d) = inst.def() {
                    facts.n_defs[d.0 as usize] += 1;
                }
                for u in inst.uses() {
                    facts.n_uses[u.0 as usize] += 1;
                }
            }
            match &block.term {
                Some(Term::Branch { cond: v, .. }) | Some(Term::Return(v)) => {
                    facts.n_uses[v.0 as usize] += 1
                }
                _ => {}
            }
        }
        for block in &func.blocks {
            for inst in &block.insts {
                let value = match *inst {
                    Inst::Const { value, .. } => Some(value),
                    Inst::Bin { op, a, b, .. } => {
                        match (facts.consts.get(&a), facts.consts.get(&b)) {
                            (Some(&a), Some(&b)) => Some(eval(op, a, b)),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                if let (Some(value), Some(d)) = (value, inst.def()) {
                    if facts.n_defs[d.0 as usize] == 1 {
                        facts.consts.insert(d, value);
                    }
                }
            }
        }
        facts
    }

    fn konst(&self, v: VReg) -> Option<u32> {
        self.consts.get(&v).copied()
    }

    fn single_use(&self, v: VReg) -> bool {
        self.n_defs[v.0 as usize] == 1 && self.n_uses[v.0 as usize] == 1
    }
}

/// Selects instructions for `func`; an error names the first MIR instruction this backend
/// cannot yet compile.
pub fn select(func: &Func, arch: Arch) -> Result<VCode, String> {
    let func = &crate::copies::remove_copies(func);
    let facts = Facts::new(func);
    let mut blocks = Vec::new();
    let mut n_vregs = func.vregs.len();
    for block in &func.blocks {
        let mut sel = BlockSelector {
            arch,
            func,
            facts: &facts,
            insts: &block.insts,
            out: Vec::new(),
            n_vregs: &mut n_vregs,
        };
        for (i, inst) in block.insts.iter().enumerate() {
            sel.inst(i, inst)?;
        }
        let term = match block.term.as_ref().ok_or("unterminated block")? {
            Term::Jump(t) => VTerm::Jump(t.0 as usize),
            Term::Branch { cond, then, else_ } => sel.branch(*cond, *then, *else_),
            Term::Return(v) => VTerm::Return(*v),
            Term::Raise => VTerm::Raise,
            Term::Yield { .. } => return Err("generators are not supported on Thumb yet".into()),
        };
        blocks.push(VBlock {
            insts: sel.out,
            term,
        });
    }
    let mut vcode = VCode {
        blocks,
        params: func.params.clone(),
        n_vregs,
        frame_slots: func.frame_slots,
    };
    // Dead copies first: they are what keeps most forwarding blocks from being empty.
    vcode.remove_dead();
    vcode.thread_jumps();
    vcode.prune_unreachable();
    Ok(vcode)
}

struct BlockSelector<'a> {
    arch: Arch,
    func: &'a Func,
    facts: &'a Facts,
    insts: &'a [Inst],
    out: Vec<VInst>,
    /// The vregs in use: MIR's, then those selection makes.
    n_vregs: &'a mut usize,
}

impl BlockSelector<'_> {
    /// Whether `block` only passes an exception on to the caller.
    fn propagates(&self, block: BlockId) -> bool {
        let b = &self.func.blocks[block.0 as usize];
        b.insts.is_empty() && b.term == Some(Term::Raise)
    }

    /// The instruction of this block, before `before`, that assigns `v`, when it is the
    /// only assignment of `v` and none of `parts` is assigned again until `before`.
    fn local_def(
        &self,
        v: VReg,
        before: usize,
        parts: impl Fn(&Inst) -> Vec<VReg>,
    ) -> Option<&Inst> {
        if !self.facts.single_use(v) {
            return None;
        }
        let at = self.insts[..before]
            .iter()
            .rposition(|i| i.def() == Some(v))?;
        let def = &self.insts[at];
        let parts = parts(def);
        let clobbered = self.insts[at + 1..before]
            .iter()
            .any(|i| i.def().is_some_and(|d| parts.contains(&d)));
        (!clobbered).then_some(def)
    }

    fn inst(&mut self, at: usize, inst: &Inst) -> Result<(), String> {
        let facts = self.facts;
        let v = match *inst {
            Inst::Const { dst, value } => VInst::MovImm { dst, value },
            Inst::Copy { dst, src } => match facts.konst(src) {
                Some(value) => VInst::MovImm { dst, value },
                None => VInst::Mov { dst, src },
            },
            Inst::Bin { dst, op, a, b } => match facts.konst(dst) {
                Some(value) => VInst::MovImm { dst, value },
                None => self
                    .shifted_operand(at, dst, op, a, b)
                    .unwrap_or_else(|| self.bin(dst, op, a, b)),
            },
            Inst::Cmp { dst, cond, a, b } => {
                let (cond, a, b) = self.compare(arm_cond(cond), a, b);
                VInst::SetCond { dst, cond, a, b }
            }
            Inst::Load { dst, width, addr } => {
                let op = match width {
                    Width::W8 => MemOp::Ldrb,
                    Width::W16 => MemOp::Ldrh,
                    Width::W32 => MemOp::Ldr,
                };
                let (base, index) = self.address(at, addr, op.size());
                VInst::Load {
                    op,
                    dst,
                    base,
                    index,
                }
            }
            Inst::Store { width, addr, value } => {
                let op = match width {
                    Width::W8 => MemOp::Strb,
                    Width::W16 => MemOp::Strh,
                    Width::W32 => MemOp::Str,
                };
                let (base, index) = self.address(at, addr, op.size());
                VInst::Store {
                    op,
                    src: value,
                    base,
                    index,
                }
            }
            Inst::Call {
                dst,
                helper,
                ref args,
                on_raise,
            } => {
                // A helper that raises does not return, so the exception edge is no edge;
                // one that leads anywhere but out of the function needs a handler.
                if !self.propagates(on_raise) {
                    return Err("exception handlers need the native ABI's nlr frames \
                                (not yet on thumb2)"
                        .into());
                }
                VInst::Call {
                    dst,
                    index: helper.index(),
                    args: args.clone(),
                }
            }
            Inst::StoreSlot { slot, value } => VInst::SlotStore { slot, src: value },
            Inst::LoadSlot { dst, slot } => VInst::SlotLoad { dst, slot },
            Inst::SlotAddr { dst, slot } => VInst::SlotAddr { dst, slot },
            _ => return Err(format!("`{inst}` needs the native ABI (not yet on thumb2)")),
        };
        self.out.push(v);
        Ok(())
    }

    /// `a op (x << k)` on ARMv7-M when an operand is `x << k` or `x * 2**k` (k 1 to 3),
    /// computed in this block for this use alone: the shift rides on the operation.
    fn shifted_operand(&self, at: usize, dst: VReg, op: BinOp, a: VReg, b: VReg) -> Option<VInst> {
        if self.arch != Arch::V7M {
            return None;
        }
        let op = match op {
            BinOp::Add => AluOp::Add,
            BinOp::Sub => AluOp::Sub,
            BinOp::And => AluOp::And,
            BinOp::Or => AluOp::Orr,
            BinOp::Xor => AluOp::Eor,
            _ => return None,
        };
        let scaled = |v: VReg| -> Option<(VReg, u8)> {
            let &Inst::Bin { op, a, b, .. } = self.local_def(v, at, |i| i.uses())? else {
                return None;
            };
            let (x, k) = match (op, self.facts.konst(a), self.facts.konst(b)) {
                (BinOp::Shl, _, Some(k)) => (a, k),
                (BinOp::Mul, _, Some(m)) if m.is_power_of_two() => (a, m.trailing_zeros()),
                (BinOp::Mul, Some(m), _) if m.is_power_of_two() => (b, m.trailing_zeros()),
                _ => return None,
            };
            (1..=3).contains(&k).then_some((x, k as u8))
        };
        let (a, (b, shift)) = match (scaled(b), scaled(a)) {
            (Some(x), _) => (a, x),
            (None, Some(x)) if op != AluOp::Sub => (b, x),
            _ => return None,
        };
        Some(VInst::AluShifted {
            op,
            dst,
            a,
            b,
            shift,
        })
    }

    fn bin(&self, dst: VReg, op: BinOp, a: VReg, b: VReg) -> VInst {
        let op = alu_op(op);
        let commutes = matches!(
            op,
            AluOp::Add | AluOp::Mul | AluOp::And | AluOp::Orr | AluOp::Eor
        );
        let folded = |x: VReg, op| {
            let imm = self.facts.konst(x)?;
            fold_alu(self.arch, op, imm)
        };
        if let Some((op, imm)) = folded(b, op) {
            if matches!(op, AluOp::Lsl | AluOp::Lsr | AluOp::Asr) && imm == 0 {
                return VInst::Mov { dst, src: a };
            }
            return VInst::Alu {
                op,
                dst,
                a,
                b: VOpnd::Imm(imm),
            };
        }
        let swapped_op = match op {
            _ if commutes => Some(op),
            AluOp::Sub => Some(AluOp::Rsb),
            _ => None,
        };
        if let Some((op, imm)) = swapped_op.and_then(|op| folded(a, op)) {
            return VInst::Alu {
                op,
                dst,
                a: b,
                b: VOpnd::Imm(imm),
            };
        }
        VInst::Alu {
            op,
            dst,
            a,
            b: VOpnd::Reg(b),
        }
    }

    /// `a cond b` with an immediate folded in where `cmp`/`cmn` takes it.
    fn compare(&self, cond: Cond, a: VReg, b: VReg) -> (Cond, VReg, VOpnd) {
        let foldable = |v: VReg| self.facts.konst(v).filter(|&i| fold_cmp(self.arch, i));
        if let Some(imm) = foldable(b) {
            (cond, a, VOpnd::Imm(imm))
        } else if let Some(imm) = foldable(a) {
            (swapped(cond), b, VOpnd::Imm(imm))
        } else {
            (cond, a, VOpnd::Reg(b))
        }
    }

    fn new_vreg(&mut self) -> VReg {
        *self.n_vregs += 1;
        VReg(*self.n_vregs as u32 - 1)
    }

    /// Whether no instruction of the block from `from` to `to` assigns `v`.
    fn unchanged(&self, v: VReg, from: usize, to: usize) -> bool {
        !self.insts[from..to].iter().any(|i| i.def() == Some(v))
    }

    /// For an index `offset` (the instruction at `at` uses it) that is `(x ± c) << k`, with
    /// `x` unchanged until `until`: `(x, (±c) << k, k)`.
    fn offset_index(&self, offset: VReg, at: usize, until: usize) -> Option<(VReg, u32, u32)> {
        let def_at = self.insts[..at]
            .iter()
            .rposition(|i| i.def() == Some(offset))?;
        let (sum, k) = match self.local_def(offset, at, |i| i.uses())? {
            &Inst::Bin {
                op: BinOp::Shl,
                a,
                b,
                ..
            } => (a, self.facts.konst(b).filter(|&k| k <= 3)?),
            _ => (offset, 0),
        };
        let &Inst::Bin { op, a: x, b: c, .. } = self.local_def(sum, def_at + 1, |i| i.uses())?
        else {
            return None;
        };
        let c = self.facts.konst(c)?;
        let c = match op {
            BinOp::Add => c,
            BinOp::Sub => c.wrapping_neg(),
            _ => return None,
        };
        let sum_at = self.insts[..=def_at]
            .iter()
            .rposition(|i| i.def() == Some(sum))?;
        self.unchanged(x, sum_at, until)
            .then_some((x, c.wrapping_shl(k), k))
    }

    /// The base and index of an access of `size` bytes at `addr`, the instruction at `at`.
    fn address(&mut self, at: usize, addr: VReg, size: u32) -> (VReg, Index) {
        let whole = (addr, Index::Imm(0));
        let Some(&Inst::Bin {
            op: BinOp::Add,
            a,
            b,
            ..
        }) = self.local_def(addr, at, |i| i.uses())
        else {
            return whole;
        };
        for (base, offset) in [(a, b), (b, a)] {
            if let Some(imm) = self.facts.konst(offset) {
                if fold_offset(self.arch, size, imm) {
                    return (base, Index::Imm(imm as i32));
                }
            }
        }
        let def_at = self.insts[..at]
            .iter()
            .rposition(|i| i.def() == Some(addr))
            .expect("found above");
        // `base[x ± c]`: the constant goes into the access's offset, `base + x` (scaled) into
        // a vreg that the block's other accesses near `x` share (through `cse`). Where the
        // access can scale a register index itself (ARMv7-M) that is only worth it unscaled.
        if let Some((x, offset, k)) = self.offset_index(b, def_at, at) {
            let worth = k == 0 || self.arch == Arch::V6M;
            if worth && fold_offset(self.arch, size, offset) && self.unchanged(a, def_at, at) {
                let scaled = if k == 0 {
                    x
                } else {
                    let scaled = self.new_vreg();
                    self.out.push(VInst::Alu {
                        op: AluOp::Lsl,
                        dst: scaled,
                        a: x,
                        b: VOpnd::Imm(k),
                    });
                    scaled
                };
                let base = self.new_vreg();
                self.out.push(VInst::Alu {
                    op: AluOp::Add,
                    dst: base,
                    a,
                    b: VOpnd::Reg(scaled),
                });
                return (base, Index::Imm(offset as i32));
            }
        }
        if self.arch == Arch::V7M {
            if let Some(&Inst::Bin {
                op: BinOp::Shl,
                a: index,
                b: shift,
                ..
            }) = self.local_def(b, def_at, |i| i.uses())
            {
                // The index must still hold its value at the access, not just at the add.
                let redefined = self.insts[def_at..at]
                    .iter()
                    .any(|i| i.def() == Some(index));
                match self.facts.konst(shift) {
                    Some(k) if k <= 3 && !redefined => return (a, Index::Reg(index, k as u8)),
                    _ => {}
                }
            }
        }
        (a, Index::Reg(b, 0))
    }

    fn branch(&mut self, cond: VReg, then: BlockId, else_: BlockId) -> VTerm {
        let (then, else_) = (then.0 as usize, else_.0 as usize);
        let end = self.insts.len();
        let branch = |cond, a, b, test| VTerm::Branch {
            cond,
            a,
            b,
            test,
            then,
            else_,
        };
        // `if x & mask:` and `if x & mask == 0:` test the bits (`tst`) instead of computing
        // the `and` and comparing it.
        if let Some((x, mask)) = self.masked(cond, end, end) {
            return branch(Cond::Ne, x, VOpnd::Imm(mask), true);
        }
        if let Some(&Inst::Cmp { cond: c, a, b, .. }) = self.local_def(cond, end, |i| i.uses()) {
            let cmp_at = self.insts.iter().rposition(|i| i.def() == Some(cond));
            let zero_test = matches!(c, emit::mir::Cond::Eq | emit::mir::Cond::Ne)
                && self.facts.konst(b) == Some(0);
            if let (true, Some(cmp_at)) = (zero_test, cmp_at) {
                if let Some((x, mask)) = self.masked(a, cmp_at, end) {
                    return branch(arm_cond(c), x, VOpnd::Imm(mask), true);
                }
            }
            let (cond, a, b) = self.compare(arm_cond(c), a, b);
            return branch(cond, a, b, false);
        }
        branch(Cond::Ne, cond, VOpnd::Imm(0), false)
    }

    /// `(x, mask)` when `v` is `x & mask` (a constant mask), computed in this block before
    /// `before` and used only there, with `x` unchanged until `until`.
    fn masked(&self, v: VReg, before: usize, until: usize) -> Option<(VReg, u32)> {
        let &Inst::Bin {
            op: BinOp::And,
            a,
            b,
            ..
        } = self.local_def(v, before, |i| i.uses())?
        else {
            return None;
        };
        let (x, mask) = match (self.facts.konst(a), self.facts.konst(b)) {
            (_, Some(mask)) => (a, mask),
            (Some(mask), None) => (b, mask),
            (None, None) => return None,
        };
        let def_at = self.insts[..before]
            .iter()
            .rposition(|i| i.def() == Some(v))?;
        let changed = self.insts[def_at..until].iter().any(|i| i.def() == Some(x));
        (!changed).then_some((x, mask))
    }
}
