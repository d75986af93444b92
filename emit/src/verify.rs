//! An independent check of a [`Func`]: what every backend may assume about its input.
//!
//! - every block is terminated and every block named exists;
//! - every vreg named exists, and types agree: arithmetic reads scalars, comparisons read
//!   scalars (or two objects, for identity), copies never turn an object into a scalar or
//!   back, loads and stores use scalars, branches test scalars,
//!   returns give the function's return type, helper calls pass the helper's argument count;
//! - every vreg is defined on every path before it is read (a forward "definitely assigned"
//!   dataflow from the entry, with the parameters defined on entry).

use crate::mir::{BlockId, Cond, Func, Inst, Term, Ty, VReg};

/// Why a function is malformed: the block and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError(pub String);

pub fn verify(func: &Func) -> Result<(), VerifyError> {
    let fail = |block: usize, msg: String| Err(VerifyError(format!("b{block}: {msg}")));
    let n_vregs = func.vregs.len() as u32;
    let n_blocks = func.blocks.len() as u32;
    if n_blocks == 0 {
        return Err(VerifyError("no entry block".into()));
    }
    for (i, block) in func.blocks.iter().enumerate() {
        let Some(term) = &block.term else {
            return fail(i, "not terminated".into());
        };
        let mut named: Vec<VReg> = Vec::new();
        let mut targets: Vec<BlockId> = term.successors();
        for inst in &block.insts {
            named.extend(inst.def());
            named.extend(inst.uses());
            if let Inst::Call { on_raise, .. } = inst {
                targets.push(*on_raise);
            }
        }
        match term {
            Term::Branch { cond, .. } => named.push(*cond),
            Term::Return(v) => named.push(*v),
            _ => {}
        }
        if let Some(v) = named.iter().find(|v| v.0 >= n_vregs) {
            return fail(i, format!("{v} does not exist"));
        }
        if let Some(b) = targets.iter().find(|b| b.0 >= n_blocks) {
            return fail(i, format!("{b} does not exist"));
        }
        for inst in &block.insts {
            check_types(func, inst).or_else(|msg| fail(i, format!("{inst}: {msg}")))?;
        }
        match term {
            Term::Branch { cond, .. } if func.ty(*cond) == Ty::Obj => {
                return fail(i, format!("branch on object {cond}"))
            }
            Term::Return(v) if func.ty(*v) != func.ret => {
                return fail(
                    i,
                    format!(
                        "return of {} from a {} function",
                        func.ty(*v).name(),
                        func.ret.name()
                    ),
                )
            }
            _ => {}
        }
    }
    check_defined_before_use(func)
}

fn check_types(func: &Func, inst: &Inst) -> Result<(), String> {
    let ty = |v: &VReg| func.ty(*v);
    let scalar = |v: &VReg| ty(v) != Ty::Obj;
    match inst {
        Inst::Bits { dst, src } if scalar(dst) == scalar(src) => {
            Err("bits between two values of one kind (a copy)".into())
        }
        Inst::Copy { dst, src } if scalar(dst) != scalar(src) => {
            Err("copy between an object and a scalar".into())
        }
        Inst::Bin { dst, a, b, .. } if !(scalar(dst) && scalar(a) && scalar(b)) => {
            Err("arithmetic on an object".into())
        }
        Inst::Cmp { dst, cond, a, b }
            if ty(dst) != Ty::Bool
                || scalar(a) != scalar(b)
                || (!scalar(a) && !matches!(cond, Cond::Eq | Cond::Ne)) =>
        {
            Err(
                "comparison must read scalars (or test objects for identity) and give a bool"
                    .into(),
            )
        }
        Inst::Load { dst, addr, .. } if !scalar(dst) || !scalar(addr) => {
            Err("load must use scalars".into())
        }
        Inst::Store { addr, value, .. } if !scalar(addr) || !scalar(value) => {
            Err("store must use scalars".into())
        }
        Inst::LoadSlot { dst, .. } if ty(dst) != Ty::Obj => Err("frame slots hold objects".into()),
        Inst::Tick { dst } if ty(dst) != Ty::Bool => Err("a tick gives a bool".into()),
        Inst::CatchException { dst } if ty(dst) != Ty::Obj => Err("exceptions are objects".into()),
        Inst::StoreSlot { slot, .. }
        | Inst::SlotAddr { slot, .. }
        | Inst::LoadSlot { slot, .. }
            if *slot >= func.frame_slots =>
        {
            Err(format!("slot {slot} outside the frame"))
        }
        Inst::LoadConst { dst, .. } | Inst::LoadQstr { dst, .. } if ty(dst) != Ty::Obj => {
            Err("constants are objects".into())
        }
        Inst::Call { helper, args, .. } if args.len() != helper.n_args() => Err(format!(
            "{} takes {} arguments",
            helper.name(),
            helper.n_args()
        )),
        _ => Ok(()),
    }
}

/// Forward dataflow: the set of vregs definitely assigned at each block's entry is the
/// intersection over its predecessors; iterate to a fixed point, then check every read.
fn check_defined_before_use(func: &Func) -> Result<(), VerifyError> {
    let n = func.vregs.len();
    let n_blocks = func.blocks.len();
    let mut entry: Vec<Option<Vec<bool>>> = vec![None; n_blocks];
    let mut start = vec![false; n];
    for p in &func.params {
        start[p.0 as usize] = true;
    }
    entry[0] = Some(start);
    let mut changed = true;
    while changed {
        changed = false;
        for b in 0..n_blocks {
            let Some(mut defined) = entry[b].clone() else {
                continue;
            };
            let block = &func.blocks[b];
            let mut edges: Vec<(BlockId, Vec<bool>)> = Vec::new();
            for inst in &block.insts {
                if let Inst::Call { on_raise, .. } = inst {
                    // The exception edge leaves before the call's result is assigned.
                    edges.push((*on_raise, defined.clone()));
                }
                if let Some(d) = inst.def() {
                    defined[d.0 as usize] = true;
                }
            }
            match &block.term {
                // A generator resumes from its entry: nothing is defined there.
                Some(Term::Yield { resume, .. }) => edges.push((*resume, vec![false; n])),
                Some(term) => {
                    for s in term.successors() {
                        edges.push((s, defined.clone()));
                    }
                }
                None => {}
            }
            for (succ, out) in edges {
                let slot = &mut entry[succ.0 as usize];
                match slot {
                    None => {
                        *slot = Some(out);
                        changed = true;
                    }
                    Some(have) => {
                        for (h, o) in have.iter_mut().zip(out) {
                            if *h && !o {
                                *h = false;
                                changed = true;
                            }
                        }
                    }
                }
            }
        }
    }
    for (b, block) in func.blocks.iter().enumerate() {
        let Some(mut defined) = entry[b].clone() else {
            continue; // unreachable
        };
        let mut reads: Vec<(VReg, String)> = Vec::new();
        for inst in &block.insts {
            for u in inst.uses() {
                if !defined[u.0 as usize] {
                    reads.push((u, inst.to_string()));
                }
            }
            if let Some(d) = inst.def() {
                defined[d.0 as usize] = true;
            }
        }
        match &block.term {
            Some(Term::Branch { cond: v, .. })
            | Some(Term::Return(v))
            | Some(Term::Yield { value: v, .. })
                if !defined[v.0 as usize] =>
            {
                reads.push((*v, block.term.as_ref().unwrap().to_string()))
            }
            _ => {}
        }
        if let Some((v, at)) = reads.first() {
            return Err(VerifyError(format!(
                "b{b}: {v} read before it is defined, in `{at}`"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mir::*;

    fn func(vregs: Vec<Ty>, params: Vec<VReg>, blocks: Vec<Block>) -> Func {
        Func {
            name: "f".into(),
            params,
            ret: Ty::Int,
            vregs,
            blocks,
            frame_slots: 0,
            generator: false,
        }
    }

    fn block(insts: Vec<Inst>, term: Term) -> Block {
        Block {
            insts,
            term: Some(term),
        }
    }

    #[test]
    fn accepts_a_loop_whose_variable_is_defined_before_it() {
        let (x, c) = (VReg(0), VReg(1));
        let f = func(
            vec![Ty::Int, Ty::Bool],
            vec![x],
            vec![
                block(vec![], Term::Jump(BlockId(1))),
                block(
                    vec![Inst::Cmp {
                        dst: c,
                        cond: Cond::Lt,
                        a: x,
                        b: x,
                    }],
                    Term::Branch {
                        cond: c,
                        then: BlockId(1),
                        else_: BlockId(2),
                    },
                ),
                block(vec![], Term::Return(x)),
            ],
        );
        assert_eq!(verify(&f), Ok(()));
    }

    #[test]
    fn rejects_a_read_defined_on_one_path_only() {
        let (c, x) = (VReg(0), VReg(1));
        let f = func(
            vec![Ty::Bool, Ty::Int],
            vec![c],
            vec![
                block(
                    vec![],
                    Term::Branch {
                        cond: c,
                        then: BlockId(1),
                        else_: BlockId(2),
                    },
                ),
                block(
                    vec![Inst::Const { dst: x, value: 1 }],
                    Term::Jump(BlockId(2)),
                ),
                block(vec![], Term::Return(x)),
            ],
        );
        let err = verify(&f).unwrap_err();
        assert!(err.0.contains("v1 read before it is defined"), "{err:?}");
    }

    #[test]
    fn rejects_unterminated_blocks_and_type_mismatches() {
        let x = VReg(0);
        let open = func(vec![Ty::Int], vec![x], vec![Block::default()]);
        assert_eq!(verify(&open).unwrap_err().0, "b0: not terminated");
        let obj = VReg(1);
        let mixed = func(
            vec![Ty::Int, Ty::Obj],
            vec![x, obj],
            vec![block(
                vec![Inst::Bin {
                    dst: x,
                    op: BinOp::Add,
                    a: x,
                    b: obj,
                }],
                Term::Return(x),
            )],
        );
        assert!(verify(&mixed)
            .unwrap_err()
            .0
            .contains("arithmetic on an object"));
        let wrong_return = func(
            vec![Ty::Int, Ty::Obj],
            vec![x, obj],
            vec![block(vec![], Term::Return(obj))],
        );
        assert!(verify(&wrong_return)
            .unwrap_err()
            .0
            .contains("return of object"));
    }

    #[test]
    fn the_exception_edge_does_not_see_the_call_result() {
        let (g, r) = (VReg(0), VReg(1));
        let f = Func {
            ret: Ty::Obj,
            ..func(
                vec![Ty::Int, Ty::Obj],
                vec![g],
                vec![
                    block(
                        vec![Inst::Call {
                            dst: r,
                            helper: Helper::LoadGlobal,
                            args: vec![g],
                            on_raise: BlockId(1),
                        }],
                        Term::Return(r),
                    ),
                    block(vec![], Term::Return(r)),
                ],
            )
        };
        assert!(verify(&f).unwrap_err().0.starts_with("b1: v1 read before"));
    }

    #[test]
    fn a_generator_resumes_with_only_what_it_reloads() {
        let x = VReg(0);
        let yielding = |reload: Vec<Inst>| Func {
            ret: Ty::Obj,
            frame_slots: 1,
            generator: true,
            ..func(
                vec![Ty::Obj, Ty::Obj],
                vec![x],
                vec![
                    block(
                        vec![Inst::StoreSlot { slot: 0, value: x }],
                        Term::Yield {
                            value: x,
                            resume: BlockId(1),
                        },
                    ),
                    block(reload, Term::Return(x)),
                ],
            )
        };
        let err = verify(&yielding(vec![])).unwrap_err().0;
        assert!(err.contains("read before it is defined"), "{err}");
        let reload = vec![Inst::LoadSlot { dst: x, slot: 0 }];
        assert!(verify(&yielding(reload)).is_ok());
    }
}
