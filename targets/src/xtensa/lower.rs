//! A first lowering of viper bodies: `emit`'s MIR straight to [`Item`]s for
//! [`super::layout`].
//!
//! - Homes ([`super::regalloc`]): parameters stay in the registers they arrive in; the
//!   other vregs, most used first, take `a2`..`a7`, then `a12`..`a15` (which call0 code
//!   saves and restores), when no vreg live at the same time has them, else a frame word.
//! - A comparison whose only use is the branch ending its block becomes that branch
//!   (`blt a3, a4, ...`; against a constant `bgez`, `bnei a3, 8, ...` and the like when the
//!   branch holds it), inverted when its `then` block follows; other comparisons make a
//!   0/1 word.
//! - Layout: blocks that only jump on take no code (branches go past them), and a jump back
//!   to a loop's test repeats the test, so a loop costs one branch an iteration.
//! - Scratch: `a8`..`a10` for operands and results in the frame, `a11` for the base of
//!   frame words past `l32i`'s 1020 bytes (through `addmi`).
//!
//! What a compiled body is: a function of up to six 32-bit arguments in `a2`..`a7`
//! returning its result in `a2`, in either ABI: call0 (`lx106`: `a0` the return address,
//! the frame made with `addi a1`) or windowed (`entry a1, frame` / `retw`). Viper values:
//! arithmetic, shifts (their amounts modulo 32, as MIR says), comparisons, branches,
//! loops, `ptr8`/`ptr16`/`ptr32` loads and stores at machine addresses (on a device the
//! arena is all of memory). Helper calls, frame slots and constant tables need the native
//! ABI's context and are refused by name.

use super::encode::{AluOp, ImmCond, Inst, MemOp, Reg, RegCond, ZeroCond};
use super::layout::{Item, Label};
use super::regalloc::{constants, homes, interference, liveness, Home, Liveness};
use emit::mir::{BinOp, Cond, Func, Inst as MInst, Term, VReg, Width};
use std::collections::HashSet;

/// The calling convention a body is compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    /// The ESP8266's (`-march=xtensa`).
    Call0,
    /// The ESP32's (`-march=xtensawin`).
    Windowed,
}

const SP: Reg = Reg::SP;
/// Scratch registers: caller-saved in call0, the function's own in a window.
const X: Reg = Reg(8);
const Y: Reg = Reg(9);
const Z: Reg = Reg(10);
/// The base of the frame words `l32i`/`s32i` cannot reach from `a1`.
const FAR_SLOTS: Reg = Reg(11);
/// The window's 16-byte base save area the windowed ABI keeps below a callee's frame.
const WINDOW_SAVE: u32 = 16;

/// A binary operation whose right operand is a constant one instruction holds.
#[derive(Debug, Clone, Copy)]
pub(super) enum Folded {
    Addi(i32),
    Slli(u8),
    Srai(u8),
    Srli(u8),
    /// `extui d, a, shift, bits`: a logical shift right past 15, or a low-bits mask.
    Extui(u8, u8),
    /// A shift by 0 (modulo 32).
    Copy,
}

pub(super) fn fold(op: BinOp, b: VReg, consts: &[Option<i32>]) -> Option<Folded> {
    let c = consts[b.0 as usize]?;
    let k = (c & 31) as u8;
    Some(match op {
        BinOp::Add if (-128..=127).contains(&c) => Folded::Addi(c),
        BinOp::Sub if (-127..=128).contains(&c) => Folded::Addi(-c),
        BinOp::Shl | BinOp::Sar | BinOp::Shr if k == 0 => Folded::Copy,
        BinOp::Shl => Folded::Slli(k),
        BinOp::Sar => Folded::Srai(k),
        BinOp::Shr if k < 16 => Folded::Srli(k),
        BinOp::Shr => Folded::Extui(k, 32 - k),
        BinOp::And if c > 0 && c <= 0xffff && (c & (c + 1)) == 0 => {
            Folded::Extui(0, (32 - c.leading_zeros()) as u8)
        }
        _ => return None,
    })
}

/// The items of `func`'s body for `abi`; an error names what it uses that this lowering
/// cannot yet do.
pub fn lower(func: &Func, abi: Abi) -> Result<Vec<Item>, String> {
    if func.params.len() > 6 {
        return Err(format!(
            "{} takes {} arguments; this backend passes at most 6 in registers",
            func.name,
            func.params.len()
        ));
    }
    let consts = constants(func);
    // Which comparisons become their block's branch; those against a constant the branch
    // holds no longer read it, which can make its definition dead: liveness again.
    let first = liveness(func, &consts, &HashSet::new());
    let fused_cmp: Vec<Option<usize>> = (0..func.blocks.len())
        .map(|b| fused_compare(func, &first, b))
        .collect();
    let const_compared: HashSet<(usize, usize)> = fused_cmp
        .iter()
        .enumerate()
        .filter_map(|(b, i)| Some((b, (*i)?)))
        .filter(|&(b, i)| match func.blocks[b].insts[i] {
            MInst::Cmp { cond, b: rhs, .. } => consts[rhs.0 as usize]
                .and_then(|c| const_branch(cond, c))
                .is_some(),
            _ => false,
        })
        .collect();
    let liveness = liveness(func, &consts, &const_compared);
    // A comparison that became a branch never has its 0/1 result anywhere.
    let mut counts = liveness.uses.clone();
    for (b, i) in fused_cmp
        .iter()
        .enumerate()
        .filter_map(|(b, i)| Some((b, (*i)?)))
    {
        if let MInst::Cmp { dst, .. } = func.blocks[b].insts[i] {
            counts[dst.0 as usize] = 0;
        }
    }
    // The windowed ABI keeps 16 bytes at the bottom of a frame; call0 code needs none.
    let base = match abi {
        Abi::Call0 => 0,
        Abi::Windowed => WINDOW_SAVE,
    };
    let edges = interference(func, &liveness, &fused_cmp, &consts, &const_compared);
    let (homes, used_saved) = homes(func, &counts, &edges, base);
    let frame_words = homes.iter().filter(|h| matches!(h, Home::Frame(_))).count() as u32;
    let saved = match abi {
        Abi::Call0 => used_saved,
        Abi::Windowed => vec![],
    };
    let save_area = base + 4 * frame_words;
    let frame = (save_area + 4 * saved.len() as u32).next_multiple_of(16);
    // Frame words past l32i's 1020 bytes are reached through `addmi`, which adds up to 32512.
    if frame > 32512 {
        return Err(format!(
            "{} has {frame_words} values in memory; this backend keeps at most 8000",
            func.name
        ));
    }
    let mut out = Lowering {
        consts,
        forward: forwarding(func, &liveness),
        live: liveness.live.clone(),
        fused_cmp,
        position: Vec::new(),
        items: Vec::new(),
        next_label: func.blocks.len(),
        abi,
        frame,
        homes,
        saved: saved
            .iter()
            .enumerate()
            .map(|(i, &r)| (r, save_area + 4 * i as u32))
            .collect(),
    };
    match abi {
        Abi::Call0 if frame > 0 => out.adjust_sp(-(frame as i32)),
        Abi::Call0 => {}
        Abi::Windowed => out.inst(Inst::Entry { s: SP, frame }),
    }
    for (r, offset) in out.saved.clone() {
        out.frame_access(MemOp::S32i, r, offset);
    }
    // Blocks that only jump on are passed by every branch (`forward`), so they need no
    // code, unless a chain of them loops (`while True: pass`) and ends in one.
    let order: Vec<usize> = (0..func.blocks.len())
        .filter(|&b| b == 0 || out.forward[b] == b || out.forward.contains(&b))
        .collect();
    out.position = vec![usize::MAX; func.blocks.len()];
    for (k, &b) in order.iter().enumerate() {
        out.position[b] = k;
    }
    for (k, &b) in order.iter().enumerate() {
        out.items.push(Item::Label(b));
        // The block laid out after this one, which a jump to needs no code.
        let next = order.get(k + 1).copied().unwrap_or(usize::MAX);
        out.block(func, b, next)?;
    }
    Ok(out.items)
}

/// For each block, the block a branch to it reaches first code in: an empty block that
/// only jumps on is passed through (a chain that loops back on itself stays put).
fn forwarding(func: &Func, liveness: &Liveness) -> Vec<usize> {
    let next_of = |b: usize| match func.blocks[b].term {
        Some(Term::Jump(to)) if !liveness.live[b].iter().any(|&l| l) => Some(to.0 as usize),
        _ => None,
    };
    (0..func.blocks.len())
        .map(|b| {
            let mut at = b;
            for _ in 0..func.blocks.len() {
                match next_of(at) {
                    Some(to) if to != b => at = to,
                    _ => break,
                }
            }
            at
        })
        .collect()
}

/// The comparison (its index) that block `b`'s branch can be: the block's last live
/// instruction, whose result only that branch reads.
fn fused_compare(func: &Func, liveness: &Liveness, b: usize) -> Option<usize> {
    let block = &func.blocks[b];
    let i = (0..block.insts.len())
        .rev()
        .find(|&i| liveness.live[b][i])?;
    match (&block.insts[i], &block.term) {
        (MInst::Cmp { dst, .. }, Some(Term::Branch { cond, .. }))
            if dst == cond && liveness.reads[dst.0 as usize] == 1 =>
        {
            Some(i)
        }
        _ => None,
    }
}

/// A branch comparing a register with a constant it holds itself.
#[derive(Debug, Clone, Copy)]
enum ConstBranch {
    Zero(ZeroCond),
    Imm(ImmCond, i32),
}

/// The branch taken when `a cond c` holds, if one holds `c` (`a > c` is `a >= c + 1`).
fn const_branch(cond: Cond, c: i32) -> Option<ConstBranch> {
    let zero = match cond {
        Cond::Eq => Some(ZeroCond::Beqz),
        Cond::Ne => Some(ZeroCond::Bnez),
        Cond::Lt => Some(ZeroCond::Bltz),
        Cond::Ge => Some(ZeroCond::Bgez),
        _ => None,
    };
    if let (0, Some(z)) = (c, zero) {
        return Some(ConstBranch::Zero(z));
    }
    let next_unsigned = (c as u32).checked_add(1).map(|k| k as i32);
    let (imm_cond, k) = match cond {
        Cond::Eq => (ImmCond::Beqi, Some(c)),
        Cond::Ne => (ImmCond::Bnei, Some(c)),
        Cond::Lt => (ImmCond::Blti, Some(c)),
        Cond::Ge => (ImmCond::Bgei, Some(c)),
        Cond::Gt => (ImmCond::Bgei, c.checked_add(1)),
        Cond::Le => (ImmCond::Blti, c.checked_add(1)),
        Cond::LtU => (ImmCond::Bltui, Some(c)),
        Cond::GeU => (ImmCond::Bgeui, Some(c)),
        Cond::GtU => (ImmCond::Bgeui, next_unsigned),
        Cond::LeU => (ImmCond::Bltui, next_unsigned),
    };
    let k = k?;
    imm_cond
        .table()
        .contains(&k)
        .then_some(ConstBranch::Imm(imm_cond, k))
}

/// The branch taken when `a cond b` holds (or, `invert`, when it does not). Xtensa
/// compares lt/ge only: gt and le swap their operands.
fn reg_branch(cond: Cond, invert: bool, a: Reg, b: Reg) -> Inst {
    let (cond, s, t) = match cond {
        Cond::Eq => (RegCond::Beq, a, b),
        Cond::Ne => (RegCond::Bne, a, b),
        Cond::Lt => (RegCond::Blt, a, b),
        Cond::Ge => (RegCond::Bge, a, b),
        Cond::Gt => (RegCond::Blt, b, a),
        Cond::Le => (RegCond::Bge, b, a),
        Cond::LtU => (RegCond::Bltu, a, b),
        Cond::GeU => (RegCond::Bgeu, a, b),
        Cond::GtU => (RegCond::Bltu, b, a),
        Cond::LeU => (RegCond::Bgeu, b, a),
    };
    Inst::Branch {
        cond: if invert { cond.inverse() } else { cond },
        s,
        t,
        target: 0,
    }
}

struct Lowering {
    consts: Vec<Option<i32>>,
    live: Vec<Vec<bool>>,
    /// Per block, the comparison its branch is made of.
    fused_cmp: Vec<Option<usize>>,
    /// Each block's place in the layout (`usize::MAX`: it has no code).
    position: Vec<usize>,
    /// Where a branch to each block really goes: past blocks that only jump on.
    forward: Vec<usize>,
    items: Vec<Item>,
    next_label: Label,
    abi: Abi,
    frame: u32,
    homes: Vec<Home>,
    /// The callee-saved registers call0 code uses, with where they wait.
    saved: Vec<(Reg, u32)>,
}

impl Lowering {
    /// Block `b`'s code, laid out before block `next`.
    fn block(&mut self, func: &Func, b: usize, next: usize) -> Result<(), String> {
        let block = &func.blocks[b];
        let fused_at = self.fused_cmp[b];
        let fused = fused_at.and_then(|i| match block.insts[i] {
            MInst::Cmp { cond, a, b, .. } => Some((cond, a, b)),
            _ => None,
        });
        for (i, inst) in block.insts.iter().enumerate() {
            if self.live[b][i] && Some(i) != fused_at {
                self.inst_of(inst)?;
            }
        }
        match block.term.as_ref() {
            Some(Term::Jump(to)) => {
                let to = self.forward[to.0 as usize];
                // A jump back to a loop's test repeats the test instead, so the loop
                // runs one branch an iteration rather than a branch and a jump.
                if to != next && self.position[to] <= self.position[b] && self.is_test(func, to) {
                    self.block(func, to, next)?;
                } else {
                    self.jump(to, next);
                }
            }
            Some(Term::Branch { cond, then, else_ }) => {
                let (then, else_) = (
                    self.forward[then.0 as usize],
                    self.forward[else_.0 as usize],
                );
                // Branch to whichever block does not follow; fall into the other.
                let (invert, taken, other) = if then == next {
                    (true, else_, then)
                } else {
                    (false, then, else_)
                };
                let inst = match fused {
                    Some((cond, a, b)) => {
                        let on_const =
                            self.consts[b.0 as usize].and_then(|c| const_branch(cond, c));
                        let a = self.operand(a, X);
                        match on_const {
                            Some(ConstBranch::Zero(z)) => Inst::BranchZ {
                                cond: if invert { z.inverse() } else { z },
                                s: a,
                                target: 0,
                            },
                            Some(ConstBranch::Imm(c, imm)) => Inst::BranchImm {
                                cond: if invert { c.inverse() } else { c },
                                s: a,
                                imm,
                                target: 0,
                            },
                            None => {
                                let b = self.operand(b, Y);
                                reg_branch(cond, invert, a, b)
                            }
                        }
                    }
                    None => Inst::BranchZ {
                        cond: if invert {
                            ZeroCond::Beqz
                        } else {
                            ZeroCond::Bnez
                        },
                        s: self.operand(*cond, X),
                        target: 0,
                    },
                };
                self.items.push(Item::To { inst, label: taken });
                self.jump(other, next);
            }
            Some(Term::Return(v)) => {
                let r = self.operand(*v, X);
                self.mov(Reg(2), r);
                self.epilogue();
            }
            Some(Term::Raise) => return Err("raising needs the native ABI's nlr frames".into()),
            Some(Term::Yield { .. }) => {
                return Err("generators are not supported on Xtensa yet".into())
            }
            None => return Err(format!("block {b} has no terminator")),
        }
        Ok(())
    }

    /// Whether block `b` is a loop test worth repeating: a branch after at most two
    /// instructions.
    fn is_test(&self, func: &Func, b: usize) -> bool {
        let live = self.live[b].iter().filter(|&&l| l).count();
        let own = live - usize::from(self.fused_cmp[b].is_some());
        matches!(func.blocks[b].term, Some(Term::Branch { .. })) && own <= 2
    }

    fn inst(&mut self, inst: Inst) {
        self.items.push(Item::Inst(inst));
    }

    fn home(&self, v: VReg) -> Home {
        self.homes[v.0 as usize]
    }

    /// The register holding `v`: its home, or `scratch` loaded from the frame.
    fn operand(&mut self, v: VReg, scratch: Reg) -> Reg {
        match self.home(v) {
            Home::Reg(r) => r,
            Home::Frame(offset) => {
                self.frame_access(MemOp::L32i, scratch, offset);
                scratch
            }
            Home::Unused => scratch,
        }
    }

    /// The register to compute `v` into: its home, or `scratch` (then [`Self::finish`]).
    fn dest(&self, v: VReg, scratch: Reg) -> Reg {
        match self.home(v) {
            Home::Reg(r) => r,
            Home::Frame(_) | Home::Unused => scratch,
        }
    }

    /// `v` = the value computed in `r` (a register from [`Self::dest`] or any other).
    fn finish(&mut self, v: VReg, r: Reg) {
        match self.home(v) {
            Home::Reg(home) => self.mov(home, r),
            Home::Frame(offset) => self.frame_access(MemOp::S32i, r, offset),
            Home::Unused => {}
        }
    }

    fn mov(&mut self, to: Reg, from: Reg) {
        if to != from {
            self.inst(Inst::MovN { t: to, s: from });
        }
    }

    fn frame_access(&mut self, op: MemOp, r: Reg, offset: u32) {
        let (base, offset) = if offset <= 1020 {
            (SP, offset)
        } else {
            self.inst(Inst::Addmi {
                t: FAR_SLOTS,
                s: SP,
                imm: (offset & !0xff) as i32,
            });
            (FAR_SLOTS, offset & 0xff)
        };
        self.inst(Inst::Mem {
            op,
            t: r,
            s: base,
            offset,
        });
    }

    fn alu(&mut self, op: AluOp, r: Reg, s: Reg, t: Reg) {
        self.inst(Inst::Alu { op, r, s, t });
    }

    /// `a1 += delta`: `addi` when it reaches, else through a scratch register.
    fn adjust_sp(&mut self, delta: i32) {
        if (-128..=127).contains(&delta) {
            self.inst(Inst::Addi {
                t: SP,
                s: SP,
                imm: delta,
            });
        } else {
            self.items.push(Item::Const { t: Z, value: delta });
            self.alu(AluOp::Add, SP, SP, Z);
        }
    }

    fn epilogue(&mut self) {
        match self.abi {
            Abi::Call0 => {
                for (r, offset) in self.saved.clone() {
                    self.frame_access(MemOp::L32i, r, offset);
                }
                if self.frame > 0 {
                    self.adjust_sp(self.frame as i32);
                }
                self.inst(Inst::RetN);
            }
            Abi::Windowed => self.inst(Inst::RetwN),
        }
    }

    /// A `j` to block `to` (already forwarded), unless it is the next one.
    fn jump(&mut self, to: usize, next: usize) {
        if to != next {
            self.items.push(Item::To {
                inst: Inst::J { target: 0 },
                label: to,
            });
        }
    }

    fn inst_of(&mut self, inst: &MInst) -> Result<(), String> {
        match *inst {
            MInst::Const { dst, value } => {
                let d = self.dest(dst, X);
                self.items.push(Item::Const {
                    t: d,
                    value: value as i32,
                });
                self.finish(dst, d);
            }
            MInst::Copy { dst, src } => {
                let s = self.operand(src, X);
                self.finish(dst, s);
            }
            MInst::Bin { dst, op, a, b } if fold(op, b, &self.consts).is_some() => {
                let a = self.operand(a, X);
                let d = self.dest(dst, X);
                match fold(op, b, &self.consts) {
                    Some(Folded::Addi(imm)) => self.inst(Inst::Addi { t: d, s: a, imm }),
                    Some(Folded::Slli(sa)) => self.inst(Inst::Slli { r: d, s: a, sa }),
                    Some(Folded::Srai(sa)) => self.inst(Inst::Srai { r: d, t: a, sa }),
                    Some(Folded::Srli(sa)) => self.inst(Inst::Srli { r: d, t: a, sa }),
                    Some(Folded::Extui(shift, bits)) => self.inst(Inst::Extui {
                        r: d,
                        t: a,
                        shift,
                        bits,
                    }),
                    Some(Folded::Copy) | None => self.mov(d, a),
                }
                self.finish(dst, d);
            }
            MInst::Bin { dst, op, a, b } => {
                let a = self.operand(a, X);
                let b = self.operand(b, Y);
                let d = self.dest(dst, X);
                match op {
                    BinOp::Add => self.alu(AluOp::Add, d, a, b),
                    BinOp::Sub => self.alu(AluOp::Sub, d, a, b),
                    BinOp::Mul => self.alu(AluOp::Mull, d, a, b),
                    BinOp::And => self.alu(AluOp::And, d, a, b),
                    BinOp::Or => self.alu(AluOp::Or, d, a, b),
                    BinOp::Xor => self.alu(AluOp::Xor, d, a, b),
                    // `ssl`/`ssr` take the amount modulo 32, as MIR's shifts do.
                    BinOp::Shl => {
                        self.inst(Inst::Ssl { s: b });
                        self.inst(Inst::Sll { r: d, s: a });
                    }
                    BinOp::Sar => {
                        self.inst(Inst::Ssr { s: b });
                        self.inst(Inst::Sra { r: d, t: a });
                    }
                    BinOp::Shr => {
                        self.inst(Inst::Ssr { s: b });
                        self.inst(Inst::Srl { r: d, t: a });
                    }
                }
                self.finish(dst, d);
            }
            MInst::Cmp { dst, cond, a, b } => {
                let a = self.operand(a, X);
                let b = self.operand(b, Y);
                // Z, not dst's home: that may be an operand, read by the branch.
                let done = self.next_label;
                self.next_label += 1;
                self.items.push(Item::Const { t: Z, value: 1 });
                self.items.push(Item::To {
                    inst: reg_branch(cond, false, a, b),
                    label: done,
                });
                self.items.push(Item::Const { t: Z, value: 0 });
                self.items.push(Item::Label(done));
                self.finish(dst, Z);
            }
            MInst::Load { dst, width, addr } => {
                let addr = self.operand(addr, Y);
                let d = self.dest(dst, X);
                let op = match width {
                    Width::W8 => MemOp::L8ui,
                    Width::W16 => MemOp::L16ui,
                    Width::W32 => MemOp::L32i,
                };
                self.inst(Inst::Mem {
                    op,
                    t: d,
                    s: addr,
                    offset: 0,
                });
                self.finish(dst, d);
            }
            MInst::Store { width, addr, value } => {
                let addr = self.operand(addr, Y);
                let value = self.operand(value, X);
                let op = match width {
                    Width::W8 => MemOp::S8i,
                    Width::W16 => MemOp::S16i,
                    Width::W32 => MemOp::S32i,
                };
                self.inst(Inst::Mem {
                    op,
                    t: value,
                    s: addr,
                    offset: 0,
                });
            }
            ref other => {
                return Err(format!(
                    "{other:?} needs the native ABI's context (not yet on xtensa)"
                ))
            }
        }
        Ok(())
    }
}
