//! Layout: places [`MInst`]s at addresses, picks each branch's form, lays out the literal
//! pool, and encodes.
//!
//! - Branches start in their 16-bit form and grow, all together, until every one reaches
//!   its label (growth only lengthens code, so this settles): on ARMv7-M to `b.w`/`b<c>.w`;
//!   on ARMv6-M, which has no 32-bit branch, to `bl` for a far jump (the prologue saved
//!   `lr`, so clobbering it is harmless) behind an inverted 16-bit `b<c>` for a far
//!   conditional one.
//! - Literals (ARMv6-M constants no short sequence makes) go in one pool after the code,
//!   word-aligned, each value once; a 16-bit `ldr` reaches 1020 bytes forward, which bounds
//!   a function using the pool to about 1 KiB.

use super::encode::{encode, Addr, Arch, Inst, MemOp};
use super::lower::MInst;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Short,
    /// `b.w` / `b<c>.w` (ARMv7-M) or `bl` / `b<!c> +4; bl` (ARMv6-M).
    Long,
}

/// The bytes of `code`.
pub fn assemble(code: &[MInst], arch: Arch) -> Result<Vec<u8>, String> {
    let mut forms = vec![Form::Short; code.len()];
    loop {
        let (addrs, labels, _) = place(code, &forms, arch)?;
        let mut grew = false;
        for (i, m) in code.iter().enumerate() {
            if let MInst::Jump { cond, label } = *m {
                let offset = labels[label] as i32 - (addrs[i] as i32 + 4);
                if forms[i] == Form::Short && jump(cond, offset, Form::Short, arch).is_err() {
                    forms[i] = Form::Long;
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    let (addrs, labels, end) = place(code, &forms, arch)?;
    let pool_start = end.next_multiple_of(4);
    let mut pool: Vec<u32> = Vec::new();
    let mut bytes = Vec::with_capacity(pool_start as usize);
    for (i, m) in code.iter().enumerate() {
        let insts = match *m {
            MInst::I(inst) => vec![inst],
            MInst::Label(_) => vec![],
            MInst::Jump { cond, label } => {
                let offset = labels[label] as i32 - (addrs[i] as i32 + 4);
                jump(cond, offset, forms[i], arch)?
            }
            MInst::Literal { rd, value } => {
                let at = match pool.iter().position(|&v| v == value) {
                    Some(at) => at,
                    None => {
                        pool.push(value);
                        pool.len() - 1
                    }
                };
                let target = pool_start + 4 * at as u32;
                let offset = target as i32 - ((addrs[i] + 4) & !3) as i32;
                vec![Inst::Mem {
                    op: MemOp::Ldr,
                    rt: rd,
                    addr: Addr::Literal { offset },
                }]
            }
        };
        for inst in insts {
            let enc = encode(&inst, arch).map_err(|e| format!("layout: {e}"))?;
            bytes.extend(enc.bytes());
        }
    }
    if !pool.is_empty() {
        while bytes.len() % 4 != 0 {
            bytes.extend(encode(&Inst::Nop, arch).map_err(|e| e.to_string())?.bytes());
        }
        for value in pool {
            bytes.extend(value.to_le_bytes());
        }
    }
    if bytes.len() < end as usize {
        return Err("layout: a branch encoded shorter than placed".into());
    }
    Ok(bytes)
}

/// The address of each instruction and label, and the end of the code, for these forms.
fn place(code: &[MInst], forms: &[Form], arch: Arch) -> Result<(Vec<u32>, Vec<u32>, u32), String> {
    let n_labels = code
        .iter()
        .filter_map(|m| match m {
            MInst::Label(l) => Some(l + 1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let mut labels = vec![0; n_labels];
    let mut addrs = Vec::with_capacity(code.len());
    let mut at = 0u32;
    for (m, form) in code.iter().zip(forms) {
        addrs.push(at);
        at += match *m {
            MInst::I(inst) => encode(&inst, arch).map_err(|e| e.to_string())?.size() as u32,
            MInst::Label(l) => {
                labels[l] = at;
                0
            }
            MInst::Jump { cond, .. } => match (form, arch, cond) {
                (Form::Short, ..) => 2,
                (Form::Long, Arch::V6M, Some(_)) => 6,
                (Form::Long, ..) => 4,
            },
            MInst::Literal { .. } => 2,
        };
    }
    Ok((addrs, labels, at))
}

/// The instructions of a branch by `offset` from its PC in `form`.
fn jump(
    cond: Option<super::encode::Cond>,
    offset: i32,
    form: Form,
    arch: Arch,
) -> Result<Vec<Inst>, String> {
    let insts = match (form, arch, cond) {
        (Form::Long, Arch::V6M, None) => vec![Inst::Bl { offset }],
        (Form::Long, Arch::V6M, Some(c)) => vec![
            // Skips the `bl` when the condition fails; the `bl` sits 2 bytes further on.
            Inst::B {
                cond: Some(c.invert()),
                offset: 2,
            },
            Inst::Bl { offset: offset - 2 },
        ],
        _ => vec![Inst::B { cond, offset }],
    };
    for inst in &insts {
        let enc = encode(inst, arch).map_err(|e| format!("branch out of range: {e}"))?;
        if form == Form::Short && enc.is_wide() {
            return Err("needs the long form".into());
        }
    }
    Ok(insts)
}
