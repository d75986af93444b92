//! Copy removal on MIR, for the device backends: the emitters transliterate a stack machine,
//! so most MIR instructions are copies between locals and stack temporaries, and a backend
//! that kept them would spend registers and moves on them. Architecture-independent (it
//! would sit in `emit/` beside the MIR if the host backend needed it; Cranelift does this
//! itself).
//!
//! - Copy propagation: a read of `d` where the copy `d = s` reaches on every path, with
//!   neither reassigned since, reads `s` instead (an "available copies" dataflow over the
//!   copies as written, chains followed when rewriting); copies that become `x = x` go.
//! - Result retargeting: `t = op ...; ...; x = t`, with `t` assigned and read once and `x`
//!   untouched in between, becomes `x = op ...`.
//!
//! Copies left unread afterwards are dead; the instruction selector drops them.

use emit::mir::{Func, Inst, Term, VReg};
use std::collections::BTreeSet;

/// `func` with its copies propagated and retargeted.
pub fn remove_copies(func: &Func) -> Func {
    let mut func = func.clone();
    // Dropping a copy that became `x = x` can make another available on more paths (a loop
    // that "reassigns" a variable to itself), so propagate until nothing more goes.
    loop {
        let before: usize = func.blocks.iter().map(|b| b.insts.len()).sum();
        propagate(&mut func);
        if func.blocks.iter().map(|b| b.insts.len()).sum::<usize>() == before {
            break;
        }
    }
    retarget(&mut func);
    func
}

type Copies = BTreeSet<(VReg, VReg)>;

/// The successors of block `b`, each with the instruction index whose entry state flows
/// there: a helper call's exception edge leaves before the call assigns its result.
fn edges(func: &Func, b: usize) -> Vec<(usize, usize)> {
    let block = &func.blocks[b];
    let mut out: Vec<(usize, usize)> = block
        .term
        .iter()
        .flat_map(|t| t.successors())
        .map(|s| (s.0 as usize, block.insts.len()))
        .collect();
    for (i, inst) in block.insts.iter().enumerate() {
        if let Inst::Call { on_raise, .. } = inst {
            out.push((on_raise.0 as usize, i));
        }
    }
    out
}

fn transfer(available: &mut Copies, inst: &Inst) {
    if let Some(d) = inst.def() {
        available.retain(|&(x, s)| x != d && s != d);
        if let Inst::Copy { dst, src } = *inst {
            if dst != src {
                available.insert((dst, src));
            }
        }
    }
}

fn propagate(func: &mut Func) {
    let n = func.blocks.len();
    // `None` is "not reached yet": the top of the lattice, every copy available.
    let mut entry: Vec<Option<Copies>> = vec![None; n];
    entry[0] = Some(Copies::new());
    let mut changed = true;
    while changed {
        changed = false;
        for b in 0..n {
            let Some(mut state) = entry[b].clone() else {
                continue;
            };
            let mut states = vec![state.clone()];
            for inst in &func.blocks[b].insts {
                transfer(&mut state, inst);
                states.push(state.clone());
            }
            for (s, at) in edges(func, b) {
                let meet = match &entry[s] {
                    None => states[at].clone(),
                    Some(old) => old.intersection(&states[at]).copied().collect(),
                };
                if entry[s].as_ref() != Some(&meet) {
                    entry[s] = Some(meet);
                    changed = true;
                }
            }
        }
    }
    for (b, state) in entry.into_iter().enumerate() {
        let mut state = state.unwrap_or_default();
        let block = &mut func.blocks[b];
        let mut insts = Vec::with_capacity(block.insts.len());
        for inst in &block.insts {
            let new = rewritten(inst, &state);
            transfer(&mut state, inst);
            if !matches!(new, Inst::Copy { dst, src } if dst == src) {
                insts.push(new);
            }
        }
        block.insts = insts;
        let source = |v: VReg| source_of(v, &state);
        block.term = match block.term.take() {
            Some(Term::Branch { cond, then, else_ }) => Some(Term::Branch {
                cond: source(cond),
                then,
                else_,
            }),
            Some(Term::Return(v)) => Some(Term::Return(source(v))),
            other => other,
        };
    }
}

/// The oldest vreg holding `v`'s value: available copies chain (`a = b` after `b = c`) and
/// never cycle, since a copy kills every pair naming its destination.
fn source_of(mut v: VReg, available: &Copies) -> VReg {
    while let Some(&(_, s)) = available.iter().find(|&&(d, _)| d == v) {
        v = s;
    }
    v
}

/// `inst` reading the sources of available copies.
fn rewritten(inst: &Inst, available: &Copies) -> Inst {
    let s = |v: &VReg| source_of(*v, available);
    match inst {
        Inst::Copy { dst, src } => Inst::Copy {
            dst: *dst,
            src: s(src),
        },
        Inst::Bits { dst, src } => Inst::Bits {
            dst: *dst,
            src: s(src),
        },
        Inst::Bin { dst, op, a, b } => Inst::Bin {
            dst: *dst,
            op: *op,
            a: s(a),
            b: s(b),
        },
        Inst::Cmp { dst, cond, a, b } => Inst::Cmp {
            dst: *dst,
            cond: *cond,
            a: s(a),
            b: s(b),
        },
        Inst::Load { dst, width, addr } => Inst::Load {
            dst: *dst,
            width: *width,
            addr: s(addr),
        },
        Inst::Store { width, addr, value } => Inst::Store {
            width: *width,
            addr: s(addr),
            value: s(value),
        },
        Inst::StoreSlot { slot, value } => Inst::StoreSlot {
            slot: *slot,
            value: s(value),
        },
        Inst::Call {
            dst,
            helper,
            args,
            on_raise,
        } => Inst::Call {
            dst: *dst,
            helper: *helper,
            args: args.iter().map(s).collect(),
            on_raise: *on_raise,
        },
        other => other.clone(),
    }
}

fn with_def(inst: &Inst, new: VReg) -> Inst {
    let mut inst = inst.clone();
    match &mut inst {
        Inst::Const { dst, .. }
        | Inst::Copy { dst, .. }
        | Inst::Bits { dst, .. }
        | Inst::Bin { dst, .. }
        | Inst::Cmp { dst, .. }
        | Inst::Load { dst, .. }
        | Inst::SlotAddr { dst, .. }
        | Inst::LoadConst { dst, .. }
        | Inst::LoadSlot { dst, .. }
        | Inst::CatchException { dst }
        | Inst::Tick { dst }
        | Inst::LoadQstr { dst, .. }
        | Inst::Call { dst, .. } => *dst = new,
        Inst::Store { .. } | Inst::StoreSlot { .. } => {}
    }
    inst
}

fn retarget(func: &mut Func) {
    let n = func.vregs.len();
    let mut n_defs = vec![0u32; n];
    let mut n_uses = vec![0u32; n];
    for p in &func.params {
        n_defs[p.0 as usize] += 1;
    }
    for block in &func.blocks {
        for inst in &block.insts {
            inst.def().iter().for_each(|d| n_defs[d.0 as usize] += 1);
            inst.uses().iter().for_each(|u| n_uses[u.0 as usize] += 1);
        }
        if let Some(Term::Branch { cond: v, .. } | Term::Return(v)) = &block.term {
            n_uses[v.0 as usize] += 1;
        }
    }
    for block in &mut func.blocks {
        let mut i = 0;
        while i < block.insts.len() {
            if let Inst::Copy { dst: x, src: t } = block.insts[i] {
                let once = n_defs[t.0 as usize] == 1 && n_uses[t.0 as usize] == 1;
                let def_at = block.insts[..i].iter().rposition(|j| j.def() == Some(t));
                if let (true, Some(j)) = (once, def_at) {
                    let touched = block.insts[j + 1..i]
                        .iter()
                        .any(|k| k.def() == Some(x) || k.uses().contains(&x));
                    if !touched {
                        block.insts[j] = with_def(&block.insts[j], x);
                        block.insts.remove(i);
                        continue;
                    }
                }
            }
            i += 1;
        }
    }
}
