//! Instruction selection: MIR (copies removed) to [`VCode`], RV32-shaped instructions over
//! MIR's vregs, decided before registers exist so the allocator sees only values that need
//! one:
//! - a constant (a vreg assigned once, by `Const`) folds into `addi`/`andi`/`ori`/`xori`/
//!   shift immediates when it fits 12 bits, and a `0` operand of a comparison becomes `x0`;
//! - a comparison whose only use is the branch ending its block becomes that branch
//!   (`blt`, `bgeu`, ...), its operands swapped for `>` and `<=`;
//! - a load or store whose address is `base + constant`, computed earlier in its block with
//!   `base` not reassigned since, takes the constant as its offset.
//!
//! Values left unused (folded constants, absorbed additions, fused comparisons) are dropped.

use super::encode::{AluOp, Cond, ImmOp, LoadOp, StoreOp};
use emit::mir::{self, BinOp, Func, Helper, Inst, Term, Ty, VReg, Width};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VInst {
    Li {
        dst: VReg,
        value: u32,
    },
    Mov {
        dst: VReg,
        src: VReg,
    },
    Op {
        op: AluOp,
        dst: VReg,
        a: VReg,
        b: VReg,
    },
    OpImm {
        op: ImmOp,
        dst: VReg,
        a: VReg,
        imm: i32,
    },
    /// `dst = (a cond b) ? 1 : 0`.
    SetCond {
        cond: mir::Cond,
        dst: VReg,
        a: VReg,
        b: VReg,
    },
    Load {
        op: LoadOp,
        dst: VReg,
        base: VReg,
        offset: i32,
    },
    Store {
        op: StoreOp,
        src: VReg,
        base: VReg,
        offset: i32,
    },
    /// `dst = fun_table[index](args)`: arguments in `a0`-`a2`, result in `a0`; a helper
    /// that raises does not return.
    Call {
        dst: VReg,
        index: u32,
        args: Vec<VReg>,
    },
    /// Frame slot `slot` (a stack word the GC scans) = `src`.
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

/// A branch operand: a vreg or the zero register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opnd {
    Reg(VReg),
    Zero,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VTerm {
    Jump(usize),
    /// To `then` if `a cond b`, else to `else_`.
    Branch {
        cond: Cond,
        a: Opnd,
        b: Opnd,
        then: usize,
        else_: usize,
    },
    Return(VReg),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VBlock {
    pub insts: Vec<VInst>,
    pub term: VTerm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VCode {
    pub blocks: Vec<VBlock>,
    pub params: Vec<VReg>,
    pub n_vregs: usize,
    /// Words of frame slots the function needs.
    pub frame_slots: u32,
}

impl VInst {
    pub fn def(&self) -> Option<VReg> {
        match self {
            VInst::Li { dst, .. }
            | VInst::Mov { dst, .. }
            | VInst::Op { dst, .. }
            | VInst::OpImm { dst, .. }
            | VInst::SetCond { dst, .. }
            | VInst::Load { dst, .. }
            | VInst::Call { dst, .. }
            | VInst::SlotLoad { dst, .. }
            | VInst::SlotAddr { dst, .. } => Some(*dst),
            VInst::Store { .. } | VInst::SlotStore { .. } => None,
        }
    }

    pub fn uses(&self) -> Vec<VReg> {
        match self {
            VInst::Li { .. } | VInst::SlotLoad { .. } | VInst::SlotAddr { .. } => vec![],
            VInst::Call { args, .. } => args.clone(),
            VInst::SlotStore { src, .. } => vec![*src],
            VInst::Mov { src, .. } => vec![*src],
            VInst::Op { a, b, .. } | VInst::SetCond { a, b, .. } => vec![*a, *b],
            VInst::OpImm { a, .. } => vec![*a],
            VInst::Load { base, .. } => vec![*base],
            VInst::Store { src, base, .. } => vec![*src, *base],
        }
    }
}

impl VTerm {
    pub fn uses(&self) -> Vec<VReg> {
        match self {
            VTerm::Jump(_) => vec![],
            VTerm::Branch { a, b, .. } => [a, b]
                .iter()
                .filter_map(|o| match o {
                    Opnd::Reg(v) => Some(*v),
                    Opnd::Zero => None,
                })
                .collect(),
            VTerm::Return(v) => vec![*v],
        }
    }

    pub fn successors(&self) -> Vec<usize> {
        match self {
            VTerm::Jump(b) => vec![*b],
            VTerm::Branch { then, else_, .. } => vec![*then, *else_],
            VTerm::Return(_) => vec![],
        }
    }
}

/// `func` without the stores that root objects in frame slots when nothing reads them
/// back: the slots let the GC see objects across helper calls, and a function that makes
/// none never collects while it runs.
pub fn without_unread_roots(func: &Func) -> Func {
    let mut func = func.clone();
    let reads_slots = func.blocks.iter().flat_map(|b| &b.insts).any(|i| {
        matches!(
            i,
            Inst::Call { .. } | Inst::LoadSlot { .. } | Inst::SlotAddr { .. }
        )
    });
    if !reads_slots {
        for block in &mut func.blocks {
            block.insts.retain(|i| !matches!(i, Inst::StoreSlot { .. }));
        }
        func.frame_slots = 0;
    }
    func
}

/// Whether the object word `value`, as krait's compiler writes it, means the same on the
/// device: small ints and immediate objects (`None`, `True`, `False`) are encoded alike;
/// anything else is an address in krait's heap.
fn same_object_on_device(value: u32) -> bool {
    value & 1 == 1 || value & 0b111 == 0b110 || value <= 8
}

/// Helpers whose arguments mean the same on the device as in krait's MIR, attributes and
/// globals once their qstrs come from the module's tables (`Rv32Target` rewrites them so,
/// and its entry makes the module's globals current).
fn same_on_device(helper: Helper) -> bool {
    use Helper::*;
    matches!(
        helper,
        LoadAttr
            | StoreAttr
            | LoadGlobal
            | StoreGlobal
            | ConvertObjToNative
            | ConvertNativeToObj
            | ObjSubscr
            | ObjIsTrue
            | UnaryOp
            | BinaryOp
            | BuildTuple
            | BuildList
            | BuildMap
            | StoreMap
            | NativeCallFunctionNKw
            | UnpackSequence
            | SmallIntFloorDivide
            | SmallIntModulo
            | NativeRaise
    )
}

/// Whether `func` reads or writes globals.
pub fn uses_globals(func: &Func) -> bool {
    func.blocks.iter().flat_map(|b| &b.insts).any(|i| {
        matches!(
            i,
            Inst::Call {
                helper: Helper::LoadGlobal | Helper::StoreGlobal | Helper::DeleteGlobal,
                ..
            }
        )
    })
}

/// The blocks reached from the entry without taking an exception edge: on the device a
/// helper that raises does not return (it unwinds through `nlr`), so the others never run.
pub fn normally_reached(func: &Func) -> Vec<bool> {
    let mut reached = vec![false; func.blocks.len()];
    let mut work = vec![0];
    while let Some(b) = work.pop() {
        if !std::mem::replace(&mut reached[b], true) {
            let term = func.blocks[b].term.iter().flat_map(|t| t.successors());
            work.extend(term.map(|s| s.0 as usize));
        }
    }
    reached
}

/// What of `func` this backend cannot compile yet, if anything.
pub fn unsupported(func: &Func) -> Option<String> {
    if func.params.len() > 8 {
        return Some("more than eight arguments".into());
    }
    let reached = normally_reached(func);
    // Helper calls first: the constants and tables below mostly come with them.
    let insts = || func.blocks.iter().flat_map(|b| &b.insts);
    if let Some(helper) = insts().find_map(|i| match i {
        Inst::Call { helper, .. } if !same_on_device(*helper) => Some(helper),
        _ => None,
    }) {
        return Some(format!("helper calls ({})", helper.name()));
    }
    for (block, reached) in func.blocks.iter().zip(reached) {
        for inst in &block.insts {
            let what = match inst {
                Inst::LoadConst { .. } => "constant objects".into(),
                Inst::LoadQstr { .. } => "qstr objects".into(),
                // A handler needs an `nlr` frame around what it guards.
                Inst::CatchException { .. } => "exception handlers".into(),
                // Only `@micropython.native` code has these.
                Inst::Bits { .. } | Inst::Tick { .. } => "native code".into(),
                Inst::Const { dst, value }
                    if func.ty(*dst) == Ty::Obj && !same_object_on_device(*value) =>
                {
                    "object constants other than None, True, False and small ints".into()
                }
                _ => continue,
            };
            return Some(what);
        }
        if reached && matches!(block.term, Some(Term::Raise)) {
            return Some("raising exceptions".into());
        }
        if matches!(block.term, Some(Term::Yield { .. })) {
            return Some("generators".into());
        }
    }
    None
}

fn fits12(v: i32) -> bool {
    (-2048..2048).contains(&v)
}

/// `func` (copies already removed) as [`VCode`]; an error names what is not supported.
pub fn select(func: &Func) -> Result<VCode, String> {
    if let Some(what) = unsupported(func) {
        return Err(format!("rv32: {what} not supported yet"));
    }
    let mut defs: HashMap<VReg, usize> = HashMap::new();
    let mut uses: HashMap<VReg, usize> = HashMap::new();
    let mut consts: HashMap<VReg, u32> = HashMap::new();
    for p in &func.params {
        *defs.entry(*p).or_default() += 1;
    }
    for block in &func.blocks {
        for inst in &block.insts {
            if let Some(d) = inst.def() {
                *defs.entry(d).or_default() += 1;
                if let Inst::Const { value, .. } = inst {
                    consts.insert(d, *value);
                }
            }
            for u in inst.uses() {
                *uses.entry(u).or_default() += 1;
            }
        }
        match &block.term {
            Some(Term::Branch { cond, .. }) => *uses.entry(*cond).or_default() += 1,
            Some(Term::Return(v)) => *uses.entry(*v).or_default() += 1,
            _ => {}
        }
    }
    consts.retain(|v, _| defs.get(v) == Some(&1));
    let s = Selector { consts };
    let mut blocks = Vec::new();
    for block in &func.blocks {
        let term = block.term.as_ref().ok_or("a block without terminator")?;
        blocks.push(s.block(&block.insts, term, &uses));
    }
    let mut vcode = VCode {
        blocks,
        params: func.params.clone(),
        n_vregs: func.vregs.len(),
        frame_slots: func.frame_slots,
    };
    remove_dead(&mut vcode);
    vcode.thread_jumps();
    vcode.order_blocks();
    Ok(vcode)
}

struct Selector {
    /// Vregs assigned once, by a constant.
    consts: HashMap<VReg, u32>,
}

impl Selector {
    fn small(&self, v: VReg) -> Option<i32> {
        self.consts
            .get(&v)
            .map(|c| *c as i32)
            .filter(|c| fits12(*c))
    }

    fn opnd(&self, v: VReg) -> Opnd {
        if self.consts.get(&v) == Some(&0) {
            Opnd::Zero
        } else {
            Opnd::Reg(v)
        }
    }

    fn block(&self, insts: &[Inst], term: &Term, uses: &HashMap<VReg, usize>) -> VBlock {
        // `addr = base + k` in this block, while `base` keeps its value.
        let mut offsets: HashMap<VReg, (VReg, i32)> = HashMap::new();
        let mut out = Vec::new();
        let fused = fused_compare(insts, term, uses);
        for (i, inst) in insts.iter().enumerate() {
            if fused.map(|(at, ..)| at) == Some(i) {
                continue;
            }
            if let Some(d) = inst.def() {
                offsets.retain(|addr, (base, _)| *addr != d && *base != d);
            }
            match inst {
                Inst::Const { dst, value } => out.push(VInst::Li {
                    dst: *dst,
                    value: *value,
                }),
                Inst::Copy { dst, src } => out.push(VInst::Mov {
                    dst: *dst,
                    src: *src,
                }),
                Inst::Bin { dst, op, a, b } => {
                    let v = self.bin(*dst, *op, *a, *b);
                    if let VInst::OpImm {
                        op: ImmOp::Addi,
                        a,
                        imm,
                        ..
                    } = v
                    {
                        if a != *dst {
                            offsets.insert(*dst, (a, imm));
                        }
                    }
                    out.push(v);
                }
                Inst::Cmp { dst, cond, a, b } => out.push(VInst::SetCond {
                    cond: *cond,
                    dst: *dst,
                    a: *a,
                    b: *b,
                }),
                Inst::Load { dst, width, addr } => {
                    let (base, offset) = offsets.get(addr).copied().unwrap_or((*addr, 0));
                    let op = match width {
                        Width::W8 => LoadOp::Lbu,
                        Width::W16 => LoadOp::Lhu,
                        Width::W32 => LoadOp::Lw,
                    };
                    out.push(VInst::Load {
                        op,
                        dst: *dst,
                        base,
                        offset,
                    });
                }
                Inst::Store { width, addr, value } => {
                    let (base, offset) = offsets.get(addr).copied().unwrap_or((*addr, 0));
                    let op = match width {
                        Width::W8 => StoreOp::Sb,
                        Width::W16 => StoreOp::Sh,
                        Width::W32 => StoreOp::Sw,
                    };
                    out.push(VInst::Store {
                        op,
                        src: *value,
                        base,
                        offset,
                    });
                }
                Inst::Call {
                    dst, helper, args, ..
                } => out.push(VInst::Call {
                    dst: *dst,
                    index: helper.index(),
                    args: args.clone(),
                }),
                Inst::StoreSlot { slot, value } => out.push(VInst::SlotStore {
                    slot: *slot,
                    src: *value,
                }),
                Inst::LoadSlot { dst, slot } => out.push(VInst::SlotLoad {
                    dst: *dst,
                    slot: *slot,
                }),
                Inst::SlotAddr { dst, slot } => out.push(VInst::SlotAddr {
                    dst: *dst,
                    slot: *slot,
                }),
                // Refused by `unsupported`.
                _ => {}
            }
        }
        let term = match term {
            Term::Jump(b) => VTerm::Jump(b.0 as usize),
            Term::Return(v) => VTerm::Return(*v),
            Term::Branch { cond, then, else_ } => {
                let (then, else_) = (then.0 as usize, else_.0 as usize);
                match fused {
                    Some((_, c, a, b)) => {
                        let (cond, a, b) = branch_cond(c, self.opnd(a), self.opnd(b));
                        VTerm::Branch {
                            cond,
                            a,
                            b,
                            then,
                            else_,
                        }
                    }
                    None => VTerm::Branch {
                        cond: Cond::Ne,
                        a: Opnd::Reg(*cond),
                        b: Opnd::Zero,
                        then,
                        else_,
                    },
                }
            }
            // Only in blocks that exception edges alone reach (`unsupported` checks), which
            // go unreached: a helper that raises does not return.
            Term::Raise => VTerm::Jump(0),
            // Refused by `unsupported`.
            Term::Yield { .. } => VTerm::Jump(0),
        };
        VBlock { insts: out, term }
    }

    fn bin(&self, dst: VReg, op: BinOp, a: VReg, b: VReg) -> VInst {
        let imm_op = match op {
            BinOp::Add => Some(ImmOp::Addi),
            BinOp::And => Some(ImmOp::Andi),
            BinOp::Or => Some(ImmOp::Ori),
            BinOp::Xor => Some(ImmOp::Xori),
            BinOp::Shl => Some(ImmOp::Slli),
            BinOp::Shr => Some(ImmOp::Srli),
            BinOp::Sar => Some(ImmOp::Srai),
            BinOp::Sub | BinOp::Mul => None,
        };
        let shift = matches!(op, BinOp::Shl | BinOp::Shr | BinOp::Sar);
        if let Some(imm_op) = imm_op {
            if shift {
                if let Some(c) = self.consts.get(&b) {
                    return VInst::OpImm {
                        op: imm_op,
                        dst,
                        a,
                        imm: (c & 31) as i32,
                    };
                }
            } else if let Some(c) = self.small(b) {
                return VInst::OpImm {
                    op: imm_op,
                    dst,
                    a,
                    imm: c,
                };
            } else if let Some(c) = self.small(a) {
                return VInst::OpImm {
                    op: imm_op,
                    dst,
                    a: b,
                    imm: c,
                };
            }
        }
        if op == BinOp::Sub {
            if let Some(c) = self.small(b).filter(|c| *c != -2048) {
                return VInst::OpImm {
                    op: ImmOp::Addi,
                    dst,
                    a,
                    imm: -c,
                };
            }
        }
        let op = match op {
            BinOp::Add => AluOp::Add,
            BinOp::Sub => AluOp::Sub,
            BinOp::Mul => AluOp::Mul,
            BinOp::And => AluOp::And,
            BinOp::Or => AluOp::Or,
            BinOp::Xor => AluOp::Xor,
            BinOp::Shl => AluOp::Sll,
            BinOp::Shr => AluOp::Srl,
            BinOp::Sar => AluOp::Sra,
        };
        VInst::Op { op, dst, a, b }
    }
}

/// The comparison the block's branch can take over: its index, condition and operands.
fn fused_compare(
    insts: &[Inst],
    term: &Term,
    uses: &HashMap<VReg, usize>,
) -> Option<(usize, mir::Cond, VReg, VReg)> {
    let Term::Branch { cond: flag, .. } = term else {
        return None;
    };
    if uses.get(flag) != Some(&1) {
        return None;
    }
    let at = insts.iter().rposition(|i| i.def() == Some(*flag))?;
    let Inst::Cmp { cond, a, b, .. } = insts[at] else {
        return None;
    };
    // The operands must still hold their values at the branch.
    let later_defs: Vec<VReg> = insts[at + 1..].iter().filter_map(|i| i.def()).collect();
    (!later_defs.contains(&a) && !later_defs.contains(&b)).then_some((at, cond, a, b))
}

/// RV32's branch for `a cond b`: `>` and `<=` swap their operands.
fn branch_cond(cond: mir::Cond, a: Opnd, b: Opnd) -> (Cond, Opnd, Opnd) {
    use mir::Cond as C;
    match cond {
        C::Eq => (Cond::Eq, a, b),
        C::Ne => (Cond::Ne, a, b),
        C::Lt => (Cond::Lt, a, b),
        C::Ge => (Cond::Ge, a, b),
        C::Gt => (Cond::Lt, b, a),
        C::Le => (Cond::Ge, b, a),
        C::LtU => (Cond::Ltu, a, b),
        C::GeU => (Cond::Geu, a, b),
        C::GtU => (Cond::Ltu, b, a),
        C::LeU => (Cond::Geu, b, a),
    }
}

impl VCode {
    pub fn has_calls(&self) -> bool {
        self.blocks
            .iter()
            .flat_map(|b| &b.insts)
            .any(|i| matches!(i, VInst::Call { .. }))
    }

    /// Where a jump to `b` ends up: past blocks that only jump.
    fn destination(&self, mut b: usize) -> usize {
        for _ in 0..self.blocks.len() {
            match &self.blocks[b] {
                VBlock {
                    insts,
                    term: VTerm::Jump(t),
                } if insts.is_empty() && *t != b => b = *t,
                _ => break,
            }
        }
        b
    }

    /// Jumps go straight past blocks that only jump, and a jump to a block that only
    /// branches takes that branch itself (so a loop's back edge tests and loops at once).
    pub fn thread_jumps(&mut self) {
        for b in 0..self.blocks.len() {
            // A branch copied from the block a jump reaches is threaded like any other.
            let taken = match self.blocks[b].term.clone() {
                VTerm::Jump(t) => {
                    let t = self.destination(t);
                    match &self.blocks[t] {
                        VBlock { insts, term } if insts.is_empty() && t != b => match term {
                            VTerm::Branch { .. } => term.clone(),
                            VTerm::Jump(_) | VTerm::Return(_) => VTerm::Jump(t),
                        },
                        _ => VTerm::Jump(t),
                    }
                }
                t => t,
            };
            let term = match taken {
                VTerm::Branch {
                    cond,
                    a,
                    b: rhs,
                    then,
                    else_,
                } => VTerm::Branch {
                    cond,
                    a,
                    b: rhs,
                    then: self.destination(then),
                    else_: self.destination(else_),
                },
                t => t,
            };
            self.blocks[b].term = term;
        }
    }

    /// Puts the blocks the entry reaches in an order where each is followed, when possible,
    /// by where it goes next (a jump's target, a branch's `then`), so that most jumps
    /// become fall-throughs; blocks no longer reached go.
    pub fn order_blocks(&mut self) {
        let n = self.blocks.len();
        let mut placed = vec![false; n];
        let mut reached = vec![false; n];
        let mut work = vec![0];
        while let Some(b) = work.pop() {
            if !std::mem::replace(&mut reached[b], true) {
                work.extend(self.blocks[b].term.successors());
            }
        }
        let mut order = Vec::new();
        let mut next = Some(0);
        while let Some(b) = next {
            placed[b] = true;
            order.push(b);
            next = self.blocks[b]
                .term
                .successors()
                .into_iter()
                .find(|s| !placed[*s])
                .or_else(|| (0..n).find(|s| reached[*s] && !placed[*s]));
        }
        let mut index = vec![0; n];
        for (i, b) in order.iter().enumerate() {
            index[*b] = i;
        }
        let mut old: Vec<Option<VBlock>> = std::mem::take(&mut self.blocks)
            .into_iter()
            .map(Some)
            .collect();
        self.blocks = order
            .iter()
            .map(|b| {
                let mut block = old[*b].take().expect("each block placed once");
                block.term = match block.term {
                    VTerm::Jump(t) => VTerm::Jump(index[t]),
                    VTerm::Branch {
                        cond,
                        a,
                        b,
                        then,
                        else_,
                    } => VTerm::Branch {
                        cond,
                        a,
                        b,
                        then: index[then],
                        else_: index[else_],
                    },
                    t @ VTerm::Return(_) => t,
                };
                block
            })
            .collect();
    }
}

/// Drops instructions whose results nothing reads (repeatedly: a dropped one may have been
/// the only reader of another). Loads go too: viper's loads have no effect but their value.
fn remove_dead(vcode: &mut VCode) {
    loop {
        let mut used = vec![false; vcode.n_vregs];
        for block in &vcode.blocks {
            for v in block
                .insts
                .iter()
                .flat_map(|i| i.uses())
                .chain(block.term.uses())
            {
                used[v.0 as usize] = true;
            }
        }
        let mut changed = false;
        for block in &mut vcode.blocks {
            let before = block.insts.len();
            block.insts.retain(|i| {
                matches!(i, VInst::Call { .. }) || i.def().is_none_or(|d| used[d.0 as usize])
            });
            changed |= block.insts.len() != before;
        }
        if !changed {
            return;
        }
    }
}
