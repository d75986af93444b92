//! A first lowering of viper bodies: `emit`'s MIR straight to [`layout::Item`]s, every
//! vreg in a word of the frame. Correct and simple, and the reference later passes (a
//! register allocator, compare-and-branch fusion, immediates folded) are measured and
//! checked against; each MIR instruction loads its operands into scratch registers,
//! computes, and stores its result.
//!
//! What a compiled body is: a function of up to six 32-bit arguments in `a2`..`a7`
//! returning its result in `a2`, in either ABI: call0 (`lx106`: `a0` the return address,
//! the frame made with `addi a1`) or windowed (`entry a1, frame` / `retw`). Viper values:
//! arithmetic, shifts (their amounts modulo 32, as MIR says), comparisons, branches,
//! loops, `ptr8`/`ptr16`/`ptr32` loads and stores at machine addresses (on a device the
//! arena is all of memory). Helper calls, frame slots and constant tables need the native
//! ABI's context and are refused by name.

use super::encode::{AluOp, Inst, MemOp, Reg, RegCond, ZeroCond};
use super::layout::{Item, Label};
use emit::mir::{BinOp, Cond, Func, Inst as MInst, Term, Width};

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
/// The base of the frame slots `l32i`/`s32i` cannot reach from `a1`.
const FAR_SLOTS: Reg = Reg(11);
/// The window's 16-byte base save area the windowed ABI keeps below a callee's frame.
const WINDOW_SAVE: u32 = 16;

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
    let slots = func.vregs.len() as u32;
    let frame = (4 * slots + WINDOW_SAVE).next_multiple_of(16);
    // Slots past l32i's 1020 bytes are reached through `addmi`, which adds up to 32512.
    if frame > 32512 {
        return Err(format!(
            "{} has {slots} values; this backend keeps at most 8000 in its frame",
            func.name
        ));
    }
    let mut out = Lowering {
        items: Vec::new(),
        next_label: func.blocks.len(),
        abi,
        frame,
    };
    match abi {
        Abi::Call0 => out.adjust_sp(-(frame as i32)),
        Abi::Windowed => out.inst(Inst::Entry { s: SP, frame }),
    }
    for (i, p) in func.params.iter().enumerate() {
        out.store(Reg(2 + i as u8), p.0);
    }
    for (b, block) in func.blocks.iter().enumerate() {
        out.items.push(Item::Label(b));
        for inst in &block.insts {
            out.inst_of(inst)?;
        }
        let next = b + 1;
        match block.term.as_ref() {
            Some(Term::Jump(to)) => out.jump(to.0 as usize, next),
            Some(Term::Branch { cond, then, else_ }) => {
                out.load(X, cond.0);
                out.items.push(Item::To {
                    inst: Inst::BranchZ {
                        cond: ZeroCond::Bnez,
                        s: X,
                        target: 0,
                    },
                    label: then.0 as usize,
                });
                out.jump(else_.0 as usize, next);
            }
            Some(Term::Return(v)) => {
                out.load(Reg(2), v.0);
                out.epilogue();
            }
            Some(Term::Raise) => return Err("raising needs the native ABI's nlr frames".into()),
            None => return Err(format!("block {b} has no terminator")),
        }
    }
    Ok(out.items)
}

struct Lowering {
    items: Vec<Item>,
    next_label: Label,
    abi: Abi,
    frame: u32,
}

impl Lowering {
    fn inst(&mut self, inst: Inst) {
        self.items.push(Item::Inst(inst));
    }

    fn slot(&self, v: u32) -> u32 {
        WINDOW_SAVE + 4 * v
    }

    fn load(&mut self, r: Reg, v: u32) {
        self.slot_access(MemOp::L32i, r, v);
    }

    fn store(&mut self, r: Reg, v: u32) {
        self.slot_access(MemOp::S32i, r, v);
    }

    fn slot_access(&mut self, op: MemOp, r: Reg, v: u32) {
        let offset = self.slot(v);
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
                self.adjust_sp(self.frame as i32);
                self.inst(Inst::Ret);
            }
            Abi::Windowed => self.inst(Inst::Retw),
        }
    }

    /// A `j` to block `to`, unless it is the next one.
    fn jump(&mut self, to: usize, next: usize) {
        if to != next {
            self.items.push(Item::To {
                inst: Inst::J { target: 0 },
                label: to,
            });
        }
    }

    fn inst_of(&mut self, inst: &MInst) -> Result<(), String> {
        match inst {
            MInst::Const { dst, value } => {
                self.items.push(Item::Const {
                    t: X,
                    value: *value as i32,
                });
                self.store(X, dst.0);
            }
            MInst::Copy { dst, src } => {
                self.load(X, src.0);
                self.store(X, dst.0);
            }
            MInst::Bin { dst, op, a, b } => {
                self.load(X, a.0);
                self.load(Y, b.0);
                match op {
                    BinOp::Add => self.alu(AluOp::Add, X, X, Y),
                    BinOp::Sub => self.alu(AluOp::Sub, X, X, Y),
                    BinOp::Mul => self.alu(AluOp::Mull, X, X, Y),
                    BinOp::And => self.alu(AluOp::And, X, X, Y),
                    BinOp::Or => self.alu(AluOp::Or, X, X, Y),
                    BinOp::Xor => self.alu(AluOp::Xor, X, X, Y),
                    // `ssl`/`ssr` take the amount modulo 32, as MIR's shifts do.
                    BinOp::Shl => {
                        self.inst(Inst::Ssl { s: Y });
                        self.inst(Inst::Sll { r: X, s: X });
                    }
                    BinOp::Sar => {
                        self.inst(Inst::Ssr { s: Y });
                        self.inst(Inst::Sra { r: X, t: X });
                    }
                    BinOp::Shr => {
                        self.inst(Inst::Ssr { s: Y });
                        self.inst(Inst::Srl { r: X, t: X });
                    }
                }
                self.store(X, dst.0);
            }
            MInst::Cmp { dst, cond, a, b } => {
                self.load(X, a.0);
                self.load(Y, b.0);
                // Xtensa branches on lt/ge only: gt and le swap their operands.
                let (branch, s, t) = match cond {
                    Cond::Eq => (RegCond::Beq, X, Y),
                    Cond::Ne => (RegCond::Bne, X, Y),
                    Cond::Lt => (RegCond::Blt, X, Y),
                    Cond::Ge => (RegCond::Bge, X, Y),
                    Cond::Gt => (RegCond::Blt, Y, X),
                    Cond::Le => (RegCond::Bge, Y, X),
                    Cond::LtU => (RegCond::Bltu, X, Y),
                    Cond::GeU => (RegCond::Bgeu, X, Y),
                    Cond::GtU => (RegCond::Bltu, Y, X),
                    Cond::LeU => (RegCond::Bgeu, Y, X),
                };
                let done = self.next_label;
                self.next_label += 1;
                self.items.push(Item::Const { t: Z, value: 1 });
                self.items.push(Item::To {
                    inst: Inst::Branch {
                        cond: branch,
                        s,
                        t,
                        target: 0,
                    },
                    label: done,
                });
                self.items.push(Item::Const { t: Z, value: 0 });
                self.items.push(Item::Label(done));
                self.store(Z, dst.0);
            }
            MInst::Load { dst, width, addr } => {
                self.load(Y, addr.0);
                let op = match width {
                    Width::W8 => MemOp::L8ui,
                    Width::W16 => MemOp::L16ui,
                    Width::W32 => MemOp::L32i,
                };
                self.inst(Inst::Mem {
                    op,
                    t: X,
                    s: Y,
                    offset: 0,
                });
                self.store(X, dst.0);
            }
            MInst::Store { width, addr, value } => {
                self.load(Y, addr.0);
                self.load(X, value.0);
                let op = match width {
                    Width::W8 => MemOp::S8i,
                    Width::W16 => MemOp::S16i,
                    Width::W32 => MemOp::S32i,
                };
                self.inst(Inst::Mem {
                    op,
                    t: X,
                    s: Y,
                    offset: 0,
                });
            }
            other => {
                return Err(format!(
                    "{other:?} needs the native ABI's context (not yet on xtensa)"
                ))
            }
        }
        Ok(())
    }
}
