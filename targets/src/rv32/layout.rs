//! Layout: labels to offsets and every branch to its form, then bytes.
//!
//! A conditional branch reaches ±4 KiB (`beqz`/`bnez` on `s0`, `s1`, `a0`-`a5` ±256 bytes
//! in 16 bits); farther, it becomes the inverted branch over a `jal` (±1 MiB). A jump is
//! `c.j` (±2 KiB) or `jal`. Sizes only grow from one pass to the next, so the passes end;
//! a branch left larger than its final distance needs takes its 32-bit form.

use super::encode::{encode, full, Encoding, Inst, Reg};
use super::lower::MInst;

/// The register a `jal` for `m` links: `ra` for a call, none for a jump.
fn link(m: &MInst) -> Reg {
    match m {
        MInst::Call { .. } => Reg::RA,
        _ => Reg::ZERO,
    }
}

/// The size each branch or jump gets, growing only.
fn needed(m: &MInst, at: i64, target: i64) -> usize {
    let offset = (target - at) as i32;
    match *m {
        MInst::Branch { cond, rs1, rs2, .. } => {
            match encode(&Inst::Branch {
                cond,
                rs1,
                rs2,
                offset,
            }) {
                Ok(e) => e.len(),
                Err(_) => 8,
            }
        }
        MInst::Jump { .. } | MInst::Call { .. } => encode(&Inst::Jal {
            rd: link(m),
            offset,
        })
        .map_or(4, Encoding::len),
        MInst::I(i) => encode(&i).map_or(4, Encoding::len),
        MInst::Label(_) => 0,
    }
}

/// The bytes of `code`.
pub fn assemble(code: &[MInst]) -> Result<Vec<u8>, String> {
    let n_labels = code
        .iter()
        .filter_map(|m| match m {
            MInst::Label(l) => Some(l + 1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let mut sizes: Vec<usize> = code.iter().map(|m| needed(m, 0, 0)).collect();
    let mut labels = vec![0i64; n_labels];
    loop {
        let mut at = 0i64;
        let mut addrs = Vec::with_capacity(code.len());
        for (m, size) in code.iter().zip(&sizes) {
            if let MInst::Label(l) = m {
                labels[*l] = at;
            }
            addrs.push(at);
            at += *size as i64;
        }
        let mut grew = false;
        for (i, m) in code.iter().enumerate() {
            let target = match m {
                MInst::Branch { label, .. } | MInst::Jump { label } | MInst::Call { label } => {
                    labels[*label]
                }
                _ => continue,
            };
            let n = needed(m, addrs[i], target);
            if n > sizes[i] {
                sizes[i] = n;
                grew = true;
            }
        }
        if !grew {
            return emit(code, &sizes, &addrs, &labels);
        }
    }
}

fn emit(code: &[MInst], sizes: &[usize], addrs: &[i64], labels: &[i64]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let sized = |inst: &Inst, size: usize| -> Result<Vec<u8>, String> {
        let e = encode(inst).map_err(|e| e.to_string())?;
        Ok(if e.len() == size {
            e.bytes()
        } else {
            full(inst)
                .map_err(|e| e.to_string())?
                .to_le_bytes()
                .to_vec()
        })
    };
    for ((m, &size), &at) in code.iter().zip(sizes).zip(addrs) {
        match *m {
            MInst::Label(_) => {}
            MInst::I(i) => out.extend(sized(&i, size)?),
            MInst::Jump { label } | MInst::Call { label } => {
                let offset = (labels[label] - at) as i32;
                out.extend(sized(
                    &Inst::Jal {
                        rd: link(m),
                        offset,
                    },
                    size,
                )?);
            }
            MInst::Branch {
                cond,
                rs1,
                rs2,
                label,
            } => {
                let offset = (labels[label] - at) as i32;
                if size == 8 {
                    // The inverted branch skips the jump that goes the distance.
                    let skip = Inst::Branch {
                        cond: cond.invert(),
                        rs1,
                        rs2,
                        offset: 8,
                    };
                    out.extend(full(&skip).map_err(|e| e.to_string())?.to_le_bytes());
                    let jump = Inst::Jal {
                        rd: Reg::ZERO,
                        offset: offset - 4,
                    };
                    out.extend(full(&jump).map_err(|e| e.to_string())?.to_le_bytes());
                } else {
                    out.extend(sized(
                        &Inst::Branch {
                            cond,
                            rs1,
                            rs2,
                            offset,
                        },
                        size,
                    )?);
                }
            }
        }
        debug_assert_eq!(out.len() as i64, at + size as i64);
    }
    Ok(out)
}
