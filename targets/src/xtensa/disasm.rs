//! Xtensa bytes back to [`Inst`] values and to text in GNU `objdump`'s syntax (capstone's
//! released crate has no Xtensa). Decodes exactly the instructions [`super::encode`] has, so
//! `decode(encode(x)) == x` over every form is the decoder's first test and `objdump`'s text
//! its second (`targets/tests/xtensa_encoding.rs`).

use super::encode::{AluOp, ImmCond, Inst, MemOp, Reg, RegCond, ZeroCond};

/// One decoded instruction of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub address: u32,
    pub len: usize,
    pub inst: Inst,
}

/// The length of the instruction whose first byte is `first`: the density option's
/// formats (`op0` 8..13) are 16 bits, the others 24 (`op0` 14 and 15 are reserved).
pub fn length(first: u8) -> usize {
    match first & 15 {
        8..=13 => 2,
        _ => 3,
    }
}

fn sext(v: u32, bits: u32) -> i32 {
    ((v << (32 - bits)) as i32) >> (32 - bits)
}

/// Decodes the instruction at the start of `code`, placed at `address`; `None` for bytes
/// that are not one of the instructions this backend has (or too few of them).
pub fn decode_one(code: &[u8], address: u32) -> Option<(Inst, usize)> {
    let len = length(*code.first()?);
    if code.len() < len {
        return None;
    }
    let inst = if len == 2 {
        decode_narrow(u32::from(u16::from_le_bytes([code[0], code[1]])))?
    } else {
        decode_wide(u32::from_le_bytes([code[0], code[1], code[2], 0]), address)?
    };
    Some((inst, len))
}

/// Decodes all of `code`, placed at `address`; an error names the first undecodable bytes.
pub fn decode(code: &[u8], address: u32) -> Result<Vec<Decoded>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let here = address.wrapping_add(at as u32);
        let Some((inst, len)) = decode_one(&code[at..], here) else {
            return Err(format!(
                "no instruction this backend has at {here:#x}: {:02x?}",
                &code[at..code.len().min(at + 3)]
            ));
        };
        out.push(Decoded {
            address: here,
            len,
            inst,
        });
        at += len;
    }
    Ok(out)
}

/// `code` at `address` as a listing, one line per instruction: address, bytes, text.
pub fn listing(code: &[u8], address: u32) -> Result<String, String> {
    let mut out = String::new();
    for d in decode(code, address)? {
        let offset = (d.address - address) as usize;
        let bytes: String = code[offset..offset + d.len]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        out += &format!(
            "{:8x}:  {bytes:<8}{}\n",
            d.address,
            text(&d.inst, d.address)
        );
    }
    Ok(out)
}

fn decode_narrow(h: u32) -> Option<Inst> {
    let (r, s, t) = ((h >> 12) & 15, Reg(((h >> 8) & 15) as u8), (h >> 4) & 15);
    let (rr, tr) = (Reg(r as u8), Reg(t as u8));
    Some(match h & 15 {
        8 => Inst::L32iN {
            t: tr,
            s,
            offset: r * 4,
        },
        9 => Inst::S32iN {
            t: tr,
            s,
            offset: r * 4,
        },
        10 => Inst::AddN { r: rr, s, t: tr },
        11 => Inst::AddiN {
            r: rr,
            s,
            imm: if t == 0 { -1 } else { t as i32 },
        },
        12 => match t >> 2 {
            0 | 1 => {
                // A 7-bit field whose top quarter stands for -32..-1.
                let imm7 = (t & 7) << 4 | r;
                let imm = if imm7 >= 96 {
                    imm7 as i32 - 128
                } else {
                    imm7 as i32
                };
                Inst::MoviN { s, imm }
            }
            kind => {
                let target = ((t & 3) << 4 | r) as i32 + 4;
                if kind == 2 {
                    Inst::BeqzN { s, target }
                } else {
                    Inst::BnezN { s, target }
                }
            }
        },
        13 => match (r, s.0, t) {
            (0, _, _) => Inst::MovN { t: tr, s },
            (15, 0, 0) => Inst::RetN,
            (15, 0, 1) => Inst::RetwN,
            (15, 0, 3) => Inst::NopN,
            _ => return None,
        },
        _ => return None,
    })
}

fn decode_wide(w: u32, address: u32) -> Option<Inst> {
    let f = |shift: u32| (w >> shift) & 15;
    let (op2, op1, r, s, t) = (f(20), f(16), f(12), f(8), f(4));
    let (sr, tr) = (Reg(s as u8), Reg(t as u8));
    let imm8 = w >> 16;
    Some(match w & 15 {
        0 => decode_qrst(op2, op1, r, s, t)?,
        1 => {
            let base = address.wrapping_add(3) & !3;
            let dest = base.wrapping_add((0xffff_0000 | (w >> 8)) << 2);
            Inst::L32r {
                t: tr,
                target: dest.wrapping_sub(address) as i32,
            }
        }
        2 => match r {
            10 => Inst::Movi {
                t: tr,
                imm: sext(s << 8 | imm8, 12),
            },
            12 => Inst::Addi {
                t: tr,
                s: sr,
                imm: sext(imm8, 8),
            },
            13 => Inst::Addmi {
                t: tr,
                s: sr,
                imm: sext(imm8, 8) * 256,
            },
            _ => {
                let op = MemOp::ALL.into_iter().find(|op| op.code() == r)?;
                Inst::Mem {
                    op,
                    t: tr,
                    s: sr,
                    offset: imm8 << op.scale(),
                }
            }
        },
        5 => {
            let dest = (address & !3)
                .wrapping_add(4)
                .wrapping_add((sext(w >> 6, 18) as u32) << 2);
            let target = dest.wrapping_sub(address) as i32;
            match (w >> 4) & 3 {
                0 => Inst::Call0 { target },
                1 => Inst::Call4 { target },
                2 => Inst::Call8 { target },
                _ => return None,
            }
        }
        6 => decode_si(w, r, sr, t)?,
        7 => {
            let target = sext(imm8, 8) + 4;
            match r {
                6 | 7 | 14 | 15 => Inst::BranchBit {
                    set: r >= 14,
                    s: sr,
                    bit: ((r & 1) << 4 | t) as u8,
                    target,
                },
                _ => Inst::Branch {
                    cond: RegCond::ALL.into_iter().find(|c| c.code() == r)?,
                    s: sr,
                    t: tr,
                    target,
                },
            }
        }
        _ => return None,
    })
}

/// The `SI` group (`op0` 6): `j`, the compare-with-zero and compare-with-constant branches,
/// `entry`.
fn decode_si(w: u32, r: u32, s: Reg, t: u32) -> Option<Inst> {
    let (n, m) = (t & 3, t >> 2);
    Some(match (n, m) {
        (0, _) => Inst::J {
            target: sext(w >> 6, 18) + 4,
        },
        (1, _) => Inst::BranchZ {
            cond: ZeroCond::ALL[m as usize],
            s,
            target: sext(w >> 12, 12) + 4,
        },
        (2, _) | (3, 2) | (3, 3) => {
            let cond = match (n, m) {
                (3, 2) => ImmCond::Bltui,
                (3, 3) => ImmCond::Bgeui,
                _ => ImmCond::ALL[m as usize],
            };
            Inst::BranchImm {
                cond,
                s,
                imm: cond.table()[r as usize],
                target: sext(w >> 16, 8) + 4,
            }
        }
        (3, 0) => Inst::Entry {
            s,
            frame: (w >> 12) * 8,
        },
        _ => return None,
    })
}

/// The `QRST` group (`op0` 0): register arithmetic, shifts, calls and returns through
/// registers.
fn decode_qrst(op2: u32, op1: u32, r: u32, s: u32, t: u32) -> Option<Inst> {
    let (rr, sr, tr) = (Reg(r as u8), Reg(s as u8), Reg(t as u8));
    if let Some(op) = AluOp::ALL.into_iter().find(|op| op.op1_op2() == (op1, op2)) {
        return Some(Inst::Alu {
            op,
            r: rr,
            s: sr,
            t: tr,
        });
    }
    Some(match (op1, op2) {
        (0, 0) => match (r, s, t) {
            (0, 0, 0b1000) => Inst::Ret,
            (0, 0, 0b1001) => Inst::Retw,
            (0, _, 0b1010) => Inst::Jx { s: sr },
            (0, _, 0b1100) => Inst::Callx0 { s: sr },
            (0, _, 0b1101) => Inst::Callx4 { s: sr },
            (0, _, 0b1110) => Inst::Callx8 { s: sr },
            (1, _, _) => Inst::Movsp { t: tr, s: sr },
            (2, 0, 15) => Inst::Nop,
            (5, 0, 0) => Inst::Syscall,
            _ => return None,
        },
        (0, 4) => match (r, t) {
            (0, 0) => Inst::Ssr { s: sr },
            (1, 0) => Inst::Ssl { s: sr },
            (4, 0 | 1) => Inst::Ssai {
                sa: (t << 4 | s) as u8,
            },
            _ => return None,
        },
        (0, 6) if s == 0 => Inst::Neg { r: rr, t: tr },
        (1, 0 | 1) => {
            let inv = (op2 & 1) << 4 | t;
            if inv == 0 {
                return None;
            }
            Inst::Slli {
                r: rr,
                s: sr,
                sa: (32 - inv) as u8,
            }
        }
        (1, 2 | 3) => Inst::Srai {
            r: rr,
            t: tr,
            sa: ((op2 & 1) << 4 | s) as u8,
        },
        (1, 4) => Inst::Srli {
            r: rr,
            t: tr,
            sa: s as u8,
        },
        (1, 9) if s == 0 => Inst::Srl { r: rr, t: tr },
        (1, 10) if t == 0 => Inst::Sll { r: rr, s: sr },
        (1, 11) if s == 0 => Inst::Sra { r: rr, t: tr },
        (4 | 5, _) => Inst::Extui {
            r: rr,
            t: tr,
            shift: ((op1 & 1) << 4 | s) as u8,
            bits: (op2 + 1) as u8,
        },
        _ => return None,
    })
}

/// A constant as `objdump` prints one: decimal when small, else the 32-bit pattern in hex.
fn imm(v: i32) -> String {
    if (-255..256).contains(&v) {
        v.to_string()
    } else {
        format!("{:#x}", v as u32)
    }
}

/// `inst`, placed at `address`, in `objdump`'s syntax (mnemonic, a tab, operands; branch
/// and call targets as absolute addresses; `l32r` without the literal's value, which only
/// the memory knows).
pub fn text(inst: &Inst, address: u32) -> String {
    use Inst::*;
    let to = |target: i32| format!("{:#x}", address.wrapping_add(target as u32));
    let (name, operands): (&str, String) = match *inst {
        Alu { op, r, s, t } => (op.mnemonic(), format!("{r}, {s}, {t}")),
        Neg { r, t } => ("neg", format!("{r}, {t}")),
        Sll { r, s } => ("sll", format!("{r}, {s}")),
        Srl { r, t } => ("srl", format!("{r}, {t}")),
        Sra { r, t } => ("sra", format!("{r}, {t}")),
        Ssl { s } => ("ssl", s.to_string()),
        Ssr { s } => ("ssr", s.to_string()),
        Ssai { sa } => ("ssai", sa.to_string()),
        Slli { r, s, sa } => ("slli", format!("{r}, {s}, {sa}")),
        Srli { r, t, sa } => ("srli", format!("{r}, {t}, {sa}")),
        Srai { r, t, sa } => ("srai", format!("{r}, {t}, {sa}")),
        Extui { r, t, shift, bits } => ("extui", format!("{r}, {t}, {shift}, {bits}")),
        Movi { t, imm: i } => ("movi", format!("{t}, {}", imm(i))),
        Addi { t, s, imm: i } => ("addi", format!("{t}, {s}, {}", imm(i))),
        Addmi { t, s, imm: i } => ("addmi", format!("{t}, {s}, {}", imm(i))),
        Mem { op, t, s, offset } => (op.mnemonic(), format!("{t}, {s}, {}", imm(offset as i32))),
        L32r { t, target } => ("l32r", format!("{t}, {}", to(target))),
        Branch { cond, s, t, target } => (cond.mnemonic(), format!("{s}, {t}, {}", to(target))),
        BranchZ { cond, s, target } => (cond.mnemonic(), format!("{s}, {}", to(target))),
        BranchImm {
            cond,
            s,
            imm: i,
            target,
        } => (cond.mnemonic(), format!("{s}, {}, {}", imm(i), to(target))),
        BranchBit {
            set,
            s,
            bit,
            target,
        } => (
            if set { "bbsi" } else { "bbci" },
            format!("{s}, {bit}, {}", to(target)),
        ),
        J { target } => ("j", to(target)),
        Call0 { target } => ("call0", to(target)),
        Call4 { target } => ("call4", to(target)),
        Call8 { target } => ("call8", to(target)),
        Jx { s } => ("jx", s.to_string()),
        Callx0 { s } => ("callx0", s.to_string()),
        Callx4 { s } => ("callx4", s.to_string()),
        Callx8 { s } => ("callx8", s.to_string()),
        Ret => ("ret", String::new()),
        Retw => ("retw", String::new()),
        Entry { s, frame } => ("entry", format!("{s}, {}", imm(frame as i32))),
        Movsp { t, s } => ("movsp", format!("{t}, {s}")),
        Nop => ("nop", String::new()),
        Syscall => ("syscall", String::new()),
        AddN { r, s, t } => ("add.n", format!("{r}, {s}, {t}")),
        AddiN { r, s, imm: i } => ("addi.n", format!("{r}, {s}, {i}")),
        MovN { t, s } => ("mov.n", format!("{t}, {s}")),
        MoviN { s, imm: i } => ("movi.n", format!("{s}, {i}")),
        L32iN { t, s, offset } => ("l32i.n", format!("{t}, {s}, {offset}")),
        S32iN { t, s, offset } => ("s32i.n", format!("{t}, {s}, {offset}")),
        BeqzN { s, target } => ("beqz.n", format!("{s}, {}", to(target))),
        BnezN { s, target } => ("bnez.n", format!("{s}, {}", to(target))),
        RetN => ("ret.n", String::new()),
        RetwN => ("retw.n", String::new()),
        NopN => ("nop.n", String::new()),
    };
    if operands.is_empty() {
        name.to_string()
    } else {
        format!("{name}\t{operands}")
    }
}
