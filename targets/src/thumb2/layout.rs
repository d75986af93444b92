//! Layout: places [`MInst`]s at addresses, picks each branch's form, lays out the literal
//! pool, and encodes.
//!
//! - Branches start in their 16-bit form and grow, all together, until every one reaches
//!   its label (growth only lengthens code, so this settles): on ARMv7-M to `b.w`/`b<c>.w`;
//!   on ARMv6-M, which has no 32-bit branch, a conditional one first to an inverted `b<c>`
//!   over a `b` (±2 KiB), then any to `bl` (±16 MiB; the prologue saved `lr`, so clobbering
//!   it is harmless).
//! - Literals (ARMv6-M constants no short sequence makes) go in one pool after the code,
//!   word-aligned, each value once; a 16-bit `ldr` reaches 1020 bytes forward, which bounds
//!   a function using the pool to about 1 KiB.

use super::encode::{encode, Addr, Arch, Cond, Inst, MemOp};
use super::lower::MInst;

/// A branch's form, from short to far: each step reaches further.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// `b`, `b<c>`.
    Short,
    /// `b.w`, `b<c>.w` (ARMv7-M); `b<!c> +2; b` (ARMv6-M).
    Medium,
    /// `bl`, `b<!c> +4; bl` (ARMv6-M).
    Far,
}

impl Form {
    fn next(self) -> Form {
        match self {
            Form::Short => Form::Medium,
            _ => Form::Far,
        }
    }
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
                if forms[i] != Form::Far && jump(cond, offset, forms[i], arch).is_err() {
                    forms[i] = forms[i].next();
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
            MInst::Call { label } => vec![Inst::Bl {
                offset: labels[label] as i32 - (addrs[i] as i32 + 4),
            }],
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
            MInst::Jump { cond, .. } => jump_size(*form, arch, cond),
            MInst::Call { .. } => 4,
            MInst::Literal { .. } => 2,
        };
    }
    Ok((addrs, labels, at))
}

/// The instructions of a branch by `offset` from its PC in `form`.
fn jump(cond: Option<Cond>, offset: i32, form: Form, arch: Arch) -> Result<Vec<Inst>, String> {
    // ARMv6-M's long forms: an inverted short branch skips the `b` (2 bytes) or `bl` (4)
    // that follows it, and that one starts 2 bytes further on.
    let skip = |c: Cond, over: Inst| {
        let size = if matches!(over, Inst::Bl { .. }) {
            4
        } else {
            2
        };
        vec![
            Inst::B {
                cond: Some(c.invert()),
                offset: size - 2,
            },
            over,
        ]
    };
    let insts = match (form, arch, cond) {
        (Form::Medium, Arch::V6M, Some(c)) => skip(
            c,
            Inst::B {
                cond: None,
                offset: offset - 2,
            },
        ),
        (Form::Far, Arch::V6M, Some(c)) => skip(c, Inst::Bl { offset: offset - 2 }),
        (Form::Far, Arch::V6M, None) => vec![Inst::Bl { offset }],
        _ => vec![Inst::B { cond, offset }],
    };
    let mut size = 0;
    for inst in &insts {
        let enc = encode(inst, arch).map_err(|e| format!("branch out of range: {e}"))?;
        size += enc.size() as u32;
    }
    if size != jump_size(form, arch, cond) {
        return Err("needs a longer form".into());
    }
    Ok(insts)
}

/// Bytes of a branch in `form`.
fn jump_size(form: Form, arch: Arch, cond: Option<Cond>) -> u32 {
    match (form, arch, cond) {
        (Form::Short, ..) | (Form::Medium, Arch::V6M, None) => 2,
        (Form::Far, Arch::V6M, Some(_)) => 6,
        _ => 4,
    }
}
