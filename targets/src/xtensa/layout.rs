//! Layout: places instructions at addresses, picks each branch's form and each constant's
//! load, lays out the literal pool, and encodes.
//!
//! - Xtensa's conditional branches are short: 8 bits (±128 bytes) comparing registers or a
//!   constant, 12 bits (±2 KiB) comparing with zero, and `beqz.n`/`bnez.n` reach only 4..67
//!   bytes forward. A branch starts in the form it was given and grows, all together,
//!   until every one reaches its label (growth only lengthens code, so this settles):
//!   `beqz.n` first to `beqz`, then any to its inverse over a `j` (±128 KiB). MicroPython's
//!   own emitter has shipped "bcc out of range" failures here; this pass has none to give.
//! - Instructions the code density option has a 16-bit form for take it (`add.n`,
//!   `addi.n`, `l32i.n`, `ret.n`, ...), as GNU `as` does by default; so do `beqz`/`bnez`
//!   whose label lies 4..67 bytes ahead (`beqz.n`), growing like the other branches.
//! - Constants: `movi.n` (-32..95), `movi` (-2048..2047), else `l32r` from a pool. `l32r`
//!   reaches only backwards, so the pool (each value once, in order of first use) comes
//!   first and the code after it: [`Assembled::entry`] is where execution starts.

use super::encode::{encode, Inst, Reg, ZeroCond};

/// A position in the code, named by the instructions that branch to it.
pub type Label = usize;

/// One element of a function's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Inst(Inst),
    /// A branch, jump or call to `label`: `inst`'s own target is replaced.
    To {
        inst: Inst,
        label: Label,
    },
    Label(Label),
    /// `t = value`, by the shortest load that holds it.
    Const {
        t: Reg,
        value: i32,
    },
}

/// A laid-out function: the literal pool, then the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembled {
    pub bytes: Vec<u8>,
    /// The code's offset in `bytes` (the pool's size).
    pub entry: u32,
}

/// A branch's form, from short to far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// `beqz`/`bnez` as `beqz.n`/`bnez.n` (forward, 4..67 bytes).
    Narrow,
    /// As given.
    Given,
    /// `beqz.n`/`bnez.n` as `beqz`/`bnez`.
    Wide,
    /// The inverse branch over a `j`.
    OverJump,
}

/// The 16-bit form of `inst` when the code density option has one that holds its operands
/// (what GNU `as` does unless told `no-transform`); `inst` itself otherwise.
fn narrowest(inst: Inst) -> Inst {
    use super::encode::{AluOp, MemOp};
    match inst {
        Inst::Alu {
            op: AluOp::Add,
            r,
            s,
            t,
        } => Inst::AddN { r, s, t },
        Inst::Alu {
            op: AluOp::Or,
            r,
            s,
            t,
        } if s == t => Inst::MovN { t: r, s },
        Inst::Addi { t, s, imm } if imm == -1 || (1..=15).contains(&imm) => {
            Inst::AddiN { r: t, s, imm }
        }
        Inst::Movi { t, imm } if (-32..=95).contains(&imm) => Inst::MoviN { s: t, imm },
        Inst::Mem {
            op: MemOp::L32i,
            t,
            s,
            offset,
        } if offset <= 60 => Inst::L32iN { t, s, offset },
        Inst::Mem {
            op: MemOp::S32i,
            t,
            s,
            offset,
        } if offset <= 60 => Inst::S32iN { t, s, offset },
        Inst::Ret => Inst::RetN,
        Inst::Retw => Inst::RetwN,
        Inst::Nop => Inst::NopN,
        other => other,
    }
}

/// `beqz`/`bnez` as `beqz.n`/`bnez.n`; other instructions as they are.
fn narrowed(inst: Inst) -> Inst {
    match inst {
        Inst::BranchZ {
            cond: ZeroCond::Beqz,
            s,
            target,
        } => Inst::BeqzN { s, target },
        Inst::BranchZ {
            cond: ZeroCond::Bnez,
            s,
            target,
        } => Inst::BnezN { s, target },
        other => other,
    }
}

/// The same instruction aimed at `target`, if it has a target.
fn retarget(inst: Inst, target: i32) -> Option<Inst> {
    use Inst::*;
    Some(match inst {
        Branch { cond, s, t, .. } => Branch { cond, s, t, target },
        BranchZ { cond, s, .. } => BranchZ { cond, s, target },
        BranchImm { cond, s, imm, .. } => BranchImm {
            cond,
            s,
            imm,
            target,
        },
        BranchBit { set, s, bit, .. } => BranchBit {
            set,
            s,
            bit,
            target,
        },
        BeqzN { s, .. } => BeqzN { s, target },
        BnezN { s, .. } => BnezN { s, target },
        J { .. } => J { target },
        Call0 { .. } => Call0 { target },
        Call4 { .. } => Call4 { target },
        Call8 { .. } => Call8 { target },
        L32r { t, .. } => L32r { t, target },
        _ => return None,
    })
}

/// A conditional branch in its 24-bit form.
fn widened(inst: Inst) -> Inst {
    match inst {
        Inst::BeqzN { s, target } => Inst::BranchZ {
            cond: ZeroCond::Beqz,
            s,
            target,
        },
        Inst::BnezN { s, target } => Inst::BranchZ {
            cond: ZeroCond::Bnez,
            s,
            target,
        },
        other => other,
    }
}

/// The branch taken exactly when `inst` (a conditional branch) is not; `None` for jumps
/// and calls.
fn inverse(inst: Inst) -> Option<Inst> {
    use Inst::*;
    Some(match widened(inst) {
        Branch { cond, s, t, target } => Branch {
            cond: cond.inverse(),
            s,
            t,
            target,
        },
        BranchZ { cond, s, target } => BranchZ {
            cond: cond.inverse(),
            s,
            target,
        },
        BranchImm {
            cond,
            s,
            imm,
            target,
        } => BranchImm {
            cond: cond.inverse(),
            s,
            imm,
            target,
        },
        BranchBit {
            set,
            s,
            bit,
            target,
        } => BranchBit {
            set: !set,
            s,
            bit,
            target,
        },
        _ => return None,
    })
}

/// The instructions a branch item becomes in `form`, placed at `at`, aimed at `dest`.
fn branch_insts(inst: Inst, form: Form, at: u32, dest: u32) -> Vec<Inst> {
    let to = |from: u32| dest.wrapping_sub(from) as i32;
    match (form, inverse(inst)) {
        (Form::OverJump, Some(inv)) => {
            let over = inv.size() as u32;
            vec![
                retarget(inv, over as i32 + 3).unwrap_or(inv),
                Inst::J {
                    target: to(at + over),
                },
            ]
        }
        (Form::Wide, _) => vec![retarget(widened(inst), to(at)).unwrap_or(inst)],
        (Form::Narrow, _) => vec![retarget(narrowed(inst), to(at)).unwrap_or(inst)],
        _ => vec![retarget(inst, to(at)).unwrap_or(inst)],
    }
}

fn const_inst(t: Reg, value: i32, pool_slot: Option<(u32, u32)>, at: u32) -> Inst {
    match (value, pool_slot) {
        (-32..=95, _) => Inst::MoviN { s: t, imm: value },
        (-2048..=2047, _) => Inst::Movi { t, imm: value },
        (_, Some((slot, pool_base))) => Inst::L32r {
            t,
            target: (pool_base + 4 * slot).wrapping_sub(at) as i32,
        },
        // Sized before the pool is known: an `l32r`.
        (_, None) => Inst::L32r { t, target: 0 },
    }
}

/// Lays out `items` at `base` (word-aligned): pool, then code.
pub fn assemble(items: &[Item], base: u32) -> Result<Assembled, String> {
    if !base.is_multiple_of(4) {
        return Err(format!("code base {base:#x} is not word-aligned"));
    }
    let mut pool: Vec<i32> = Vec::new();
    for item in items {
        if let Item::Const { value, .. } = *item {
            if !(-2048..=2047).contains(&value) && !pool.contains(&value) {
                pool.push(value);
            }
        }
    }
    let code_base = base + 4 * pool.len() as u32;
    // Every branch starts in its shortest form.
    let mut forms: Vec<Form> = items
        .iter()
        .map(|item| match item {
            Item::To { inst, .. } if narrowed(*inst) != *inst => Form::Narrow,
            _ => Form::Given,
        })
        .collect();
    let (addresses, labels) = loop {
        let (addresses, labels) = place(items, &forms, code_base)?;
        let mut grew = false;
        for (i, item) in items.iter().enumerate() {
            let Item::To { inst, label } = *item else {
                continue;
            };
            if forms[i] == Form::OverJump || inverse(inst).is_none() {
                continue;
            }
            let dest = label_address(&labels, label)?;
            let fits = branch_insts(inst, forms[i], addresses[i], dest)
                .iter()
                .all(|b| encode(b, addresses[i]).is_ok());
            if !fits {
                forms[i] = match (forms[i], inst) {
                    (Form::Narrow, _) => Form::Given,
                    (Form::Given, Inst::BeqzN { .. } | Inst::BnezN { .. }) => Form::Wide,
                    _ => Form::OverJump,
                };
                grew = true;
            }
        }
        if !grew {
            break (addresses, labels);
        }
    };
    let mut bytes: Vec<u8> = pool.iter().flat_map(|v| v.to_le_bytes()).collect();
    for (i, item) in items.iter().enumerate() {
        let at = addresses[i];
        let insts = match *item {
            Item::Inst(inst) => vec![narrowest(inst)],
            Item::To { inst, label } => {
                branch_insts(inst, forms[i], at, label_address(&labels, label)?)
            }
            Item::Label(_) => vec![],
            Item::Const { t, value } => {
                let slot = pool
                    .iter()
                    .position(|&v| v == value)
                    .map(|s| (s as u32, base));
                vec![const_inst(t, value, slot, at)]
            }
        };
        let mut here = at;
        for inst in insts {
            let enc = encode(&inst, here).map_err(|e| format!("{inst:?} at {here:#x}: {e}"))?;
            bytes.extend(enc.bytes());
            here += enc.len() as u32;
        }
    }
    Ok(Assembled {
        bytes,
        entry: code_base - base,
    })
}

fn label_address(labels: &[Option<u32>], label: Label) -> Result<u32, String> {
    labels
        .get(label)
        .copied()
        .flatten()
        .ok_or_else(|| format!("branch to label {label}, which is nowhere"))
}

/// Each item's address under `forms`, and each label's.
fn place(
    items: &[Item],
    forms: &[Form],
    code_base: u32,
) -> Result<(Vec<u32>, Vec<Option<u32>>), String> {
    let mut addresses = Vec::with_capacity(items.len());
    let mut labels: Vec<Option<u32>> = Vec::new();
    let mut at = code_base;
    for (item, form) in items.iter().zip(forms) {
        addresses.push(at);
        at += match *item {
            Item::Inst(inst) => narrowest(inst).size() as u32,
            Item::To { inst, .. } => branch_insts(inst, *form, at, at)
                .iter()
                .map(|i| i.size() as u32)
                .sum(),
            Item::Label(label) => {
                if labels.len() <= label {
                    labels.resize(label + 1, None);
                }
                if labels[label].replace(at).is_some() {
                    return Err(format!("label {label} placed twice"));
                }
                0
            }
            Item::Const { t, value } => const_inst(t, value, None, at).size() as u32,
        };
    }
    Ok((addresses, labels))
}
