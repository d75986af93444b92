//! `xtensa::layout` under `qemu-xtensa -cpu lx106`: branches whose labels lie beyond their
//! reach (a loop body over 128 bytes for `blt`, a `beqz.n` over 3 KiB) grow into the
//! inverse branch over a `j`, constants too wide for `movi` come from the pool before the
//! code, and the program still computes what it should. The listing (`xtensa::disasm`)
//! shows the forms chosen.

mod xtensa_qemu;

use targets::xtensa::disasm::decode;
use targets::xtensa::encode::{AluOp, Inst, Reg, RegCond, ZeroCond};
use targets::xtensa::layout::{assemble, Item, Label};
use xtensa_qemu::{elf, run, CODE_BASE, SYS_EXIT};

const A2: Reg = Reg(2);
const A3: Reg = Reg(3);
const A4: Reg = Reg(4);
const A5: Reg = Reg(5);
const A6: Reg = Reg(6);
const A7: Reg = Reg(7);
const A9: Reg = Reg(9);

const LOOP: Label = 0;
const FAR: Label = 1;
const NEAR: Label = 2;

fn padding(n: usize) -> impl Iterator<Item = Item> {
    (0..n).map(|_| {
        Item::Inst(Inst::AddiN {
            r: A5,
            s: A5,
            imm: 1,
        })
    })
}

/// sum(range(10)) in a loop of a 200-byte body, plus the difference of two pool constants,
/// then a `beqz.n` taken over 3 KiB of code that would zero the result.
fn program() -> Vec<Item> {
    let mut p = vec![
        Item::Const { t: A2, value: 0 },
        Item::Const { t: A3, value: 0 },
        Item::Const { t: A4, value: 10 },
        Item::Label(LOOP),
    ];
    p.extend(padding(100));
    p.extend([
        Item::Inst(Inst::AddN {
            r: A2,
            s: A2,
            t: A3,
        }),
        Item::Inst(Inst::AddiN {
            r: A3,
            s: A3,
            imm: 1,
        }),
        Item::To {
            inst: Inst::Branch {
                cond: RegCond::Blt,
                s: A3,
                t: A4,
                target: 0,
            },
            label: LOOP,
        },
        // 45
        Item::Const {
            t: A6,
            value: 0x1234_5678,
        },
        Item::Const {
            t: A7,
            value: 0x1234_5600,
        },
        Item::Inst(Inst::Alu {
            op: AluOp::Sub,
            r: A6,
            s: A6,
            t: A7,
        }),
        Item::Inst(Inst::AddN {
            r: A2,
            s: A2,
            t: A6,
        }), // 165
        Item::Const {
            t: A9,
            value: 0x1234_5678,
        },
        Item::Const { t: A7, value: 0 },
        Item::To {
            inst: Inst::BeqzN { s: A7, target: 0 },
            label: NEAR,
        },
        Item::Const { t: A2, value: 1 },
        Item::Label(NEAR),
        Item::To {
            inst: Inst::BeqzN { s: A7, target: 0 },
            label: FAR,
        },
        Item::Const { t: A2, value: 2 },
    ]);
    p.extend(padding(1500));
    p.extend([
        Item::Label(FAR),
        Item::Inst(Inst::MovN { t: A6, s: A2 }),
        Item::Const {
            t: A2,
            value: SYS_EXIT,
        },
        Item::Inst(Inst::Syscall),
    ]);
    p
}

#[test]
fn far_branches_and_pooled_constants_run_on_lx106() {
    let code = assemble(&program(), CODE_BASE).unwrap();
    // Two distinct wide constants, each once.
    assert_eq!(code.entry, 8);
    assert_eq!(
        code.bytes[..8],
        [0x78, 0x56, 0x34, 0x12, 0x00, 0x56, 0x34, 0x12]
    );
    let insts: Vec<Inst> = decode(&code.bytes[8..], CODE_BASE + 8)
        .unwrap()
        .into_iter()
        .map(|d| d.inst)
        .collect();
    let pairs: Vec<(Inst, Inst)> = insts.windows(2).map(|w| (w[0], w[1])).collect();
    assert!(
        pairs.iter().any(|(a, b)| matches!(
            (a, b),
            (
                Inst::Branch {
                    cond: RegCond::Bge,
                    target: 6,
                    ..
                },
                Inst::J { .. }
            )
        )),
        "the loop's blt became bge over a j"
    );
    assert!(
        insts.iter().any(|i| matches!(i, Inst::BeqzN { .. })),
        "the near beqz.n stayed narrow"
    );
    assert!(
        pairs.iter().any(|(a, b)| matches!(
            (a, b),
            (
                Inst::BranchZ {
                    cond: ZeroCond::Bnez,
                    target: 6,
                    ..
                },
                Inst::J { .. }
            )
        )),
        "the far beqz.n became bnez over a j"
    );
    let out = run(&elf(&code.bytes, code.entry), "lx106");
    assert_eq!(out.status.code(), Some(165), "{out:?}");
}

#[test]
fn a_beqz_n_just_out_of_reach_widens() {
    let mut p = vec![Item::To {
        inst: Inst::BeqzN { s: A2, target: 0 },
        label: 0,
    }];
    // 64 bytes after the 2-byte branch: 66 from it, within beqz.n's 67.
    p.extend(padding(32));
    p.push(Item::Label(0));
    assert_eq!(assemble(&p, 0x1000).unwrap().bytes.len(), 66);
    p.insert(
        1,
        Item::Inst(Inst::AddiN {
            r: A5,
            s: A5,
            imm: 1,
        }),
    );
    // 68 away: past beqz.n, so beqz (3 bytes).
    let code = assemble(&p, 0x1000).unwrap();
    assert_eq!(code.bytes.len(), 69);
    assert!(matches!(
        decode(&code.bytes, 0x1000).unwrap()[0].inst,
        Inst::BranchZ {
            cond: ZeroCond::Beqz,
            target: 69,
            ..
        }
    ));
}

#[test]
fn bad_layouts_are_errors() {
    let to_nowhere = [Item::To {
        inst: Inst::J { target: 0 },
        label: 3,
    }];
    assert!(assemble(&to_nowhere, 0).is_err());
    let twice = [Item::Label(0), Item::Label(0)];
    assert!(assemble(&twice, 0).is_err());
    assert!(assemble(&[], 2).is_err());
}
